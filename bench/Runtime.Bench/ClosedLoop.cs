using System.Diagnostics;

namespace Subscriptions.Runtime.Bench;

/// <summary>The outcome of one cell: calls completed in the measured window and their sorted latencies.</summary>
internal sealed record LoadResult(int Callers, int Grains, long WarmUpCalls, long Calls, TimeSpan Elapsed, long[] SortedLatencyTicks)
{
    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    /// <summary>The mean latency of the samples, in milliseconds.</summary>
    public double MeanMilliseconds => SortedLatencyTicks.Average(t => (double)t) * 1000.0 / Stopwatch.Frequency;

    /// <summary>The latency at <paramref name="percentile"/> (0..1) from the sorted samples (nearest rank), in milliseconds.</summary>
    public double PercentileMilliseconds(double percentile)
    {
        var index = (int)Math.Ceiling(percentile * SortedLatencyTicks.Length) - 1;
        return SortedLatencyTicks[Math.Clamp(index, 0, SortedLatencyTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>
/// Closed-loop load, as pgbench's clients: each caller makes one call, waits for the answer, and makes the next,
/// first for the warm-up, then for the measured window. Latencies are Stopwatch timestamps around each call.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>Runs every caller for <paramref name="warmUp"/>, then measures them for <paramref name="duration"/>.</summary>
    public static async Task<LoadResult> RunAsync(IReadOnlyList<Func<Task>> callers, int grains, TimeSpan warmUp, TimeSpan duration)
    {
        var warmUpCalls = warmUp > TimeSpan.Zero ? (await RunLoopsAsync(callers, warmUp)).Sum(s => (long)s.Count) : 0;
        var started = Stopwatch.GetTimestamp();
        var samples = await RunLoopsAsync(callers, duration);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var sorted = samples.SelectMany(s => s).ToArray();
        Array.Sort(sorted);
        return new LoadResult(callers.Count, grains, warmUpCalls, sorted.Length, elapsed, sorted);
    }

    private static async Task<List<long>[]> RunLoopsAsync(IReadOnlyList<Func<Task>> callers, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return await Task.WhenAll(callers.Select(call => Task.Run(() => LoopAsync(call, end))));
    }

    private static async Task<List<long>> LoopAsync(Func<Task> call, long end)
    {
        var latencies = new List<long>(1 << 16);
        while (Stopwatch.GetTimestamp() < end)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            latencies.Add(Stopwatch.GetTimestamp() - start);
        }

        return latencies;
    }
}
