using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using Subscriptions.Domain;

namespace Subscriptions.Storage.Grains;

/// <summary>The serializer grain records are stored with: Orleans' System.Text.Json grain storage serializer on the domain's JSON contract (docs/runtime.md).</summary>
public static class GrainRecordSerializer
{
    /// <summary>Applies the domain's JSON contract to the storage serializer's options (the silo configures Orleans with it).</summary>
    public static void Configure(SystemTextJsonGrainStorageSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DomainJson.Apply(options.JsonSerializerOptions);
    }

    /// <summary>A serializer that reads records as the silo wrote them, for tools that run without a silo (rebuild-projections).</summary>
    public static IGrainStorageSerializer Create()
    {
        var options = new SystemTextJsonGrainStorageSerializerOptions();
        Configure(options);
        return new SystemTextJsonGrainStorageSerializer(Options.Create(options));
    }
}
