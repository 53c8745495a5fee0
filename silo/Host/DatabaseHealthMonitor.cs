using Npgsql;
using Subscriptions.Grpc.Transport.Health;

namespace Subscriptions.Silo;

/// <summary>How often the database is checked for grpc.health.v1 (Health:DatabaseCheckInterval).</summary>
public sealed record DatabaseHealthOptions(TimeSpan Interval)
{
    /// <summary>Reads the interval from configuration (5 s by default); it must be positive.</summary>
    public static DatabaseHealthOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var interval = configuration.GetValue("Health:DatabaseCheckInterval", TimeSpan.FromSeconds(5));
        return interval > TimeSpan.Zero
            ? new DatabaseHealthOptions(interval)
            : throw new ArgumentOutOfRangeException(nameof(configuration), interval, "Health:DatabaseCheckInterval must be positive.");
    }
}

/// <summary>Reports SERVING while PostgreSQL answers and NOT_SERVING while it does not (grpc.health.v1, service "").</summary>
public sealed partial class DatabaseHealthMonitor(
    NpgsqlDataSource dataSource,
    HealthStatusRegistry health,
    DatabaseHealthOptions options,
    TimeProvider timeProvider,
    ILogger<DatabaseHealthMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, timeProvider);
        do
        {
            var failure = await CheckAsync(stoppingToken);
            var status = failure is null ? ServingStatus.Serving : ServingStatus.NotServing;
            if (health.GetStatus(HealthStatusRegistry.Overall) != status)
            {
                LogStatus(logger, status, failure ?? "PostgreSQL answers");
            }

            health.SetStatus(HealthStatusRegistry.Overall, status);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Null when PostgreSQL answers, else why it did not.</summary>
    private async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            return e.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: {Status} ({Reason})")]
    private static partial void LogStatus(ILogger logger, ServingStatus status, string reason);
}
