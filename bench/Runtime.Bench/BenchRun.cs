using System.Globalization;

namespace Subscriptions.Runtime.Bench;

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

        var writes = new List<(LoadResult Turns, PgBenchResult PgBench)>();
        foreach (var clients in WriteClients)
        {
            progress.WriteLine($"bench: {clients} caller(s) writing {clients} grain(s), then pgbench -N -c {clients}");
            var grains = Grains(silo, $"write-{clients}", clients);
            await grainDatabase.CheckpointAsync();
            var turns = await GrainLoad.RunAsync(grains, clients, g => g.IncrementAsync(), Seconds(options.WarmUpSeconds), Seconds(options.Seconds));
            await VerifyCommittedAsync(grainDatabase, $"write-{clients}", turns);

            await pgbenchDatabase.CheckpointAsync();
            if (options.WarmUpSeconds > 0)
            {
                await pgbench.RunSimpleUpdateAsync(pgbenchDatabase.ConnectionString, clients, PgBenchThreads, options.WarmUpSeconds);
            }

            writes.Add((turns, await pgbench.RunSimpleUpdateAsync(pgbenchDatabase.ConnectionString, clients, PgBenchThreads, options.Seconds)));
        }

        var reads = new List<LoadResult>();
        foreach (var (callers, count) in ReadCells)
        {
            progress.WriteLine($"bench: {callers} caller(s) reading {count} active grain(s)");
            var grains = Grains(silo, $"read-{callers}-{count}", count);
            await Task.WhenAll(grains.Select(g => g.IncrementAsync()));
            reads.Add(await GrainLoad.RunAsync(grains, callers, g => g.ReadAsync(), Seconds(options.WarmUpSeconds), Seconds(options.Seconds)));
        }

        return new BenchReport(options, server, pgbenchVersion, PgBenchScale, PgBenchThreads, writes, reads, loadBefore, BenchReport.LoadAverage());
    }

    private static IBenchGrain[] Grains(BenchSilo silo, string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => silo.Grains.GetGrain<IBenchGrain>($"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}"))];

    /// <summary>Every answered increment must have committed: one state version and one history row per call.</summary>
    private static async Task VerifyCommittedAsync(BenchDatabase database, string prefix, LoadResult turns)
    {
        var expected = turns.WarmUpCalls + turns.Calls;
        var versions = await database.ScalarAsync($"SELECT coalesce(sum(version), 0) FROM grain_state WHERE grain_type = 'bench' AND grain_key LIKE '{prefix}-%'");
        var history = await database.ScalarAsync($"SELECT count(*) FROM grain_history WHERE grain_type = 'bench' AND grain_key LIKE '{prefix}-%'");
        if (versions != expected || history != expected)
        {
            throw new InvalidOperationException(
                $"Grains \"{prefix}-*\" answered {expected} increments but the database holds {versions} state versions and {history} history rows.");
        }
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);
}
