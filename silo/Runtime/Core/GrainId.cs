namespace Subscriptions.Runtime;

/// <summary>The identity of a grain: its type name and a string key, e.g. "account/acc-42".</summary>
public readonly record struct GrainId
{
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        Type = type;
        Key = key;
    }

    /// <summary>The grain type name (from <see cref="GrainTypeAttribute"/> or the class name).</summary>
    public string Type { get; }

    /// <summary>The grain's string key within its type.</summary>
    public string Key { get; }

    public override string ToString() => $"{Type}/{Key}";
}
