namespace Subscriptions.Domain.Subscriptions;

/// <summary>One recorded change of a subscription: when, from which state to which, what happened and a short description.</summary>
public sealed record HistoryEntry(DateTimeOffset At, SubscriptionStatus? From, SubscriptionStatus To, string Change, string Description);
