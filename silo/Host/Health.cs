using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Subscriptions.Storage;

namespace Subscriptions.Silo;

/// <summary>How often gRPC health watchers get the checks' results (Health:DatabaseCheckInterval); Check runs them on every call.</summary>
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

/// <summary>Healthy while PostgreSQL answers a query; grpc.health.v1 reports NOT_SERVING while it does not.</summary>
public sealed partial class DatabaseHealthCheck(NpgsqlDataSource dataSource, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    private int _lastHealthy = 1;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string? failure = null;
        try
        {
            await Database.PingAsync(dataSource, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            failure = e.Message;
        }

        var healthy = failure is null ? 1 : 0;
        if (Interlocked.Exchange(ref _lastHealthy, healthy) != healthy)
        {
            LogStatus(logger, healthy == 1 ? "SERVING" : "NOT_SERVING", failure ?? "PostgreSQL answers");
        }

        return failure is null ? HealthCheckResult.Healthy("PostgreSQL answers") : HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {failure}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: {Status} ({Reason})")]
    private static partial void LogStatus(ILogger logger, string status, string reason);
}

/// <summary>Healthy once the host has started and until it begins stopping: the silo takes calls.</summary>
public sealed class SiloHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("the silo is stopping")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("the silo is active")
            : HealthCheckResult.Unhealthy("the silo is starting"));
}
