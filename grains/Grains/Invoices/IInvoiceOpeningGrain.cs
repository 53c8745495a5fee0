using Orleans;
using Subscriptions.Grains.Accounts;

namespace Subscriptions.Grains.Invoices;

/// <summary>
/// How the subscription (or order) that asked for an invoice has the invoice's grain arm its wake-ups: the grain's
/// internal contract, with the grains and not in the contracts the API compiles against, so no client can call it.
/// </summary>
[Alias("subscriptions.invoice-opening")]
public interface IInvoiceOpeningGrain : IGrainWithStringKey
{
    /// <summary>
    /// Arms the autopay and due-date wake-ups (INV-5, INV-6) of the invoice its account just issued (INV-1), whose record
    /// the account's change created with the account's test clock (CLOCK-1): an autopay due at issue runs at once. An
    /// invoice issued by a release that did not create the record is taken from <paramref name="issued"/>; calling again
    /// changes nothing.
    /// </summary>
    Task OpenAsync(IssuedInvoice issued);
}
