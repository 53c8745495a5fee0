using System.Globalization;
using System.Text.Json;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.Payments;
using Subscriptions.Grains.SubscriptionLifecycle;

namespace Subscriptions.Grains.Invoices;

/// <summary>The state of an invoice grain.</summary>
[GenerateSerializer, Alias("subscriptions.InvoiceState")]
public sealed record InvoiceState : IProjectedState<InvoiceState>
{
    /// <summary>The invoice, or null until the grain adopts its account's record of it.</summary>
    [Id(0)]
    public Invoice? Invoice { get; init; }

    /// <summary>Changes since adoption; orders the invoice's reports to its account's ledger (ACC-6).</summary>
    [Id(1)]
    public long Revision { get; init; }

    /// <inheritdoc />
    public static ProjectedFields? Project(InvoiceState state) => state?.Invoice is { } invoice
        ? new ProjectedFields(invoice.AccountId, invoice.Number, invoice.Status.ToWireName())
        {
            WakeName = InvoiceGrain.NextEvent(invoice)?.Name,
            Currency = invoice.Currency.Code,
            Total = invoice.Total.Amount,
            Balance = invoice.Balance.Amount,
            IssuedAt = invoice.IssuedAt,
            DueAt = invoice.DueAt,
        }
        : null;
}

/// <summary>
/// The invoice grain: one invoice its account issued. The account numbers, records and announces the invoice in its own
/// change (INV-1, NOT-1); the subscription that asked for it then calls this grain, whose first call adopts that record
/// and, for a sandbox account, the account's test clock (CLOCK-1), and arms its autopay and due-date wake-ups. From then on it holds the invoice's lifecycle
/// (<see cref="InvoiceLifecycle"/>): payments through the gateway (INV-3, INV-4), overdue at the due date (INV-5),
/// disputes (INV-7). Each change reports the invoice's amounts to the account's ledger (ACC-6) and drives dunning: an
/// invoice falling overdue limits the subscriptions it charges (SUB-8), and the change that brings the account's
/// overdue balance to 0.00 restores every limited or suspended one (SUB-9). It calls subscriptions only from turns on a
/// past-due invoice (an invoice counts in the overdue balance only then), while its subscription calls it only in the
/// turn that issues it, 15 days earlier: the two never wait on each other. The account never calls an invoice.
/// </summary>
[GrainType(TypeName)]
public sealed class InvoiceGrain(
    [PersistentState(InvoiceGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<InvoiceState>> record,
    GrainServices services,
    IPaymentGateway gateway,
    PaymentOptions payments) : RecordedGrain<InvoiceState>(record, services), IInvoiceGrain, IInvoiceOpeningGrain, IWakeableGrain
{
    /// <summary>The grain type name under which invoices are stored and inspected (OPS-1).</summary>
    public const string TypeName = "invoice";

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public Task<Invoice> GetAsync(CancellationToken cancellationToken = default) => InvoiceAsync(cancellationToken);

    /// <inheritdoc />
    public async Task OpenAsync(IssuedInvoice issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        if (InvoiceKey.Of(issued.Invoice.AccountId, issued.Invoice.Number) != GrainKey)
        {
            throw new ArgumentException($"{GrainName} was handed invoice {issued.Invoice.Number} of account {Quoted.Of(issued.Invoice.AccountId)}.", nameof(issued));
        }

        // The account's change that issued the invoice created this grain's record with its wake-up's row; an activation
        // made before that commit (a read of a number not issued yet) reads it again.
        await ReloadIfAbsentAsync();
        if (State.Invoice is null)
        {
            // Issued by a release whose accounts left the record to the invoice grain: taken here.
            await AdoptAsync(issued, CancellationToken.None);
            return;
        }

        await ArmWakeUpAsync();
    }

    /// <summary>When an invoice grain wants to be woken for <paramref name="state"/>: its next autopay instant or its due date.</summary>
    internal static DateTimeOffset? WakeAtOf(InvoiceState state) => state.Invoice is { } invoice ? InvoiceLifecycle.WantedWakeAt(invoice) : null;

    /// <inheritdoc />
    public override async Task<GrainInspection> InspectAsync(CancellationToken cancellationToken = default)
    {
        // An issued invoice is recorded by its account and becomes a grain of its own on its first call: take that call,
        // so ops see every issued invoice as a grain (NOT_FOUND if its account never issued it).
        await InvoiceAsync(cancellationToken);
        return await base.InspectAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task<GrainInspection> InspectPageAsync(int historyLimit, long? historyBefore, CancellationToken cancellationToken = default)
    {
        await InvoiceAsync(cancellationToken);
        return await base.InspectPageAsync(historyLimit, historyBefore, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<PaymentResult> PayAsync(Actor actor, PayInvoice command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        await InvoiceAsync(cancellationToken);

        // A retry of an answered payment is answered at once: no account read, no reconciliation (IDEM-1).
        if (await AnsweredAsync<PaymentResult>(nameof(PayAsync), cancellationToken) is { } answered)
        {
            return answered;
        }

        // The account is read once for the whole payment. Charges the invoice never recorded (a crash between the
        // gateway's answer and the write) are recorded first, in a change of their own, so the balance checked below is
        // the real one whatever this call's outcome.
        var account = await AccountAsync();
        await ChangeAsync("reconcile", async () =>
        {
            await ReconcileAsync(account);
            return true;
        }, cancellationToken, answersRequestId: false);
        return await ChangeAsync(nameof(PayAsync), async () =>
        {
            account.Authorize(actor, AccountAction.PayInvoices);
            var request = $":{CallContext.Caller}:{CallContext.RequestId ?? $"attempt-{RequireInvoice().Attempts.Count + 1}"}";
            string Key(int n) => $"{GrainKey}#{n}{request}";

            // A charge this very request made before a crash is its answer, not charged again.
            if (CallContext.RequestId is not null && RequireInvoice().Attempts.FirstOrDefault(a => a.GatewayKey?.EndsWith(request, StringComparison.Ordinal) == true) is { } charged)
            {
                return new PaymentResult(RequireInvoice(), charged);
            }

            var invoice = RequireInvoice();
            var amount = InvoiceLifecycle.CheckPayment(invoice, command.Amount, Now, payments.Policy);
            var source = account.ChargeSourceFor(command.PaymentMethodId, command.OneTimeCardToken, Now);
            InvoiceLifecycle.CheckRetryAfterDecline(invoice, Now, payments.Policy, source);
            var number = invoice.Attempts.Count + 1;

            // Once the gateway is asked, the change is carried through whatever the caller's deadline. The key is the
            // same on every retry of this request, so a crash between the gateway's answer and the write charges once.
            cancellationToken.ThrowIfCancellationRequested();
            var answer = await gateway.ChargeAsync(
                new GatewayCharge(Key(number), GrainKey, source.GatewayToken, amount.Amount, invoice.Currency.Code, $"Invoice {invoice.Number}"), CancellationToken.None);
            var attempt = Attempt(number, amount, source.Description, source.PaymentMethodId, answer, actor.SubjectId) with { GatewayKey = Key(number) };
            var outcome = Invoice.Decide(invoice, new RecordPaymentAttempt(attempt), Context(account));
            await ApplyAsync(outcome, account, attempt);
            return new PaymentResult(outcome.Invoice, attempt);
        }, cancellationToken, requestChecked: true);
    }

    /// <inheritdoc />
    public Task<PaymentResult> ConfirmPaymentAsync(Actor actor, int attempt, CancellationToken cancellationToken = default) =>
        SettleAuthenticationAsync(actor, attempt, confirm: true, cancellationToken);

    /// <inheritdoc />
    public Task<PaymentResult> AbandonPaymentAsync(Actor actor, int attempt, CancellationToken cancellationToken = default) =>
        SettleAuthenticationAsync(actor, attempt, confirm: false, cancellationToken);

    /// <inheritdoc />
    public async Task<Invoice> OpenDisputeAsync(Actor actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InvoiceAsync(cancellationToken);
        return await ChangeAsync(nameof(OpenDisputeAsync), async () =>
        {
            var account = await AccountAsync();
            account.Authorize(actor, AccountAction.DisputeInvoices);
            var outcome = Invoice.Decide(RequireInvoice(), new OpenDispute(actor.SubjectId, reason), Context(account));
            cancellationToken.ThrowIfCancellationRequested();
            await ApplyAsync(outcome, account, null);
            return outcome.Invoice;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Invoice> ResolveDisputeAsync(Actor actor, decimal? credit, string comment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InvoiceAsync(cancellationToken);
        return await ChangeAsync(nameof(ResolveDisputeAsync), async () =>
        {
            var account = await AccountAsync();
            account.Authorize(actor, AccountAction.ResolveDisputes);
            var outcome = Invoice.Decide(RequireInvoice(), new ResolveDispute(actor.SubjectId, credit, comment), Context(account));
            cancellationToken.ThrowIfCancellationRequested();
            await ApplyAsync(outcome, account, null);
            return outcome.Invoice;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Invoice> VoidAsync(Actor actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InvoiceAsync(cancellationToken);

        // As for a payment: charges the invoice never recorded are recorded first, in a change of their own, so the void
        // is decided on the real balance and its own outcome is the one stored for finishing it.
        var account = await AccountAsync();
        await ChangeAsync("reconcile", async () =>
        {
            await ReconcileAsync(account);
            return true;
        }, cancellationToken, answersRequestId: false);
        return await ChangeAsync(nameof(VoidAsync), async () =>
        {
            account.Authorize(actor, AccountAction.VoidInvoices);
            var outcome = Invoice.Decide(RequireInvoice(), new VoidInvoice(actor.SubjectId, reason), Context(account));
            cancellationToken.ThrowIfCancellationRequested();
            await ApplyAsync(outcome, account, null);
            return outcome.Invoice;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> WakeAsync(DateTimeOffset clockTime) => WakeUpAsync(clockTime, CancellationToken.None);

    /// <inheritdoc />
    protected override Task BeforeWakeAsync(CancellationToken cancellationToken) => InvoiceAsync(cancellationToken);

    /// <inheritdoc />
    protected override DateTimeOffset? WantedWakeAt(InvoiceState state) => WakeAtOf(state);

    /// <inheritdoc />

    /// <summary>
    /// Handles the earliest due event: an autopay charge of the default method (INV-6), or the due date passing (INV-5),
    /// when the invoice falls overdue and the subscriptions it charges are limited (SUB-8).
    /// </summary>
    protected override Task HandleDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (name, due) = NextEvent(RequireInvoice()) ?? throw new InvalidOperationException($"{GrainName} was woken but nothing is due.");
        return ChangeOnWakeAsync(name, due, at, async () =>
        {
            // Charges the invoice never recorded count before it is charged again or falls overdue.
            var account = await AccountAsync();
            await ReconcileAsync(account);
            var invoice = RequireInvoice();
            if (name == AutopayEvent)
            {
                if (invoice.Attempts.Any(a => a.GatewayKey == AutopayKey(due)))
                {
                    // This instant charged before a crash: it is used up.
                    State = State with { Invoice = InvoiceLifecycle.TakeAutopay(invoice) };
                }
                else
                {
                    await AutopayAsync(invoice, due, account);
                }
            }
            else if (Invoice.Decide(invoice, new FallOverdue(), Context(account)) is { Steps.Count: > 0 } outcome)
            {
                await ApplyAsync(outcome, account, null);
            }
        });
    }

    private const string AutopayEvent = "autopay";
    private const string DueDateEvent = "due-date";

    internal static (string Name, DateTimeOffset Due)? NextEvent(Invoice invoice) =>
        InvoiceLifecycle.NextAutopay(invoice) is { } autopay && autopay <= (InvoiceLifecycle.WantedWakeAt(invoice) ?? autopay)
            ? (AutopayEvent, autopay)
            : InvoiceLifecycle.WantedWakeAt(invoice) is { } due ? (DueDateEvent, due) : null;

    /// <summary>
    /// An autopay instant (INV-6): the default method is charged the balance unless autopay is off, there is no chargeable
    /// default method, or the payment rules refuse an attempt now (INV-4); a skipped or declined instant is used up and the
    /// next one of the schedule retries. The idempotency key is the instant's, so a redelivered wake-up charges once.
    /// </summary>
    private async Task AutopayAsync(Invoice invoice, DateTimeOffset slot, Account account)
    {
        var rest = InvoiceLifecycle.TakeAutopay(invoice);
        var (source, skipped) = account.AutopaySource(Now);
        Money amount = default;
        if (source is not null)
        {
            try
            {
                amount = InvoiceLifecycle.CheckPayment(rest, null, Now, payments.Policy);
                InvoiceLifecycle.CheckRetryAfterDecline(rest, Now, payments.Policy, source);
            }
            catch (RuleViolationException refused)
            {
                skipped = refused.Reason;
            }
        }

        if (skipped is not null || source is null)
        {
            State = State with { Invoice = rest, Revision = State.Revision + 1 };
            RecordHistory("autopay-skipped", invoice.Status.ToWireName(), invoice.Status.ToWireName(), new { Reason = skipped, Next = rest.AutopaySchedule.FirstOrDefault() });
            return;
        }

        var number = rest.Attempts.Count + 1;
        var answer = await gateway.ChargeAsync(
            new GatewayCharge(AutopayKey(slot), GrainKey, source.GatewayToken, amount.Amount, rest.Currency.Code, $"Invoice {rest.Number} (autopay)"),
            CancellationToken.None);
        var attempt = Attempt(number, amount, source.Description, source.PaymentMethodId, answer, AutopayEvent) with { GatewayKey = AutopayKey(slot) };
        var outcome = Invoice.Decide(rest, new RecordPaymentAttempt(attempt), Context(account));
        await ApplyAsync(outcome, account, attempt);
    }

    /// <summary>What an invoice decision is made with: the invoice's time and its account's time zone.</summary>
    private InvoiceContext Context(Account account) => new(Now, AccountTimeZone.Resolve(account.TimeZoneId));

    private string AutopayKey(DateTimeOffset slot) => $"{GrainKey}#autopay@{slot.UtcDateTime:O}";

    /// <summary>
    /// Records, in the running change, every charge the gateway made for this invoice that the invoice never recorded (a
    /// crash between the gateway's answer and the write): each becomes an attempt with its key and its money applied
    /// (what the invoice cannot take goes to the account's credit), reported like any payment.
    /// </summary>
    private async Task ReconcileAsync(Account account)
    {
        var recorded = RequireInvoice().Attempts.Select(a => a.GatewayReference).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var found = (await gateway.ListChargesAsync(GrainKey, CancellationToken.None)).Where(c => !recorded.Contains(c.Result.Reference)).ToList();
        foreach (var charge in found)
        {
            var invoice = RequireInvoice();
            var saved = account.PaymentMethods.FirstOrDefault(m => string.Equals(m.GatewayToken, charge.Token, StringComparison.Ordinal));
            var attempt = Attempt(
                invoice.Attempts.Count + 1, new Money(charge.Amount, invoice.Currency), saved?.Describe() ?? "one-time card", saved?.Id, charge.Result,
                charge.IdempotencyKey.Contains("#autopay@", StringComparison.Ordinal) ? AutopayEvent : "recovered") with { GatewayKey = charge.IdempotencyKey };
            var outcome = Invoice.Decide(invoice, new RecordFoundPayment(attempt), Context(account));
            var excess = outcome.AccountCredit ?? Money.Zero(invoice.Currency);
            RecordHistory("charge-recovered", invoice.Status.ToWireName(), outcome.Invoice.Status.ToWireName(), new
            {
                attempt.Number,
                Amount = attempt.Amount.ToString(),
                Status = attempt.Status.ToWireName(),
                Excess = excess.ToString(),
            });
            if (outcome.Steps.Count > 0)
            {
                // What the invoice could not take goes to the account's credit with the rest of the outcome.
                await ApplyAsync(outcome, account, attempt);
            }
            else
            {
                State = State with { Invoice = outcome.Invoice, Revision = State.Revision + 1 };
                if (!excess.IsZero)
                {
                    await NestedAsync(() => Ledger().AddCreditAsync(new AddAccountCredit($"invoice {invoice.Number}", excess, CreditReason(outcome, attempt))));
                }
            }
        }
    }

    private PaymentAttempt Attempt(int number, Money amount, string method, string? methodId, GatewayResult answer, string by) => new()
    {
        Number = number,
        At = Now,
        Amount = amount,
        Method = method,
        PaymentMethodId = methodId,
        Status = answer.Outcome switch
        {
            GatewayOutcome.Succeeded => PaymentAttemptStatus.Succeeded,
            GatewayOutcome.Declined => PaymentAttemptStatus.Declined,
            GatewayOutcome.RequiresAction => PaymentAttemptStatus.RequiresAction,
            _ => PaymentAttemptStatus.Abandoned,
        },
        GatewayReference = answer.Reference,
        FailureReason = answer.DeclineReason,
        By = by,
    };

    private async Task<PaymentResult> SettleAuthenticationAsync(Actor actor, int attemptNumber, bool confirm, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InvoiceAsync(cancellationToken);
        return await ChangeAsync(method, async () =>
        {
            var account = await AccountAsync();
            account.Authorize(actor, AccountAction.PayInvoices);
            var invoice = RequireInvoice();
            var attempt = InvoiceLifecycle.RequireAuthentication(invoice, attemptNumber);
            cancellationToken.ThrowIfCancellationRequested();
            var answer = confirm
                ? await gateway.ConfirmAsync(attempt.GatewayReference!, CancellationToken.None)
                : await gateway.CancelAsync(attempt.GatewayReference!, CancellationToken.None);
            var outcome = answer.Outcome switch
            {
                GatewayOutcome.Succeeded => Invoice.Decide(invoice, new SettleAuthentication(attemptNumber, Succeeded: true, null), Context(account)),
                GatewayOutcome.Declined => Invoice.Decide(invoice, new SettleAuthentication(attemptNumber, Succeeded: false, answer.DeclineReason), Context(account)),
                GatewayOutcome.Cancelled => Invoice.Decide(invoice, new AbandonAuthentication(attemptNumber), Context(account)),
                _ => throw new InvalidOperationException($"The gateway answered a settled authentication with {answer.Outcome}."),
            };
            var settled = outcome.Invoice.Attempts.Single(a => a.Number == attemptNumber);
            await ApplyAsync(outcome, account, settled);
            return new PaymentResult(outcome.Invoice, settled);
        }, cancellationToken);
    }

    /// <summary>
    /// Takes a decision's outcome into the grain's state, history and notifications, reports the invoice to its account's
    /// ledger, and drives dunning: subscriptions limited when the invoice fell overdue (SUB-8), every subscription restored
    /// when the account's overdue balance went to 0.00 (SUB-9). Each nested call has its own derived request id.
    /// </summary>
    private async Task ApplyAsync(InvoiceOutcome outcome, Account account, PaymentAttempt? attempt)
    {
        // A call's outcome (a payment the gateway made included) is stored before the account and subscriptions are told,
        // so the invoice finishes it by itself if its own write fails after they were.
        CarryIntent(new InvoiceIntent(outcome, attempt));
        var invoice = outcome.Invoice;
        State = State with { Invoice = invoice, Revision = State.Revision + 1 };
        foreach (var step in outcome.Steps)
        {
            RecordHistory(step.Event.ToWireName(), step.From.ToWireName(), step.To.ToWireName(), new { step.Description, attempt?.Number, Balance = invoice.Balance.ToString() });
            if (Notice(step.Event) is { } kind)
            {
                IReadOnlyList<string> recipients = account.IsErased ? [] : kind == InvoiceNotice.Receipt ? [account.ReceiptRecipient] : account.InvoiceRecipientEmails;
                Notify(kind, new InvoiceNotice(
                    invoice.AccountId, invoice.Number, invoice.Status.ToWireName(), Amount(invoice.Total), Amount(invoice.AmountPaid), Amount(invoice.Balance),
                    invoice.Currency.Code, attempt?.Number, attempt is null ? null : Amount(attempt.Amount), step.Description, recipients));
            }
        }

        var entry = new InvoiceLedgerEntry(invoice.Number, invoice.IssuedAt, invoice.DueAt, invoice.Total, invoice.Balance, invoice.Status, State.Revision);
        var update = await NestedAsync(() => Ledger().RecordInvoiceAsync(entry));
        if (outcome.AccountCredit is { IsZero: false } credit)
        {
            // Money the account is owed goes to its credit, for its next invoices (ACC-6).
            await NestedAsync(() => Ledger().AddCreditAsync(new AddAccountCredit($"invoice {invoice.Number}", credit, CreditReason(outcome, attempt))));
        }

        if (outcome.Has(InvoiceEvent.FellOverdue))
        {
            foreach (var subscriptionId in invoice.ChargedSubscriptionIds())
            {
                await NestedAsync(() => Dunning(subscriptionId).InvoiceOverdueAsync(invoice.Number));
            }
        }

        if (update.OverdueBefore.Amount > 0m && update.OverdueAfter.IsZero)
        {
            foreach (var subscriptionId in update.SubscriptionIds)
            {
                await NestedAsync(() => Dunning(subscriptionId).OverdueSettledAsync());
            }
        }
    }

    /// <summary>
    /// Finishes a payment, settlement, dispute or void whose write failed after the account or a subscription was told:
    /// the stored outcome is applied again under the same nested request ids, and answered as the call would have been.
    /// </summary>
    protected override async Task<object> CompleteIntentAsync(PendingIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var pending = JsonSerializer.Deserialize<InvoiceIntent>(intent.PayloadJson, DomainJson.Options)
            ?? throw new InvalidOperationException($"{GrainName} stored an empty intent.");
        await ApplyAsync(pending.Outcome, await AccountAsync(), pending.Attempt);
        return pending.Attempt is { } attempt && intent.Cause.Name is nameof(PayAsync) or nameof(ConfirmPaymentAsync) or nameof(AbandonPaymentAsync)
            ? new PaymentResult(pending.Outcome.Invoice, attempt)
            : pending.Outcome.Invoice;
    }

    /// <summary>Why an outcome credits the account: a void gives back the credit applied at issue, a dispute on a paid invoice credits it (INV-7), a charge found at the gateway left an excess.</summary>
    private static string CreditReason(InvoiceOutcome outcome, PaymentAttempt? attempt) =>
        outcome.Has(InvoiceEvent.Voided) ? $"Account credit applied to invoice {outcome.Invoice.Number} given back when it was voided"
        : outcome.Has(InvoiceEvent.PaidDisputeCredited) ? $"Dispute on the paid invoice {outcome.Invoice.Number} resolved with a credit"
        : $"Payment {attempt?.Number} of invoice {outcome.Invoice.Number} was taken after the invoice was settled";

    /// <summary>A call's outcome stored with its first nested change (see <see cref="RecordedGrain{TState}.CarryIntent"/>).</summary>
    private sealed record InvoiceIntent(InvoiceOutcome Outcome, PaymentAttempt? Attempt);

    private static string? Notice(InvoiceEvent invoiceEvent) => invoiceEvent switch
    {
        InvoiceEvent.PaidInFull => InvoiceNotice.Receipt,
        InvoiceEvent.PaymentDeclined => InvoiceNotice.PaymentFailed,
        InvoiceEvent.AuthenticationRequired => InvoiceNotice.RequiresAction,
        InvoiceEvent.DisputeOpened => InvoiceNotice.DisputeOpened,
        InvoiceEvent.DisputeCredited or InvoiceEvent.DisputeCreditedInFull or InvoiceEvent.DisputeRejected
            or InvoiceEvent.PaidDisputeCredited or InvoiceEvent.PaidDisputeRejected => InvoiceNotice.DisputeResolved,
        _ => null,
    };

    private static string Amount(Money money) => money.Amount.ToString(CultureInfo.InvariantCulture);

    /// <summary>The invoice: the grain's record, which its account's change created, or else (an invoice issued by an earlier release) adopted from the account's record of it.</summary>
    private async Task<Invoice> InvoiceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await ReloadIfAbsentAsync();
        if (State.Invoice is { } invoice)
        {
            return invoice;
        }

        if (!InvoiceKey.TryParse(GrainKey, out var accountId, out var number))
        {
            throw new NotFoundException("Invoice", GrainKey);
        }

        // An invoice its subscription never handed over (its call was lost) is read from its account's record of it.
        return await AdoptAsync(await GrainFactory.GetGrain<IAccountLedgerGrain>(accountId).GetIssuedInvoiceAsync(number), cancellationToken);
    }

    /// <summary>
    /// Takes the invoice as its account issued it, and the account's test clock (CLOCK-1). Adoption is not the caller's
    /// change: it happens once, whoever comes first, so it answers no request id.
    /// </summary>
    private Task<Invoice> AdoptAsync(IssuedInvoice issued, CancellationToken cancellationToken) =>
        ChangeAsync("adopt", async () =>
        {
            if (State.Invoice is { } adopted)
            {
                return adopted;
            }

            if (issued.ClockId is { } clockId)
            {
                await BindToClockAsync(clockId, cancellationToken);
            }

            State = State with { Invoice = issued.Invoice };
            RecordHistory("adopted", null, issued.Invoice.Status.ToWireName(), new
            {
                issued.Invoice.Number,
                issued.Invoice.IssuedAt,
                Total = issued.Invoice.Total.ToString(),
            });
            return issued.Invoice;
        }, cancellationToken, answersRequestId: false);

    private Invoice RequireInvoice() => State.Invoice ?? throw new NotFoundException("Invoice", GrainKey);

    private async Task<Account> AccountAsync() => (await Ledger().ReadAsync()).Account;

    private IAccountLedgerGrain Ledger() => GrainFactory.GetGrain<IAccountLedgerGrain>(RequireInvoice().AccountId);

    private ISubscriptionDunningGrain Dunning(string subscriptionId) =>
        GrainFactory.GetGrain<ISubscriptionDunningGrain>(SubscriptionKey.Of(RequireInvoice().AccountId, subscriptionId));
}
