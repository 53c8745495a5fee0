using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>
/// Tells other silos which grains this silo wrote, after the writes committed, in batches. Sending NOTIFY inside each
/// turn's transaction would serialise every commit on the server (PostgreSQL holds its notification lock until the
/// commit is flushed); a batch sent on its own, with synchronous_commit off, costs the turns nothing. The
/// notifications are a hint only: a stale activation is caught by the version check anyway.
/// </summary>
public sealed class WriteNotifier(GrainStorage storage, GrainRuntimeOptions options, ILogger<WriteNotifier> logger)
{
    /// <summary>PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.</summary>
    private const int MaxPayloadBytes = 7900;

    private readonly Channel<string> pending = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the notice that <paramref name="grain"/> is now at <paramref name="version"/>.</summary>
    internal void Written(GrainId grain, long version) =>
        pending.Writer.TryWrite($"{version}|{options.SiloId}|{grain.Type}|{grain.Key}");

    /// <summary>Sends every queued notice now; returns how many were sent.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        var notices = new List<string>();
        while (pending.Reader.TryRead(out var notice))
        {
            notices.Add(notice);
        }

        if (notices.Count == 0)
        {
            return 0;
        }

        await StorageErrors.GuardAsync("sending write notifications", async () =>
        {
            await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
            foreach (var payload in Payloads(notices))
            {
                batch.BatchCommands.Add(GrainStorage.Command("SELECT pg_notify($1, $2)", GrainStorage.WriteChannel, payload));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        return notices.Count;
    }

    /// <summary>Sends queued notices as they come until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await pending.Reader.WaitToReadAsync(cancellationToken))
        {
            try
            {
                await FlushAsync(cancellationToken);
            }
            catch (StorageUnavailableException exception)
            {
                logger.LogDebug("Write notifications dropped: {Reason}", exception.Message);
            }
        }
    }

    /// <summary>Joins notices with newlines into payloads under the size limit.</summary>
    private static IEnumerable<string> Payloads(List<string> notices)
    {
        var payload = new StringBuilder();
        foreach (var notice in notices)
        {
            if (payload.Length > 0 && Encoding.UTF8.GetByteCount(payload.ToString()) + Encoding.UTF8.GetByteCount(notice) + 1 > MaxPayloadBytes)
            {
                yield return payload.ToString();
                payload.Clear();
            }

            payload.Append(payload.Length > 0 ? "\n" : "").Append(notice);
        }

        yield return payload.ToString();
    }
}
