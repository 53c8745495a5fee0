using System.Text.RegularExpressions;

namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>
/// Pragmatic EU/UK VAT id format check by country prefix (ACC-5): the shape of each national number, no checksum
/// and no VIES lookup. Spaces, dots and dashes are ignored; ids are stored upper-case and compact, e.g. "DE123456789".
/// </summary>
internal static class VatIdRules
{
    private static readonly Dictionary<string, Regex> ByPrefix = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AT"] = "U[0-9]{8}", ["BE"] = "[01][0-9]{9}", ["BG"] = "[0-9]{9,10}", ["CY"] = "[0-9]{8}[A-Z]",
        ["CZ"] = "[0-9]{8,10}", ["DE"] = "[0-9]{9}", ["DK"] = "[0-9]{8}", ["EE"] = "[0-9]{9}", ["EL"] = "[0-9]{9}",
        ["ES"] = "[A-Z0-9][0-9]{7}[A-Z0-9]", ["FI"] = "[0-9]{8}", ["FR"] = "[A-HJ-NP-Z0-9]{2}[0-9]{9}",
        ["HR"] = "[0-9]{11}", ["HU"] = "[0-9]{8}", ["IE"] = "[0-9][A-Z0-9+*][0-9]{5}[A-Z]{1,2}", ["IT"] = "[0-9]{11}",
        ["LT"] = "[0-9]{9}|[0-9]{12}", ["LU"] = "[0-9]{8}", ["LV"] = "[0-9]{11}", ["MT"] = "[0-9]{8}",
        ["NL"] = "[0-9]{9}B[0-9]{2}", ["PL"] = "[0-9]{10}", ["PT"] = "[0-9]{9}", ["RO"] = "[0-9]{2,10}",
        ["SE"] = "[0-9]{10}01", ["SI"] = "[0-9]{8}", ["SK"] = "[0-9]{10}",
        ["GB"] = "[0-9]{9}|[0-9]{12}|GD[0-9]{3}|HA[0-9]{3}",
    }.ToDictionary(e => e.Key, e => new Regex($"^(?:{e.Value})$", RegexOptions.CultureInvariant), StringComparer.Ordinal);

    /// <summary>Null when <paramref name="value"/> has a known EU/UK prefix and that country's shape, otherwise why not.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is required";
        }

        var vatId = Normalize(value);
        if (vatId.Length < 4 || !ByPrefix.TryGetValue(vatId[..2], out var pattern))
        {
            return $"{Quoted.Of(value.Trim())} must start with an EU or UK country prefix (e.g. DE, FR, IE, EL for Greece, GB)";
        }

        return pattern.IsMatch(vatId[2..])
            ? null
            : $"{Quoted.Of(value.Trim())} does not have the format of a {vatId[..2]} VAT id";
    }

    /// <summary>The id upper-case with spaces, dots and dashes removed.</summary>
    public static string Normalize(string value) => new([.. value.ToUpperInvariant().Where(c => c is not (' ' or '.' or '-'))]);
}
