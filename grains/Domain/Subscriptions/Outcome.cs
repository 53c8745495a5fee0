using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Assembles a <see cref="SubscriptionDecision"/> with its single history entry.</summary>
internal static class Outcome
{
    /// <summary>A decision that moved <paramref name="before"/> to <paramref name="after"/> because of an event.</summary>
    public static SubscriptionDecision Of(
        SubscriptionState before,
        SubscriptionState after,
        SubscriptionEvent cause,
        SubscriptionContext context,
        string description,
        IReadOnlyList<ChargeLine>? charges = null,
        IReadOnlyList<AccountCredit>? credits = null) =>
        new(after, charges ?? [], credits ?? [], [new HistoryEntry(context.Now, before.Status, after.Status, cause.ToWireName(), description)]);

    /// <summary>A decision that created a subscription.</summary>
    public static SubscriptionDecision Created(SubscriptionState created, string change, SubscriptionContext context, string description, IReadOnlyList<ChargeLine> charges) =>
        new(created, charges, [], [new HistoryEntry(context.Now, null, created.Status, change, description)]);
}
