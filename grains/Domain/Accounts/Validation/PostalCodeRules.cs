using System.Text.RegularExpressions;

namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>
/// Postal code formats: checked for the countries below (spaces and dashes ignored, stored in the local canonical form);
/// elsewhere any non-empty code up to 20 characters; Hong Kong and the UAE have no postal codes.
/// </summary>
internal static class PostalCodeRules
{
    private sealed record Format(Regex Pattern, string Example, Func<string, string> Canonical);

    private static readonly Dictionary<string, Format> ByCountry = new(StringComparer.Ordinal)
    {
        ["US"] = Of("[0-9]{5}([0-9]{4})?", "12345 or 12345-6789", c => c.Length == 9 ? $"{c[..5]}-{c[5..]}" : c),
        ["CA"] = Of("[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][0-9][ABCEGHJ-NPRSTV-Z][0-9]", "K1A 0B1", c => $"{c[..3]} {c[3..]}"),
        ["GB"] = Of("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", "SW1A 1AA", c => $"{c[..^3]} {c[^3..]}"),
        ["NL"] = Of("[0-9]{4}[A-Z]{2}", "1012 AB", c => $"{c[..4]} {c[4..]}"),
        ["SE"] = Of("[0-9]{5}", "114 55", c => $"{c[..3]} {c[3..]}"),
        ["JP"] = Of("[0-9]{7}", "100-0001", c => $"{c[..3]}-{c[3..]}"),
        ["AU"] = Digits(4, "2000"), ["AT"] = Digits(4, "1010"), ["BE"] = Digits(4, "1000"), ["CH"] = Digits(4, "8001"),
        ["DK"] = Digits(4, "1050"), ["NO"] = Digits(4, "0150"), ["NZ"] = Digits(4, "6011"),
        ["DE"] = Digits(5, "10115"), ["FR"] = Digits(5, "75001"), ["ES"] = Digits(5, "28001"), ["IT"] = Digits(5, "00184"),
        ["FI"] = Digits(5, "00100"),
    };

    private static readonly HashSet<string> WithoutPostalCodes = new(["HK", "AE"], StringComparer.Ordinal);

    /// <summary>Null when the postal code suits the country, otherwise why not.</summary>
    public static string? Problem(string countryCode, string? postalCode)
    {
        if (string.IsNullOrWhiteSpace(postalCode))
        {
            return WithoutPostalCodes.Contains(countryCode) ? null : $"is required for {countryCode} addresses";
        }

        if (!ByCountry.TryGetValue(countryCode, out var format))
        {
            return TextRules.Required(postalCode, 20);
        }

        return format.Pattern.IsMatch(Compact(postalCode))
            ? null
            : $"{Quoted.Of(postalCode.Trim())} is not a valid {countryCode} postal code (e.g. {format.Example})";
    }

    /// <summary>
    /// The postal code as stored: canonical spacing and upper case where the format is known and the code matches it,
    /// trimmed otherwise (a code <see cref="Problem"/> refuses is never laid out in a format it does not have).
    /// </summary>
    public static string Normalize(string countryCode, string? postalCode)
    {
        if (string.IsNullOrWhiteSpace(postalCode))
        {
            return "";
        }

        var compact = Compact(postalCode);
        return ByCountry.TryGetValue(countryCode, out var format) && format.Pattern.IsMatch(compact) ? format.Canonical(compact) : postalCode.Trim();
    }

    private static string Compact(string value) => new([.. value.ToUpperInvariant().Where(c => c is not (' ' or '-'))]);

    private static Format Of(string pattern, string example, Func<string, string> canonical) =>
        new(new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant), example, canonical);

    private static Format Digits(int count, string example) => Of($"[0-9]{{{count}}}", example, c => c);
}
