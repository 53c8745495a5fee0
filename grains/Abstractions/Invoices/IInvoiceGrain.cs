using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Grains.Invoices;

/// <summary>
/// One issued invoice (SPEC §4), keyed by <see cref="InvoiceKey.Of"/>. Its account numbers and records it; the grain
/// adopts that record on its first turn (or when its due-date wake-up comes) and holds the invoice's own lifecycle from
/// then on: payments (INV-3, INV-4), falling overdue (INV-5) and disputes (INV-7).
/// </summary>
[Alias("subscriptions.invoice")]
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>Reads the invoice; NOT_FOUND when its account never issued it.</summary>
    Task<Invoice> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Pays the invoice in full or in part (INV-3) with the default method, another saved method or a one-time card,
    /// within the attempt limits (INV-4). The primary holder, billing viewers and billing ops may pay (ACC-2).
    /// </summary>
    Task<PaymentResult> PayAsync(Actor actor, PayInvoice command, CancellationToken cancellationToken = default);

    /// <summary>Completes payment attempt <paramref name="attempt"/> once the customer authenticated (INV-4, SCA).</summary>
    Task<PaymentResult> ConfirmPaymentAsync(Actor actor, int attempt, CancellationToken cancellationToken = default);

    /// <summary>Gives up payment attempt <paramref name="attempt"/> waiting for authentication; nothing is taken (INV-4).</summary>
    Task<PaymentResult> AbandonPaymentAsync(Actor actor, int attempt, CancellationToken cancellationToken = default);

    /// <summary>Disputes the invoice within 15 days of its issue date (INV-7); the primary holder or billing ops.</summary>
    Task<Invoice> OpenDisputeAsync(Actor actor, string reason, CancellationToken cancellationToken = default);

    /// <summary>Billing ops void the invoice, nothing having been paid on it; nothing is due on it any more.</summary>
    Task<Invoice> VoidAsync(Actor actor, string reason, CancellationToken cancellationToken = default);

    /// <summary>Billing ops resolve the dispute with a credit (<paramref name="credit"/>) or reject it (null) (INV-7).</summary>
    Task<Invoice> ResolveDisputeAsync(Actor actor, decimal? credit, string comment, CancellationToken cancellationToken = default);
}

/// <summary>
/// A payment: with the saved method <see cref="PaymentMethodId"/>, or the one-time card token
/// <see cref="OneTimeCardToken"/> (used for this payment only and not saved), or the default method when neither is
/// given; <see cref="Amount"/> in the invoice currency, the whole balance when null.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PayInvoice")]
public sealed record PayInvoice([property: Id(0)] string? PaymentMethodId, [property: Id(1)] string? OneTimeCardToken, [property: Id(2)] decimal? Amount);

/// <summary>The invoice after a payment step and the attempt it concerns.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PaymentResult")]
public sealed record PaymentResult([property: Id(0)] Invoice Invoice, [property: Id(1)] PaymentAttempt Attempt);
