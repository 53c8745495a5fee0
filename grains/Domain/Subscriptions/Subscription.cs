namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// The subscription aggregate's decision functions: pure, given the current state, a command and a context (catalog,
/// account facts, caller, now). Refusals throw <see cref="Errors.RuleViolationException"/> (rule id + sentence),
/// <see cref="Errors.PermissionDeniedException"/> (caller lacks authority) or <see cref="Errors.ValidationException"/> (bad field).
/// </summary>
public static class Subscription
{
    /// <summary>Starts a trial (SUB-1); a <paramref name="currency"/> the request names must be the account's (ACC-1).</summary>
    public static SubscriptionDecision StartTrial(StartTrial command, SubscriptionContext context, string? currency = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireAccountCurrency(currency, command.AccountId, context);
        return SubscriptionInvariants.Checked(Creation.StartTrial(command, context), context);
    }

    /// <summary>Buys a product (SUB-3, SUB-11, SUB-12); a <paramref name="currency"/> the request names must be the account's (ACC-1).</summary>
    public static SubscriptionDecision CreatePaid(CreatePaid command, SubscriptionContext context, string? currency = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireAccountCurrency(currency, command.AccountId, context);
        return SubscriptionInvariants.Checked(Creation.CreatePaid(command, context), context);
    }

    /// <summary>
    /// Decides a dunning event on the service's authority (SUB-8, SUB-9): null when there is nothing to do, never a
    /// refusal, because the invoice that reports it has already moved money or its status. Nothing to do is a state
    /// without the event's transition (a cancelled subscription is not limited, an active one is not restored), or a
    /// settlement while the account still has an overdue balance (another invoice fell past due meanwhile).
    /// </summary>
    public static SubscriptionDecision? DecideDunning(SubscriptionState state, SubscriptionCommand command, SubscriptionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var expected = command switch
        {
            MarkRenewalOverdue => SubscriptionEvent.RenewalOverdue,
            SettleOverdue => SubscriptionEvent.OverdueSettled,
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Only MarkRenewalOverdue and SettleOverdue are dunning events."),
        };
        if (SubscriptionTransitions.Table.Find(state.Status, expected) is null || (command is SettleOverdue && context.Account.HasOverdueBalance))
        {
            return null;
        }

        return Decide(state, command, context);
    }

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

    private static void RequireAccountCurrency(string? currency, string accountId, SubscriptionContext context)
    {
        if (currency is not null && !string.Equals(currency.Trim(), context.Account.Currency.Code, StringComparison.OrdinalIgnoreCase))
        {
            throw new Errors.ValidationException(
                "currency", $"Account {Quoted.Of(accountId)} is billed in {context.Account.Currency.Code} ({Rules.Acc1}); the request asks for {Quoted.Of(currency)}.");
        }
    }
}
