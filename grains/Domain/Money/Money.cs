namespace Subscriptions.Domain.Money;

/// <summary>
/// An exact amount in one currency. Arithmetic keeps full decimal precision; <see cref="Round"/>
/// rounds half away from zero to the currency's minor unit, which happens only when a line is finalised.
/// </summary>
public readonly record struct Money(decimal Amount, Currency Currency)
{
    public static Money Zero(Currency currency) => new(0m, currency);

    /// <summary>Rounds half away from zero to the currency's minor unit (JPY: whole yen).</summary>
    public Money Round() => this with { Amount = Math.Round(Amount, Currency.MinorUnits, MidpointRounding.AwayFromZero) };

    public bool IsZero => Amount == 0m;

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

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Multiply(decimal factor) => this * factor;

    public Money Negate() => -this;

    public int CompareTo(Money other) => Amount.CompareTo(Same(this, other).Amount);

    public override string ToString() =>
        Amount.ToString("F" + Currency.MinorUnits, System.Globalization.CultureInfo.InvariantCulture) + " " + Currency.Code;

    private static Money Same(Money left, Money right) =>
        left.Currency == right.Currency
            ? right
            : throw new InvalidOperationException($"Cannot combine {left.Currency.Code} with {right.Currency.Code}.");
}
