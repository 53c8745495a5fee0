using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// A grain state that says what billing ops search it by (the ops projection, docs/ops.md): one row per grain, computed
/// from the state alone, so the write path and a rebuild from the stored records produce the same row.
/// </summary>
/// <typeparam name="TSelf">The state type.</typeparam>
public interface IProjectedState<TSelf> where TSelf : IProjectedState<TSelf>
{
    /// <summary>The searchable fields of <paramref name="state"/>, or null while there is nothing to search (a grain not set up yet, a test clock).</summary>
    static abstract ProjectedFields? Project(TSelf state);
}

/// <summary>
/// The projection row a write commits with the record, in the same statement (docs/runtime.md): the state's fields and,
/// from the record, its test clock, its wanted wake-up and when a wake-up last changed it. The storage stamps it with the record's new version, and keeps
/// a row only over an older one, so a rebuild running beside live writes never puts an older row back.
/// </summary>
public sealed record ProjectionRow(ProjectedFields Fields, string? ClockId, DateTimeOffset? WakeAt, DateTimeOffset? LastWokenAt)
{
    /// <summary>The row of <paramref name="record"/>, or null when its state has nothing to search.</summary>
    public static ProjectionRow? Of<TState>(GrainRecord<TState> record) where TState : class, IProjectedState<TState>, new()
    {
        ArgumentNullException.ThrowIfNull(record);
        return TState.Project(record.Value) is { } fields ? new ProjectionRow(fields, record.ClockId, record.WakeAt, record.LastWokenAt) : null;
    }
}
