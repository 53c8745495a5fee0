using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>One versioned SQL migration, embedded in an assembly as Migrations/NNNN_name.sql.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))))[..16];

    /// <summary>The migrations embedded in <paramref name="assembly"/>, ordered by version.</summary>
    public static IReadOnlyList<Migration> FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var result = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource[..^4];
            fileName = fileName[(fileName.LastIndexOf('.') + 1)..];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName[..separator], out var version))
            {
                throw new InvalidOperationException($"Migration resource \"{resource}\" is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            result.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        return [.. result.OrderBy(m => m.Version)];
    }
}

/// <summary>The database schema is newer than this silo knows, or an applied migration was altered.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);

/// <summary>
/// Applies pending migrations in version order, each recorded in schema_version, under an advisory lock so that
/// silos starting together apply each once. Refuses a database whose schema is newer than the known migrations.
/// </summary>
public static class MigrationRunner
{
    private const long LockKey = 0x5_0B5C_0001;

    /// <summary>Applies what is pending; returns the migrations applied now (none when up to date).</summary>
    public static async Task<IReadOnlyList<Migration>> ApplyAsync(NpgsqlDataSource dataSource, IEnumerable<Migration> known, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var migrations = known.OrderBy(m => m.Version).ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Migration version {duplicate.Key} is defined twice: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return await StorageErrors.GuardAsync<IReadOnlyList<Migration>>("migrating the schema", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Execute(connection, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            await Execute(connection,
                "CREATE TABLE IF NOT EXISTS schema_version (version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken);
            var applied = new Dictionary<int, (string Name, string Checksum)>();
            await using (var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_version", connection))
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
                    $"The database schema is at version {applied.Keys.Max()} but this silo knows migrations up to {newestKnown}: " +
                    "it was migrated by a newer release. Run the newer release, or restore a database of this release's schema.");
            }

            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var done) && done.Checksum != migration.Checksum)
                {
                    throw new SchemaMismatchException(
                        $"Migration {migration.Version} ({migration.Name}) differs from the one applied to this database (checksum {done.Checksum}, now {migration.Checksum}); applied migrations must not be edited.");
                }
            }

            var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
            foreach (var migration in pending)
            {
                await Execute(connection, migration.Sql, cancellationToken);
                await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, name, checksum) VALUES ($1, $2, $3)", connection);
                record.Parameters.Add(new() { Value = migration.Version });
                record.Parameters.Add(new() { Value = migration.Name });
                record.Parameters.Add(new() { Value = migration.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return pending;
        });
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
