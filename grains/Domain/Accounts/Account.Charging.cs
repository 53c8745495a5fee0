using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>What a payment may be charged to (INV-3, ACC-3, INV-6): the one place the choice of payment method is made.</summary>
public sealed partial record Account
{
    /// <summary>
    /// What a payment by a person is charged to (INV-3): a one-time card token (used for this payment only, never
    /// saved), the saved method named, or the default method. Refused when both a saved method and a card are given,
    /// when the named method does not exist, when there is no default method (INV-3), or when the method has expired by
    /// the account's local date at <paramref name="now"/> (ACC-3).
    /// </summary>
    public ChargeSource ChargeSourceFor(string? paymentMethodId, string? oneTimeCardToken, DateTimeOffset now)
    {
        if (!string.IsNullOrWhiteSpace(oneTimeCardToken))
        {
            return !string.IsNullOrWhiteSpace(paymentMethodId)
                ? throw new ValidationException("payment_method_id", "Give either a saved payment method or a one-time card, not both.")
                : new ChargeSource(oneTimeCardToken.Trim(), "one-time card", null);
        }

        PaymentMethod saved;
        if (!string.IsNullOrWhiteSpace(paymentMethodId))
        {
            saved = PaymentMethods.FirstOrDefault(m => string.Equals(m.Id, paymentMethodId.Trim(), StringComparison.Ordinal))
                ?? throw new ValidationException("payment_method_id", $"Account {Quoted.Of(Id)} has no payment method {Quoted.Of(paymentMethodId)}.");
        }
        else
        {
            saved = DefaultPaymentMethod
                ?? throw new RuleViolationException(Rules.Inv3, $"Account {Quoted.Of(Id)} has no default payment method: name a saved method or pay with a one-time card.");
        }

        if (saved.IsExpiredOn(LocalDate(now)))
        {
            throw new RuleViolationException(Rules.Acc3, $"{saved.Describe()} has expired: pay with another method.");
        }

        return new ChargeSource(saved.GatewayToken, saved.Describe(), saved.Id);
    }

    /// <summary>
    /// What an autopay instant charges (INV-6), or why it is skipped: autopay off, or no default method that can be
    /// charged at <paramref name="now"/> (none, or expired: ACC-3).
    /// </summary>
    public (ChargeSource? Source, string? Skipped) AutopaySource(DateTimeOffset now) =>
        !AutopayEnabled ? (null, "autopay is off")
        : ChargeableDefaultPaymentMethod(now) is { } method ? (new ChargeSource(method.GatewayToken, method.Describe(), method.Id), null)
        : (null, "no chargeable default payment method");
}

/// <summary>What a charge goes to: the gateway token, the method as receipts describe it, and the saved method's id (null for a one-time card).</summary>
public sealed record ChargeSource(string GatewayToken, string Description, string? PaymentMethodId);
