using Orleans;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// What a service order does with a subscription, without a caller check (QUO-5): the subscription grain's internal
/// contract. The order holds each subscription it adds seats to, then applies the seats, or releases the hold when the
/// cart is refused; it creates the subscriptions its quotes start. The charges come back to the order, which bills
/// every line on one invoice.
/// </summary>
[Alias("subscriptions.subscription-order")]
public interface ISubscriptionOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Holds the subscription for order <paramref name="orderNumber"/> once <paramref name="seats"/> more seats can be
    /// added now (status, seat limit); refused under the rule that forbids it, or QUO-5 when another order holds it.
    /// </summary>
    Task<SubscriptionState> HoldForOrderAsync(string orderNumber, int seats, string productId, string planId);

    /// <summary>
    /// Holds the id of a subscription order <paramref name="orderNumber"/> will start, once <paramref name="command"/>
    /// could start it now; refused under QUO-5 when the id is taken or another order holds it, or under the rule that
    /// forbids the purchase. A customer cannot start a subscription under a held id.
    /// </summary>
    Task<bool> HoldNewForOrderAsync(string orderNumber, CreatePaid command);

    /// <summary>
    /// What adding <paramref name="seats"/> seats would bill if an order applied them now (SUB-4), for a quote to be
    /// priced as its order bills: the charges the order's invoice would carry, or, for a calendar-model subscription,
    /// those its next monthly invoice would (SUB-12). Null when the seats cannot be added now (an order would be
    /// refused) or there is no such subscription. Changes nothing.
    /// </summary>
    Task<IReadOnlyList<ChargeLine>?> PriceSeatsAsync(int seats);

    /// <summary>Releases the hold of the refused order <paramref name="orderNumber"/>; false when it held nothing.</summary>
    Task<bool> ReleaseFromOrderAsync(string orderNumber);

    /// <summary>
    /// Adds the held seats with proration (SUB-4) and releases the hold; the charges are the order's to bill. With
    /// <paramref name="licenceFor"/>, that user is given a licence in the same change (SUB-5), unless they hold one.
    /// </summary>
    Task<OrderLineBilled> ApplyOrderSeatsAsync(string orderNumber, string? licenceFor);

    /// <summary>
    /// Starts a paid subscription for order <paramref name="orderNumber"/> (SUB-3, SUB-12), with a licence for
    /// <paramref name="licenceFor"/> when given; its first charges are the order's to bill. The order retries it under
    /// the same request id until it is answered, so it stores no intent of its own.
    /// </summary>
    Task<OrderLineBilled> CreateForOrderAsync(string orderNumber, CreatePaid command, string? licenceFor);
}

/// <summary>A subscription after an order's change, and the charges the order bills for it.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.OrderLineBilled")]
public sealed record OrderLineBilled([property: Id(0)] SubscriptionState Subscription, [property: Id(1)] IReadOnlyList<ChargeLine> Charges);
