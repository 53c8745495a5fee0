namespace Subscriptions.Storage.Tests;

/// <summary>
/// Polls a condition until it holds or a generous deadline passes. Used only where the outcome depends on cluster
/// membership converging (probes, votes), which no API lets a test await directly.
/// </summary>
public static class Eventually
{
    public static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within {timeout}: {what}. Last observed: {value}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
