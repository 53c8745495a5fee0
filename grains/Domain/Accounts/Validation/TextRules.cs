namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Required-text and length checks shared by every account command.</summary>
internal static class TextRules
{
    /// <summary>Null when the trimmed value is present and at most <paramref name="maxLength"/> characters long.</summary>
    public static string? Required(string? value, int maxLength = 200) =>
        string.IsNullOrWhiteSpace(value) ? "is required"
        : value.Trim().Length > maxLength ? $"must be at most {maxLength} characters (got {value.Trim().Length})"
        : null;

    /// <summary>Null when the value is absent or at most <paramref name="maxLength"/> characters long.</summary>
    public static string? Optional(string? value, int maxLength = 200) =>
        string.IsNullOrWhiteSpace(value) ? null : Required(value, maxLength);

    /// <summary>The trimmed value, or null when blank.</summary>
    public static string? TrimToNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
