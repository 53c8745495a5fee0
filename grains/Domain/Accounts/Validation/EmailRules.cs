using System.Text.RegularExpressions;

namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Pragmatic email syntax check (not RFC 5322-complete): one "@", no spaces, a dotted domain.</summary>
internal static partial class EmailRules
{
    /// <summary>Null when <paramref name="value"/> is a plausible email address, otherwise why it is not.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is required";
        }

        var email = value.Trim();
        if (email.Any(char.IsWhiteSpace))
        {
            return $"{Quoted.Of(email)} must not contain spaces";
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at != email.LastIndexOf('@'))
        {
            return $"{Quoted.Of(email)} must contain exactly one \"@\"";
        }

        var local = email[..at];
        var domain = email[(at + 1)..];
        if (email.Length > 254 || local.Length is 0 or > 64)
        {
            return $"{Quoted.Of(email)} must have 1 to 64 characters before \"@\" and at most 254 in all";
        }

        if (!domain.Contains('.', StringComparison.Ordinal))
        {
            return $"{Quoted.Of(email)} has no dot in its domain {Quoted.Of(domain)} (e.g. example.com)";
        }

        return LocalPart().IsMatch(local) && Domain().IsMatch(domain)
            ? null
            : $"{Quoted.Of(email)} is not a valid email address";
    }

    /// <summary>The address trimmed, for storage; comparisons between addresses ignore case.</summary>
    public static string Normalize(string value) => value.Trim();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex LocalPart();

    [GeneratedRegex(@"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex Domain();
}
