using Orleans;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>A grain with due events that a test clock wakes (CLOCK-1); an internal contract between grains.</summary>
[Alias("subscriptions.wakeable")]
public interface IWakeableGrain : IGrainWithStringKey
{
    /// <summary>Does every event due at <paramref name="clockTime"/>, seeing that time as now; returns when the grain wants to be woken next.</summary>
    Task<DateTimeOffset?> WakeAsync(DateTimeOffset clockTime);
}

/// <summary>The name of the grain storage every grain of this service persists to.</summary>
public static class SubscriptionsStorage
{
    /// <summary>The storage provider name.</summary>
    public const string Name = "subscriptions";
}

/// <summary>
/// A grain that stores intents (docs/runtime.md, "A change that billed elsewhere is finished by the service"): a silo's
/// sweep asks it to finish the change whose intent is stored for it; an internal contract.
/// </summary>
[Alias("subscriptions.intent-recovery")]
public interface IIntentRecoveryGrain : IGrainWithStringKey
{
    /// <summary>Finishes the grain's stored intent, if it has one (read again from storage when this activation has none in memory).</summary>
    Task FinishStoredIntentAsync();
}
