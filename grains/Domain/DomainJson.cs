using System.Text.Json;
using System.Text.Json.Serialization;

namespace Subscriptions.Domain;

/// <summary>
/// The JSON contract of the domain's types: exact decimals, enums by name, web (camelCase) names, type
/// discriminators accepted anywhere in an object (jsonb reorders keys). Grain state is stored with it and domain
/// values cross grain calls with it, so what ops read in SQL is what the grains hold.
/// </summary>
public static class DomainJson
{
    /// <summary>Applies the contract to <paramref name="options"/> (for serializers that own their options).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.AllowOutOfOrderMetadataProperties = true;
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    /// <summary>A new options instance with the contract.</summary>
    public static JsonSerializerOptions Create() => Apply(new JsonSerializerOptions());

    /// <summary>Shared, read-only options with the contract.</summary>
    public static JsonSerializerOptions Options { get; } = CreateReadOnly();

    private static JsonSerializerOptions CreateReadOnly()
    {
        var options = Create();
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
