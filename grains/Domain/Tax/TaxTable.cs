namespace Subscriptions.Domain.Tax;

/// <summary>Tax rates as data (TAX-3): jurisdictions, the seller's country and the EU member states (for reverse charge).</summary>
public sealed record TaxTable(string Version, string SellerCountry, IReadOnlySet<string> EuCountries, IReadOnlyList<TaxJurisdiction> Jurisdictions)
{
    /// <summary>The region's own entry if any, else the country-wide entry, else null (no tax is collected there).</summary>
    public TaxJurisdiction? Find(string country, string? region) =>
        Jurisdictions.FirstOrDefault(j => Same(j.Country, country) && region is not null && Same(j.Region, region))
        ?? Jurisdictions.FirstOrDefault(j => Same(j.Country, country) && j.Region is null);

    private static bool Same(string? left, string? right) => string.Equals(left, right?.Trim(), StringComparison.OrdinalIgnoreCase);
}
