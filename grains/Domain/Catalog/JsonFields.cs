using System.Text.Json;

namespace Subscriptions.Domain.Catalog;

/// <summary>Reads typed fields from a JSON object, recording a problem (naming where and which field) instead of throwing.</summary>
internal sealed class JsonFields(List<string> problems)
{
    /// <summary>Records a problem about a field of the object at <paramref name="where"/>.</summary>
    public void Problem(string where, string message) => problems.Add($"{where}: {message}");

    /// <summary>A required or optional string field.</summary>
    public string? String(JsonElement obj, string name, string where, bool required = true)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problem(where, $"\"{name}\" is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            Problem(where, $"\"{name}\" must be a non-empty string");
            return null;
        }

        return value.GetString()!.Trim();
    }

    /// <summary>A required or optional whole-number field.</summary>
    public int? Int(JsonElement obj, string name, string where, bool required = true)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problem(where, $"\"{name}\" is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Problem(where, $"\"{name}\" must be a whole number");
            return null;
        }

        return number;
    }

    /// <summary>A required boolean field.</summary>
    public bool? Bool(JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Problem(where, $"\"{name}\" is required and must be true or false");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>A required (or optional, then empty) array field.</summary>
    public IReadOnlyList<JsonElement> Array(JsonElement obj, string name, string where, bool required = true)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problem(where, $"\"{name}\" is required");
            }

            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Problem(where, $"\"{name}\" must be an array");
            return [];
        }

        return [.. value.EnumerateArray()];
    }

    /// <summary>An optional object field (null when absent).</summary>
    public JsonElement? Object(JsonElement obj, string name, string where, bool required = false)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Problem(where, $"\"{name}\" is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Problem(where, $"\"{name}\" must be an object");
            return null;
        }

        return value;
    }
}
