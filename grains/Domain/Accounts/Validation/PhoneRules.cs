namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>E.164-style phone numbers: "+", country code, 8 to 15 digits in all; spaces, dots, dashes and brackets are ignored.</summary>
internal static class PhoneRules
{
    /// <summary>Null when <paramref name="value"/> is an international number, otherwise why it is not.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is required";
        }

        var compact = Compact(value);
        var digits = compact.Length > 0 && compact[0] == '+' ? compact[1..] : null;
        return digits is { Length: >= 8 and <= 15 } && digits.All(char.IsAsciiDigit) && digits[0] != '0'
            ? null
            : $"{Quoted.Of(value.Trim())} is not an international phone number; use E.164 form with the country code, e.g. +14155550123";
    }

    /// <summary>The number in E.164 form ("+" and digits only).</summary>
    public static string Normalize(string value) => Compact(value);

    private static string Compact(string value) =>
        new([.. value.Where(c => c is not (' ' or '-' or '.' or '(' or ')'))]);
}
