
namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// A subscription's dunning notification (NOT-1): limited (SUB-8), suspended or restored (SUB-9), with the sentence
/// its history records and the account's invoice recipients (ACC-4).
/// </summary>
public sealed record SubscriptionNotice(string AccountId, string SubscriptionId, string ProductId, string Status, string Detail, IReadOnlyList<string> Recipients)
{
    /// <summary>A renewal invoice is overdue: upgrades and seat additions are refused until it is paid (SUB-8).</summary>
    public const string Limited = "subscription-limited";

    /// <summary>The grace period ended: service suspended for non-payment (SUB-9).</summary>
    public const string Suspended = "subscription-suspended";

    /// <summary>The overdue balance was paid: service restored (SUB-9).</summary>
    public const string Restored = "subscription-restored";
}
