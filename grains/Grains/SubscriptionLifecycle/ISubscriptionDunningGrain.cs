using Orleans;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// What invoices do with a subscription (SUB-8, SUB-9), on the service's authority: the subscription grain's internal
/// contract, out of the API's reach. Both calls do nothing when the subscription's state has no such transition (a
/// cancelled subscription is not limited; an active one is not restored).
/// </summary>
[Alias("subscriptions.subscription-dunning")]
public interface ISubscriptionDunningGrain : IGrainWithStringKey
{
    /// <summary>Invoice <paramref name="invoiceNumber"/>, which charges this subscription, fell overdue: the subscription becomes limited (SUB-8).</summary>
    Task InvoiceOverdueAsync(string invoiceNumber);

    /// <summary>The account's overdue balance reached 0.00: a limited or suspended subscription returns to active, with no new invoice (SUB-9).</summary>
    Task OverdueSettledAsync();
}
