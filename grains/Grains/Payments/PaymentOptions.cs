using Subscriptions.Domain.Invoices;

namespace Subscriptions.Grains.Payments;

/// <summary>Payment settings (configuration section "Payments"): the attempt limits of INV-4.</summary>
public sealed class PaymentOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Payments";

    /// <summary>How long after a decline a payment may be retried (INV-4; 1 hour).</summary>
    public TimeSpan RetryAfterDecline { get; set; } = PaymentPolicy.Default.RetryAfterDecline;

    /// <summary>At most this many attempts per invoice in any <see cref="AttemptWindow"/> (INV-4; 3).</summary>
    public int MaxAttempts { get; set; } = PaymentPolicy.Default.MaxAttempts;

    /// <summary>The window the attempts are counted in (INV-4; 24 hours).</summary>
    public TimeSpan AttemptWindow { get; set; } = PaymentPolicy.Default.Window;

    /// <summary>The domain's policy from these settings.</summary>
    public PaymentPolicy Policy => new(RetryAfterDecline, MaxAttempts, AttemptWindow);
}
