namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Region codes required in US, Canadian and Australian addresses (tax follows them, TAX-1); elsewhere the region is free text.</summary>
internal static class RegionRules
{
    private sealed record RegionSet(string Label, string Examples, HashSet<string> Codes);

    private static readonly Dictionary<string, RegionSet> ByCountry = new(StringComparer.Ordinal)
    {
        ["US"] = new("US state code", "CA, NY, TX", Set(
            "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
            "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
            "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
            "DC", "PR", "VI", "GU", "AS", "MP")),
        ["CA"] = new("Canadian province or territory code", "ON, QC, BC", Set(
            "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")),
        ["AU"] = new("Australian state or territory code", "NSW, VIC, QLD", Set(
            "ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA")),
    };

    /// <summary>Null when the region suits the country, otherwise why not.</summary>
    public static string? Problem(string countryCode, string? region)
    {
        if (!ByCountry.TryGetValue(countryCode, out var set))
        {
            return TextRules.Optional(region, 100);
        }

        if (string.IsNullOrWhiteSpace(region))
        {
            return $"is required for {countryCode} addresses (a {set.Label}, e.g. {set.Examples})";
        }

        return set.Codes.Contains(region.Trim())
            ? null
            : $"{Quoted.Of(region.Trim())} is not a {set.Label} (e.g. {set.Examples})";
    }

    /// <summary>The region as stored: upper-case code where codes apply, trimmed text elsewhere.</summary>
    public static string? Normalize(string countryCode, string? region) =>
        ByCountry.ContainsKey(countryCode) ? region?.Trim().ToUpperInvariant() : TextRules.TrimToNull(region);

    private static HashSet<string> Set(params string[] codes) => new(codes, StringComparer.OrdinalIgnoreCase);
}
