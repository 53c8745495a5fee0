using System.Text.Json;
using System.Text.Json.Serialization;

namespace Subscriptions.Runtime;

/// <summary>
/// JSON for grain state, history payloads, outbox messages and stored results (exact decimals, enums as names).
/// State is stored as jsonb, which orders keys its own way, so type discriminators are accepted anywhere in an object.
/// </summary>
public sealed class GrainSerializer
{
    private readonly JsonSerializerOptions options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
        AllowOutOfOrderMetadataProperties = true,
    };

    public string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), options);

    public string Serialize(object value, Type type) => JsonSerializer.Serialize(value, type, options);

    public object Deserialize(string json, Type type) =>
        JsonSerializer.Deserialize(json, type, options) ?? throw new InvalidOperationException($"Stored JSON for {type.Name} is null.");

    public T Deserialize<T>(string json) => (T)Deserialize(json, typeof(T));

    internal string SerializeResult(object? result, Type resultType) =>
        resultType == typeof(void) || result is null ? "null" : JsonSerializer.Serialize(result, resultType, options);

    internal object? DeserializeResult(string json, Type resultType) =>
        resultType == typeof(void) ? null : JsonSerializer.Deserialize(json, resultType, options);
}
