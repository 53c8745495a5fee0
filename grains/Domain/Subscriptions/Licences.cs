using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Seat assignment (SUB-5): seats stay available until assigned; never more users than seats.</summary>
internal static class Licences
{
    public static SubscriptionDecision Assign(SubscriptionState state, AssignLicence command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub5, "assign licences");
        var userId = Validate.Id(command.UserId, "user_id");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.LicenceAssigned);
        if (state.AssignedUsers.Contains(userId, StringComparer.Ordinal))
        {
            throw new RuleViolationException(Rules.Sub5, $"User {Quoted.Of(userId)} already holds a licence of subscription {Quoted.Of(state.Id)}.");
        }

        if (state.AssignedUsers.Count >= state.Seats)
        {
            throw new RuleViolationException(Rules.Sub5, $"All {Pricing.Seats(state.Seats)} of subscription {Quoted.Of(state.Id)} are assigned; add seats or unassign a user first.");
        }

        var after = state with { Status = to, AssignedUsers = [.. state.AssignedUsers, userId] };
        return Outcome.Of(state, after, SubscriptionEvent.LicenceAssigned, context, $"Licence assigned to {Quoted.Of(userId)} ({after.AssignedUsers.Count} of {state.Seats} seats used).");
    }

    public static SubscriptionDecision Unassign(SubscriptionState state, UnassignLicence command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub5, "unassign licences");
        var userId = Validate.Id(command.UserId, "user_id");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.LicenceUnassigned);
        if (!state.AssignedUsers.Contains(userId, StringComparer.Ordinal))
        {
            throw new RuleViolationException(Rules.Sub5, $"User {Quoted.Of(userId)} holds no licence of subscription {Quoted.Of(state.Id)}.");
        }

        var after = state with { Status = to, AssignedUsers = [.. state.AssignedUsers.Where(u => u != userId)] };
        return Outcome.Of(state, after, SubscriptionEvent.LicenceUnassigned, context, $"Licence of {Quoted.Of(userId)} freed ({after.AssignedUsers.Count} of {state.Seats} seats used).");
    }
}
