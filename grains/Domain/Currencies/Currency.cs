using System.Text.Json;
using System.Text.Json.Serialization;

namespace Subscriptions.Domain.Currencies;

/// <summary>A supported account currency (ACC-1) and its minor unit; stored and sent as its ISO code.</summary>
[JsonConverter(typeof(CurrencyJsonConverter))]
public sealed record Currency
{
    public static readonly Currency Usd = new("USD", 2);
    public static readonly Currency Cad = new("CAD", 2);
    public static readonly Currency Gbp = new("GBP", 2);
    public static readonly Currency Aud = new("AUD", 2);
    public static readonly Currency Eur = new("EUR", 2);
    public static readonly Currency Jpy = new("JPY", 0);
    public static readonly Currency Chf = new("CHF", 2);

    /// <summary>Every currency an account may be created in.</summary>
    public static IReadOnlyList<Currency> All { get; } = [Usd, Cad, Gbp, Aud, Eur, Jpy, Chf];

    private Currency(string code, int minorUnits)
    {
        Code = code;
        MinorUnits = minorUnits;
    }

    /// <summary>ISO 4217 code, e.g. "USD".</summary>
    public string Code { get; }

    /// <summary>Digits after the decimal point (JPY has none).</summary>
    public int MinorUnits { get; }

    /// <summary>Finds a supported currency by ISO code (case-insensitive).</summary>
    public static bool TryParse(string? code, out Currency currency)
    {
        currency = All.FirstOrDefault(c => string.Equals(c.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return currency is not null;
    }

    /// <summary>Finds a supported currency by ISO code or throws naming the supported ones.</summary>
    public static Currency Parse(string? code) =>
        TryParse(code, out var currency)
            ? currency
            : throw new ArgumentException(
                $"Currency {Quoted.Of(code)} is not supported; use one of {string.Join(", ", All.Select(c => c.Code))}.", nameof(code));

    public override string ToString() => Code;
}

/// <summary>Writes a currency as its ISO code ("EUR") and reads it back to the one supported instance.</summary>
public sealed class CurrencyJsonConverter : JsonConverter<Currency>
{
    public override Currency Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Currency.TryParse(reader.GetString(), out var currency)
            ? currency
            : throw new JsonException($"{Quoted.Of(reader.GetString())} is not a supported currency code.");

    public override void Write(Utf8JsonWriter writer, Currency value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Code);
    }
}
