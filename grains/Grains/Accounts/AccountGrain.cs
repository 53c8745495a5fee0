using System.Globalization;
using System.Text.Json;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Domain.Tax;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.SubscriptionLifecycle;

namespace Subscriptions.Grains.Accounts;

/// <summary>
/// The account grain: every command goes through the domain's <c>Decide</c>, and a decision that changed something
/// replaces the state and records one history entry per audit entry (ACC-7) in the same change. It numbers, records and
/// announces the invoices it issues in one change (INV-1, NOT-1). Its only outgoing call is account → test clock (to
/// read its time); subscriptions and invoices call it through <see cref="IAccountLedgerGrain"/>, never the other way round.
/// </summary>
[GrainType(TypeName)]
public sealed class AccountGrain(
    [PersistentState(AccountGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<AccountState>> record,
    GrainServices services,
    TaxCalculator tax) : RecordedGrain<AccountState>(record, services), IAccountGrain, IAccountLedgerGrain, IWakeableGrain
{
    /// <summary>The grain type name under which accounts are stored and inspected (OPS-1).</summary>
    public const string TypeName = "account";

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public Task<AccountSnapshot> CreateAsync(Actor actor, CreateAccount command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        return ChangeAsync(nameof(CreateAsync), async () =>
        {
            if (State.Account is not null)
            {
                throw new AlreadyExistsException("Account", GrainKey);
            }

            if (!string.Equals(command.AccountId?.Trim(), GrainKey, StringComparison.Ordinal))
            {
                throw new ValidationException("account_id", $"{Quoted.Of(command.AccountId)} does not match the addressed account {Quoted.Of(GrainKey)}.");
            }

            var decision = Account.Create(actor, command, Now);
            if (decision.State.TestClockId is { } clockId)
            {
                // A sandbox account lives on its test clock from its first moment (CLOCK-1).
                await BindToClockAsync(clockId, cancellationToken);
                decision = Account.Create(actor, command, Now);
            }

            return Apply(decision);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AccountSnapshot> GetAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(actor);
        RequireAccount().Authorize(actor, AccountAction.ViewBillingInfo);
        return Snapshot(await CurrentTimeAsync(cancellationToken));
    }

    /// <inheritdoc />
    public async Task<AccountSnapshot> ReadAsync()
    {
        RequireAccount();
        return Snapshot(await CurrentTimeAsync(CancellationToken.None));
    }

    /// <inheritdoc />
    public Task<AccountSnapshot> ChangeAsync(Actor actor, AccountCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        return ChangeAsync(command.GetType().Name, async () =>
        {
            var decision = Account.Decide(RequireAccount(), command, Context(actor));
            if (command is AttachTestClock && decision.Changed && decision.State.TestClockId is { } clockId)
            {
                await BindToClockAsync(clockId, cancellationToken);
            }

            if (command is ErasePersonalData erase && decision.Changed)
            {
                await EraseAsync(actor, erase, decision, cancellationToken);
            }

            await ForgetAccessAsync(decision);
            return Apply(decision);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RecordSubscriptionEndAsync(string subscriptionId, DateTimeOffset? endedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionId);
        return ChangeSync(nameof(RecordSubscriptionEndAsync), () =>
        {
            RequireAccount();
            var known = State.SubscriptionEndedAt.TryGetValue(subscriptionId, out var before) ? before : (DateTimeOffset?)null;
            if (known == endedAt)
            {
                return false;
            }

            var ends = State.SubscriptionEndedAt.Where(e => e.Key != subscriptionId).ToDictionary(e => e.Key, e => e.Value);
            if (endedAt is { } at)
            {
                ends[subscriptionId] = at;
            }

            State = State with { SubscriptionEndedAt = ends };
            RecordHistory("subscription_ended", subscriptionId, endedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "live");
            return true;
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> WakeAsync(DateTimeOffset clockTime) => WakeUpAsync(clockTime, CancellationToken.None);

    /// <inheritdoc />
    protected override DateTimeOffset? WantedWakeAt(AccountState state) => state.RetentionEndsAt();

    /// <inheritdoc />

    /// <summary>The retention period ended (ACC-8): personal data is erased on the service's authority.</summary>
    protected override Task HandleDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var due = State.RetentionEndsAt() ?? throw new InvalidOperationException($"{GrainName} was woken but nothing is due.");
        return ChangeOnWakeAsync("retention-end", due, at, async () =>
        {
            var last = State.SubscriptionEndedAt.Values.Max();
            var actor = Actor.Ops("retention");
            var erase = new ErasePersonalData($"Retention period over: {Account.RetentionMonths} months after the last subscription ended on {last.UtcDateTime:yyyy-MM-dd} ({Rules.Acc8}).");
            var decision = Account.Decide(RequireAccount(), erase, Context(actor));
            await EraseAsync(actor, erase, decision, CancellationToken.None);
            await ForgetAccessAsync(decision);
            Apply(decision);
        });
    }

    /// <summary>What an account decision is made with: the caller, the account's time and its subscriptions.</summary>
    private AccountContext Context(Actor actor) => new(actor, Now)
    {
        SubscriptionIds = State.SubscriptionIds,
        LiveSubscriptionIds = [.. State.SubscriptionIds.Where(id => !State.SubscriptionEndedAt.ContainsKey(id))],
    };

    /// <summary>
    /// Before a change of who may act on the account (its members, or its erasure: ACC-2, ACC-8) commits, its
    /// subscriptions forget the account they authorize reads with, so none authorizes a read by the old members after
    /// it. Nothing is asked when neither changes.
    /// </summary>
    private Task ForgetAccessAsync(AccountDecision decision)
    {
        var before = RequireAccount();
        return !decision.Changed || (before.PersonalDataErasedAt == decision.State.PersonalDataErasedAt && before.Members.SequenceEqual(decision.State.Members))
            ? Task.CompletedTask
            : Task.WhenAll(State.SubscriptionIds.Select(id => GrainFactory.GetGrain<ISubscriptionAccessGrain>(SubscriptionKey.Of(GrainKey, id)).ForgetAccountAsync()));
    }

    /// <summary>Scrubs the personal data earlier changes committed to the history and outbox, and announces the erasure without the erased values (ACC-8, NOT-1).</summary>
    private async Task EraseAsync(Actor actor, ErasePersonalData erase, AccountDecision decision, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Services.Tables.ScrubPersonalDataAsync(GrainKey, CancellationToken.None);
        Notify(PersonalDataErased.Kind, new PersonalDataErased(GrainKey, decision.State.PersonalDataErasedAt!.Value, actor.SubjectId, erase.Reason.Trim()));
    }

    /// <inheritdoc />
    public Task<AccountSnapshot> AddSubscriptionAsync(string subscriptionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionId);
        return ChangeSync(nameof(AddSubscriptionAsync), () =>
        {
            RequireAccount();
            ListSubscription(subscriptionId);
            return Snapshot(Now);
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<AccountSnapshot> AddCreditAsync(AddAccountCredit command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ChangeSync(nameof(AddCreditAsync), () =>
        {
            var account = RequireAccount();
            if (command.Amount.Currency != account.Currency || command.Amount.Amount <= 0m)
            {
                throw new ArgumentException(
                    $"A credit on account {Quoted.Of(GrainKey)} must be a positive amount in {account.Currency.Code}; got {command.Amount} from subscription {Quoted.Of(command.SubscriptionId)}.",
                    nameof(command));
            }

            var before = new Money(State.UnappliedCredit, account.Currency);
            State = State with { UnappliedCredit = State.UnappliedCredit + command.Amount.Amount };
            RecordHistory("credit", before.ToString(), new Money(State.UnappliedCredit, account.Currency).ToString(), command);
            return Snapshot(Now);
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<Invoice> IssueInvoiceAsync(IssueInvoice command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ChangeSync(nameof(IssueInvoiceAsync), () =>
        {
            var account = RequireAccount();
            var number = InvoiceNumber.Format(InvoicePrefix(account.Id), State.IssuedInvoiceCount + 1);
            var (invoice, applied) = account.IssueInvoice(number, command.Charges, command.AutopaySchedule, new Money(State.UnappliedCredit, account.Currency), Now, tax);

            // Numbering, the issued-invoices row, the invoice grain's record and the notification commit together in this
            // change, or none of them does: no other grain is called, so a failed write leaves no invoice anywhere and the
            // next issue takes the same number. The subscription that asked then calls the invoice's grain, which arms its
            // wake-up.
            State = State with
            {
                IssuedInvoiceCount = State.IssuedInvoiceCount + 1,
                Invoices = InvoiceLedger.With(State.Invoices, InvoiceLedgerEntry.Issued(invoice)),
                UnappliedCredit = State.UnappliedCredit - applied.Amount,
            };
            RecordIssuedInvoice(new PendingInvoice(
                account.Id, number, account.TestClockId, JsonSerializer.Serialize(invoice, DomainJson.Options), invoice.IssuedAt));

            // The invoice grain's record, with its autopay or due-date wake-up, is created by this same commit.
            var issued = new InvoiceState { Invoice = invoice };
            RecordBorn(
                GrainFactory.GetGrain<IInvoiceOpeningGrain>(InvoiceKey.Of(account.Id, number)), InvoiceGrain.TypeName, issued, account.TestClockId, InvoiceGrain.WakeAtOf(issued),
                "issued", invoice.Status.ToWireName(), new { invoice.Number, invoice.IssuedAt, Total = invoice.Total.ToString() });
            RecordHistory("invoice_issued", null, number, new { invoice.Number, Total = invoice.Total.ToString(), CreditApplied = applied.ToString(), invoice.DueAt });
            Notify(InvoiceIssued.Kind, new InvoiceIssued(
                invoice.AccountId,
                invoice.Number,
                invoice.IssuedAt,
                invoice.DueAt,
                invoice.Total.Amount.ToString(CultureInfo.InvariantCulture),
                invoice.Currency.Code,
                account.InvoiceRecipientEmails));
            if (invoice.Status == InvoiceStatus.Paid)
            {
                // Paid whole by the account credit at issue: no payment follows, so the receipt goes now (INV-3).
                string Text(Money money) => money.Amount.ToString(CultureInfo.InvariantCulture);
                Notify(InvoiceNotice.Receipt, new InvoiceNotice(
                    invoice.AccountId, invoice.Number, invoice.Status.ToWireName(), Text(invoice.Total), Text(invoice.AmountPaid), Text(invoice.Balance),
                    invoice.Currency.Code, Attempt: null, Amount: null, $"Paid in full at issue with {Text(applied)} {applied.Currency.Code} of account credit.",
                    account.IsErased ? [] : [account.ReceiptRecipient]));
            }

            // A new subscription's first invoice adds it to the account in the same change.
            if (command.NewSubscriptionId is { } subscriptionId)
            {
                ListSubscription(subscriptionId);
            }

            return invoice;
        }, CancellationToken.None);
    }

    /// <summary>
    /// Lists <paramref name="subscriptionId"/> among the account's subscriptions with the running change, once; refuses
    /// (ACC-8) a subscription past <see cref="AccountState.MaxSubscriptions"/>, so the change that asked stores nothing.
    /// </summary>
    private void ListSubscription(string subscriptionId)
    {
        if (!State.SubscriptionIds.Contains(subscriptionId))
        {
            if (State.SubscriptionIds.Count >= AccountState.MaxSubscriptions)
            {
                throw new RuleViolationException(
                    Rules.Acc8,
                    $"Account {Quoted.Of(GrainKey)} has started {AccountState.MaxSubscriptions} subscriptions, the most one account holds (ended ones count: they stay listed so that erasure reaches each of them); open another account for more.");
            }

            State = State with { SubscriptionIds = [.. State.SubscriptionIds, subscriptionId] };
            RecordHistory("subscription", null, subscriptionId);
        }
    }

    /// <inheritdoc />
    public Task<InvoiceLedgerUpdate> RecordInvoiceAsync(InvoiceLedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ChangeSync(nameof(RecordInvoiceAsync), () =>
        {
            var account = RequireAccount();
            var credit = new Money(State.UnappliedCredit, account.Currency);
            var before = AccountBalances.Of(State.Invoices, credit, Now).OverdueBalance;
            if (!new InvoiceNumberRange(InvoicePrefix(account.Id), State.IssuedInvoiceCount).Holds(entry.Number))
            {
                throw new NotFoundException("Invoice", InvoiceKey.Of(account.Id, entry.Number));
            }

            // The invoice is the only writer of its entry, and reports each change before it commits it, one at a time.
            // An equal revision with other values is a report whose invoice change failed after reporting and was then
            // replaced by another: the newer values win. A paid invoice leaves the ledger (nothing is owed on it), so
            // the record does not grow with the invoices issued; a later report on it that is not "paid" (a dispute, or
            // a change that replaced a failed payment) brings it back.
            var known = State.Invoices.FirstOrDefault(i => i.Number == entry.Number);
            if (known is null ? entry.Status != InvoiceStatus.Paid : entry.Revision > known.Revision || (entry.Revision == known.Revision && entry != known))
            {
                State = State with { Invoices = InvoiceLedger.With(State.Invoices, entry) };
                RecordHistory("invoice_balance", known is null ? $"{entry.Number} paid" : Describe(known), Describe(entry),
                    new { entry.Number, Status = entry.Status.ToString(), Balance = entry.Balance.ToString() });
            }

            var after = AccountBalances.Of(State.Invoices, credit, Now).OverdueBalance;
            return new InvoiceLedgerUpdate(before, after, State.SubscriptionIds);
        }, CancellationToken.None);

        static string Describe(InvoiceLedgerEntry e) => $"{e.Number} {e.Status.ToString().ToLowerInvariant()} {e.Balance}";
    }

    /// <inheritdoc />
    public Task<string> NumberQuoteAsync(Actor actor, CancellationToken cancellationToken = default) =>
        NumberAsync(nameof(NumberQuoteAsync), actor, NumberedDocument.Quote, cancellationToken);

    /// <inheritdoc />
    public Task<string> NumberOrderAsync(Actor actor, CancellationToken cancellationToken = default) =>
        NumberAsync(nameof(NumberOrderAsync), actor, NumberedDocument.Order, cancellationToken);

    private Task<string> NumberAsync(string method, Actor actor, NumberedDocument document, CancellationToken cancellationToken) =>
        ChangeSync(method, () =>
        {
            ArgumentNullException.ThrowIfNull(actor);
            var account = RequireAccount();
            account.Authorize(actor, AccountAction.AnswerQuotes);
            if (account.IsErased)
            {
                throw new RuleViolationException(Rules.Acc8, $"The personal data of account {Quoted.Of(account.Id)} was erased: it takes no new quote or order.");
            }

            var count = (document == NumberedDocument.Quote ? State.QuoteCount : State.OrderCount) + 1;
            State = document == NumberedDocument.Quote ? State with { QuoteCount = count } : State with { OrderCount = count };
            var number = AccountNumbers.Of(account.Id, document, count);
            RecordHistory(document == NumberedDocument.Quote ? "quote_numbered" : "order_numbered", null, number);
            return number;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AccountSnapshot> QuoteSentAsync(string number, bool supersedesPending)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        return ChangeSync(nameof(QuoteSentAsync), () =>
        {
            RequireAccount();
            if (!State.PendingQuotes.Contains(number))
            {
                if (State.PendingQuotes.Count >= AccountState.MaxPendingQuotes && !supersedesPending)
                {
                    throw new RuleViolationException(
                        Rules.Quo1, $"Account {Quoted.Of(GrainKey)} already has {AccountState.MaxPendingQuotes} quotes waiting for an answer: let them be answered or expire first.");
                }

                State = State with { PendingQuotes = [.. State.PendingQuotes, number] };
                RecordHistory("quote_pending", null, number);
            }

            return Snapshot(Now);
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<bool> QuoteSettledAsync(string number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        return ChangeSync(nameof(QuoteSettledAsync), () =>
        {
            RequireAccount();
            if (!State.PendingQuotes.Contains(number))
            {
                return false;
            }

            State = State with { PendingQuotes = [.. State.PendingQuotes.Where(n => n != number)] };
            RecordHistory("quote_answered", number, null);
            return true;
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task<IssuedInvoice> GetIssuedInvoiceAsync(string number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        var account = RequireAccount();
        var archived = await Services.Tables.ReadIssuedInvoiceAsync(account.Id, number, CancellationToken.None)
            ?? throw new NotFoundException("Invoice", InvoiceKey.Of(account.Id, number));
        return new IssuedInvoice(JsonSerializer.Deserialize<Invoice>(archived.InvoiceJson, DomainJson.Options)!, archived.ClockId);
    }

    /// <summary>The invoice number prefix of an account (see <see cref="AccountNumbers.Prefix"/>).</summary>
    public static string InvoicePrefix(string accountId) => AccountNumbers.Prefix(accountId);

    private AccountSnapshot Apply(AccountDecision decision)
    {
        if (decision.Changed)
        {
            State = State with { Account = decision.State };
            foreach (var entry in decision.Audit)
            {
                RecordHistory(entry.What, entry.Before, entry.After, entry);
            }
        }

        return Snapshot(Now);
    }

    private Account RequireAccount() => State.Account ?? throw new NotFoundException("Account", GrainKey);

    private AccountSnapshot Snapshot(DateTimeOffset now)
    {
        var account = RequireAccount();
        var credit = new Money(State.UnappliedCredit, account.Currency);
        return new(
            account,
            State.SubscriptionIds,
            State.IssuedInvoiceCount,
            credit,
            State.Invoices,
            AccountBalances.Of(State.Invoices, credit, now))
        {
            PendingQuotes = State.PendingQuotes,
            QuoteCount = State.QuoteCount,
            OrderCount = State.OrderCount,
        };
    }
}
