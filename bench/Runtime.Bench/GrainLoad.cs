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
/// Drives N caller loops against grains for a fixed time: caller i calls grain i modulo the grain count, waiting
/// for each answer before the next call (closed loop, as pgbench's clients).
/// </summary>
internal static class GrainLoad
{
    /// <summary>Activates the grains, warms up for <paramref name="warmUp"/>, then measures for <paramref name="duration"/>.</summary>
    public static async Task<LoadResult> RunAsync(
        IReadOnlyList<IBenchGrain> grains, int callers, Func<IBenchGrain, Task<long>> call, TimeSpan warmUp, TimeSpan duration)
    {
        await Task.WhenAll(grains.Select(g => g.ReadAsync()));
        var warmUpCalls = warmUp > TimeSpan.Zero ? (await RunLoopsAsync(grains, callers, call, warmUp)).Sum(s => (long)s.Count) : 0;

        var started = Stopwatch.GetTimestamp();
        var samples = await RunLoopsAsync(grains, callers, call, duration);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var sorted = samples.SelectMany(s => s).ToArray();
        Array.Sort(sorted);
        return new LoadResult(callers, grains.Count, warmUpCalls, sorted.Length, elapsed, sorted);
    }

    private static async Task<List<long>[]> RunLoopsAsync(IReadOnlyList<IBenchGrain> grains, int callers, Func<IBenchGrain, Task<long>> call, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, callers).Select(i => Task.Run(() => LoopAsync(grains[i % grains.Count], call, end)));
        return await Task.WhenAll(loops);
    }

    private static async Task<List<long>> LoopAsync(IBenchGrain grain, Func<IBenchGrain, Task<long>> call, long end)
    {
        var latencies = new List<long>(1 << 16);
        while (Stopwatch.GetTimestamp() < end)
        {
            var start = Stopwatch.GetTimestamp();
            await call(grain);
            latencies.Add(Stopwatch.GetTimestamp() - start);
        }

        return latencies;
    }
}
