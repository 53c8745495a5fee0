using Orleans;
using Subscriptions.Grains.Accounts;

namespace Subscriptions.Grains.Invoices;

/// <summary>
/// How the subscription that asked for an invoice hands it to the invoice's grain: the grain's internal contract,
/// with the grains and not in the contracts the API compiles against, so no client can call it.
/// </summary>
[Alias("subscriptions.invoice-opening")]
public interface IInvoiceOpeningGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes the invoice its account just issued (INV-1) and the account's test clock (CLOCK-1), and arms the invoice's
    /// autopay and due-date wake-ups (INV-5, INV-6); an invoice already taken is left as it is.
    /// </summary>
    Task OpenAsync(IssuedInvoice issued);
}
