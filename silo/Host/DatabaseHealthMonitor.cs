using Npgsql;
using Subscriptions.Grpc.Transport.Health;

namespace Subscriptions.Silo;

/// <summary>How often the database is checked for grpc.health.v1.</summary>
public sealed record DatabaseHealthOptions(TimeSpan Interval);

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
            var status = await CheckAsync(stoppingToken) ? ServingStatus.Serving : ServingStatus.NotServing;
            if (health.GetStatus(HealthStatusRegistry.Overall) != status)
            {
                LogStatus(logger, status);
            }

            health.SetStatus(HealthStatusRegistry.Overall, status);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: {Status}")]
    private static partial void LogStatus(ILogger logger, ServingStatus status);
}
