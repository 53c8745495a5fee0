using System.Globalization;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Domain.Tax;

namespace Subscriptions.Domain.Quotes;

/// <summary>What a quote line asks for (QUO-1): seats added to an existing subscription, or a new subscription.</summary>
public enum QuoteLineKind
{
    /// <summary>Seats added to the subscription <see cref="QuoteLine.SubscriptionId"/>.</summary>
    AddSeats,

    /// <summary>A new subscription of the product and plan.</summary>
    NewSubscription,
}

/// <summary>One line of a quote as asked: what, of which product and plan, how many seats, billed how often.</summary>
public sealed record QuoteLine(QuoteLineKind Kind, string? SubscriptionId, string ProductId, string PlanId, int Seats, BillingFrequency Frequency);

/// <summary>A quote line priced from the catalog in the account's currency: the seat price for one period, times the seats.</summary>
public sealed record PricedQuoteLine(QuoteLine Line, string Description, Money UnitPrice, Money Amount);

/// <summary>
/// A quote (SPEC §3): lines priced from the catalog in the account's currency, taxed with the same table invoices use
/// (QUO-1), sent to the billing contact and expiring 7 days later (QUO-2), accepted into a service order (QUO-5),
/// rejected with a comment (QUO-6), or superseded by a newer order (QUO-3).
/// </summary>
public sealed partial record Quote
{
    /// <summary>How long a sent quote waits for an answer (QUO-2).</summary>
    public static readonly TimeSpan ValidFor = TimeSpan.FromDays(7);

    /// <summary>The most lines one quote holds.</summary>
    public const int MaxLines = 20;

    /// <summary>The longest rejection comment kept (QUO-6).</summary>
    public const int MaxCommentLength = 1000;

    /// <summary>The quote's number, unique in its account.</summary>
    public required string Number { get; init; }

    /// <summary>The account quoted.</summary>
    public required string AccountId { get; init; }

    /// <summary>The account's currency.</summary>
    public required Currency Currency { get; init; }

    /// <summary>Where the quote is in its lifecycle.</summary>
    public required QuoteStatus Status { get; init; }

    /// <summary>The priced lines.</summary>
    public required IReadOnlyList<PricedQuoteLine> Lines { get; init; }

    /// <summary>Sum of the lines.</summary>
    public required Money Subtotal { get; init; }

    /// <summary>Taxes on the subtotal, from the billing address (QUO-1, TAX-1).</summary>
    public required TaxAssessment Tax { get; init; }

    /// <summary>Subtotal + taxes.</summary>
    public Money Total => Subtotal + Tax.Total(Currency);

    /// <summary>When billing ops (or the self-service order) created it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was sent; null while a draft.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Sent + 7 days (QUO-2); null while a draft.</summary>
    public DateTimeOffset? ExpiresAt => SentAt + ValidFor;

    /// <summary>Why the billing contact rejected it (QUO-6).</summary>
    public string? RejectionComment { get; init; }

    /// <summary>The quote that replaced it (QUO-3).</summary>
    public string? SupersededBy { get; init; }

    /// <summary>Who made the last decision on it (accepted, rejected), and when.</summary>
    public QuoteAnswer? Decided { get; init; }

    /// <summary>
    /// The service order accepting it while that order is being placed (QUO-5): it can then be neither rejected,
    /// superseded nor expired, and no other order can take it, until the order accepts or releases it.
    /// </summary>
    public string? HeldBy { get; init; }

    /// <summary>The service order it was accepted in (QUO-5).</summary>
    public string? OrderNumber { get; init; }

    /// <summary>True while it waits for the billing contact's answer (QUO-3: a new order supersedes it).</summary>
    public bool IsPending => Status == QuoteStatus.Sent;
}

/// <summary>Who answered a quote (accepted or rejected it) and when.</summary>
public sealed record QuoteAnswer(string By, DateTimeOffset At);

/// <summary>
/// What a quote decision is made with: the catalog, the account's taxes and currency, the caller and the time; and, by
/// line, what the seats a line adds would bill if an order applied them now (<see cref="SeatCharges"/>).
/// </summary>
public sealed record QuoteContext(ProductCatalog Catalog, TaxCalculator Tax, TaxProfile TaxProfile, Currency Currency, CallerAuthority Caller, string CallerId, DateTimeOffset Now)
{
    /// <summary>
    /// By line index, the charges of the seats that line adds as the subscription would add them now (SUB-4: a new
    /// period of all its seats from today, less the unused part of the current one); a line without any is priced at one
    /// period of its seats.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyList<ChargeLine>> SeatCharges { get; init; } = new Dictionary<int, IReadOnlyList<ChargeLine>>();
}

