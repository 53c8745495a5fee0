using System.Diagnostics.CodeAnalysis;

namespace Subscriptions.Domain.Accounts;

/// <summary>The countries the service bills in (ISO 3166-1 alpha-2); an address outside this table is refused (ACC-5).</summary>
public static class Countries
{
    private static readonly Country[] Table =
    [
        Eu("AT", "Austria"), Eu("BE", "Belgium"), Eu("BG", "Bulgaria"), Eu("HR", "Croatia"), Eu("CY", "Cyprus"),
        Eu("CZ", "Czechia"), Eu("DK", "Denmark"), Eu("EE", "Estonia"), Eu("FI", "Finland"), Eu("FR", "France"),
        Eu("DE", "Germany"), Eu("GR", "Greece", "EL"), Eu("HU", "Hungary"), Eu("IE", "Ireland"), Eu("IT", "Italy"),
        Eu("LV", "Latvia"), Eu("LT", "Lithuania"), Eu("LU", "Luxembourg"), Eu("MT", "Malta"), Eu("NL", "Netherlands"),
        Eu("PL", "Poland"), Eu("PT", "Portugal"), Eu("RO", "Romania"), Eu("SK", "Slovakia"), Eu("SI", "Slovenia"),
        Eu("ES", "Spain"), Eu("SE", "Sweden"),
        new("GB", "United Kingdom", IsEu: false, VatPrefix: "GB"),
        Other("US", "United States"), Other("CA", "Canada"), Other("AU", "Australia"), Other("NZ", "New Zealand"),
        Other("JP", "Japan"), Other("CH", "Switzerland"), Other("LI", "Liechtenstein"), Other("NO", "Norway"),
        Other("IS", "Iceland"), Other("SG", "Singapore"), Other("HK", "Hong Kong"), Other("IN", "India"),
        Other("IL", "Israel"), Other("KR", "South Korea"), Other("MX", "Mexico"), Other("BR", "Brazil"),
        Other("ZA", "South Africa"), Other("AE", "United Arab Emirates"),
    ];

    private static readonly Dictionary<string, Country> ByCode = Table.ToDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds a country by its alpha-2 code, ignoring case and surrounding spaces.</summary>
    public static bool TryFind(string? code, [NotNullWhen(true)] out Country? country)
    {
        country = code is null ? null : ByCode.GetValueOrDefault(code.Trim());
        return country is not null;
    }

    private static Country Eu(string code, string name, string? vatPrefix = null) => new(code, name, IsEu: true, VatPrefix: vatPrefix ?? code);

    private static Country Other(string code, string name) => new(code, name, IsEu: false, VatPrefix: null);
}
