using Orleans;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Invoices;

/// <summary>The state of an invoice grain.</summary>
[GenerateSerializer, Alias("subscriptions.InvoiceState")]
public sealed record InvoiceState
{
    /// <summary>The invoice, or null until the grain adopts its account's record of it.</summary>
    [Id(0)]
    public Invoice? Invoice { get; init; }
}

/// <summary>
/// The invoice grain: one invoice its account issued. The account numbers, records and announces the invoice in its own
/// change (INV-1, NOT-1); this grain's first call, whatever it is, adopts that record and, for a sandbox account, the
/// account's test clock (CLOCK-1), and commits them as the grain's first version. Payments, due dates and disputes build
/// on the adopted state. Calls go one way: invoice → account, and the account never calls an invoice.
/// </summary>
[GrainType(TypeName)]
public sealed class InvoiceGrain(
    [PersistentState(InvoiceGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<InvoiceState>> record,
    GrainServices services) : RecordedGrain<InvoiceState>(record, services), IInvoiceGrain
{
    /// <summary>The grain type name under which invoices are stored and inspected (OPS-1).</summary>
    public const string TypeName = "invoice";

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public Task<Invoice> GetAsync(CancellationToken cancellationToken = default) => InvoiceAsync(cancellationToken);

    /// <inheritdoc />
    public override async Task<GrainInspection> InspectAsync(CancellationToken cancellationToken = default)
    {
        // An issued invoice is recorded by its account and becomes a grain of its own on its first call: take that call,
        // so ops see every issued invoice as a grain (NOT_FOUND if its account never issued it).
        await InvoiceAsync(cancellationToken);
        return await base.InspectAsync(cancellationToken);
    }

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

        // Adoption is not the caller's change: it happens once whoever reads first, so it answers no request id.
        return await ChangeAsync("adopt", async () =>
        {
            var issued = await GrainFactory.GetGrain<IAccountLedgerGrain>(accountId).GetIssuedInvoiceAsync(number);
            if (issued.ClockId is { } clockId)
            {
                await BindToClockAsync(clockId, cancellationToken);
            }

            State = State with { Invoice = issued.Invoice };
            RecordHistory("adopted", null, issued.Invoice.Status.ToString().ToLowerInvariant(), new
            {
                issued.Invoice.Number,
                issued.Invoice.IssuedAt,
                Total = issued.Invoice.Total.ToString(),
            });
            return issued.Invoice;
        }, cancellationToken, answersRequestId: false);
    }
}
