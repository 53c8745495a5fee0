using Subscriptions.Grains.Infrastructure;
using Subscriptions.Storage.Grains;

namespace Subscriptions.Silo;

/// <summary>
/// Finishes the changes nobody else finishes (docs/runtime.md, "A change that billed elsewhere is finished by the
/// service"): every <see cref="Interval"/>, on every silo, the grains whose intent has been stored for longer than
/// <see cref="GrainRecordOptions.IntentRecoveryDelay"/> (on the grains' clock) are asked to finish it, at most
/// <see cref="BatchSize"/> a pass. A grain whose next call or activation came first has finished it already, and two
/// silos asking the same grain ask one activation, which finishes it once. A failed pass, or a grain that cannot finish
/// its change yet (an outage), is logged and asked again at the next pass; it never stops the silo.
/// </summary>
public sealed partial class IntentRecovery(GrainTables records, IGrainFactory grains, GrainRecordOptions options, GrainClock clock, ILogger<IntentRecovery> logger)
    : BackgroundService
{
    /// <summary>How often a pass runs (real clock).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The most grains one pass asks.</summary>
    public const int BatchSize = 500;

    /// <summary>One pass: asks every grain whose intent is older than the recovery delay to finish it; returns how many finished without an error.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        var stored = await records.StoredIntentsAsync(clock.Time.GetUtcNow() - options.IntentRecoveryDelay, BatchSize, cancellationToken);
        var finished = 0;
        foreach (var (type, key) in stored)
        {
            try
            {
                await grains.GetGrain<IIntentRecoveryGrain>(GrainId.Create(type, key)).FinishStoredIntentAsync();
                finished++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogGrainFailed(logger, type, key, e.Message);
            }
        }

        return finished;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(Interval, TimeProvider.System, async token =>
        {
            var finished = await SweepOnceAsync(token);
            if (finished > 0)
            {
                LogFinished(logger, finished);
            }
        }, e => LogFailed(logger, e.Message), stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asked {Count} grains to finish a change stored longer than the recovery delay")]
    private static partial void LogFinished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainType}/{GrainKey} could not finish its stored change yet; the next pass asks again: {Reason}")]
    private static partial void LogGrainFailed(ILogger logger, string grainType, string grainKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping stored intents failed; the next pass retries: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
