using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Invoices;

/// <summary>A change to an issued invoice (INV-3 to INV-7), decided by <see cref="Invoice.Decide"/>.</summary>
public abstract record InvoiceCommand;

/// <summary>Record an attempt the gateway answered (INV-3, INV-4): a success applies its amount.</summary>
public sealed record RecordPaymentAttempt(PaymentAttempt Attempt) : InvoiceCommand;

/// <summary>
/// Record a charge the gateway made that the invoice never recorded (a crash between the gateway's answer and the
/// write); what the invoice cannot take is the outcome's <see cref="InvoiceOutcome.AccountCredit"/>.
/// </summary>
public sealed record RecordFoundPayment(PaymentAttempt Attempt) : InvoiceCommand;

/// <summary>An authentication the customer completed (INV-4): the waiting attempt succeeded or was declined.</summary>
public sealed record SettleAuthentication(int AttemptNumber, bool Succeeded, string? FailureReason) : InvoiceCommand;

/// <summary>The customer gave up the authentication of a waiting attempt (INV-4): nothing was taken.</summary>
public sealed record AbandonAuthentication(int AttemptNumber) : InvoiceCommand;

/// <summary>The due date passed (INV-5): an open invoice with a balance becomes overdue; otherwise nothing happens.</summary>
public sealed record FallOverdue : InvoiceCommand;

/// <summary>The customer disputes the invoice (INV-7), within the dispute window.</summary>
public sealed record OpenDispute(string By, string? Reason) : InvoiceCommand;

/// <summary>Billing ops resolve a dispute (INV-7): a credit (in full or in part), or a rejection with a comment.</summary>
public sealed record ResolveDispute(string By, decimal? Credit, string? Comment) : InvoiceCommand;

/// <summary>Billing ops void an invoice nobody paid (INV-1).</summary>
public sealed record VoidInvoice(string By, string? Reason) : InvoiceCommand;

/// <summary>The invoice's time (its account's test clock's for a sandbox account) and its account's time zone.</summary>
public sealed record InvoiceContext(DateTimeOffset Now, TimeZoneInfo Zone);

public sealed partial record Invoice
{
    /// <summary>
    /// Decides <paramref name="command"/> on <paramref name="invoice"/>: the one entry for every invoice change, the same
    /// shape as <c>Subscription.Decide</c> and <c>Account.Decide</c>. Each consults <see cref="InvoiceTransitions"/>
    /// before it changes anything; a refusal throws, a decision returns the new invoice and its steps (none when nothing
    /// changed, such as a due date that finds the invoice paid).
    /// </summary>
    public static InvoiceOutcome Decide(Invoice invoice, InvoiceCommand command, InvoiceContext context)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(context);
        return command switch
        {
            RecordPaymentAttempt c => InvoiceLifecycle.RecordAttempt(invoice, c.Attempt),
            RecordFoundPayment c => InvoiceLifecycle.RecordFound(invoice, c.Attempt),
            SettleAuthentication c => InvoiceLifecycle.SettleAuthentication(invoice, c.AttemptNumber, c.Succeeded, c.FailureReason, context.Now),
            AbandonAuthentication c => InvoiceLifecycle.AbandonAuthentication(invoice, c.AttemptNumber, context.Now),
            FallOverdue => InvoiceLifecycle.FallOverdue(invoice, context.Now) ?? new InvoiceOutcome(invoice, []),
            OpenDispute c => InvoiceLifecycle.OpenDispute(invoice, c.By, c.Reason, context.Now, context.Zone),
            ResolveDispute c => InvoiceLifecycle.ResolveDispute(invoice, c.By, c.Credit, c.Comment, context.Now),
            VoidInvoice c => InvoiceLifecycle.Void(invoice, c.By, c.Reason),
            null => throw new ArgumentNullException(nameof(command)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown invoice command."),
        };
    }
}
