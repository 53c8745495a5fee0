using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// The result of a decision: the new state, charges to invoice now, credits to the account balance and history
/// entries. <see cref="Reminders"/> is the complete set of reminders the new state wants (register these, drop others).
/// </summary>
public sealed record SubscriptionDecision(
    SubscriptionState State,
    IReadOnlyList<ChargeLine> Charges,
    IReadOnlyList<AccountCredit> Credits,
    IReadOnlyList<HistoryEntry> History)
{
    /// <summary>The reminders the new state wants.</summary>
    public IReadOnlyList<ReminderRequest> Reminders => State.WantedReminders();
}
