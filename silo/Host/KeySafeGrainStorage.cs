using Orleans.Storage;
using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;

namespace Subscriptions.Silo;

/// <summary>
/// Hands every grain to the ADO.NET storage under a key that cannot be read as a number: the provider turns string
/// keys that parse as hexadecimal or as a Guid into numbers, so accounts "cafe" and "CAFE" (or "0cafe") would share one
/// row. Prefixing the key keeps every grain key its own row; the grain type is in the state name. A database that
/// cannot be reached, at activation, read or write, surfaces as <see cref="StorageUnavailableException"/> (UNAVAILABLE to
/// clients, retryable), never as a generic storage error.
/// </summary>
public sealed class KeySafeGrainStorage(IGrainStorage inner) : IGrainStorage
{
    /// <summary>What every stored key starts with.</summary>
    public const string KeyPrefix = "k:";

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard("reading", stateName, grainId, () => inner.ReadStateAsync(stateName, Stored(grainId), grainState));

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard("writing", stateName, grainId, () => inner.WriteStateAsync(stateName, Stored(grainId), grainState));

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard("clearing", stateName, grainId, () => inner.ClearStateAsync(stateName, Stored(grainId), grainState));

    private static async Task Guard(string what, string stateName, GrainId grainId, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is not StorageUnavailableException && GrainRecords.IsDatabaseFailure(e))
        {
            throw new StorageUnavailableException($"PostgreSQL is unavailable while {what} {stateName}/{grainId.Key}; the change may or may not be stored. Retry with the same request id.");
        }
    }

    private static GrainId Stored(GrainId grainId) => GrainId.Create(grainId.Type, KeyPrefix + grainId.Key);
}
