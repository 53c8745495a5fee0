namespace Subscriptions.Domain;

/// <summary>
/// Quotes a value in a message for a caller. Messages travel in gRPC trailers, so a value a client sent is cut to
/// <see cref="MaxLength"/> characters, with an ellipsis: however long the input, the message stays small.
/// </summary>
public static class Quoted
{
    /// <summary>The most characters of one value a message quotes.</summary>
    public const int MaxLength = 64;

    /// <summary>The value in double quotes, cut to <see cref="MaxLength"/> characters with "…" when longer.</summary>
    public static string Of(string? value) => $"\"{Cut(value ?? "")}\"";

    /// <summary>The value's text in double quotes, cut like <see cref="Of(string?)"/>.</summary>
    public static string Of(object? value) => Of(value?.ToString());

    /// <summary>The value cut to <see cref="MaxLength"/> characters with "…" when longer, without quotes.</summary>
    public static string Cut(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= MaxLength ? value : string.Concat(value.AsSpan(0, MaxLength - 1), "…");
    }
}
