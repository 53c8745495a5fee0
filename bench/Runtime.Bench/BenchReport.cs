using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Subscriptions.Runtime.Bench;

/// <summary>The measured figures of one run, printed as Markdown.</summary>
internal sealed record BenchReport(
    BenchOptions Options,
    ServerSettings Server,
    string PgBenchVersion,
    int PgBenchScale,
    int PgBenchThreads,
    IReadOnlyList<WriteCell> Writes,
    IReadOnlyList<LoadResult> Reads,
    string LoadBefore,
    string LoadAfter)
{
    public void Print(TextWriter output)
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        var s = Server;
        output.WriteLine(Invariant($"- Machine: {Environment.ProcessorCount} CPUs, {memory:F1} GiB memory, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC"));
        output.WriteLine(Invariant($"- PostgreSQL {s.Version} at {s.Host}:{s.Port}, **{s.Durability}**: fsync={s.Fsync}, synchronous_commit={s.SynchronousCommit}, full_page_writes={s.FullPageWrites}, shared_buffers={s.SharedBuffers}, max_connections={s.MaxConnections}"));
        output.WriteLine($"- Load average (1, 5, 15 min) at start: {LoadBefore}; at end: {LoadAfter}");
        output.WriteLine("- Silo: one, in-process, background loops on; grains and pgbench in two databases of that server, created for the run and dropped after it");
        output.WriteLine(Invariant($"- Each cell: CHECKPOINT, {Options.WarmUpSeconds} s warm-up, {Options.Seconds} s measured. {PgBenchVersion}: `pgbench -i -s {PgBenchScale}`, then `pgbench -N -c C -j {PgBenchThreads} -T {Options.Seconds}`"));
        output.WriteLine();
        output.WriteLine("State-writing turns (each call: new state + one history row, one transaction), the same transaction sent through Npgsql without the runtime, and `pgbench -N`:");
        output.WriteLine();
        output.WriteLine("| callers = grains | turns | turns/s | mean ms | p50 ms | p99 ms | same tx via Npgsql tx/s | its mean ms | pgbench -N tps | pgbench mean ms | turns/s ÷ pgbench tps |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (turns, direct, pgbench) in Writes)
        {
            output.WriteLine(Invariant(
                $"| {turns.Callers} | {turns.Calls} | {turns.CallsPerSecond:F0} | {turns.MeanMilliseconds:F2} | {turns.PercentileMilliseconds(0.50):F2} | {turns.PercentileMilliseconds(0.99):F2} | {direct.CallsPerSecond:F0} | {direct.MeanMilliseconds:F2} | {pgbench.Tps:F0} | {pgbench.LatencyAverageMilliseconds:F2} | **{turns.CallsPerSecond / pgbench.Tps:F2}** |"));
        }

        output.WriteLine();
        output.WriteLine("Read-only calls on active grains (nothing written):");
        output.WriteLine();
        output.WriteLine("| callers | grains | calls | calls/s | mean µs | p50 µs | p99 µs |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var reads in Reads)
        {
            output.WriteLine(Invariant(
                $"| {reads.Callers} | {reads.Grains} | {reads.Calls} | {reads.CallsPerSecond:F0} | {reads.MeanMilliseconds * 1000:F1} | {reads.PercentileMilliseconds(0.50) * 1000:F1} | {reads.PercentileMilliseconds(0.99) * 1000:F1} |"));
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" where there is none.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
