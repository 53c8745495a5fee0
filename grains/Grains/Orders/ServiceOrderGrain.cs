using System.Globalization;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Domain.Tax;
using Subscriptions.Domain;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.Quotes;
using Subscriptions.Grains.SubscriptionLifecycle;

namespace Subscriptions.Grains.Orders;

/// <summary>The state of a service order grain.</summary>
[GenerateSerializer, Alias("subscriptions.ServiceOrderState")]
public sealed record ServiceOrderState : IProjectedState<ServiceOrderState>
{
    /// <summary>The order, or null until it is placed.</summary>
    [Id(0)]
    public ServiceOrder? Order { get; init; }

    /// <summary>Who accepted the quotes: the order's changes and charge are made on their behalf.</summary>
    [Id(1)]
    public Actor? PlacedBy { get; init; }

    /// <summary>True once every quote and subscription of a placed order is held for it.</summary>
    [Id(2)]
    public bool Held { get; init; }

    /// <summary>True while a refused order still has holds to release.</summary>
    [Id(3)]
    public bool ReleasePending { get; init; }

    /// <inheritdoc />
    public static ProjectedFields? Project(ServiceOrderState state) => state?.Order is { } order
        ? new ProjectedFields(order.AccountId, order.Number, order.Status.ToWireName())
        {
            WakeName = ServiceOrderGrain.Step(state),
            IssuedAt = order.PlacedAt,
        }
        : null;
}

