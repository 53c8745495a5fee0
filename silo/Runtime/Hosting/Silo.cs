using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>
/// Starts and stops one silo: waits for the database (bounded retries), applies migrations, then runs the reminder
/// poller, the idle-activation collector (which also forgets request ids past their retention), the write notifier and listener, and the outbox dispatcher until stopped.
/// </summary>
public sealed class Silo(
    GrainRuntime runtime,
    ReminderService reminders,
    WriteListener listener,
    WriteNotifier notifier,
    OutboxDispatcher outbox,
    GrainStorage storage,
    MigrationSet migrations,
    GrainRuntimeOptions options,
    TimeProvider timeProvider,
    ILogger<Silo> logger) : IHostedService
{
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];

    /// <summary>This silo's grains.</summary>
    public GrainRuntime Runtime => runtime;

    /// <summary>This silo's reminder delivery (poll by hand in tests; advance test clocks).</summary>
    public ReminderService Reminders => reminders;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForDatabaseAsync(cancellationToken);
        if (options.MigrateOnStart)
        {
            var applied = await MigrationRunner.ApplyAsync(storage.DataSource, migrations.All, cancellationToken);
            foreach (var migration in applied)
            {
                logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
            }
        }

        if (options.RunBackgroundServices)
        {
            loops.Add(Task.Run(() => reminders.RunAsync(stopping.Token), CancellationToken.None));
            loops.Add(Task.Run(() => listener.RunAsync(stopping.Token), CancellationToken.None));
            loops.Add(Task.Run(() => notifier.RunAsync(stopping.Token), CancellationToken.None));
            loops.Add(Task.Run(() => CollectAsync(stopping.Token), CancellationToken.None));
            loops.Add(Task.Run(() => outbox.RunAsync(stopping.Token), CancellationToken.None));
        }

        logger.LogInformation("Silo {Silo} started", options.SiloId);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        foreach (var loop in loops)
        {
            try
            {
                await loop.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The loops end by cancellation; that is the normal way out.
            }
        }

        loops.Clear();
        logger.LogInformation("Silo {Silo} stopped", options.SiloId);
    }

    private async Task WaitForDatabaseAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
            {
                var target = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (attempt >= options.StartupAttempts)
                {
                    throw new StorageUnavailableException(
                        $"Cannot reach PostgreSQL at {target.Host}:{target.Port} (database \"{target.Database}\") after {attempt} attempt(s): {exception.Message}",
                        exception);
                }

                logger.LogWarning("PostgreSQL at {Host}:{Port} is not reachable (attempt {Attempt} of {Attempts}): {Reason}",
                    target.Host, target.Port, attempt, options.StartupAttempts, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), timeProvider, cancellationToken);
            }
        }
    }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.CollectionInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var collected = await runtime.CollectIdleActivationsAsync(cancellationToken);
            if (collected > 0)
            {
                logger.LogDebug("Collected {Count} idle activations", collected);
            }

            try
            {
                await storage.PurgeAnsweredRequestsAsync(timeProvider.GetUtcNow() - options.RequestIdRetention, cancellationToken);
            }
            catch (StorageUnavailableException exception)
            {
                logger.LogWarning("Purge of answered request ids skipped: {Reason}", exception.Message);
            }
        }
    }
}

/// <summary>The migrations this silo applies: the runtime's own plus those of the assemblies added by the host.</summary>
public sealed class MigrationSet(IEnumerable<Migration> migrations)
{
    public IReadOnlyList<Migration> All { get; } = [.. migrations.OrderBy(m => m.Version)];
}
