
namespace Subscriptions.Domain.Currencies;

/// <summary>
/// An exact amount in one currency. Arithmetic keeps full decimal precision; <see cref="Round"/>
/// rounds half away from zero to the currency's minor unit, which happens only when a line is finalised.
/// </summary>
public readonly record struct Money(decimal Amount, Currency Currency)
{
    /// <summary>No money in the currency.</summary>
    public static Money Zero(Currency currency) => new(0m, currency);

    /// <summary>Rounds half away from zero to the currency's minor unit (JPY: whole yen).</summary>
    public Money Round() => this with { Amount = Math.Round(Amount, Currency.MinorUnits, MidpointRounding.AwayFromZero) };

    /// <summary>True when the amount is exactly 0.</summary>
    public bool IsZero => Amount == 0m;

    /// <summary>True for a credit (an amount below 0).</summary>
    public bool IsNegative => Amount < 0m;

    public static Money operator +(Money left, Money right) => new(left.Amount + Same(left, right).Amount, left.Currency);

    public static Money operator -(Money left, Money right) => new(left.Amount - Same(left, right).Amount, left.Currency);

    public static Money operator -(Money value) => value with { Amount = -value.Amount };

    public static Money operator *(Money left, decimal factor) => left with { Amount = left.Amount * factor };

    public static Money operator *(decimal factor, Money right) => right * factor;

    public static bool operator <(Money left, Money right) => left.Amount < Same(left, right).Amount;

    public static bool operator >(Money left, Money right) => left.Amount > Same(left, right).Amount;

    public static bool operator <=(Money left, Money right) => left.Amount <= Same(left, right).Amount;

    public static bool operator >=(Money left, Money right) => left.Amount >= Same(left, right).Amount;

    /// <summary>The amount at the currency's minor unit with its code, e.g. "12.50 USD" or "4932 JPY".</summary>
    public override string ToString() =>
        Amount.ToString("F" + Currency.MinorUnits, System.Globalization.CultureInfo.InvariantCulture) + " " + Currency.Code;

    private static Money Same(Money left, Money right) =>
        left.Currency == right.Currency
            ? right
            : throw new InvalidOperationException($"Cannot combine {left.Currency.Code} with {right.Currency.Code}.");
}
