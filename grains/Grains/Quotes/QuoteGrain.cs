using System.Globalization;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Domain.Tax;
using Subscriptions.Domain;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;

namespace Subscriptions.Grains.Quotes;

/// <summary>The state of a quote grain: the quote, or null until it is drafted or ordered.</summary>
[GenerateSerializer, Alias("subscriptions.QuoteGrainState")]
public sealed record QuoteGrainState : IProjectedState<QuoteGrainState>
{
    /// <summary>The quote.</summary>
    [Id(0)]
    public Quote? Quote { get; init; }

    /// <inheritdoc />
    public static ProjectedFields? Project(QuoteGrainState state) => state?.Quote is { } quote
        ? new ProjectedFields(quote.AccountId, quote.Number, quote.Status.ToWireName())
        {
            WakeName = QuoteGrain.ExpiresAt(state) is null ? null : "quote-expiry",
            Currency = quote.Currency.Code,
            Total = quote.Total.Amount,
            IssuedAt = quote.SentAt,
            ExpiresAt = quote.IsPending ? quote.ExpiresAt : null,
        }
        : null;
}

/// <summary>What a service order does with a quote, without a caller check: the quote grain's internal contract (QUO-3, QUO-5).</summary>
[Alias("subscriptions.quote-order")]
public interface IQuoteOrderGrain : IGrainWithStringKey
{
    /// <summary>The quote as it stands; NOT_FOUND when it was never written.</summary>
    Task<Quote> ReadAsync();

    /// <summary>Holds the quote for service order <paramref name="orderNumber"/>, accepted at <paramref name="acceptedAt"/> (QUO-5).</summary>
    Task<Quote> HoldAsync(string orderNumber, DateTimeOffset acceptedAt, string acceptedBy);

    /// <summary>Frees the quote the refused order <paramref name="orderNumber"/> held.</summary>
    Task<Quote> ReleaseAsync(string orderNumber);

    /// <summary>Accepts the quote in service order <paramref name="orderNumber"/> (QUO-5).</summary>
    Task<Quote> AcceptAsync(string orderNumber, string acceptedBy);

    /// <summary>Supersedes the pending quote by the newer order's quote <paramref name="byNumber"/> (QUO-3).</summary>
    Task<Quote> SupersedeAsync(string byNumber);
}

