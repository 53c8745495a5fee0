namespace Subscriptions.Domain.Subscriptions;

/// <summary>One allowed row of the lifecycle table: in state From, Event leads to state To.</summary>
public sealed record Transition(SubscriptionStatus From, SubscriptionEvent Event, SubscriptionStatus To);

/// <summary>One refused (state, event) pair with the rule that refuses it and the sentence a portal can show.</summary>
public sealed record TransitionRefusal(SubscriptionStatus From, SubscriptionEvent Event, string RuleId, string Reason);