/// <summary>A quote after a decision and the step that led there (none for a new draft).</summary>
public sealed record QuoteDecision(Quote Quote, QuoteEvent? Event, string Description);

/// <summary>A change to a quote.</summary>
public abstract record QuoteCommand;

/// <summary>Billing ops write a new draft (QUO-1).</summary>
public sealed record DraftQuote(string Number, string AccountId, IReadOnlyList<QuoteLine> Lines);

/// <summary>Billing ops replace a draft's lines (QUO-1).</summary>
public sealed record EditQuote(IReadOnlyList<QuoteLine> Lines) : QuoteCommand;

/// <summary>Billing ops send the quote to the billing contact; it expires 7 days later (QUO-2).</summary>
public sealed record SendQuote : QuoteCommand;

/// <summary>The billing contact accepts the quote (QUO-5), in service order <paramref name="OrderNumber"/> when it holds the quote.</summary>
public sealed record AcceptQuote(string? OrderNumber = null) : QuoteCommand;

/// <summary>
/// A service order being placed holds the quote, accepted at <paramref name="AcceptedAt"/> (QUO-5): the quote must be
/// acceptable then, and is kept for that order until it accepts or releases it (all or nothing).
/// </summary>
public sealed record HoldQuote(string OrderNumber, DateTimeOffset AcceptedAt) : QuoteCommand;

/// <summary>The order that held the quote was refused: the quote is free again, as it was.</summary>
public sealed record ReleaseQuote(string OrderNumber) : QuoteCommand;

/// <summary>
/// A primary holder's self-service order of <paramref name="Seats"/> more seats on a subscription (QUO-4): a quote of one
/// line, sent to the customer at once. <paramref name="Subscription"/> is the subscription as it stands.
/// </summary>
public sealed record OrderSeats(string Number, Subscriptions.SubscriptionState Subscription, int Seats);

/// <summary>The billing contact rejects the quote with a comment (QUO-6).</summary>
public sealed record RejectQuote(string? Comment) : QuoteCommand;

/// <summary>7 days passed since the quote was sent (QUO-2).</summary>
public sealed record ExpireQuote : QuoteCommand;

/// <summary>A newer order replaced the pending quote (QUO-3).</summary>
public sealed record SupersedeQuote(string ByQuoteNumber) : QuoteCommand;

/// <summary>The quote aggregate's decisions: pure, given the quote, a command and a context, the same shape as <c>Invoice.Decide</c>.</summary>
public sealed partial record Quote
{
    /// <summary>A new draft (QUO-1): billing ops only; every line priced from the catalog in the account's currency, then taxed.</summary>
    public static QuoteDecision Draft(DraftQuote command, QuoteContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        RequireOps(context, "write a quote");
        if (string.IsNullOrWhiteSpace(command.Number) || string.IsNullOrWhiteSpace(command.AccountId))
        {
            throw new ValidationException(string.IsNullOrWhiteSpace(command.Number) ? "quote_number" : "account_id", "is required.");
        }

        var priced = Price(command.Lines, context);
        var quote = new Quote
        {
            Number = command.Number,
            AccountId = command.AccountId,
            Currency = context.Currency,
            Status = QuoteStatus.Draft,
            Lines = priced.Lines,
            Subtotal = priced.Subtotal,
            Tax = priced.Tax,
            CreatedAt = context.Now,
        };
        return new QuoteDecision(quote, null, $"Quote {command.Number} drafted with {priced.Lines.Count} line(s), {quote.Total} in all.");
    }