/// <summary>
/// The quote grain: every change goes through the domain's <see cref="Quote"/> decisions. It tells its account when it
/// starts and stops waiting for an answer (the pending quotes QUO-3 supersedes), announces what the billing contact must
/// know (NOT-1: sent, expired, superseded), and is woken at its expiry (QUO-2) by an Orleans reminder, or by its account's
/// test clock (CLOCK-1). It calls its account, its subscription (to order seats) and, when it supersedes, only quotes
/// numbered before it, so calls between quotes never wait on each other.
/// </summary>
[GrainType(TypeName)]
public sealed class QuoteGrain(
    [PersistentState(QuoteGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<QuoteGrainState>> record,
    GrainServices services,
    ProductCatalog catalog,
    TaxCalculator tax) : RecordedGrain<QuoteGrainState>(record, services), IQuoteGrain, IQuoteOrderGrain, IWakeableGrain
{
    /// <summary>The grain type name under which quotes are stored and inspected (OPS-1).</summary>
    public const string TypeName = "quote";

    /// <summary>Kind of the notification to the billing contact when a quote is sent (NOT-1).</summary>
    public const string SentKind = "quote-sent";

    /// <summary>Kind of the notification when a quote expired unanswered (QUO-2).</summary>
    public const string ExpiredKind = "quote-expired";

    /// <summary>Kind of the notification when a newer order superseded a quote (QUO-3).</summary>
    public const string SupersededKind = "quote-superseded";

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public Task<Quote> DraftAsync(Actor actor, IReadOnlyList<QuoteLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return ChangeAsync(nameof(DraftAsync), async () =>
        {
            if (State.Quote is not null)
            {
                throw new AlreadyExistsException("Quote", GrainKey);
            }

            var (account, context) = await ContextAsync(actor, cancellationToken);
            var decision = Quote.Draft(new DraftQuote(Number, account.Id, lines), context with { SeatCharges = await SeatChargesAsync(account.Id, lines) });
            await RequireLinesMatchAsync(account.Id, lines, actor, cancellationToken);
            return Apply(decision, null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Quote> EditAsync(Actor actor, IReadOnlyList<QuoteLine> lines, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, new EditQuote(lines), cancellationToken);

    /// <inheritdoc />
    public Task<Quote> SendAsync(Actor actor, CancellationToken cancellationToken = default) => DecideAsync(actor, new SendQuote(), cancellationToken);

    /// <inheritdoc />
    public Task<Quote> RejectAsync(Actor actor, string? comment, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, new RejectQuote(comment), cancellationToken);

    /// <inheritdoc />
    public Task<Quote> OrderSeatsAsync(Actor actor, string subscriptionId, int seats, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return ChangeAsync(nameof(OrderSeatsAsync), async () =>
        {
            if (State.Quote is not null)
            {
                throw new AlreadyExistsException("Quote", GrainKey);
            }

            var (account, context) = await ContextAsync(actor, cancellationToken);
            if (string.IsNullOrWhiteSpace(subscriptionId))
            {
                throw new ValidationException("subscription_id", "is required: the subscription the seats are added to.");
            }

            var subscription = await GrainFactory.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of(account.Id, subscriptionId)).GetAsync(actor, cancellationToken);
            var seatCharges = await PriceSeatsAsync(account.Id, subscriptionId, seats) is { } charges
                ? new Dictionary<int, IReadOnlyList<ChargeLine>> { [0] = charges }
                : [];
            var decision = Quote.OrderSeats(new OrderSeats(Number, subscription.Subscription, seats), account, context with { SeatCharges = seatCharges });
            cancellationToken.ThrowIfCancellationRequested();
            CarryIntent(decision);
            return await SendOrderAsync(decision);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Quote> GetAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return GetCheckedAsync(actor, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Quote> ReadAsync() => Task.FromResult(RequireQuote());

    /// <inheritdoc />
    public Task<Quote> HoldAsync(string orderNumber, DateTimeOffset acceptedAt, string acceptedBy) =>
        ServiceDecideAsync(nameof(HoldAsync), new HoldQuote(orderNumber, acceptedAt), acceptedBy);

    /// <inheritdoc />
    public Task<Quote> ReleaseAsync(string orderNumber) => ServiceDecideAsync(nameof(ReleaseAsync), new ReleaseQuote(orderNumber), "service");

    /// <inheritdoc />
    public Task<Quote> AcceptAsync(string orderNumber, string acceptedBy) => ServiceDecideAsync(nameof(AcceptAsync), new AcceptQuote(orderNumber), acceptedBy);

    /// <inheritdoc />
    public Task<Quote> SupersedeAsync(string byNumber) => ServiceDecideAsync(nameof(SupersedeAsync), new SupersedeQuote(byNumber), "service");

    /// <inheritdoc />
    public Task<DateTimeOffset?> WakeAsync(DateTimeOffset clockTime) => WakeUpAsync(clockTime, CancellationToken.None);

    /// <inheritdoc />
    protected override DateTimeOffset? WantedWakeAt(QuoteGrainState state) => ExpiresAt(state);

    /// <summary>When a sent quote expires unless an order holds it (QUO-2, QUO-5); null otherwise.</summary>
    internal static DateTimeOffset? ExpiresAt(QuoteGrainState state) =>
        state.Quote is { Status: QuoteStatus.Sent, HeldBy: null } quote ? quote.ExpiresAt : null;

    /// <inheritdoc />

    /// <summary>7 days after sending, unanswered: the quote expires (QUO-2), and the billing contact is told.</summary>
    protected override Task HandleDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var due = WantedWakeAt(State) ?? throw new InvalidOperationException($"{GrainName} was woken but nothing is due.");
        return ChangeOnWakeAsync("quote-expiry", due, at, async () =>
        {
            var account = (await Ledger().ReadAsync()).Account;
            await ApplySettledAsync(Quote.Decide(RequireQuote(), new ExpireQuote(), ServiceContext(account, "service")), account);
        });
    }

    /// <summary>Finishes a seats order or an answer whose write failed after it told the account (see <see cref="RecordedGrain{TState}.CarryIntent"/>).</summary>
    protected override async Task<object> CompleteIntentAsync(PendingIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var decision = System.Text.Json.JsonSerializer.Deserialize<QuoteDecision>(intent.PayloadJson, DomainJson.Options)
            ?? throw new InvalidOperationException($"{GrainName} stored an empty intent.");
        return decision.Event != QuoteEvent.Sent ? await ApplySettledAsync(decision, (await Ledger().ReadAsync()).Account)
            : State.Quote is null ? await SendOrderAsync(decision)
            : await SendDraftAsync(decision);
    }

    private async Task<Quote> GetCheckedAsync(Actor actor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var quote = RequireQuote();
        var account = (await Ledger().ReadAsync()).Account;
        account.Authorize(actor, AccountAction.ViewQuotes);
        if (quote.Status == QuoteStatus.Draft && !Permissions.Allows(account.AuthorityOf(actor), AccountAction.WriteQuotes))
        {
            // A draft is billing ops' work in progress: the customer sees a quote once it is sent.
            throw new NotFoundException("Quote", GrainKey);
        }

        return quote;
    }

    private Task<Quote> DecideAsync(Actor actor, QuoteCommand command, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(actor);
        return ChangeAsync(method, async () =>
        {
            var quote = RequireQuote();
            var (account, context) = await ContextAsync(actor, cancellationToken);
            var edit = command as EditQuote;
            var decision = Quote.Decide(quote, command, edit is null ? context : context with { SeatCharges = await SeatChargesAsync(account.Id, edit.Lines) });
            if (edit is not null)
            {
                await RequireLinesMatchAsync(account.Id, edit.Lines, actor, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (decision.Event == QuoteEvent.Sent)
            {
                CarryIntent(decision);
                return await SendDraftAsync(decision);
            }

            if (decision.Event is QuoteEvent.Rejected)
            {
                CarryIntent(decision);
            }

            return await ApplySettledAsync(decision, account);
        }, cancellationToken);
    }

    /// <summary>
    /// By line, what the seats each line adds would bill if its order applied them now (SUB-4), so that the quote shows
    /// what its order bills. Asked before the lines are checked: a line the quote then refuses is priced for nothing.
    /// </summary>
    private async Task<IReadOnlyDictionary<int, IReadOnlyList<ChargeLine>>> SeatChargesAsync(string accountId, IReadOnlyList<QuoteLine>? lines)
    {
        var charges = new Dictionary<int, IReadOnlyList<ChargeLine>>();
        foreach (var (line, i) in (lines ?? []).Select((l, i) => (l, i)))
        {
            if (line is { Kind: QuoteLineKind.AddSeats, SubscriptionId: { } subscriptionId } && await PriceSeatsAsync(accountId, subscriptionId, line.Seats) is { } billed)
            {
                charges[i] = billed;
            }
        }

        return charges;
    }

    private Task<IReadOnlyList<ChargeLine>?> PriceSeatsAsync(string accountId, string subscriptionId, int seats) =>
        string.IsNullOrWhiteSpace(subscriptionId)
            ? Task.FromResult<IReadOnlyList<ChargeLine>?>(null)
            : GrainFactory.GetGrain<ISubscriptionOrderGrain>(SubscriptionKey.Of(accountId, subscriptionId)).PriceSeatsAsync(seats);

    /// <summary>Each line adding seats names a subscription of the account, at that subscription's product, plan and frequency (QUO-1).</summary>
    private async Task RequireLinesMatchAsync(string accountId, IReadOnlyList<QuoteLine> lines, Actor actor, CancellationToken cancellationToken)
    {
        foreach (var (line, i) in lines.Select((l, i) => (l, i)).Where(x => x.l.Kind == QuoteLineKind.AddSeats))
        {
            SubscriptionView subscription;
            try
            {
                subscription = await GrainFactory.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of(accountId, line.SubscriptionId!)).GetAsync(actor, cancellationToken);
            }
            catch (NotFoundException)
            {
                throw new ValidationException($"lines[{i}].subscription_id", $"account {Quoted.Of(accountId)} has no subscription {Quoted.Of(line.SubscriptionId)}.");
            }

            Quote.RequireLineMatches(line, i, subscription.Subscription);
        }
    }

    private Task<Quote> ServiceDecideAsync(string method, QuoteCommand command, string callerId) =>
        ChangeAsync(method, async () =>
        {
            var account = (await Ledger().ReadAsync()).Account;
            return await ApplySettledAsync(Quote.Decide(RequireQuote(), command, ServiceContext(account, callerId)), account);
        }, CancellationToken.None);

    /// <summary>A draft sent by billing ops: pending for its account, announced to the billing contact (QUO-2, NOT-1).</summary>
    private async Task<Quote> SendDraftAsync(QuoteDecision decision)
    {
        var snapshot = await NestedAsync(() => Ledger().QuoteSentAsync(decision.Quote.Number, supersedesPending: false));
        return Apply(decision, snapshot.Account);
    }

    /// <summary>The seats order's quote is pending at once, then supersedes every quote that was pending before it (QUO-3).</summary>
    private async Task<Quote> SendOrderAsync(QuoteDecision decision)
    {
        var snapshot = await NestedAsync(() => Ledger().QuoteSentAsync(decision.Quote.Number, supersedesPending: true));
        Apply(decision, snapshot.Account);
        // Only quotes numbered before this one: two orders superseding each other at once would wait on each other.
        foreach (var pending in snapshot.PendingQuotes.Where(n => string.CompareOrdinal(n, decision.Quote.Number) < 0))
        {
            try
            {
                await NestedAsync(() => GrainFactory.GetGrain<IQuoteOrderGrain>(QuoteKey.Of(snapshot.Account.Id, pending)).SupersedeAsync(decision.Quote.Number));
            }
            catch (RuleViolationException e)
            {
                // A pending quote being accepted in an order right now is that order's to settle.
                RecordHistory("supersede-skipped", pending, null, new { Reason = e.Message });
            }
        }

        return decision.Quote;
    }

    /// <summary>Applies an answer, an expiry or a supersession; a quote no longer pending leaves its account's pending list.</summary>
    private async Task<Quote> ApplySettledAsync(QuoteDecision decision, Account account)
    {
        var before = State.Quote;
        if (before is { IsPending: true } && !decision.Quote.IsPending)
        {
            await NestedAsync(() => Ledger().QuoteSettledAsync(before.Number));
        }

        return Apply(decision, account);
    }

    private Quote Apply(QuoteDecision decision, Account? account)
    {
        var before = State.Quote;
        if (before == decision.Quote)
        {
            return decision.Quote;
        }

        State = State with { Quote = decision.Quote };
        var change = decision.Event?.ToWireName() ?? (before is null ? "drafted" : decision.Quote.HeldBy is not null ? "held-for-order" : "released");
        RecordHistory(change, before?.Status.ToWireName(), decision.Quote.Status.ToWireName(), new { decision.Description });
        var kind = decision.Event switch
        {
            QuoteEvent.Sent => SentKind,
            QuoteEvent.Expired => ExpiredKind,
            QuoteEvent.Superseded => SupersededKind,
            _ => null,
        };
        if (kind is not null && account is not null)
        {
            var quote = decision.Quote;
            Notify(kind, new QuoteNotice(
                quote.AccountId, quote.Number, quote.Status.ToWireName(), quote.Total.Amount.ToString(CultureInfo.InvariantCulture), quote.Currency.Code,
                quote.ExpiresAt, quote.SupersededBy, decision.Description, account.BillingContactEmails));
        }

        return decision.Quote;
    }

    private async Task<(Account Account, QuoteContext Context)> ContextAsync(Actor actor, CancellationToken cancellationToken)
    {
        var account = (await Ledger().ReadAsync()).Account;
        if (account.IsErased)
        {
            throw new RuleViolationException(Rules.Acc8, $"The personal data of account {Quoted.Of(account.Id)} was erased: its quotes can no longer change.");
        }

        if (account.TestClockId is { } clockId && clockId != ClockId)
        {
            await BindToClockAsync(clockId, cancellationToken);
        }

        return (account, new QuoteContext(catalog, tax, account.TaxProfile, account.Currency, account.AuthorityOf(actor), actor.SubjectId, Now));
    }

    private QuoteContext ServiceContext(Account account, string callerId) =>
        new(catalog, tax, account.TaxProfile, account.Currency, CallerAuthority.BillingOps, callerId, Now);

    private string Number => GrainKey[(GrainKey.LastIndexOf('/') + 1)..];

    private IAccountLedgerGrain Ledger() => GrainFactory.GetGrain<IAccountLedgerGrain>(GrainKey[..GrainKey.LastIndexOf('/')]);

    private Quote RequireQuote() => State.Quote ?? throw new NotFoundException("Quote", GrainKey);
}

/// <summary>
/// A quote's outbound notification to the billing contact (NOT-1): "quote-sent" (with the link's quote number and the
/// expiry, QUO-2), "quote-expired", "quote-superseded" (naming the quote that replaced it, QUO-3).
/// </summary>
public sealed record QuoteNotice(
    string AccountId,
    string Number,
    string Status,
    string Total,
    string Currency,
    DateTimeOffset? ExpiresAt,
    string? SupersededBy,
    string Description,
    IReadOnlyList<string> Recipients);
