using System.Collections.Concurrent;
using Orleans;

namespace Subscriptions.Grains.Bench;

/// <summary>Counts the grain calls a silo receives, by interface and method (the bench's own silo only).</summary>
internal sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        _calls.AddOrUpdate($"{context.InterfaceName.Split('.')[^1]}.{context.MethodName}", 1, (_, n) => n + 1);
        await context.Invoke();
    }

    /// <summary>The counts so far.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_calls, StringComparer.Ordinal);

    /// <summary>The calls made since <paramref name="before"/>, by method, most first.</summary>
    public IReadOnlyList<(string Method, long Calls)> Since(IReadOnlyDictionary<string, long> before) =>
        [.. Snapshot().Select(c => (c.Key, c.Value - before.GetValueOrDefault(c.Key))).Where(c => c.Item2 > 0).OrderByDescending(c => c.Item2).ThenBy(c => c.Key, StringComparer.Ordinal)];
}
