using System.Text.Json;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Domain.Tax;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// The subscription grain: every command and due event goes through the domain's <see cref="Subscription"/> decisions;
/// a decision's charges become an invoice through the account (INV-1), its credits go to the account balance (SUB-4),
/// its history entry is recorded with the change's cause (OPS-1), and the earliest event its new state wants (trial
/// end, renewal, cancellation, grace period end) is when the grain is woken next, by an Orleans reminder or by its test
/// clock (CLOCK-1). It calls its account, and an invoice only in the turn that issues it, to make it a grain that arms
/// its own wake-ups. Invoices call the subscription for dunning (<see cref="ISubscriptionDunningGrain"/>) only once
/// they are past due, 15 days after that turn, so the two never wait on each other.
/// </summary>
[GrainType(TypeName)]
public sealed class SubscriptionGrain(
    [PersistentState(SubscriptionGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<SubscriptionGrainState>> record,
    GrainServices services,
    ProductCatalog catalog,
    TaxCalculator tax) : RecordedGrain<SubscriptionGrainState>(record, services), ISubscriptionGrain, ISubscriptionDunningGrain, ISubscriptionOrderGrain, ISubscriptionAccessGrain, IWakeableGrain
{
    /// <summary>The grain type name under which subscriptions are stored and inspected (OPS-1).</summary>
    public const string TypeName = "subscription";

    /// <summary>The account as last read, for authorizing reads (ACC-2); null until read and once the account asks to forget it.</summary>
    private Account? _account;

    /// <summary>How many times the account asked this activation to forget it: a read that spans one is not kept.</summary>
    private long _accountForgotten;

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public Task<SubscriptionView> StartTrialAsync(Actor actor, StartTrial command, string? currency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return StartAsync(actor, command.AccountId, command.SubscriptionId, currency, (context, requested) => Subscription.StartTrial(command, context, requested), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SubscriptionView> CreateAsync(Actor actor, CreatePaid command, string? currency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return StartAsync(actor, command.AccountId, command.SubscriptionId, currency, (context, requested) => Subscription.CreatePaid(command, context, requested), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SubscriptionView> GetAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(actor);
        var subscription = RequireSubscription();
        if (_account is { } known && State.AwaitingPayment is null)
        {
            // The account's members and erasure as last read: the account makes this activation forget them before it
            // commits a change to either (ISubscriptionAccessGrain), so a read is authorized without a second grain call.
            known.Authorize(actor, AccountAction.ViewSubscriptions);
            return View(null, [], InvoiceLedger.Empty);
        }

        var snapshot = await ReadAccountAsync(subscription.AccountId);
        snapshot.Account.Authorize(actor, AccountAction.ViewSubscriptions);
        return View(null, [], snapshot.Ledger);
    }

    /// <inheritdoc />
    public Task ForgetAccountAsync()
    {
        _account = null;
        _accountForgotten++;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SubscriptionView> UpgradeToPaidAsync(Actor actor, UpgradeToPaid command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> ChangePlanAsync(Actor actor, ChangePlan command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> AddSeatsAsync(Actor actor, AddSeats command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> RemoveSeatsAsync(Actor actor, RemoveSeats command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> AssignLicenceAsync(Actor actor, AssignLicence command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> UnassignLicenceAsync(Actor actor, UnassignLicence command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> ChangeFrequencyAsync(Actor actor, ChangeFrequency command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> CancelAsync(Actor actor, CancellationToken cancellationToken = default) => DecideAsync(actor, new Cancel(), cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> WithdrawCancellationAsync(Actor actor, CancellationToken cancellationToken = default) => DecideAsync(actor, new WithdrawCancellation(), cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> ReactivateAsync(Actor actor, CancellationToken cancellationToken = default) => DecideAsync(actor, new Reactivate(), cancellationToken);

    /// <inheritdoc />
    public Task InvoiceOverdueAsync(string invoiceNumber) => SystemChangeAsync(nameof(InvoiceOverdueAsync), new MarkRenewalOverdue());

    /// <inheritdoc />
    public Task OverdueSettledAsync() => SystemChangeAsync(nameof(OverdueSettledAsync), new SettleOverdue());

    /// <inheritdoc />
    public Task<SubscriptionState> HoldForOrderAsync(string orderNumber, int seats, string productId, string planId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        return ChangeAsync(nameof(HoldForOrderAsync), async () =>
        {
            var subscription = RequireSubscription();
            if (State.HeldBy is { } hold)
            {
                return hold.OrderNumber == orderNumber ? subscription : throw HeldRefusal(hold);
            }

            if (subscription.ProductId != productId || subscription.PlanId != planId)
            {
                throw new RuleViolationException(
                    Rules.Quo5, $"Subscription {Quoted.Of(GrainKey)} is now {subscription.ProductId}/{subscription.PlanId}, not the quoted {Quoted.Of(productId)}/{Quoted.Of(planId)}.");
            }

            // The seats must be addable now, as billing ops would add them (the quote was priced by ops, or by a QUO-4 order).
            var inputs = await InputsAsync(null, subscription.AccountId, null, CancellationToken.None, asOps: true);
            Subscription.Decide(subscription, new AddSeats(seats), inputs.Context);
            State = State with { HeldBy = new OrderHold(orderNumber, seats) };
            RecordHistory("held-for-order", null, orderNumber, new { Seats = seats, Description = $"Held by service order {orderNumber} for {seats} more seat(s) while it is placed." });
            return subscription;
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<bool> HoldNewForOrderAsync(string orderNumber, CreatePaid command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        ArgumentNullException.ThrowIfNull(command);
        return ChangeAsync(nameof(HoldNewForOrderAsync), async () =>
        {
            if (State.HeldBy is { } hold)
            {
                return hold.OrderNumber == orderNumber ? true : throw HeldRefusal(hold);
            }

            if (State.Subscription is not null)
            {
                throw new RuleViolationException(
                    Rules.Quo5, $"Subscription id {Quoted.Of(command.SubscriptionId)} is taken in account {Quoted.Of(command.AccountId)}: the order cannot start its new subscription under it.");
            }

            if (SubscriptionKey.Of(command.AccountId, command.SubscriptionId) != GrainKey)
            {
                throw new ValidationException("subscription_id", $"{Quoted.Of(command.SubscriptionId)} does not match the addressed subscription {Quoted.Of(GrainKey)}.");
            }

            // The purchase must be possible now, as billing ops would make it (the quote was priced by ops).
            var inputs = await InputsAsync(null, command.AccountId, null, CancellationToken.None, asOps: true);
            Subscription.CreatePaid(command, inputs.Context);
            State = State with { HeldBy = new OrderHold(orderNumber, command.Seats) };
            RecordHistory("held-for-order", null, orderNumber, new { command.ProductId, command.PlanId, command.Seats, Description = $"Id held by service order {orderNumber}, which starts this subscription." });
            return true;
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<bool> ReleaseFromOrderAsync(string orderNumber)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        return ChangeSync(nameof(ReleaseFromOrderAsync), () =>
        {
            if (State.HeldBy?.OrderNumber != orderNumber)
            {
                return false;
            }

            State = State with { HeldBy = null };
            RecordHistory("released-by-order", orderNumber, null, new { Description = $"Service order {orderNumber} was refused: nothing of it was applied." });
            return true;
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChargeLine>?> PriceSeatsAsync(int seats)
    {
        if (State.Subscription is not { } subscription)
        {
            return null;
        }

        // A read: the time is the account's clock's now, as the order's change would take it (CLOCK-1).
        var snapshot = await ReadAccountAsync(subscription.AccountId);
        var context = ContextAt(snapshot, await ReadTimeAsync(snapshot.Account.TestClockId, CancellationToken.None), CallerAuthority.BillingOps);
        try
        {
            var decision = Subscription.Decide(subscription, new AddSeats(seats), context);
            return decision.Charges.Count > 0 ? decision.Charges : [.. decision.State.DeferredCharges.Skip(subscription.DeferredCharges.Count)];
        }
        catch (Exception e) when (e is RuleViolationException or ValidationException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task<OrderLineBilled> ApplyOrderSeatsAsync(string orderNumber, string? licenceFor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        return ChangeAsync(nameof(ApplyOrderSeatsAsync), async () =>
        {
            var subscription = RequireSubscription();
            if (State.HeldBy is null && State.LastOrder is { } done && done.OrderNumber == orderNumber)
            {
                // This order's step run again after its answer was forgotten: already applied.
                return new OrderLineBilled(subscription, done.Charges);
            }

            if (State.HeldBy is not { } hold || hold.OrderNumber != orderNumber)
            {
                throw new RuleViolationException(Rules.Quo5, $"Subscription {Quoted.Of(GrainKey)} is not held by service order {Quoted.Of(orderNumber)}: its seats cannot be applied.");
            }

            var inputs = await InputsAsync(null, subscription.AccountId, null, CancellationToken.None, asOps: true);
            var decision = Subscription.Decide(subscription, new AddSeats(hold.Seats), inputs.Context);
            State = State with { HeldBy = null, LastOrder = new OrderApplied(orderNumber, decision.Charges) };
            await ApplyAsync(decision, inputs, billedBy: orderNumber);
            return new OrderLineBilled(await LicenceForOrderAsync(licenceFor, inputs, orderNumber), decision.Charges);
        }, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<OrderLineBilled> CreateForOrderAsync(string orderNumber, CreatePaid command, string? licenceFor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        ArgumentNullException.ThrowIfNull(command);
        return ChangeAsync(nameof(CreateForOrderAsync), async () =>
        {
            if (State.Subscription is { } started && State.LastOrder is { } done && done.OrderNumber == orderNumber)
            {
                // This order's step run again after its answer was forgotten: already started.
                return new OrderLineBilled(started, done.Charges);
            }

            if (State.Subscription is not null)
            {
                throw new AlreadyExistsException("Subscription", GrainKey);
            }

            if (State.HeldBy?.OrderNumber != orderNumber)
            {
                throw new RuleViolationException(Rules.Quo5, $"Subscription id {Quoted.Of(GrainKey)} is not held by service order {Quoted.Of(orderNumber)}: it cannot start it.");
            }

            var inputs = await InputsAsync(null, command.AccountId, null, CancellationToken.None, asOps: true);
            var decision = Subscription.CreatePaid(command, inputs.Context);
            State = State with { HeldBy = null, LastOrder = new OrderApplied(orderNumber, decision.Charges) };
            await CarryOutAsync(decision, inputs, created: true, billedBy: orderNumber);
            return new OrderLineBilled(await LicenceForOrderAsync(licenceFor, inputs, orderNumber), decision.Charges);
        }, CancellationToken.None);
    }

    /// <summary>
    /// Gives an order's administrator a licence in the running change (SUB-5) unless they hold one; a refusal (every
    /// seat taken) is kept in the history for ops rather than failing the order.
    /// </summary>
    private async Task<SubscriptionState> LicenceForOrderAsync(string? licenceFor, DecisionInputs inputs, string orderNumber)
    {
        var subscription = RequireSubscription();
        if (licenceFor is null || subscription.AssignedUsers.Contains(licenceFor, StringComparer.Ordinal))
        {
            return subscription;
        }

        SubscriptionDecision decision;
        try
        {
            decision = Subscription.Decide(subscription, new AssignLicence(licenceFor), inputs.Context);
        }
        catch (RuleViolationException e)
        {
            RecordHistory("licence-not-assigned", null, licenceFor, new { Description = $"Service order {orderNumber}: {e.Message}" });
            return subscription;
        }

        return (await ApplyAsync(decision, inputs, billedBy: orderNumber)).Subscription;
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> WakeAsync(DateTimeOffset clockTime) => WakeUpAsync(clockTime, CancellationToken.None);

    /// <summary>
    /// The earliest event the subscription wants (trial end, renewal, cancellation, grace period end); none while a
    /// service order holds it (QUO-5), so nothing changes it between the order's acceptance and its application: the
    /// events due meanwhile happen once the order has applied its seats or released it.
    /// </summary>
    protected override DateTimeOffset? WantedWakeAt(SubscriptionGrainState state) =>
        state.HeldBy is not null ? null : state.Subscription?.WantedReminders().Select(r => (DateTimeOffset?)r.DueAt).Min();


    /// <summary>
    /// Handles the earliest due event on the service's authority (SUB-1, SUB-3, SUB-6, SUB-9). A wake-up the state no
    /// longer needs (a period already renewed, a withdrawn cancellation) finds nothing due and does nothing.
    /// </summary>
    protected override Task HandleDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var subscription = RequireSubscription();
        var due = subscription.WantedReminders().Where(r => r.DueAt <= at).MinBy(r => r.DueAt)
            ?? throw new InvalidOperationException($"{GrainName} was asked to handle an event but none is due at {at:O}.");
        SubscriptionCommand command = due.Name switch
        {
            ReminderRequest.TrialEnd => new EndTrial(),
            ReminderRequest.Renewal => new Renew(),
            ReminderRequest.CancellationEffective => new ApplyCancellation(),
            ReminderRequest.GracePeriodEnd => new ElapseGracePeriod(),
            _ => throw new InvalidOperationException($"{GrainName} wants event {Quoted.Of(due.Name)} but has no handler for it."),
        };
        return ChangeOnWakeAsync(due.Name, due.DueAt, at, async () =>
        {
            var current = RequireSubscription();
            var inputs = await InputsAsync(null, current.AccountId, command, cancellationToken);
            await ApplyAsync(Subscription.Decide(current, command, inputs.Context), inputs);
        });
    }

    /// <summary>A dunning change on the service's authority (SUB-8, SUB-9); nothing when the state has no such transition or the account still owes.</summary>
    private Task<bool> SystemChangeAsync(string method, SubscriptionCommand command) =>
        ChangeAsync(method, async () =>
        {
            if (State.Subscription is not { } subscription)
            {
                return false;
            }

            if (State.HeldBy is not null)
            {
                // Held by an order for a moment (QUO-5): the invoice's wake-up or change that called is retried, and
                // finds the subscription free.
                throw new ConcurrentChangeException(GrainName);
            }

            var inputs = await InputsAsync(null, subscription.AccountId, command, CancellationToken.None);
            if (Subscription.DecideDunning(subscription, command, inputs.Context) is not { } decision)
            {
                return false;
            }

            await ApplyAsync(decision, inputs);
            return true;
        }, CancellationToken.None);

    private Task<SubscriptionView> StartAsync(
        Actor actor, string accountId, string subscriptionId, string? currency, Func<SubscriptionContext, string?, SubscriptionDecision> decide,
        CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(actor);
        return ChangeAsync(method, async () =>
        {
            if (State.Subscription is not null)
            {
                throw new AlreadyExistsException("Subscription", GrainKey);
            }

            if (State.HeldBy is { } hold)
            {
                throw HeldRefusal(hold);
            }

            if (string.IsNullOrWhiteSpace(accountId) || string.IsNullOrWhiteSpace(subscriptionId) || SubscriptionKey.Of(accountId, subscriptionId) != GrainKey)
            {
                throw new ValidationException(
                    "subscription_id", $"Subscription {Quoted.Of(subscriptionId)} of account {Quoted.Of(accountId)} does not match the addressed subscription {Quoted.Of(GrainKey)}.");
            }

            var inputs = await InputsAsync(actor, accountId, null, cancellationToken);

            // Nothing is written before this point; once the account is asked to bill, the change is carried through.
            cancellationToken.ThrowIfCancellationRequested();
            var decision = decide(inputs.Context, currency);
            CarryIntent(new SubscriptionIntent(decision, Created: true));
            return await CarryOutAsync(decision, inputs, created: true);
        }, cancellationToken);
    }

    private Task<SubscriptionView> DecideAsync(
        Actor actor, SubscriptionCommand command, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        return ChangeAsync(method, async () =>
        {
            var subscription = RequireSubscription();
            if (State.HeldBy is { } hold)
            {
                throw HeldRefusal(hold);
            }

            var inputs = await InputsAsync(actor, subscription.AccountId, command, cancellationToken);
            // Nothing is written before this point; once the account is asked to bill, the change is carried through.
            cancellationToken.ThrowIfCancellationRequested();
            var decision = Subscription.Decide(subscription, command, inputs.Context);
            if (ChangesOtherGrains(subscription, decision))
            {
                CarryIntent(new SubscriptionIntent(decision, Created: false));
            }

            return await CarryOutAsync(decision, inputs, created: false);
        }, cancellationToken);
    }

    /// <summary>
    /// Finishes a decided change whose write failed after it billed (an invoice issued, a credit granted): the stored
    /// decision is applied again under the same nested request ids, so the account answers what it already did.
    /// </summary>
    protected override async Task<object> CompleteIntentAsync(PendingIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var pending = JsonSerializer.Deserialize<SubscriptionIntent>(intent.PayloadJson, DomainJson.Options)
            ?? throw new InvalidOperationException($"{GrainName} stored an empty intent.");
        var inputs = await InputsAsync(null, pending.Decision.State.AccountId, null, CancellationToken.None);
        return await CarryOutAsync(pending.Decision, inputs, pending.Created);
    }

    /// <summary>
    /// Calls a new invoice's grain, whose record the account's change created, so it arms its wake-ups (INV-5, INV-6):
    /// awaited in the turn that issues it.
    /// When a stored change is finished later, the invoice may be in a turn of its own that calls this subscription
    /// (dunning), so the call is sent without waiting for it: the two never wait on each other.
    /// </summary>
    private Task OpenInvoiceAsync(Invoice invoice, string? clockId)
    {
        var opened = GrainFactory.GetGrain<IInvoiceOpeningGrain>(InvoiceKey.Of(invoice.AccountId, invoice.Number)).OpenAsync(new IssuedInvoice(invoice, clockId));
        if (!FinishingIntent)
        {
            return opened;
        }

        _ = opened.ContinueWith(t => t.Exception, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Applies a decision and, for a new subscription, tells the account it has it: the invoice that bills it does so in
    /// the same change; without one (a trial, a free plan, an order's line), a change of its own does. A change being
    /// finished asks that change too (it is answered once), in case it was decided before invoices added subscriptions.
    /// </summary>
    private async Task<SubscriptionView> CarryOutAsync(SubscriptionDecision decision, DecisionInputs inputs, bool created, string? billedBy = null)
    {
        var view = await ApplyAsync(decision, inputs, billedBy, created ? decision.State.Id : null);
        if (created && (view.IssuedInvoiceNumber is null || FinishingIntent))
        {
            await NestedAsync(() => Ledger(inputs.Account.Id).AddSubscriptionAsync(view.Subscription.Id));
        }

        return view;
    }

    /// <summary>True when applying <paramref name="decision"/> calls the account to bill, credit or record an end.</summary>
    private static bool ChangesOtherGrains(SubscriptionState before, SubscriptionDecision decision) =>
        decision.Charges.Count > 0 || decision.Credits.Count > 0 || Ended(decision.State) != Ended(before);

    /// <summary>
    /// Reads the account facts a decision needs; binds the grain to the account's test clock first (CLOCK-1), so "now"
    /// is the clock's time. The overdue balance (ACC-6) comes from the account's ledger of its invoices (SUB-6, SUB-9).
    /// </summary>
    private async Task<DecisionInputs> InputsAsync(Actor? actor, string accountId, SubscriptionCommand? command, CancellationToken cancellationToken, bool asOps = false)
    {
        var snapshot = await ReadAccountAsync(accountId);
        var account = snapshot.Account;
        if (account.PersonalDataErasedAt is { } erasedAt && actor is not null)
        {
            throw new RuleViolationException(
                Rules.Acc8, $"The personal data of account {Quoted.Of(account.Id)} was erased on {erasedAt.UtcDateTime:yyyy-MM-dd}: its subscriptions can no longer be started, changed or reactivated.");
        }

        if (account.TestClockId is { } clockId && clockId != ClockId)
        {
            await BindToClockAsync(clockId, cancellationToken);
        }

        var authority = asOps ? CallerAuthority.BillingOps : actor is null ? CallerAuthority.System : account.AuthorityOf(actor);
        return new DecisionInputs(account, ContextAt(snapshot, Now, authority), snapshot.Ledger);
    }

    /// <summary>A decision's context at <paramref name="now"/>: the account's facts then, its overdue balance from its ledger (ACC-6).</summary>
    private SubscriptionContext ContextAt(AccountSnapshot snapshot, DateTimeOffset now, CallerAuthority authority)
    {
        var overdue = AccountBalances.Of(snapshot.Invoices, snapshot.UnappliedCredit, now).OverdueBalance.Amount > 0m;
        return new SubscriptionContext(catalog, AccountFacts.Of(snapshot.Account, now, overdue), authority, now);
    }

    /// <summary>
    /// Applies a decision: its charges become an invoice of the account, unless service order <paramref name="billedBy"/>
    /// bills them on its own invoice (QUO-5); its credits go to the account either way.
    /// </summary>
    private async Task<SubscriptionView> ApplyAsync(SubscriptionDecision decision, DecisionInputs inputs, string? billedBy = null, string? newSubscriptionId = null)
    {
        var before = State.Subscription?.Status;
        var endedBefore = Ended(State.Subscription);
        var autopay = InvoiceLifecycle.AutopaySchedule(InvoiceLifecycle.FirstAutopayAt(decision.State.BillingModel, Now, inputs.Context.Zone), catalog.Product(decision.State.ProductId).AutopayRetryDays);
        var billing = await SubscriptionBilling.SettleAsync(
            Ledger(inputs.Account.Id), billedBy is null ? decision : decision with { Charges = [] }, inputs.Account.Currency,
            net => inputs.Account.CreditForUnusedService(net, tax), autopay, NestedAsync,
            invoice => OpenInvoiceAsync(invoice, inputs.Account.TestClockId), newSubscriptionId);
        var awaiting = UpgradeAwaitingPayment.After(State.AwaitingPayment, State.Subscription, decision, billing.InvoiceNumber, inputs.Ledger);
        State = State with
        {
            Subscription = decision.State,
            InvoiceNumbers = billing.InvoiceNumber is { } number ? State.WithInvoice(number) : State.InvoiceNumbers,
            AwaitingPayment = awaiting,
        };
        foreach (var entry in decision.History)
        {
            RecordHistory(entry.Change, entry.From?.ToWireName(), entry.To.ToWireName(), new SubscriptionHistoryPayload(
                entry.At, billedBy is null || decision.Charges.Count == 0 ? entry.Description : $"{entry.Description} Invoiced by service order {billedBy}.", billing.InvoiceNumber,
                [.. billing.Credits.Select(c => c.Amount.ToString())]));
        }

        var after = decision.State;
        var notice = after.Status != before ? after.Status switch
        {
            SubscriptionStatus.Limited => SubscriptionNotice.Limited,
            SubscriptionStatus.Suspended => SubscriptionNotice.Suspended,
            SubscriptionStatus.Active when before is SubscriptionStatus.Limited or SubscriptionStatus.Suspended => SubscriptionNotice.Restored,
            _ => null,
        } : null;
        // ACC-8: the account keeps its personal data until 6 months after its last subscription ended.
        if (Ended(after) != endedBefore)
        {
            await NestedAsync(() => Ledger(inputs.Account.Id).RecordSubscriptionEndAsync(after.Id, Ended(after)));
        }

        if (notice is not null)
        {
            Notify(notice, new SubscriptionNotice(
                after.AccountId, after.Id, after.ProductId, after.Status.ToWireName(), decision.History.LastOrDefault()?.Description ?? "", inputs.Account.InvoiceRecipientEmails));
        }

        return View(billing.InvoiceNumber, billing.Credits, inputs.Ledger);
    }

    /// <summary>When a cancelled or expired subscription ended; null while it is live.</summary>
    private static DateTimeOffset? Ended(SubscriptionState? state) =>
        state is { Status: SubscriptionStatus.Cancelled or SubscriptionStatus.Expired } ? state.EndedAt ?? state.ServiceStart : null;

    private SubscriptionView View(string? issuedInvoiceNumber, IReadOnlyList<AccountCredit> credits, InvoiceLedger ledger) =>
        new(RequireSubscription(), State.InvoiceNumbers, issuedInvoiceNumber, credits,
            UpgradeAwaitingPayment.PaidPlan(State.AwaitingPayment, ledger));

    private SubscriptionState RequireSubscription() => State.Subscription ?? throw new NotFoundException("Subscription", GrainKey);

    private IAccountLedgerGrain Ledger(string accountId) => GrainFactory.GetGrain<IAccountLedgerGrain>(accountId);

    /// <summary>
    /// Reads the account and keeps it for authorizing reads when the account already lists this subscription, so it
    /// will ask this activation to forget it before a change of members or an erasure; not when it asked while the read
    /// was under way (the answer may then predate the change that asked).
    /// </summary>
    private async Task<AccountSnapshot> ReadAccountAsync(string accountId)
    {
        var forgotten = _accountForgotten;
        var snapshot = await Ledger(accountId).ReadAsync();
        if (forgotten == _accountForgotten && State.Subscription?.Id is { } id && snapshot.SubscriptionIds.Contains(id))
        {
            _account = snapshot.Account;
        }

        return snapshot;
    }

    /// <summary>A decided change stored with its first nested change, so the grain can finish it by itself (see <see cref="RecordedGrain{TState}.CarryIntent"/>).</summary>
    private sealed record SubscriptionIntent(SubscriptionDecision Decision, bool Created);

    private RuleViolationException HeldRefusal(OrderHold hold) =>
        new(Rules.Quo5, $"Subscription {Quoted.Of(GrainKey)} is held by service order {hold.OrderNumber} while its seats are applied: try again in a moment.");

    /// <summary>What a decision is made with.</summary>
    private sealed record DecisionInputs(Account Account, SubscriptionContext Context, InvoiceLedger Ledger);
}
