using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Quotes;

namespace Subscriptions.Domain.Orders;

/// <summary>The member who administers the ordered products for the account (QUO-5): created or updated at checkout, given a licence per product.</summary>
public sealed record AdministratorContact(string SubjectId, string Email);

/// <summary>
/// The checkout details given with the acceptance (QUO-5): the administrator contact, the saved automatic payment
/// method the order is charged to, and the billing address when it changes.
/// </summary>
public sealed record Checkout(AdministratorContact Administrator, string PaymentMethodId, PostalAddress? BillingAddress);

/// <summary>One quote line as the order applies it: the subscription it changes, or the id of the one it creates.</summary>
public sealed record OrderLine(string QuoteNumber, int LineIndex, QuoteLine Line, string SubscriptionId);

/// <summary>How the order's one charge went (INV-3, INV-4).</summary>
public sealed record OrderCharge(string Status, string Amount, int? Attempt, string Description);

/// <summary>
/// A service order (SPEC §3, QUO-5): the quotes of one account accepted together with the checkout details. Placed at
/// acceptance (every quote and every subscription it changes held for it, all or nothing), then fulfilled: every change
/// applied once, one invoice, one charge, one confirmation with its receipt. A cart that cannot be applied whole is
/// refused with nothing applied.
/// </summary>
public sealed record ServiceOrder
{
    /// <summary>The most quotes one cart accepts.</summary>
    public const int MaxQuotes = 10;

    /// <summary>The order's number, unique in its account.</summary>
    public required string Number { get; init; }

    /// <summary>The account ordering.</summary>
    public required string AccountId { get; init; }

    /// <summary>The quotes accepted, in the order given.</summary>
    public required IReadOnlyList<string> QuoteNumbers { get; init; }

    /// <summary>Every quote line, as applied.</summary>
    public required IReadOnlyList<OrderLine> Lines { get; init; }

    /// <summary>The checkout details.</summary>
    public required Checkout Checkout { get; init; }

    /// <summary>Who accepted the quotes.</summary>
    public required string PlacedBy { get; init; }

    /// <summary>When the quotes were accepted.</summary>
    public required DateTimeOffset PlacedAt { get; init; }

    /// <summary>Where the order is.</summary>
    public required OrderStatus Status { get; init; }

    /// <summary>Why the order was refused: the rule and the quote (QUO-5).</summary>
    public OrderRefusal? Refusal { get; init; }

    /// <summary>The order's one invoice, once issued.</summary>
    public string? InvoiceNumber { get; init; }

    /// <summary>The order's one charge, once made.</summary>
    public OrderCharge? Charge { get; init; }

    /// <summary>When the order was fulfilled.</summary>
    public DateTimeOffset? FulfilledAt { get; init; }

    /// <summary>
    /// Places an order for <paramref name="quotes"/> (QUO-5), in the order the customer listed them: each must be a
    /// quote of the account that is sent and unexpired now, the payment method a saved automatic one, the
    /// administrator a valid contact. The quotes and subscriptions are held by the grains next, all or nothing.
    /// </summary>
    public static ServiceOrder Place(string number, Checkout checkout, IReadOnlyList<Quote> quotes, Account account, string placedBy, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        ArgumentNullException.ThrowIfNull(checkout);
        ArgumentNullException.ThrowIfNull(quotes);
        ArgumentNullException.ThrowIfNull(account);
        RequireCart([.. quotes.Select(q => q.Number)]);
        var violations = new ViolationList();
        violations.Check("checkout.administrator.subject_id", TextRules.Required(checkout.Administrator?.SubjectId));
        violations.Check("checkout.administrator.email", EmailRules.Problem(checkout.Administrator?.Email));
        violations.Check("checkout.payment_method_id", TextRules.Required(checkout.PaymentMethodId));
        var address = checkout.BillingAddress is null ? null : AddressRules.Validate(checkout.BillingAddress, "checkout.billing_address", violations);
        violations.ThrowIfAny();
        var administrator = checkout.Administrator!;
        if (checkout.BillingAddress is null && !account.HasBillingAddress)
        {
            throw new RuleViolationException(Rules.Quo5, $"Account {Quoted.Of(account.Id)} has no billing address: give one at checkout.");
        }

        var method = account.PaymentMethods.FirstOrDefault(m => m.Id == checkout.PaymentMethodId.Trim())
            ?? throw new ValidationException("checkout.payment_method_id", $"{Quoted.Of(checkout.PaymentMethodId)} is not a payment method of account {Quoted.Of(account.Id)}.");
        if (!method.IsAutomatic)
        {
            throw new RuleViolationException(Rules.Quo5, $"Payment method {Quoted.Of(method.Id)} is not automatic: an order is charged to a card or a bank account (direct debit).");
        }

        var lines = new List<OrderLine>();
        foreach (var quote in quotes)
        {
            RequireAcceptable(quote, account.Id, now);
            lines.AddRange(quote.Lines.Select((l, i) => new OrderLine(
                quote.Number, i, l.Line, l.Line.Kind == QuoteLineKind.AddSeats ? l.Line.SubscriptionId! : NewSubscriptionId(quote.Number, i))));
        }

        return new ServiceOrder
        {
            Number = number,
            AccountId = account.Id,
            QuoteNumbers = [.. quotes.Select(q => q.Number)],
            Lines = lines,
            Checkout = checkout with { PaymentMethodId = method.Id, BillingAddress = address, Administrator = administrator with { SubjectId = administrator.SubjectId.Trim(), Email = EmailRules.Normalize(administrator.Email) } },
            PlacedBy = placedBy,
            PlacedAt = now,
            Status = OrderStatus.Placed,
        };
    }

