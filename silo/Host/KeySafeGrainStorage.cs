using Orleans.Storage;

namespace Subscriptions.Silo;

/// <summary>
/// Hands every grain to the ADO.NET storage under a key that cannot be read as a number: the provider turns string
/// keys that parse as hexadecimal or as a Guid into numbers, so accounts "cafe" and "CAFE" (or "0cafe") would share one
/// row. Prefixing the key keeps every grain key its own row; the grain type is in the state name.
/// </summary>
public sealed class KeySafeGrainStorage(IGrainStorage inner) : IGrainStorage
{
    /// <summary>What every stored key starts with.</summary>
    public const string KeyPrefix = "k:";

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, Stored(grainId), grainState);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.WriteStateAsync(stateName, Stored(grainId), grainState);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, Stored(grainId), grainState);

    private static GrainId Stored(GrainId grainId) => GrainId.Create(grainId.Type, KeyPrefix + grainId.Key);
}
