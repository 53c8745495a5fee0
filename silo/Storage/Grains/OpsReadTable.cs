using Npgsql;
using NpgsqlTypes;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Storage.Grains;

/// <summary>The audit trail of ops reads (<c>ops_reads</c>, ACC-7): one row per call to the ops service.</summary>
public sealed class OpsReadTable(NpgsqlDataSource dataSource) : IOpsReadAudit
{
    /// <summary>The longest request kept, in characters.</summary>
    public const int MaxRequestLength = 2000;

    /// <inheritdoc />
    public Task RecordAsync(OpsRead read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return Database.GuardAsync("recording an ops read in the audit trail", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "INSERT INTO public.ops_reads (at, caller, method, account_id, request, status) VALUES ($1, $2, $3, $4, $5, $6)");
            command.Parameters.Add(new() { Value = read.At.ToUniversalTime() });
            command.Parameters.Add(new() { Value = read.Caller });
            command.Parameters.Add(new() { Value = read.Method });
            command.Parameters.Add(new() { Value = (object?)read.AccountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = read.RequestJson.Length <= MaxRequestLength ? read.RequestJson : read.RequestJson[..MaxRequestLength] });
            command.Parameters.Add(new() { Value = read.Status });
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OpsRead>> ListAsync(string? accountId, int limit, CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<OpsRead>>("reading the ops read audit trail", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT at, caller, method, account_id, request, status FROM public.ops_reads WHERE $1::text IS NULL OR account_id = $1 ORDER BY id DESC LIMIT $2");
            command.Parameters.Add(new() { Value = (object?)accountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = limit });
            var reads = new List<OpsRead>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                reads.Add(new OpsRead(
                    reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4), reader.GetString(5)));
            }

            return reads;
        });
}
