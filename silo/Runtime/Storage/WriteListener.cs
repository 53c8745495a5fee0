using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>
/// Listens to the writes other silos commit (LISTEN/NOTIFY) and marks our activations of those grains stale so they
/// reload early. An optimisation only: a stale activation is caught by the version check on its next write anyway.
/// </summary>
public sealed class WriteListener(GrainRuntime runtime, GrainStorage storage, GrainRuntimeOptions options, TimeProvider timeProvider, ILogger<WriteListener> logger)
{
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place.</summary>
    public Task Listening => listening.Task;

    /// <summary>Listens until <paramref name="cancellationToken"/> fires, reconnecting after a lost connection.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) => Handle(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {GrainStorage.WriteChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                listening.TrySetResult();

                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
            {
                logger.LogWarning("Write notifications interrupted ({Reason}); reconnecting", exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), timeProvider, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Applies one notification payload: notices "version|silo|type|key", one per line.</summary>
    internal void Handle(string payload)
    {
        foreach (var notice in payload.Split('\n'))
        {
            var parts = notice.Split('|', 4);
            if (parts.Length != 4 || !long.TryParse(parts[0], out var version))
            {
                logger.LogWarning("Ignoring malformed write notification \"{Notice}\"", notice);
                continue;
            }

            if (parts[1] != options.SiloId)
            {
                runtime.NoteWrittenElsewhere(new GrainId(parts[2], parts[3]), version);
            }
        }
    }
}
