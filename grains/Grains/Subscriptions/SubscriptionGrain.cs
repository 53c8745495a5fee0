using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Runtime;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// The subscription grain: every command and reminder goes through the domain's <see cref="Subscription"/> decisions;
/// a decision's charges become an invoice through the account grain (INV-1), its credits go to the account balance
/// (SUB-4), its history entry is recorded with the turn's cause (OPS-1) and its wanted reminders replace the registered
/// ones. Calls go one way: subscription → account and subscription → invoice (→ account, when an invoice adopts its
/// record), never back into the subscription.
/// </summary>
[GrainType(TypeName)]
public sealed class SubscriptionGrain(ProductCatalog catalog) : Grain<SubscriptionGrainState>, ISubscriptionGrain, IRemindable
{
    /// <summary>The grain type name under which subscriptions are stored and inspected (OPS-1).</summary>
    public const string TypeName = "subscription";

    /// <inheritdoc />
    public Task<SubscriptionView> StartTrialAsync(Actor actor, StartTrial command, string? currency, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(command);
        return StartAsync(actor, command.AccountId, command.SubscriptionId, currency, context => Subscription.StartTrial(command, context), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SubscriptionView> CreateAsync(Actor actor, CreatePaid command, string? currency, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(command);
        return StartAsync(actor, command.AccountId, command.SubscriptionId, currency, context => Subscription.CreatePaid(command, context), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SubscriptionView> GetAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(actor);
        var subscription = RequireSubscription();
        var account = (await Account(subscription.AccountId).ReadAsync()).Account;
        var authority = SubscriptionAuthority.Of(actor, account);
        if (authority is not (CallerAuthority.PrimaryHolder or CallerAuthority.BillingViewer or CallerAuthority.BillingOps))
        {
            throw new PermissionDeniedException(
                "ACC-2", $"{Quoted.Of(actor.SubjectId)} is a user of account {Quoted.Of(account.Id)}; reading its subscriptions needs the primary holder, a billing viewer or billing ops.");
        }

        return View(null, []);
    }

    /// <inheritdoc />
    public Task<SubscriptionView> UpgradeToPaidAsync(Actor actor, UpgradeToPaid command, CancellationToken cancellationToken = default) => DecideAsync(actor, command, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionView> ChangePlanAsync(Actor actor, ChangePlan command, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(command);
        var subscription = RequireSubscription();
        var product = catalog.Product(subscription.ProductId);

        // Only the direction is chosen here, and nothing is refused: the caller's membership and authority (ACC-2) are
        // checked before the domain looks the plan up, so an unknown plan goes on as an upgrade and is refused by the
        // domain (plan_id) only for a caller allowed to change the plan.
        var target = product.Plans.FirstOrDefault(p => string.Equals(p.Id, command.PlanId?.Trim(), StringComparison.OrdinalIgnoreCase));
        return target is not null && target.Rank < product.Plan(subscription.PlanId).Rank
            ? DecideAsync(actor, new DowngradePlan(target.Id), cancellationToken)
            : DecideAsync(actor, new UpgradePlan(target?.Id ?? command.PlanId), cancellationToken);
    }

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

    /// <summary>
    /// Handles a due reminder idempotently: a tick the current state no longer wants, or wants later (a period already
    /// renewed, a withdrawn cancellation), does nothing; otherwise the matching event is decided on the service's authority.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (State.Subscription is not { } subscription)
        {
            return;
        }

        var wanted = subscription.WantedReminders().FirstOrDefault(r => r.Name == reminderName);
        if (wanted is null || wanted.DueAt > Clock.GetUtcNow())
        {
            return;
        }

        SubscriptionCommand command = reminderName switch
        {
            ReminderRequest.TrialEnd => new EndTrial(),
            ReminderRequest.Renewal => new Renew(),
            ReminderRequest.CancellationEffective => new ApplyCancellation(),
            ReminderRequest.GracePeriodEnd => new ElapseGracePeriod(),
            _ => throw new InvalidOperationException($"Subscription {Quoted.Of(GrainKey)} wants reminder {Quoted.Of(reminderName)} but has no handler for it."),
        };
        var inputs = await InputsAsync(null, subscription.AccountId, command);
        await ApplyAsync(subscription, Subscription.Decide(subscription, command, inputs.Context), inputs, reminderName);
    }

    private async Task<SubscriptionView> StartAsync(
        Actor actor, string accountId, string subscriptionId, string? currency, Func<SubscriptionContext, SubscriptionDecision> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (State.Subscription is not null)
        {
            throw new AlreadyExistsException("Subscription", GrainKey);
        }

        if (string.IsNullOrWhiteSpace(accountId) || string.IsNullOrWhiteSpace(subscriptionId) || SubscriptionKey.Of(accountId, subscriptionId) != GrainKey)
        {
            throw new ValidationException(
                "subscription_id", $"Subscription {Quoted.Of(subscriptionId)} of account {Quoted.Of(accountId)} does not match the addressed subscription {Quoted.Of(GrainKey)}.");
        }

        var inputs = await InputsAsync(actor, accountId, null);
        var account = inputs.Account;
        if (currency is not null && !string.Equals(currency.Trim(), account.Currency.Code, StringComparison.OrdinalIgnoreCase))
        {
            throw new ValidationException(
                "currency", $"Account {Quoted.Of(account.Id)} is billed in {account.Currency.Code} (ACC-1); the request asks for {Quoted.Of(currency)}.");
        }

        // Nothing is written before this point; once the account is asked to bill, the change is carried through.
        cancellationToken.ThrowIfCancellationRequested();
        var view = await ApplyAsync(null, decide(inputs.Context), inputs, null);
        await Account(account.Id).AddSubscriptionAsync(view.Subscription.Id);
        return view;
    }

    private async Task<SubscriptionView> DecideAsync(Actor actor, SubscriptionCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var subscription = RequireSubscription();
        cancellationToken.ThrowIfCancellationRequested();
        var inputs = await InputsAsync(actor, subscription.AccountId, command);
        // Nothing is written before this point; once the account is asked to bill, the change is carried through.
        cancellationToken.ThrowIfCancellationRequested();
        return await ApplyAsync(subscription, Subscription.Decide(subscription, command, inputs.Context), inputs, null);
    }

    /// <summary>
    /// Reads the account facts a decision needs; binds the grain to the account's test clock first (CLOCK-1), so "now"
    /// is the clock's time. The overdue balance (ACC-6) is read from the account's invoices only for a cancellation, the
    /// one command that depends on it (SUB-6).
    /// </summary>
    private async Task<DecisionInputs> InputsAsync(Actor? actor, string accountId, SubscriptionCommand? command)
    {
        var snapshot = await Account(accountId).ReadAsync();
        var account = snapshot.Account;
        var bound = false;
        if (account.TestClockId is { } clockId && clockId != ClockId)
        {
            BindToClock(clockId);
            bound = true;
        }

        var now = Clock.GetUtcNow();
        var overdue = command is Cancel && (await AccountBalance.ReadAsync(GrainFactory, snapshot, now)).OverdueBalance.Amount > 0m;
        var facts = AccountFacts.Of(account, now, overdue);
        var authority = actor is null ? CallerAuthority.System : SubscriptionAuthority.Of(actor, account);
        return new DecisionInputs(account, new SubscriptionContext(catalog, facts, authority, now), bound);
    }

    private async Task<SubscriptionView> ApplyAsync(SubscriptionState? before, SubscriptionDecision decision, DecisionInputs inputs, string? tickedReminder)
    {
        var billing = await SubscriptionBilling.SettleAsync(Account(inputs.Account.Id), decision, inputs.Account.Currency);
        State = State with
        {
            Subscription = decision.State,
            InvoiceNumbers = billing.InvoiceNumber is { } number ? [.. State.InvoiceNumbers, number] : State.InvoiceNumbers,
        };
        foreach (var entry in decision.History)
        {
            RecordHistory(entry.Change, entry.From?.ToWireName(), entry.To.ToWireName(), new SubscriptionHistoryPayload(
                entry.At, entry.Description, billing.InvoiceNumber, [.. billing.Credits.Select(c => c.Amount.ToString())]));
        }

        SyncReminders(before, decision.State, tickedReminder, inputs.JustBoundToClock);
        return View(billing.InvoiceNumber, billing.Credits);
    }

    /// <summary>
    /// Registers the reminders the new state wants and drops the others. Unchanged reminders are left alone, except the
    /// one being delivered (its tick is acknowledged in this turn) and all of them when the grain was just bound to a
    /// test clock, so they follow it.
    /// </summary>
    private void SyncReminders(SubscriptionState? before, SubscriptionState after, string? tickedReminder, bool reregisterAll)
    {
        var previous = before?.WantedReminders().ToDictionary(r => r.Name, r => r.DueAt) ?? [];
        var wanted = after.WantedReminders();
        foreach (var reminder in wanted)
        {
            if (reregisterAll || reminder.Name == tickedReminder || !previous.TryGetValue(reminder.Name, out var due) || due != reminder.DueAt)
            {
                RegisterOrUpdateReminder(reminder.Name, reminder.DueAt);
            }
        }

        foreach (var name in previous.Keys.Except(wanted.Select(r => r.Name)))
        {
            UnregisterReminder(name);
        }
    }

    private SubscriptionView View(string? issuedInvoiceNumber, IReadOnlyList<AccountCredit> credits) =>
        new(RequireSubscription(), State.InvoiceNumbers, issuedInvoiceNumber, credits);

    private SubscriptionState RequireSubscription() => State.Subscription ?? throw new NotFoundException("Subscription", GrainKey);

    private IAccountGrain Account(string accountId) => GrainFactory.GetGrain<IAccountGrain>(accountId);

    /// <summary>What a decision is made with, and whether this turn bound the grain to the account's test clock.</summary>
    private sealed record DecisionInputs(Account Account, SubscriptionContext Context, bool JustBoundToClock);
}
