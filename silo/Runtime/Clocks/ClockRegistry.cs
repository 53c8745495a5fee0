using System.Collections.Concurrent;

namespace Subscriptions.Runtime;

/// <summary>
/// Named test clocks (CLOCK-1). A test clock's time is persisted and moves only when it is advanced; a grain bound
/// to it reads that time, and its reminders fire only when the clock passes their due time.
/// </summary>
public sealed class ClockRegistry(GrainStorage storage, TimeProvider systemClock)
{
    private readonly ConcurrentDictionary<string, TestClock> clocks = new(StringComparer.Ordinal);

    /// <summary>Creates the test clock <paramref name="clockId"/> at <paramref name="start"/> (no effect if it exists).</summary>
    public Task CreateAsync(string clockId, DateTimeOffset start, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clockId);
        return StorageErrors.GuardAsync($"creating test clock {clockId}", async () =>
        {
            await using var command = storage.DataSource.CreateCommand(
                "INSERT INTO test_clocks (clock_id, now, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
            command.Parameters.Add(new() { Value = clockId });
            command.Parameters.Add(new() { Value = start.ToUniversalTime() });
            command.Parameters.Add(new() { Value = systemClock.GetUtcNow() });
            await command.ExecuteNonQueryAsync(cancellationToken);
            await RefreshAsync(clockId, cancellationToken);
        });
    }

    /// <summary>The clock's time provider (its time as last read from the database).</summary>
    public TimeProvider Get(string clockId) => clocks.GetOrAdd(clockId, id => new TestClock(id));

    /// <summary>The current time of <paramref name="clockId"/>, read from the database.</summary>
    public async Task<DateTimeOffset> GetTimeAsync(string clockId, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(clockId, cancellationToken);
        return Get(clockId).GetUtcNow();
    }

    internal Task RefreshAsync(string clockId, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync($"reading test clock {clockId}", async () =>
        {
            await using var command = storage.DataSource.CreateCommand("SELECT now FROM test_clocks WHERE clock_id = $1");
            command.Parameters.Add(new() { Value = clockId });
            var now = await command.ExecuteScalarAsync(cancellationToken) as DateTime?
                ?? throw new InvalidOperationException($"Test clock \"{clockId}\" does not exist; create it first.");
            ((TestClock)Get(clockId)).Set(new DateTimeOffset(now, TimeSpan.Zero));
        });

    internal Task SetAsync(string clockId, DateTimeOffset now, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync($"moving test clock {clockId}", async () =>
        {
            await using var command = storage.DataSource.CreateCommand("UPDATE test_clocks SET now = $2 WHERE clock_id = $1 AND now <= $2");
            command.Parameters.Add(new() { Value = clockId });
            command.Parameters.Add(new() { Value = now.ToUniversalTime() });
            await command.ExecuteNonQueryAsync(cancellationToken);
            ((TestClock)Get(clockId)).Set(now);
        });

    /// <summary>A clock whose time is set, never read from the machine.</summary>
    private sealed class TestClock(string id) : TimeProvider
    {
        private long ticks = DateTimeOffset.UnixEpoch.UtcTicks;

        public string Id { get; } = id;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

        public void Set(DateTimeOffset now) => Interlocked.Exchange(ref ticks, now.UtcTicks);

        public override string ToString() => $"test clock {Id} at {GetUtcNow():O}";
    }
}