/// <summary>
/// The service order grain (QUO-5). Accepting places it in one change that writes nothing elsewhere: the cart is checked
/// (every quote sent and unexpired, the checkout valid) and the order stored as placed, with a wake-up due at once. The
/// rest are changes of that wake-up, each under request ids derived from the order and its step, so however often a
/// step runs (inline after the acceptance, or by the grain's own reminder after a crash) it is applied once:
/// <list type="number">
/// <item><b>hold</b>: every quote and every subscription it adds seats to is held for the order (all or nothing): a
/// held quote cannot be rejected, superseded or expire, a held subscription takes no other change. A refusal stores
/// the order refused, naming the quote and the rule, and <b>release</b> frees what was held.</item>
/// <item><b>fulfil</b>: the checkout (billing address, administrator contact), the quotes accepted, the seats added
/// and the subscriptions created, a licence per product for the administrator, one invoice for every line with its
/// tax, one charge to the payment method (INV-3, INV-4), and the confirmation with its receipt (NOT-1).</item>
/// </list>
/// Nothing calls an order, so its calls to quotes, subscriptions, the account and the invoice never wait on it.
/// </summary>
[GrainType(TypeName)]
public sealed class ServiceOrderGrain(
    [PersistentState(ServiceOrderGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<ServiceOrderState>> record,
    GrainServices services,
    ProductCatalog catalog,
    TaxCalculator tax) : RecordedGrain<ServiceOrderState>(record, services), IServiceOrderGrain, IWakeableGrain
{
    /// <summary>The grain type name under which service orders are stored and inspected (OPS-1).</summary>
    public const string TypeName = "order";

    /// <summary>Kind of the confirmation with its receipt to the billing contact (QUO-5, NOT-1).</summary>
    public const string ConfirmedKind = "order-confirmed";

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public async Task<ServiceOrder> PlaceAsync(Actor actor, IReadOnlyList<string> quoteNumbers, Checkout checkout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(quoteNumbers);
        ArgumentNullException.ThrowIfNull(checkout);
        await ChangeAsync(nameof(PlaceAsync), async () =>
        {
            if (State.Order is not null)
            {
                throw new AlreadyExistsException("Service order", GrainKey);
            }

            ServiceOrder.RequireCart(quoteNumbers);
            var account = (await Ledger().ReadAsync()).Account;
            account.Authorize(actor, AccountAction.AnswerQuotes);
            if (account.IsErased)
            {
                throw new RuleViolationException(Rules.Acc8, $"The personal data of account {Quoted.Of(account.Id)} was erased: it takes no order.");
            }

            if (account.TestClockId is { } clockId && clockId != ClockId)
            {
                await BindToClockAsync(clockId, cancellationToken);
            }

            var quotes = new List<Quote>();
            foreach (var number in quoteNumbers)
            {
                quotes.Add(await QuoteOf(number.Trim()).ReadAsync());
            }

            var order = ServiceOrder.Place(Number, checkout, quotes, account, actor.SubjectId, Now);
            State = State with { Order = order, PlacedBy = actor };
            RecordHistory("placed", null, order.Status.ToString().ToLowerInvariant(), new { order.QuoteNumbers, Description = $"Quotes {string.Join(", ", order.QuoteNumbers)} accepted by {Quoted.Of(actor.SubjectId)}." });
            return order;
        }, cancellationToken);

        try
        {
            await AdvanceAsync(await CurrentTimeAsync(CancellationToken.None));
        }
        catch (Exception e) when (IsOutage(e))
        {
            // The order is placed; its own wake-up finishes it (processing can take up to 24 hours).
        }

        return RequireOrder();
    }

    /// <inheritdoc />
    public async Task<ServiceOrder> GetAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        cancellationToken.ThrowIfCancellationRequested();
        var order = RequireOrder();
        (await Ledger().ReadAsync()).Account.Authorize(actor, AccountAction.ViewQuotes);
        return order;
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> WakeAsync(DateTimeOffset clockTime) => WakeUpAsync(clockTime, CancellationToken.None);

    /// <inheritdoc />
    protected override DateTimeOffset? WantedWakeAt(ServiceOrderState state) =>
        state.Order is { } order && (order.Status == OrderStatus.Placed || state.ReleasePending) ? order.PlacedAt : null;


    /// <summary>Runs the order's next step (hold, fulfil or release) as a change of its wake-up.</summary>
    protected override Task HandleDueAsync(DateTimeOffset at, CancellationToken cancellationToken) => RunStepAsync(at);

    /// <summary>Runs every step still due, in order.</summary>
    private async Task AdvanceAsync(DateTimeOffset at)
    {
        for (var steps = 0; steps < 3 && Step(State) is not null; steps++)
        {
            await RunStepAsync(at);
        }
    }

    internal static string? Step(ServiceOrderState state) => state.Order switch
    {
        { Status: OrderStatus.Placed } when !state.Held => "hold",
        { Status: OrderStatus.Placed } => "fulfil",
        { Status: OrderStatus.Refused } when state.ReleasePending => "release",
        _ => null,
    };

    private Task RunStepAsync(DateTimeOffset at)
    {
        var order = RequireOrder();
        return Step(State) switch
        {
            "hold" => ChangeOnWakeAsync("hold", order.PlacedAt, at, () => HoldAsync(order)),
            "fulfil" => ChangeOnWakeAsync("fulfil", order.PlacedAt, at, () => FulfilAsync(order)),
            "release" => ChangeOnWakeAsync("release", order.PlacedAt, at, () => ReleaseAsync(order)),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>Holds every quote, then every subscription the order adds seats to; the first refusal refuses the order whole.</summary>
    private async Task HoldAsync(ServiceOrder order)
    {
        foreach (var number in order.QuoteNumbers)
        {
            if (await RefusedAsync(order, number, () => QuoteOf(number).HoldAsync(order.Number, order.PlacedAt, order.PlacedBy), $"hold-quote:{number}"))
            {
                return;
            }
        }

        foreach (var (subscriptionId, seats, first) in SeatsBySubscription(order))
        {
            if (await RefusedAsync(
                order, first.QuoteNumber, () => SubscriptionOf(order, subscriptionId).HoldForOrderAsync(order.Number, seats, first.Line.ProductId, first.Line.PlanId),
                $"hold-subscription:{subscriptionId}", subscriptionId))
            {
                return;
            }
        }

        foreach (var line in NewSubscriptions(order))
        {
            if (await RefusedAsync(order, line.QuoteNumber, () => SubscriptionOf(order, line.SubscriptionId).HoldNewForOrderAsync(order.Number, Purchase(order, line)), $"hold-new:{line.SubscriptionId}", line.SubscriptionId))
            {
                return;
            }
        }

        State = State with { Held = true };
        RecordHistory("held", null, null, new { Description = $"Quotes {string.Join(", ", order.QuoteNumbers)} and the subscriptions they change are held for the order." });
    }

    /// <summary>Runs one hold; a refusal stores the order refused (its holds released next) and answers true.</summary>
    private async Task<bool> RefusedAsync<T>(ServiceOrder order, string quoteNumber, Func<Task<T>> hold, string step, string? subscriptionId = null)
    {
        try
        {
            await NestedStepAsync(step, hold);
            return false;
        }
        catch (DomainException e) when (IsRefusal(e))
        {
            var rule = e is RuleViolationException violation ? violation.RuleId : Rules.Quo5;
            var what = subscriptionId is null ? $"Quote {quoteNumber}" : $"Quote {quoteNumber}, on subscription {subscriptionId}";
            var refusal = new OrderRefusal(rule, quoteNumber, Quoted.Cut($"{what} cannot be applied ({rule}): {e.Message} Nothing in the cart was applied."));
            State = State with { Order = ServiceOrder.Decide(order, new RefuseOrder(refusal), Now), ReleasePending = true };
            RecordHistory("refused", "placed", "refused", new { refusal.RuleId, refusal.Subject, refusal.Message });
            return true;
        }
    }

    /// <summary>Frees every quote and subscription of a refused order (each release does nothing where nothing was held).</summary>
    private async Task ReleaseAsync(ServiceOrder order)
    {
        foreach (var number in order.QuoteNumbers)
        {
            await NestedStepAsync($"release-quote:{number}", () => QuoteOf(number).ReleaseAsync(order.Number));
        }

        foreach (var subscriptionId in SeatsBySubscription(order).Select(s => s.SubscriptionId).Concat(NewSubscriptions(order).Select(l => l.SubscriptionId)))
        {
            await NestedStepAsync($"release-subscription:{subscriptionId}", () => SubscriptionOf(order, subscriptionId).ReleaseFromOrderAsync(order.Number));
        }

        State = State with { ReleasePending = false };
        RecordHistory("released", null, null, new { Description = "Everything the refused order held is free again." });
    }

    /// <summary>Applies the held order: checkout, quotes, subscriptions, licences, one invoice, one charge, the confirmation.</summary>
    private async Task FulfilAsync(ServiceOrder order)
    {
        var actor = State.PlacedBy ?? Actor.Ops("service-order");
        var account = (await Ledger().ReadAsync()).Account;
        var notes = new List<string>();
        if (order.Checkout.BillingAddress is { } address)
        {
            await CheckoutStepAsync("billing-address", () => AccountOf(order).ChangeAsync(actor, new ChangeBillingAddress(address)), notes);
        }

        var administrator = order.Checkout.Administrator;
        await CheckoutStepAsync("administrator", () => AccountOf(order).ChangeAsync(Actor.Ops("service-order"), new SetAdministrator(administrator.SubjectId, administrator.Email)), notes);
        foreach (var number in order.QuoteNumbers)
        {
            await NestedStepAsync($"accept:{number}", () => QuoteOf(number).AcceptAsync(order.Number, order.PlacedBy));
        }

        // One licence per product of the order for its administrator, on the first subscription of that product, given
        // in the change that applies that subscription's line.
        var licensed = order.Lines.GroupBy(l => l.Line.ProductId, StringComparer.Ordinal).Select(g => g.First().SubscriptionId).ToHashSet(StringComparer.Ordinal);
        string? LicenceFor(string subscriptionId) => licensed.Contains(subscriptionId) ? administrator.SubjectId : null;
        var charges = new List<ChargeLine>();
        foreach (var (subscriptionId, _, _) in SeatsBySubscription(order))
        {
            charges.AddRange((await NestedStepAsync($"apply:{subscriptionId}", () =>
                SubscriptionOf(order, subscriptionId).ApplyOrderSeatsAsync(order.Number, LicenceFor(subscriptionId)))).Charges);
        }

        foreach (var line in NewSubscriptions(order))
        {
            charges.AddRange((await NestedStepAsync($"create:{line.SubscriptionId}", () =>
                SubscriptionOf(order, line.SubscriptionId).CreateForOrderAsync(order.Number, Purchase(order, line), LicenceFor(line.SubscriptionId)))).Charges);
        }

        var (invoice, charge) = await BillAsync(order, account, actor, charges);
        var fulfilled = ServiceOrder.Decide(order, new FulfilOrder(invoice?.Number, charge), Now);
        State = State with { Order = fulfilled };
        RecordHistory("fulfilled", "placed", "fulfilled", new { InvoiceNumber = invoice?.Number, Charge = charge, Notes = notes });
        Notify(ConfirmedKind, new OrderConfirmation(
            order.AccountId, order.Number, order.QuoteNumbers, invoice?.Number, invoice?.Total.Amount.ToString(CultureInfo.InvariantCulture) ?? "0.00",
            account.Currency.Code, charge, administrator.SubjectId, [.. order.Lines.Select(l => l.SubscriptionId).Distinct()],
            "Your order is confirmed; its changes are applied. Processing can take up to 24 hours.", account.BillingContactEmails));
    }

    /// <summary>The order's one invoice for every line, with its tax (INV-1, INV-2), and its one charge to the checkout's method (INV-3, INV-4).</summary>
    private async Task<(Invoice? Invoice, OrderCharge? Charge)> BillAsync(ServiceOrder order, Account account, Actor actor, IReadOnlyList<ChargeLine> charges)
    {
        var net = charges.Aggregate(Money.Zero(account.Currency), (sum, c) => sum + c.ExactAmount.Round());
        if (charges.Count > 0 && net.IsNegative)
        {
            // An invoice is never negative: what the changes give back goes to the account balance (ACC-6) with its
            // tax, as a subscription's own changes do.
            var credit = account.CreditForUnusedService(-net, tax);
            await NestedStepAsync("credit", () => Ledger().AddCreditAsync(new AddAccountCredit(order.Lines[0].SubscriptionId, credit, $"Service order {order.Number}")));
        }

        if (charges.Count == 0 || net.IsZero || net.IsNegative)
        {
            return (null, null);
        }

        // The order charges at once; autopay (when on) retries a declined charge on the product's retry days (INV-6).
        var retryDays = catalog.Product(order.Lines[0].Line.ProductId).AutopayRetryDays;
        IReadOnlyList<DateTimeOffset> retries = [.. InvoiceLifecycle.AutopaySchedule(Now, retryDays).Skip(1)];
        var invoice = await NestedStepAsync("invoice", () => Ledger().IssueInvoiceAsync(new IssueInvoice(charges, retries)));
        await NestedStepAsync("open-invoice", async () =>
        {
            await GrainFactory.GetGrain<IInvoiceOpeningGrain>(InvoiceKey.Of(order.AccountId, invoice.Number)).OpenAsync(new IssuedInvoice(invoice, account.TestClockId));
            return true;
        });
        if (invoice.Balance.IsZero)
        {
            return (invoice, new OrderCharge("paid-by-credit", "0.00", null, $"The account's credit paid the whole invoice ({Rules.Acc6}): nothing was charged."));
        }

        try
        {
            var paid = await NestedStepAsync("charge", () =>
                GrainFactory.GetGrain<IInvoiceGrain>(InvoiceKey.Of(order.AccountId, invoice.Number)).PayAsync(actor, new PayInvoice(order.Checkout.PaymentMethodId, null, null)));
            var attempt = paid.Attempt;
            return (paid.Invoice, new OrderCharge(
                attempt.Status.ToWireName(), attempt.Amount.Amount.ToString(CultureInfo.InvariantCulture), attempt.Number,
                attempt.Status switch
                {
                    PaymentAttemptStatus.Succeeded => $"Charged {attempt.Amount} to payment method {order.Checkout.PaymentMethodId}.",
                    PaymentAttemptStatus.RequiresAction => $"The charge of {attempt.Amount} waits for the customer's authentication ({Rules.Inv4}).",
                    _ => $"The charge of {attempt.Amount} was declined: invoice {invoice.Number} stays open, to pay before it falls due ({Rules.Inv4}, {Rules.Inv5}).",
                }));
        }
        catch (DomainException e) when (IsRefusal(e))
        {
            return (invoice, new OrderCharge("not-charged", "0.00", null, Quoted.Cut($"Not charged: {e.Message} Invoice {invoice.Number} stays open.")));
        }
    }

    /// <summary>A checkout step the order does not stop for (the member or licence is already there): its refusal is noted in the order's history.</summary>
    private async Task CheckoutStepAsync<T>(string step, Func<Task<T>> call, List<string> notes)
    {
        try
        {
            await NestedStepAsync(step, call);
        }
        catch (DomainException e) when (IsRefusal(e))
        {
            notes.Add(Quoted.Cut($"{step}: {e.Message}"));
        }
    }

    /// <summary>A refusal by a called grain (a rule, a bad or missing thing, no right), which wrote nothing: not an outage to retry.</summary>
    private static bool IsRefusal(DomainException e) => e is RuleViolationException or ValidationException or NotFoundException or PermissionDeniedException;

    /// <summary>The seats each subscription gets from the order (two quotes may add to one subscription), with its first line.</summary>
    private static IEnumerable<(string SubscriptionId, int Seats, OrderLine First)> SeatsBySubscription(ServiceOrder order) =>
        order.Lines.Where(l => l.Line.Kind == QuoteLineKind.AddSeats)
            .GroupBy(l => l.SubscriptionId, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(l => l.Line.Seats), g.First()));

    /// <summary>The lines that start a subscription.</summary>
    private static IEnumerable<OrderLine> NewSubscriptions(ServiceOrder order) => order.Lines.Where(l => l.Line.Kind == QuoteLineKind.NewSubscription);

    /// <summary>The purchase a new-subscription line makes.</summary>
    private static CreatePaid Purchase(ServiceOrder order, OrderLine line) =>
        new(line.SubscriptionId, order.AccountId, line.Line.ProductId, line.Line.PlanId, line.Line.Seats, line.Line.Frequency, null, 0, null);

    private string Number => GrainKey[(GrainKey.LastIndexOf('/') + 1)..];

    private IAccountLedgerGrain Ledger() => GrainFactory.GetGrain<IAccountLedgerGrain>(GrainKey[..GrainKey.LastIndexOf('/')]);

    private IAccountGrain AccountOf(ServiceOrder order) => GrainFactory.GetGrain<IAccountGrain>(order.AccountId);

    private IQuoteOrderGrain QuoteOf(string number) => GrainFactory.GetGrain<IQuoteOrderGrain>(QuoteKey.Of(GrainKey[..GrainKey.LastIndexOf('/')], number));

    private ISubscriptionOrderGrain SubscriptionOf(ServiceOrder order, string subscriptionId) =>
        GrainFactory.GetGrain<ISubscriptionOrderGrain>(SubscriptionKey.Of(order.AccountId, subscriptionId));

    private ServiceOrder RequireOrder() => State.Order ?? throw new NotFoundException("Service order", GrainKey);
}

/// <summary>
/// The confirmation of a fulfilled order to the billing contact, with its receipt (QUO-5, NOT-1): the order, its quotes,
/// its invoice and total, how the charge went, the administrator given licences and the subscriptions changed.
/// </summary>
public sealed record OrderConfirmation(
    string AccountId,
    string OrderNumber,
    IReadOnlyList<string> QuoteNumbers,
    string? InvoiceNumber,
    string Total,
    string Currency,
    OrderCharge? Receipt,
    string Administrator,
    IReadOnlyList<string> Subscriptions,
    string Message,
    IReadOnlyList<string> Recipients);
