
namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>The details of one recorded subscription transition (OPS-1): the domain's description and what it billed or credited.</summary>
public sealed record SubscriptionHistoryPayload(DateTimeOffset At, string Description, string? InvoiceNumber, IReadOnlyList<string> Credits);
