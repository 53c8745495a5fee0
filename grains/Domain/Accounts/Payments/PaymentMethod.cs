using System.Text.Json.Serialization;

namespace Subscriptions.Domain.Accounts.Payments;

/// <summary>
/// A saved payment method (ACC-3). Only the payment gateway's token and display details are kept, never a card number.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Card), "card")]
[JsonDerivedType(typeof(BankAccount), "bank_account")]
[JsonDerivedType(typeof(PayPalWallet), "paypal")]
public abstract record PaymentMethod(string Id, string GatewayToken, DateTimeOffset AddedAt)
{
    /// <summary>Which of the three kinds this is (limits are per kind).</summary>
    [JsonIgnore]
    public abstract PaymentMethodKind Kind { get; }

    /// <summary>True for methods the service can charge on its own: cards and direct debit (QUO-4).</summary>
    [JsonIgnore]
    public abstract bool IsAutomatic { get; }

    /// <summary>True when the method can no longer be charged on <paramref name="localToday"/> (only cards expire).</summary>
    public virtual bool IsExpiredOn(DateOnly localToday) => false;

    /// <summary>Short description for audit entries and messages, e.g. "Visa ending 4242 (expires 03/2027)".</summary>
    public abstract string Describe();
}

/// <summary>A card: brand, last four digits and expiry month/year, charged through its gateway token.</summary>
public sealed record Card(string Id, string GatewayToken, DateTimeOffset AddedAt, CardBrand Brand, string Last4, int ExpiryMonth, int ExpiryYear)
    : PaymentMethod(Id, GatewayToken, AddedAt)
{
    /// <inheritdoc/>
    public override PaymentMethodKind Kind => PaymentMethodKind.Card;

    /// <inheritdoc/>
    public override bool IsAutomatic => true;

    /// <summary>A card is valid through the last day of its expiry month (in the account's time zone).</summary>
    public override bool IsExpiredOn(DateOnly localToday) =>
        ExpiryYear < localToday.Year || (ExpiryYear == localToday.Year && ExpiryMonth < localToday.Month);

    /// <inheritdoc/>
    public override string Describe() => $"{Brand.DisplayName()} ending {Last4} (expires {ExpiryMonth:00}/{ExpiryYear})";
}

/// <summary>A bank account charged by direct debit / ACH.</summary>
public sealed record BankAccount(string Id, string GatewayToken, DateTimeOffset AddedAt, string BankName, string Last4)
    : PaymentMethod(Id, GatewayToken, AddedAt)
{
    /// <inheritdoc/>
    public override PaymentMethodKind Kind => PaymentMethodKind.BankAccount;

    /// <inheritdoc/>
    public override bool IsAutomatic => true;

    /// <inheritdoc/>
    public override string Describe() => $"{BankName} account ending {Last4}";
}

/// <summary>A connected PayPal wallet; not an automatic payment method in the sense of QUO-4 (card or direct debit).</summary>
public sealed record PayPalWallet(string Id, string GatewayToken, DateTimeOffset AddedAt, string Email)
    : PaymentMethod(Id, GatewayToken, AddedAt)
{
    /// <inheritdoc/>
    public override PaymentMethodKind Kind => PaymentMethodKind.Wallet;

    /// <inheritdoc/>
    public override bool IsAutomatic => false;

    /// <inheritdoc/>
    public override string Describe() => $"PayPal {Email}";
}
