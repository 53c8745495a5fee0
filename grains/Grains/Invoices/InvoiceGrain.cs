using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;
using Subscriptions.Runtime;

namespace Subscriptions.Grains.Invoices;

/// <summary>The persisted state of an invoice grain.</summary>
public sealed record InvoiceState
{
    /// <summary>The invoice, or null until the grain adopts its account's record of it.</summary>
    public Invoice? Invoice { get; init; }
}

/// <summary>
/// The invoice grain: one invoice its account issued. The account numbers, records and announces the invoice in its own
/// turn (INV-1, NOT-1); this grain's first turn, whatever it is, adopts that record and, for a sandbox account, the
/// account's test clock (CLOCK-1), and commits them as the grain's first version. Payments, due dates and disputes build
/// on the adopted state. Calls go one way: invoice → account, and the account never calls an invoice.
/// </summary>
[GrainType(TypeName)]
public sealed class InvoiceGrain : Grain<InvoiceState>, IInvoiceGrain
{
    /// <summary>The grain type name under which invoices are stored and inspected (OPS-1).</summary>
    public const string TypeName = "invoice";

    /// <inheritdoc />
    public Task<Invoice> GetAsync(CancellationToken cancellationToken = default) => InvoiceAsync(cancellationToken);

    /// <summary>The invoice, adopted from the account's record first if this grain has none yet.</summary>
    private async Task<Invoice> InvoiceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (State.Invoice is { } invoice)
        {
            return invoice;
        }

        if (!InvoiceKey.TryParse(GrainKey, out var accountId, out var number))
        {
            throw new NotFoundException("Invoice", GrainKey);
        }

        var issued = await GrainFactory.GetGrain<IAccountGrain>(accountId).GetIssuedInvoiceAsync(number);
        if (issued.ClockId is { } clockId)
        {
            BindToClock(clockId);
        }

        State = State with { Invoice = issued.Invoice };
        RecordHistory("adopted", null, issued.Invoice.Status.ToString().ToLowerInvariant(), new
        {
            issued.Invoice.Number,
            issued.Invoice.IssuedAt,
            Total = issued.Invoice.Total.ToString(),
        });
        return issued.Invoice;
    }
}
