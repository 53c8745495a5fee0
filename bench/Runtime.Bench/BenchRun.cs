using System.Globalization;
using Npgsql;

namespace Subscriptions.Runtime.Bench;

/// <summary>One client count of the writing cells: grain turns, the same transaction without the runtime, and pgbench -N.</summary>
internal sealed record WriteCell(LoadResult Turns, LoadResult Direct, PgBenchResult PgBench);

/// <summary>
/// One full run: state-writing turns next to pgbench -N at 1, 8 and 64 clients, then read-only calls on active
/// grains, all against the same PostgreSQL server, in databases created for the run and dropped after it.
/// </summary>
internal sealed class BenchRun(BenchOptions options, string adminConnectionString, TextWriter progress)
{
    /// <summary>Concurrent callers of the writing cells, one grain per caller (and pgbench's client counts).</summary>
    private static readonly int[] WriteClients = [1, 8, 64];

    /// <summary>(callers, grains) of the read-only cells.</summary>
    private static readonly (int Callers, int Grains)[] ReadCells = [(1, 1), (16, 16), (16, 1)];

    private const int PgBenchScale = 10;
    private const int PgBenchThreads = 2;

    private TimeSpan WarmUp => TimeSpan.FromSeconds(options.WarmUpSeconds);

    private TimeSpan Duration => TimeSpan.FromSeconds(options.Seconds);

    public async Task<BenchReport> RunAsync()
    {
        var loadBefore = BenchReport.LoadAverage();
        var server = await ServerSettings.ReadAsync(adminConnectionString);
        var pgbench = PgBench.Locate(options.PgBenchPath);
        var pgbenchVersion = await pgbench.VersionAsync();
        await using var grainDatabase = await BenchDatabase.CreateAsync(adminConnectionString, "grains");
        await using var pgbenchDatabase = await BenchDatabase.CreateAsync(adminConnectionString, "pgbench");
        progress.WriteLine($"bench: PostgreSQL {server.Version} at {server.Host}:{server.Port} ({server.Durability}); pgbench -i -s {PgBenchScale} in {pgbenchDatabase.Name}");
        await pgbench.InitializeAsync(pgbenchDatabase.ConnectionString, PgBenchScale);
        await using var silo = await BenchSilo.StartAsync(grainDatabase.ConnectionString);
        await using var directSource = NpgsqlDataSource.Create(grainDatabase.ConnectionString);
        var direct = new DirectTransactions(directSource, TimeProvider.System);

        var writes = new List<WriteCell>();
        foreach (var clients in WriteClients)
        {
            progress.WriteLine($"bench: {clients} caller(s) writing {clients} grain(s), the same transactions without the runtime, then pgbench -N -c {clients}");
            var grains = Grains(silo, $"write-{clients}", clients);
            await Task.WhenAll(grains.Select(g => g.ReadAsync()));
            await grainDatabase.CheckpointAsync();
            var turns = await ClosedLoop.RunAsync([.. grains.Select(g => (Func<Task>)(() => g.IncrementAsync()))], clients, WarmUp, Duration);
            await VerifyCommittedAsync(grainDatabase, "bench", $"write-{clients}", turns, initialVersions: 0);

            var directCallers = new List<Func<Task>>();
            for (var i = 0; i < clients; i++)
            {
                directCallers.Add(await direct.CreateCallerAsync(Invariant($"write-{clients}-{i}")));
            }

            await grainDatabase.CheckpointAsync();
            var directResult = await ClosedLoop.RunAsync(directCallers, clients, WarmUp, Duration);
            await VerifyCommittedAsync(grainDatabase, DirectTransactions.GrainType, $"write-{clients}", directResult, initialVersions: clients);

            await pgbenchDatabase.CheckpointAsync();
            if (options.WarmUpSeconds > 0)
            {
                await pgbench.RunSimpleUpdateAsync(pgbenchDatabase.ConnectionString, clients, PgBenchThreads, options.WarmUpSeconds);
            }

            writes.Add(new WriteCell(turns, directResult, await pgbench.RunSimpleUpdateAsync(pgbenchDatabase.ConnectionString, clients, PgBenchThreads, options.Seconds)));
        }

        var reads = new List<LoadResult>();
        foreach (var (callers, count) in ReadCells)
        {
            progress.WriteLine($"bench: {callers} caller(s) reading {count} active grain(s)");
            var grains = Grains(silo, $"read-{callers}-{count}", count);
            await Task.WhenAll(grains.Select(g => g.IncrementAsync()));
            var loops = Enumerable.Range(0, callers).Select(i => grains[i % count]).Select(g => (Func<Task>)(() => g.ReadAsync()));
            reads.Add(await ClosedLoop.RunAsync([.. loops], count, WarmUp, Duration));
        }

        return new BenchReport(options, server, pgbenchVersion, PgBenchScale, PgBenchThreads, writes, reads, loadBefore, BenchReport.LoadAverage());
    }

    private static IBenchGrain[] Grains(BenchSilo silo, string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => silo.Grains.GetGrain<IBenchGrain>(Invariant($"{prefix}-{i}")))];

    /// <summary>Every answered write must have committed: one state version and one history row per call.</summary>
    private static async Task VerifyCommittedAsync(BenchDatabase database, string grainType, string prefix, LoadResult load, long initialVersions)
    {
        var expected = load.WarmUpCalls + load.Calls;
        var filter = $"grain_type = '{grainType}' AND grain_key LIKE '{prefix}-%'";
        var versions = await database.ScalarAsync($"SELECT coalesce(sum(version), 0) FROM grain_state WHERE {filter}") - initialVersions;
        var history = await database.ScalarAsync($"SELECT count(*) FROM grain_history WHERE {filter}");
        if (versions != expected || history != expected)
        {
            throw new InvalidOperationException(
                $"{grainType} \"{prefix}-*\" answered {expected} writes but the database holds {versions} new state versions and {history} history rows.");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
