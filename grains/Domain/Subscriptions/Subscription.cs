namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// The subscription aggregate's decision functions: pure, given the current state, a command and a context (catalog,
/// account facts, caller, now). Refusals throw <see cref="Errors.RuleViolationException"/> (rule id + sentence),
/// <see cref="Errors.PermissionDeniedException"/> (caller lacks authority) or <see cref="Errors.ValidationException"/> (bad field).
/// </summary>
public static class Subscription
{
    /// <summary>Starts a trial (SUB-1).</summary>
    public static SubscriptionDecision StartTrial(StartTrial command, SubscriptionContext context) =>
        SubscriptionInvariants.Checked(Creation.StartTrial(command, context), context);

    /// <summary>Buys a product (SUB-3, SUB-11, SUB-12).</summary>
    public static SubscriptionDecision CreatePaid(CreatePaid command, SubscriptionContext context) =>
        SubscriptionInvariants.Checked(Creation.CreatePaid(command, context), context);

    /// <summary>Decides a command on an existing subscription; the decision keeps every <see cref="SubscriptionInvariants"/> or is refused.</summary>
    public static SubscriptionDecision Decide(SubscriptionState state, SubscriptionCommand command, SubscriptionContext context) =>
        SubscriptionInvariants.Checked(DecideUnchecked(state, command, context), context, state);

    private static SubscriptionDecision DecideUnchecked(SubscriptionState state, SubscriptionCommand command, SubscriptionContext context) => command switch
    {
        EndTrial => Purchase.EndTrial(state, context),
        UpgradeToPaid c => Purchase.UpgradeToPaid(state, c, context),
        Reactivate => Purchase.Reactivate(state, context),
        ChangePlan c => DecideUnchecked(state, Changes.Direction(state, c, context.Catalog), context),
        UpgradePlan c => Changes.UpgradePlan(state, c, context),
        DowngradePlan c => Changes.DowngradePlan(state, c, context),
        AddSeats c => Changes.AddSeats(state, c, context),
        RemoveSeats c => Changes.RemoveSeats(state, c, context),
        ChangeFrequency c => Changes.ChangeFrequency(state, c, context),
        AssignLicence c => Licences.Assign(state, c, context),
        UnassignLicence c => Licences.Unassign(state, c, context),
        Cancel => Cancellation.Cancel(state, context),
        WithdrawCancellation => Cancellation.Withdraw(state, context),
        ApplyCancellation => Cancellation.Apply(state, context),
        Renew => Renewal.Renew(state, context),
        MarkRenewalOverdue => Dunning.MarkOverdue(state, context),
        ElapseGracePeriod => Dunning.ElapseGracePeriod(state, context),
        SettleOverdue => Dunning.Settle(state, context),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, $"Unknown subscription command {command.GetType().Name}."),
    };
}