    /// <summary>The quote numbers of a cart: 1 to <see cref="MaxQuotes"/>, each once.</summary>
    public static void RequireCart(IReadOnlyList<string> quoteNumbers)
    {
        ArgumentNullException.ThrowIfNull(quoteNumbers);
        if (quoteNumbers.Count is < 1 or > MaxQuotes)
        {
            throw new ValidationException("quote_numbers", $"a cart accepts from 1 to {MaxQuotes} quotes (got {quoteNumbers.Count}).");
        }

        if (quoteNumbers.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
        {
            throw new ValidationException("quote_numbers", "a quote number is empty.");
        }

        if (quoteNumbers.GroupBy(n => n.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ValidationException("quote_numbers", $"quote {Quoted.Of(twice.Key)} is listed twice.");
        }
    }

    /// <summary>The id of the subscription a new-subscription line creates: the quote number and the line's place, stable on every retry.</summary>
    public static string NewSubscriptionId(string quoteNumber, int lineIndex) => $"{quoteNumber.ToLowerInvariant()}-{lineIndex + 1}";

    /// <summary>
    /// Decides <paramref name="command"/> on a placed order at <paramref name="now"/>, through the order lifecycle: the
    /// one entry for every change of an existing order (its creation is <see cref="Place"/>).
    /// </summary>
    public static ServiceOrder Decide(ServiceOrder order, OrderCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        return command switch
        {
            RefuseOrder refuse => order with { Status = OrderTransitions.Table.Require(order.Status, OrderEvent.Refused), Refusal = refuse.Refusal },
            FulfilOrder fulfil => order with
            {
                Status = OrderTransitions.Table.Require(order.Status, OrderEvent.Fulfilled), InvoiceNumber = fulfil.InvoiceNumber, Charge = fulfil.Charge, FulfilledAt = now,
            },
            null => throw new ArgumentNullException(nameof(command)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown order command."),
        };
    }

    /// <summary>A quote the cart may accept: of this account, sent, and unexpired at <paramref name="now"/>; the refusal names the quote and the rule.</summary>
    private static void RequireAcceptable(Quote quote, string accountId, DateTimeOffset now)
    {
        if (quote.AccountId != accountId)
        {
            throw new ValidationException("quote_numbers", $"quote {Quoted.Of(quote.Number)} is not a quote of account {Quoted.Of(accountId)}.");
        }

        if (!QuoteTransitions.Table.Allows(quote.Status, QuoteEvent.Accepted))
        {
            var refusal = QuoteTransitions.Table.RefusalFor(quote.Status, QuoteEvent.Accepted);
            throw new RuleViolationException(refusal.RuleId, $"Quote {quote.Number} cannot be accepted: {refusal.Reason} Nothing in the cart was applied.");
        }

        if (quote.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            throw new RuleViolationException(Rules.Quo2, $"Quote {quote.Number} expired on {expiresAt:u}, 7 days after it was sent: nothing in the cart was applied; ask billing ops for a new one.");
        }
    }
}

/// <summary>A change to a placed service order.</summary>
public abstract record OrderCommand;

/// <summary>A quote or a line of the cart could not be held: the order is refused and nothing of it applied (QUO-5).</summary>
public sealed record RefuseOrder(OrderRefusal Refusal) : OrderCommand;

/// <summary>Every change applied, the order's invoice issued (if anything is due) and its charge made (QUO-5).</summary>
public sealed record FulfilOrder(string? InvoiceNumber, OrderCharge? Charge) : OrderCommand;

/// <summary>Why an order was refused: the rule, the quote (or subscription) it concerns, and the customer's sentence.</summary>
public sealed record OrderRefusal(string RuleId, string Subject, string Message);
