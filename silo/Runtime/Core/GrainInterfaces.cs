namespace Subscriptions.Runtime;

/// <summary>Marker for grain interfaces addressed by a string key (as Orleans' IGrainWithStringKey).</summary>
public interface IGrainWithStringKey;

/// <summary>Creates references to grains; a reference is cheap and activates nothing until called.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of interface <typeparamref name="TGrain"/> with the given key.</summary>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}

/// <summary>Implemented by grains that receive durable reminders (as Orleans' IRemindable).</summary>
public interface IRemindable
{
    /// <summary>Handles one tick of the reminder <paramref name="reminderName"/>; must be idempotent (delivery is at least once).</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>What a reminder tick knows: when it was due, its period, and the time on the grain's clock at delivery.</summary>
public sealed record TickStatus(DateTimeOffset DueAt, TimeSpan? Period, DateTimeOffset CurrentTime);

/// <summary>Names the grain type of a grain class; defaults to the class name in lower case without the "Grain" suffix.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
