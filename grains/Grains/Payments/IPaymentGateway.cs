using Subscriptions.Grains;

namespace Subscriptions.Grains.Payments;

/// <summary>
/// The payment gateway the invoices charge (INV-3, INV-4, INV-6). Every call carries an idempotency key derived from
/// the request that caused it: the same key always gets the first answer and moves money at most once, so a crash
/// between the gateway's answer and the service's commit never charges twice.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>
    /// Charges <paramref name="charge"/>: succeeded, declined, or waiting for strong customer authentication. Throws
    /// <see cref="PaymentGatewayUnavailableException"/> when the outcome is unknown; retry with the same key.
    /// </summary>
    Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken);

    /// <summary>Completes a charge that waited for authentication, once the customer authenticated: succeeded or declined.</summary>
    Task<GatewayResult> ConfirmAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Cancels a charge that waited for authentication; nothing is taken.</summary>
    Task<GatewayResult> CancelAsync(string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Every charge made for invoice <paramref name="invoiceKey"/> (the charge's metadata), oldest first, with its
    /// outcome now: how an invoice finds a charge whose answer it never recorded (a crash between the gateway's answer
    /// and the invoice's write) before it charges again. A charge that failed before deciding is not listed.
    /// </summary>
    Task<IReadOnlyList<GatewayChargeRecord>> ListChargesAsync(string invoiceKey, CancellationToken cancellationToken);
}

/// <summary>
/// A charge: its idempotency key, the invoice it pays (metadata the gateway keeps with it), the payment method's gateway
/// token, the amount (exact, in minor units) and a description.
/// </summary>
public sealed record GatewayCharge(string IdempotencyKey, string InvoiceKey, string Token, decimal Amount, string Currency, string Description);

/// <summary>A charge as the gateway lists it: its key, its outcome now, what was charged to which token, and when.</summary>
public sealed record GatewayChargeRecord(string IdempotencyKey, GatewayResult Result, string Token, decimal Amount, string Currency, DateTimeOffset CreatedAt);

/// <summary>What the gateway answered.</summary>
public enum GatewayOutcome
{
    /// <summary>The money was taken.</summary>
    Succeeded,

    /// <summary>The payment was refused (insufficient funds, card declined…).</summary>
    Declined,

    /// <summary>The customer's bank asks for authentication (SCA/PSD2) before the money is taken.</summary>
    RequiresAction,

    /// <summary>A charge waiting for authentication was cancelled.</summary>
    Cancelled,
}

/// <summary>The gateway's answer: outcome, its reference for the charge, and the reason of a decline.</summary>
public sealed record GatewayResult(GatewayOutcome Outcome, string Reference, string? DeclineReason = null);