    /// <summary>Decides <paramref name="command"/> on <paramref name="quote"/>: the one entry for every change of an existing quote.</summary>
    public static QuoteDecision Decide(Quote quote, QuoteCommand command, QuoteContext context)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(context);
        switch (command)
        {
            case EditQuote edit:
                RequireOps(context, "edit a quote");
                var to = QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Edited);
                var priced = Price(edit.Lines, context);
                return new QuoteDecision(
                    quote with { Status = to, Lines = priced.Lines, Subtotal = priced.Subtotal, Tax = priced.Tax }, QuoteEvent.Edited,
                    $"Quote {quote.Number} edited: {priced.Lines.Count} line(s).");
            case SendQuote:
                RequireOps(context, "send a quote");
                var sent = quote with { Status = QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Sent), SentAt = context.Now };
                return new QuoteDecision(sent, QuoteEvent.Sent, $"Quote {quote.Number} sent; it expires on {sent.ExpiresAt:u} ({Rules.Quo2}).");
            case AcceptQuote accept:
                RequireHolderOrOps(context, "accept a quote");
                if (quote.Status == QuoteStatus.Accepted && accept.OrderNumber is not null && quote.OrderNumber == accept.OrderNumber)
                {
                    // Its order's step run again: already done, nothing changes.
                    return new QuoteDecision(quote, null, $"Quote {quote.Number} was accepted in service order {accept.OrderNumber}.");
                }

                var acceptedTo = QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Accepted);
                if (quote.HeldBy is null || quote.HeldBy != accept.OrderNumber)
                {
                    // A held quote was acceptable when its order was placed; otherwise it must be so now.
                    RequireFree(quote, accept.OrderNumber);
                    RequireUnexpired(quote, context.Now);
                }

                return new QuoteDecision(
                    quote with { Status = acceptedTo, Decided = new QuoteAnswer(context.CallerId, context.Now), HeldBy = null, OrderNumber = accept.OrderNumber },
                    QuoteEvent.Accepted,
                    accept.OrderNumber is null
                        ? $"Quote {quote.Number} accepted by {Quoted.Of(context.CallerId)}."
                        : $"Quote {quote.Number} accepted by {Quoted.Of(context.CallerId)} in service order {accept.OrderNumber}.");
            case HoldQuote hold:
                RequireHolderOrOps(context, "accept a quote");
                QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Accepted);
                if (quote.HeldBy == hold.OrderNumber)
                {
                    return new QuoteDecision(quote, null, $"Quote {quote.Number} is already held by service order {hold.OrderNumber}.");
                }

                RequireFree(quote, hold.OrderNumber);
                RequireUnexpired(quote, hold.AcceptedAt);
                return new QuoteDecision(quote with { HeldBy = hold.OrderNumber }, null, $"Quote {quote.Number} held by service order {hold.OrderNumber} while it is placed.");
            case ReleaseQuote release:
                return quote.HeldBy == release.OrderNumber
                    ? new QuoteDecision(quote with { HeldBy = null }, null, $"Quote {quote.Number} released: service order {release.OrderNumber} was refused.")
                    : new QuoteDecision(quote, null, $"Quote {quote.Number} is not held by service order {release.OrderNumber}.");
            case RejectQuote reject:
                RequireHolderOrOps(context, "reject a quote");
                var rejectedTo = QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Rejected);
                RequireFree(quote, null);
                RequireUnexpired(quote, context.Now);
                var comment = reject.Comment?.Trim();
                if (string.IsNullOrEmpty(comment) || comment.Length > MaxCommentLength)
                {
                    throw new ValidationException("comment", $"comment is required to reject a quote ({Rules.Quo6}; at most {MaxCommentLength} characters): say why it does not suit.");
                }

                return new QuoteDecision(
                    quote with { Status = rejectedTo, RejectionComment = comment, Decided = new QuoteAnswer(context.CallerId, context.Now) },
                    QuoteEvent.Rejected, $"Quote {quote.Number} rejected by {Quoted.Of(context.CallerId)}: {Quoted.Of(comment)}.");
            case ExpireQuote:
                var expiredTo = QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Expired);
                RequireFree(quote, null);
                if (context.Now < quote.ExpiresAt)
                {
                    throw new RuleViolationException(Rules.Quo2, $"Quote {quote.Number} expires on {quote.ExpiresAt:u}, not before.");
                }

                return Expired(quote, expiredTo);
            case SupersedeQuote supersede:
                RequireHolderOrOps(context, "replace a pending quote with a new order");
                var supersededTo = QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Superseded);
                RequireFree(quote, null);
                if (context.Now >= quote.ExpiresAt)
                {
                    // Its 7 days ran out before the new order: it expired, whether or not its reminder has fired yet.
                    return Expired(quote, QuoteTransitions.Table.Require(quote.Status, QuoteEvent.Expired));
                }

                return new QuoteDecision(
                    quote with { Status = supersededTo, SupersededBy = supersede.ByQuoteNumber },
                    QuoteEvent.Superseded, $"Quote {quote.Number} superseded by quote {supersede.ByQuoteNumber}, the newer order.");
            case null:
                throw new ArgumentNullException(nameof(command));
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown quote command.");
        }
    }

    /// <summary>
    /// A self-service order of more seats (QUO-4): only for a product the catalog marks eligible, on an account with an
    /// automatic payment method (card or direct debit) and a billing address; the quote of one line is sent at once.
    /// </summary>
    public static QuoteDecision OrderSeats(OrderSeats command, Account account, QuoteContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(context);
        RequireHolderOrOps(context, "order seats");
        var subscription = command.Subscription;
        var product = context.Catalog.Product(subscription.ProductId);
        if (!product.AddSeatsEligible)
        {
            throw new RuleViolationException(Rules.Quo4, $"Seats for {product.Name} cannot be ordered online: please contact support or your sales representative.");
        }

        if (!account.HasAutomaticPaymentMethod(context.Now))
        {
            throw new RuleViolationException(Rules.Quo4, $"Account {Quoted.Of(account.Id)} has no automatic payment method that can be charged: add a card (an expired one cannot be) or a bank account for direct debit, then order again.");
        }

        if (!account.HasBillingAddress)
        {
            throw new RuleViolationException(Rules.Quo4, $"Account {Quoted.Of(account.Id)} has no billing address: add one, then order again.");
        }

        var line = new QuoteLine(QuoteLineKind.AddSeats, subscription.Id, subscription.ProductId, subscription.PlanId, command.Seats, subscription.Frequency);
        var draft = Draft(new DraftQuote(command.Number, account.Id, [line]), context with { Caller = CallerAuthority.BillingOps }).Quote;
        var sent = draft with { Status = QuoteTransitions.Table.Require(draft.Status, QuoteEvent.Sent), SentAt = context.Now };
        return new QuoteDecision(
            sent, QuoteEvent.Sent, $"Order of {command.Seats} seat(s) for {subscription.Id} by {Quoted.Of(context.CallerId)}: quote {sent.Number} sent; it expires on {sent.ExpiresAt:u} ({Rules.Quo2}).");
    }

    /// <summary>
    /// Checks that a line adding seats to <paramref name="subscription"/> quotes that subscription's product, plan and
    /// frequency, which are what its seats are billed at (QUO-1); <paramref name="index"/> names the line.
    /// </summary>
    public static void RequireLineMatches(QuoteLine line, int index, Subscriptions.SubscriptionState subscription)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(subscription);
        var where = $"lines[{index}]";
        if (line.ProductId != subscription.ProductId || line.PlanId != subscription.PlanId)
        {
            throw new ValidationException(
                $"{where}.plan_id", $"subscription {Quoted.Of(subscription.Id)} is {subscription.ProductId}/{subscription.PlanId}, not {line.ProductId}/{line.PlanId}: seats are added to its own plan.");
        }

        if (line.Frequency != subscription.Frequency)
        {
            throw new ValidationException(
                $"{where}.frequency", $"subscription {Quoted.Of(subscription.Id)} is billed {subscription.Frequency.ToWireName()}: seats added to it are billed the same.");
        }
    }

    private static void RequireFree(Quote quote, string? orderNumber)
    {
        if (quote.HeldBy is { } holder && holder != orderNumber)
        {
            throw new RuleViolationException(Rules.Quo5, $"Quote {quote.Number} is being accepted in service order {holder}: it cannot change until that order is placed.");
        }
    }

    private static QuoteDecision Expired(Quote quote, QuoteStatus to) =>
        new(quote with { Status = to }, QuoteEvent.Expired, $"Quote {quote.Number} expired: no answer within 7 days of sending.");

    private static void RequireUnexpired(Quote quote, DateTimeOffset now)
    {
        if (quote.Status == QuoteStatus.Sent && quote.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            throw new RuleViolationException(Rules.Quo2, $"Quote {quote.Number} expired on {expiresAt:u}, 7 days after it was sent: ask billing ops for a new one.");
        }
    }

    private static (IReadOnlyList<PricedQuoteLine> Lines, Money Subtotal, TaxAssessment Tax) Price(IReadOnlyList<QuoteLine> lines, QuoteContext context)
    {
        if (lines is not { Count: > 0 and <= Quote.MaxLines })
        {
            throw new ValidationException("lines", $"a quote has from 1 to {Quote.MaxLines} lines (got {lines?.Count ?? 0}).");
        }

        var priced = new List<PricedQuoteLine>();
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var where = $"lines[{i}]";
            if (line is null)
            {
                throw new ValidationException(where, "is required: a line says what is quoted.");
            }

            if (line.Seats is < 1 or > Limits.MaxSeats)
            {
                throw new ValidationException($"{where}.seats", $"seats must be from 1 to {Limits.MaxSeats} (got {line.Seats}).");
            }

            if (line.Kind == QuoteLineKind.NewSubscription && !string.IsNullOrEmpty(line.SubscriptionId))
            {
                throw new ValidationException($"{where}.subscription_id", "must be empty for a new subscription: its id is the quote number and the line's place.");
            }

            if (line.Kind == QuoteLineKind.AddSeats && string.IsNullOrWhiteSpace(line.SubscriptionId))
            {
                throw new ValidationException($"{where}.subscription_id", "is required for seats added to a subscription.");
            }

            var product = context.Catalog.Product(line.ProductId);
            var plan = product.Plan(line.PlanId);
            product.RequireFrequency(line.Frequency);
            if (line.Seats > product.MaxSeats)
            {
                throw new ValidationException($"{where}.seats", $"seats must be from 1 to {product.MaxSeats} for {product.Name} (got {line.Seats}).");
            }

            var unit = plan.SeatPrice(product.Id, line.Frequency, context.Currency);
            var what = line.Kind == QuoteLineKind.AddSeats ? $"{line.Seats} seat(s) added to {line.SubscriptionId}" : $"new subscription, {line.Seats} seat(s)";
            var description = $"{product.Name} {plan.Name}, {what}, {line.Frequency.ToWireName()}";
            if (line.Kind == QuoteLineKind.AddSeats && context.SeatCharges.TryGetValue(i, out var charges) && charges.Count > 0)
            {
                // Priced as its order bills it: the subscription's own proration of the seats, as of now (SUB-4).
                var amount = charges.Aggregate(Money.Zero(context.Currency), (sum, c) => sum + c.ExactAmount.Round());
                var billed = string.Join("; ", charges.Select(c => $"{c.Description} {c.ExactAmount.Round().Amount.ToString("0.00", CultureInfo.InvariantCulture)}"));
                var when = product.BillingModel == BillingModel.Calendar ? ", with the next monthly invoice" : "";
                priced.Add(new PricedQuoteLine(line, $"{description}, as its order adds them{when}: {billed}", unit, amount));
                continue;
            }

            priced.Add(new PricedQuoteLine(line, description, unit, unit * line.Seats));
        }

        var subtotal = priced.Aggregate(Money.Zero(context.Currency), (sum, l) => sum + l.Amount);
        var tax = subtotal.Amount > Limits.MaxAmount ? TaxAssessment.None : context.Tax.Assess(subtotal, context.TaxProfile);
        if (subtotal.Amount > Limits.MaxAmount || (subtotal + tax.Total(context.Currency)).Amount > Limits.MaxAmount)
        {
            throw new RuleViolationException(Rules.Quo1, $"The quote would total more than the largest amount {Limits.MaxAmount} (subtotal {subtotal}).");
        }

        return (priced, subtotal, tax);
    }

    private static void RequireOps(QuoteContext context, string action)
    {
        if (!Permissions.Allows(context.Caller, AccountAction.WriteQuotes))
        {
            throw new PermissionDeniedException(Rules.Acc2, $"Only billing ops can {action}.");
        }
    }

    private static void RequireHolderOrOps(QuoteContext context, string action)
    {
        if (!Permissions.Allows(context.Caller, AccountAction.AnswerQuotes))
        {
            throw new PermissionDeniedException(Rules.Acc2, $"Only the account's primary holder or billing ops can {action}.");
        }
    }
}
