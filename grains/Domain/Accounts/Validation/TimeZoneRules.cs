namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Account time zones are IANA ids known to the system's time zone database; blank means "UTC" (ACC-1).</summary>
internal static class TimeZoneRules
{
    /// <summary>The default time zone of an account.</summary>
    public const string Default = "UTC";

    /// <summary>Null when the id resolves to a time zone, otherwise why not.</summary>
    public static string? Problem(string? timeZoneId) =>
        string.IsNullOrWhiteSpace(timeZoneId) || TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId.Trim(), out _)
            ? null
            : $"{Quoted.Of(timeZoneId.Trim())} is not a known IANA time zone id (e.g. UTC, Europe/Paris, America/New_York)";

    /// <summary>The id as stored: the time zone database's own spelling (e.g. "utc" → "UTC"), or "UTC" when blank.</summary>
    public static string Normalize(string? timeZoneId) =>
        string.IsNullOrWhiteSpace(timeZoneId) ? Default : TimeZoneInfo.FindSystemTimeZoneById(timeZoneId.Trim()).Id;
}
