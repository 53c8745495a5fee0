namespace Subscriptions.Silo;

/// <summary>
/// The loop of a silo's background passes (rows past their retention pruned, stored intents swept): one pass every period
/// until the silo stops; a pass that fails is reported and the next one runs when it is due, so none stops the silo.
/// </summary>
internal static class PeriodicPass
{
    /// <summary>Runs <paramref name="pass"/> every <paramref name="period"/> on <paramref name="time"/>, reporting failures to <paramref name="failed"/>.</summary>
    public static async Task RunAsync(TimeSpan period, TimeProvider time, Func<CancellationToken, Task> pass, Action<Exception> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await pass(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed(e);
            }
        }
    }
}
