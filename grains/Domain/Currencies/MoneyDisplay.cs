using System.Globalization;
using System.Text;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Currencies;

/// <summary>
/// Money as a reader of an invoice in that currency expects it (INV-8), and the informational local-currency amount
/// (INV-9). The formats are written out here, not taken from the machine's culture data, so a document reads the same
/// on every host.
/// </summary>
public static class MoneyDisplay
{
    private static readonly Dictionary<string, (string Prefix, string Suffix, char Group, char Decimal)> Formats = new(StringComparer.Ordinal)
    {
        ["USD"] = ("$", "", ',', '.'),
        ["CAD"] = ("CA$", "", ',', '.'),
        ["GBP"] = ("£", "", ',', '.'),
        ["AUD"] = ("A$", "", ',', '.'),
        ["EUR"] = ("", " €", '.', ','),
        ["JPY"] = ("¥", "", ',', '.'),
        ["CHF"] = ("CHF ", "", '\'', '.'),
    };

    /// <summary>"$1,234.50", "1.234,50 €", "¥1,200", "CHF 1'234.50"; a negative amount gets a leading "−".</summary>
    public static string Format(Money money)
    {
        var (prefix, suffix, group, separator) = Formats.TryGetValue(money.Currency.Code, out var format) ? format : ("", $" {money.Currency.Code}", ',', '.');
        var rounded = Math.Round(Math.Abs(money.Amount), money.Currency.MinorUnits, MidpointRounding.AwayFromZero);
        var digits = rounded.ToString($"F{money.Currency.MinorUnits}", CultureInfo.InvariantCulture);
        var parts = digits.Split('.');
        var whole = new StringBuilder();
        for (var i = 0; i < parts[0].Length; i++)
        {
            if (i > 0 && (parts[0].Length - i) % 3 == 0)
            {
                whole.Append(group);
            }

            whole.Append(parts[0][i]);
        }

        var number = parts.Length > 1 ? $"{whole}{separator}{parts[1]}" : whole.ToString();
        return $"{(money.Amount < 0 ? "−" : "")}{prefix}{number}{suffix}";
    }

    /// <summary>
    /// INV-9: the informational amount in <paramref name="local"/> at <paramref name="rate"/> units of it per unit of the
    /// invoice currency, exact then rounded half away from zero to the local currency's minor unit.
    /// </summary>
    public static Money Local(Money amount, Currency local, decimal rate)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (rate <= 0m)
        {
            throw new ValidationException("exchange_rate", $"exchange_rate must be more than 0 (got {rate}).");
        }

        return new Money(amount.Amount * rate, local).Round();
    }
}
