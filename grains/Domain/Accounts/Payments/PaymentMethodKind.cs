namespace Subscriptions.Domain.Accounts.Payments;

/// <summary>The three kinds of saved payment method and how many of each an account may keep (ACC-3).</summary>
public enum PaymentMethodKind
{
    /// <summary>A credit or debit card (at most 4).</summary>
    Card = 1,

    /// <summary>A bank account charged by direct debit / ACH (at most 2).</summary>
    BankAccount,

    /// <summary>A connected PayPal wallet (at most 2).</summary>
    Wallet,
}

/// <summary>Per-kind limits on saved payment methods (ACC-3).</summary>
public static class PaymentMethodLimits
{
    /// <summary>The most payment methods of <paramref name="kind"/> one account may keep.</summary>
    public static int MaxOf(PaymentMethodKind kind) => kind switch
    {
        PaymentMethodKind.Card => 4,
        PaymentMethodKind.BankAccount => 2,
        PaymentMethodKind.Wallet => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown payment method kind."),
    };

    /// <summary>Plural noun for messages, e.g. "cards".</summary>
    public static string Plural(this PaymentMethodKind kind) => kind switch
    {
        PaymentMethodKind.Card => "cards",
        PaymentMethodKind.BankAccount => "bank accounts",
        PaymentMethodKind.Wallet => "PayPal wallets",
        _ => kind.ToString(),
    };
}
