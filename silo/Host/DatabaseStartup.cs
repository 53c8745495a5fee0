using Npgsql;
using Subscriptions.Storage;

namespace Subscriptions.Silo;

/// <summary>
/// Runs before the silo starts: waits for PostgreSQL (Silo:StartupAttempts tries, 2 s apart; then one clear line and
/// exit code 3) and applies pending migrations (Silo:MigrateOnStart), refusing a newer or edited schema (exit code 4).
/// Then it logs how many connections the cluster's silos may open against how many the server takes, as a warning when
/// they do not fit (<see cref="ConnectionBudget"/>).
/// </summary>
public sealed partial class DatabaseStartup(NpgsqlDataSource dataSource, SiloSettings settings, TimeProvider time, ILogger<DatabaseStartup> logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Database.PingAsync(dataSource, cancellationToken);
                break;
            }
            catch (PostgresException e) when (Refusal(e) is { } what)
            {
                // The server answered and refused: no retry makes a wrong password or database name right.
                var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
                throw new InvalidOperationException(
                    $"PostgreSQL at {builder.Host}:{builder.Port} refused the connection: {e.MessageText} ({e.SqlState}). Check {what} in ConnectionStrings:Subscriptions.", e);
            }
            catch (Exception e) when (DatabaseUnavailableException.IsUnavailable(e) || e is NpgsqlException)
            {
                var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
                if (attempt >= settings.StartupAttempts)
                {
                    throw new DatabaseUnavailableException(
                        $"Cannot reach PostgreSQL at {builder.Host}:{builder.Port} (database \"{builder.Database}\") after {attempt} attempt(s): {e.Message}", e);
                }

                LogRetry(logger, builder.Host ?? "?", builder.Port, attempt, settings.StartupAttempts, e.Message);
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
        }

        if (settings.MigrateOnStart)
        {
            var applied = await MigrationRunner.ApplyAsync(dataSource, SchemaMigrations.All, cancellationToken);
            if (applied.Count > 0)
            {
                LogMigrated(logger, string.Join(", ", applied.Select(m => $"{m.Version:D4}_{m.Name}")));
            }
        }

        var budget = await ConnectionBudget.ReadAsync(dataSource, settings.ClusterId, OrleansSetup.MembershipPoolSize, cancellationToken);
        if (budget.Exceeded)
        {
            LogConnectionsExceeded(logger, budget.Describe());
        }
        else
        {
            LogConnections(logger, budget.Describe());
        }

        // The ops projection is filled from the grains stored before it existed, once, before the silo serves.
        if (await new Subscriptions.Storage.Grains.OpsProjectionTable(dataSource, TimeSpan.Zero)
            .EnsureBuiltAsync(Subscriptions.Storage.Grains.GrainRecordSerializer.Create(), cancellationToken) is { } rows)
        {
            LogProjectionBuilt(logger, rows);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What a refusal by the server says is wrong in the settings, or null for a failure worth retrying.</summary>
    private static string? Refusal(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => "Username and Password",
        PostgresErrorCodes.InvalidCatalogName => "Database (the database must exist; scripts/run.sh creates it for a local server)",
        PostgresErrorCodes.InsufficientPrivilege => "Username (its privileges on the database)",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL at {Host}:{Port} does not answer (attempt {Attempt} of {Attempts}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string host, int port, int attempt, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Built the ops projection from the stored grains: {Rows} rows")]
    private static partial void LogProjectionBuilt(ILogger logger, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Budget}")]
    private static partial void LogConnectionsExceeded(ILogger logger, string budget);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Budget}")]
    private static partial void LogConnections(ILogger logger, string budget);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migrations {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string migrations);
}
