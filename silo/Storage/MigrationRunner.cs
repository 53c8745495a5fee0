using Npgsql;

namespace Subscriptions.Storage;

/// <summary>
/// Applies pending migrations in version order, in one transaction, under a transaction-scoped advisory lock so that
/// silos starting together apply each migration exactly once. Every applied migration is recorded in
/// <c>public.schema_version</c> with its checksum. Refuses a database whose schema is newer than the known migrations
/// or whose applied migrations differ from the known ones.
/// </summary>
public static class MigrationRunner
{
    /// <summary>The advisory lock key serialising migrations on one database.</summary>
    public const long LockKey = 0x5_0B5C_0001;

    /// <summary>Applies what is pending; returns the migrations applied now (none when the database is up to date).</summary>
    /// <exception cref="SchemaMismatchException">The database is ahead of <paramref name="known"/> or an applied migration was edited.</exception>
    /// <exception cref="DatabaseUnavailableException">The database cannot be reached.</exception>
    public static async Task<IReadOnlyList<Migration>> ApplyAsync(NpgsqlDataSource dataSource, IEnumerable<Migration> known, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(known);
        var migrations = known.OrderBy(m => m.Version).ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Migration version {duplicate.Key} is defined twice: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        try
        {
            return await ApplyLockedAsync(dataSource, migrations, cancellationToken);
        }
        catch (Exception exception) when (DatabaseUnavailableException.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseUnavailableException($"The database is unavailable while migrating the schema: {exception.Message}", exception);
        }
    }

    /// <summary>The versions recorded in <c>public.schema_version</c>, or none when the table does not exist yet.</summary>
    public static async Task<IReadOnlyList<int>> AppliedVersionsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT version FROM public.schema_version ORDER BY version", connection);
            var versions = new List<int>();
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    versions.Add(reader.GetInt32(0));
                }
            }
            catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return [];
            }

            return versions;
        }
        catch (Exception exception) when (DatabaseUnavailableException.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseUnavailableException($"The database is unavailable while reading the schema version: {exception.Message}", exception);
        }
    }

    private static async Task<IReadOnlyList<Migration>> ApplyLockedAsync(NpgsqlDataSource dataSource, List<Migration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        await ExecuteAsync(connection,
            """
            CREATE TABLE IF NOT EXISTS public.schema_version (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            cancellationToken);

        var applied = new Dictionary<int, (string Name, string Checksum)>();
        await using (var command = new NpgsqlCommand("SELECT version, name, checksum FROM public.schema_version", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
            }
        }

        var newestKnown = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (applied.Count > 0 && applied.Keys.Max() > newestKnown)
        {
            throw new SchemaMismatchException(
                $"The database schema is at version {applied.Keys.Max()} but this release knows migrations up to {newestKnown}: " +
                "it was migrated by a newer release. Run the newer release, or restore a database of this release's schema.");
        }

        foreach (var migration in migrations)
        {
            if (!applied.TryGetValue(migration.Version, out var done))
            {
                continue;
            }

            if (done.Name != migration.Name)
            {
                throw new SchemaMismatchException(
                    $"The database has migration {migration.Version} \"{done.Name}\" applied, but this release's migration {migration.Version} is \"{migration.Name}\": " +
                    "the database was created by a different schema lineage.");
            }

            if (done.Checksum != migration.Checksum)
            {
                throw new SchemaMismatchException(
                    $"Migration {migration.Version} ({migration.Name}) differs from the one applied to this database (checksum {done.Checksum}, now {migration.Checksum}); " +
                    "applied migrations must not be edited: add a new migration instead.");
            }
        }

        var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
        foreach (var migration in pending)
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO public.schema_version (version, name, checksum) VALUES ($1, $2, $3)", connection);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Checksum });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return pending;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
