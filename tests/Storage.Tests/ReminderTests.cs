using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Subscriptions.Storage.Tests;

/// <summary>One database and one silo (providers on a connection string) for the reminder tests.</summary>
public sealed class ReminderCluster : IAsyncLifetime
{
    private TestDatabase? _database;
    private TestSilo? _silo;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public TestSilo Silo => _silo ?? throw new InvalidOperationException("Not started.");

    public string ServiceId { get; } = $"reminders-{Guid.NewGuid():N}";

    public IReminderTable Table => Silo.Services.GetRequiredService<IReminderTable>();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("reminders");
        _silo = await StartSiloAsync();
    }

    /// <summary>Stops the silo and starts a fresh one on the same database.</summary>
    public async Task RestartAsync()
    {
        await Silo.DisposeAsync();
        _silo = null;
        _silo = await StartSiloAsync();
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private Task<TestSilo> StartSiloAsync() => TestSilo.StartAsync(Database, $"cluster-{Guid.NewGuid():N}", ServiceId);
}

public sealed class ReminderTests(ReminderCluster cluster) : IClassFixture<ReminderCluster>
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Registered_reminders_are_read_back_survive_a_restart_and_go_when_unregistered()
    {
        var key = $"sub-{Guid.NewGuid():N}";
        var grain = cluster.Silo.Grains.GetGrain<IRenewalGrain>(key);
        await grain.Schedule("renewal", Hour, 24 * Hour);
        await grain.Schedule("trial-end", 2 * Hour, 48 * Hour);

        Assert.True(await grain.Has("renewal"));
        Assert.False(await grain.Has("dunning"));
        Assert.Equal(["renewal", "trial-end"], await grain.Names());
        var stored = (await cluster.Table.ReadRows(grain.GetGrainId())).Reminders.OrderBy(r => r.ReminderName, StringComparer.Ordinal).ToList();
        Assert.Equal([24 * Hour, 48 * Hour], stored.Select(r => r.Period));
        Assert.All(stored, r => Assert.Equal(DateTimeKind.Utc, r.StartAt.Kind));
        Assert.InRange(stored[1].StartAt - stored[0].StartAt, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        await cluster.RestartAsync();
        grain = cluster.Silo.Grains.GetGrain<IRenewalGrain>(key);
        Assert.Equal(["renewal", "trial-end"], await grain.Names());

        await grain.Cancel("renewal");

        Assert.Equal(["trial-end"], await grain.Names());
        Assert.False(await grain.Has("renewal"));
        Assert.Equal(["trial-end"], (await cluster.Database.RowsAsync(
            "SELECT reminder_name FROM public.orleans_reminders WHERE service_id = $1 AND grain_id = $2", cluster.ServiceId, grain.GetGrainId().ToString()))
            .Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_reminder_upsert_moves_its_etag_and_a_stale_etag_removes_nothing()
    {
        var grainId = GrainId.Create("renewal", $"etag-{Guid.NewGuid():N}");
        var entry = new ReminderEntry { GrainId = grainId, ReminderName = "due-date", StartAt = DateTime.UtcNow + Hour, Period = Hour };
        var first = await cluster.Table.UpsertRow(entry);
        entry.Period = 2 * Hour;
        var second = await cluster.Table.UpsertRow(entry);
        Assert.NotNull(first);
        Assert.NotEqual(first, second);

        Assert.False(await cluster.Table.RemoveRow(grainId, "due-date", first));
        var kept = await cluster.Table.ReadRow(grainId, "due-date");
        Assert.NotNull(kept);
        Assert.Equal((2 * Hour, second), (kept.Period, kept.ETag));

        Assert.True(await cluster.Table.RemoveRow(grainId, "due-date", second!));
        Assert.Null(await cluster.Table.ReadRow(grainId, "due-date"));
        Assert.False(await cluster.Table.RemoveRow(grainId, "due-date", second!));
    }

    [Fact]
    public async Task Hash_ranges_of_both_shapes_return_exactly_the_reminders_they_cover()
    {
        var prefix = $"ring-{Guid.NewGuid():N}";
        var grains = Enumerable.Range(0, 16).Select(i => GrainId.Create("renewal", $"{prefix}-{i}")).ToList();
        foreach (var grainId in grains)
        {
            await cluster.Table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "renewal", StartAt = DateTime.UtcNow + Hour, Period = Hour });
        }

        // Every reminder of the service, as the table stores it: the hash it was placed on the ring with.
        var all = (await cluster.Database.RowsAsync(
                "SELECT grain_id, reminder_name, grain_hash FROM public.orleans_reminders WHERE service_id = $1", cluster.ServiceId))
            .Select(r => (GrainId: (string)r[0]!, Name: (string)r[1]!, Hash: unchecked((uint)(int)r[2]!)))
            .ToList();
        Assert.All(grains, g => Assert.Contains(all, r => r.GrainId == g.ToString() && r.Hash == g.GetUniformHashCode()));

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var ranges = new List<(uint Begin, uint End)>
        {
            (0, 0),                                   // the whole ring
            (hashes[2], hashes[9]),                   // an inner range, ascending
            (hashes[9], hashes[2]),                   // its complement, wrapping
            (hashes[0] - 1, hashes[0]),               // exactly one reminder
            (hashes[5], hashes[5]),                   // equal bounds: the whole ring
            (0x7FFF_FFF0, 0x8000_0010),               // ascending as unsigned, wrapping as signed
            (0x8000_0010, 0x7FFF_FFF0),               // wrapping as unsigned, ascending as signed
            (uint.MaxValue - 5, 5),                   // wrapping past zero
        };
        ranges.AddRange(hashes.Zip(hashes.Skip(5), (a, b) => (a, b)));
        ranges.AddRange(hashes.Zip(hashes.Skip(5), (a, b) => (b, a)));
        Assert.Contains(ranges, r => (int)r.Begin < (int)r.End);
        Assert.Contains(ranges, r => (int)r.Begin >= (int)r.End);

        foreach (var (begin, end) in ranges)
        {
            var expected = all.Where(r => InRange(r.Hash, begin, end)).Select(r => (r.GrainId, r.Name)).Order().ToList();
            var read = (await cluster.Table.ReadRows(begin, end)).Reminders.Select(r => (r.GrainId.ToString(), r.ReminderName)).Order().ToList();
            Assert.True(expected.SequenceEqual(read), $"range ({begin:X8}, {end:X8}]: expected {expected.Count} reminders, read {read.Count}");
        }
    }

    // Orleans' ring range (begin, end] over unsigned hashes; equal bounds cover the whole ring.
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
