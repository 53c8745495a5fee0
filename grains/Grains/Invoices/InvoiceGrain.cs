using System.Globalization;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Runtime;

namespace Subscriptions.Grains.Invoices;

/// <summary>The persisted state of an invoice grain.</summary>
public sealed record InvoiceState
{
    /// <summary>The invoice, or null until it is issued.</summary>
    public Invoice? Invoice { get; init; }
}

/// <summary>The invoice grain: holds one issued invoice; payments, due dates and disputes build on it.</summary>
[GrainType(TypeName)]
public sealed class InvoiceGrain : Grain<InvoiceState>, IInvoiceGrain
{
    /// <summary>The grain type name under which invoices are stored and inspected (OPS-1).</summary>
    public const string TypeName = "invoice";

    /// <inheritdoc />
    public Task<Invoice> CreateAsync(CreateInvoice command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var invoice = command.Invoice;
        if (State.Invoice is not null)
        {
            throw new AlreadyExistsException("Invoice", GrainKey);
        }

        if (InvoiceKey.Of(invoice.AccountId, invoice.Number) != GrainKey)
        {
            throw new ArgumentException(
                $"Invoice {invoice.Number} of account \"{invoice.AccountId}\" cannot be stored under key \"{GrainKey}\".", nameof(command));
        }

        if (invoice.Status != InvoiceStatus.Open)
        {
            throw new RuleViolationException("INV-1", $"Invoice {invoice.Number} must be issued open, not {invoice.Status}.");
        }

        if (command.ClockId is { } clockId)
        {
            BindToClock(clockId);
        }

        State = State with { Invoice = invoice };
        RecordHistory("status", null, Wire(invoice.Status), new { invoice.Number, Total = invoice.Total.ToString() });
        Notify("invoice-issued", new InvoiceIssued(
            invoice.AccountId,
            invoice.Number,
            invoice.IssuedAt,
            invoice.DueAt,
            invoice.Total.Amount.ToString(CultureInfo.InvariantCulture),
            invoice.Currency.Code,
            command.Recipients));
        return Task.FromResult(invoice);
    }

    /// <inheritdoc />
    public Task<Invoice> GetAsync() => Task.FromResult(State.Invoice ?? throw new NotFoundException("Invoice", GrainKey));

    private static string Wire(InvoiceStatus status) => status.ToString().ToLowerInvariant();
}
