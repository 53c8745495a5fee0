using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Invoices;


/// <summary>Where a payment attempt stands (INV-3, INV-4).</summary>
public enum PaymentAttemptStatus
{
    /// <summary>The gateway took the money; the amount is applied to the invoice.</summary>
    Succeeded,

    /// <summary>The gateway declined; a retry is allowed an hour later (INV-4).</summary>
    Declined,

    /// <summary>The card's bank asks for strong customer authentication (SCA/PSD2); waiting to be confirmed or abandoned.</summary>
    RequiresAction,

    /// <summary>An authentication the customer gave up; nothing was taken.</summary>
    Abandoned,
}

/// <summary>
/// One payment attempt on an invoice, recorded whatever its outcome (INV-3, INV-4). A saved method is named by its id and
/// description; a one-time card is described only, its token is used for this attempt and kept nowhere.
/// </summary>
public sealed record PaymentAttempt
{
    /// <summary>1, 2, 3… in the invoice.</summary>
    public required int Number { get; init; }

    /// <summary>When the attempt was made.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The amount asked for.</summary>
    public required Money Amount { get; init; }

    /// <summary>What was charged, e.g. "Visa ending 4242 (expires 03/2027)" or "one-time card".</summary>
    public required string Method { get; init; }

    /// <summary>The saved payment method charged; null for a one-time card.</summary>
    public string? PaymentMethodId { get; init; }

    /// <summary>The outcome so far.</summary>
    public required PaymentAttemptStatus Status { get; init; }

    /// <summary>The gateway's reference for the charge.</summary>
    public string? GatewayReference { get; init; }

    /// <summary>The idempotency key the charge was made under (the request that made it, or the autopay instant).</summary>
    public string? GatewayKey { get; init; }

    /// <summary>The gateway's reason for a decline.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Who paid: the caller's subject, or "autopay" (INV-6).</summary>
    public required string By { get; init; }

    /// <summary>When an authentication was confirmed or abandoned.</summary>
    public DateTimeOffset? SettledAt { get; init; }
}

/// <summary>A dispute of an invoice (INV-7): who opened it and why, and how billing ops resolved it.</summary>
public sealed record InvoiceDispute
{
    /// <summary>When the dispute was opened.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>Who opened it.</summary>
    public required string OpenedBy { get; init; }

    /// <summary>The customer's reason.</summary>
    public required string Reason { get; init; }

    /// <summary>When billing ops resolved it; null while open.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Who resolved it.</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>The credit granted (null when rejected or still open).</summary>
    public Money? Credit { get; init; }

    /// <summary>Billing ops' comment on the resolution.</summary>
    public string? ResolutionComment { get; init; }

    /// <summary>True while billing ops have not resolved it.</summary>
    public bool IsOpen => ResolvedAt is null;
}

/// <summary>
/// Limits on payment attempts (INV-4): a declined payment may be retried after <see cref="RetryAfterDecline"/>, and at
/// most <see cref="MaxAttempts"/> attempts are made on one invoice in any <see cref="Window"/>. Configurable.
/// </summary>
public sealed record PaymentPolicy(TimeSpan RetryAfterDecline, int MaxAttempts, TimeSpan Window)
{
    /// <summary>The seeds' rules with our number: 1 hour, 3 attempts, 24 hours.</summary>
    public static PaymentPolicy Default { get; } = new(TimeSpan.FromHours(1), 3, TimeSpan.FromHours(24));
}
