using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;

namespace Subscriptions.Grains.Quotes;

/// <summary>
/// One quote (SPEC §3), keyed by <see cref="QuoteKey.Of"/>. Billing ops draft, edit and send it; the primary holder
/// orders seats online (a quote sent at once, QUO-4), or rejects one with a comment (QUO-6); a sent quote expires 7 days
/// later by its own wake-up (QUO-2); a new order supersedes the pending ones (QUO-3); a service order accepts it (QUO-5).
/// </summary>
[Alias("subscriptions.quote")]
public interface IQuoteGrain : IGrainWithStringKey
{
    /// <summary>Billing ops write a draft of <paramref name="lines"/> priced from the catalog in the account's currency (QUO-1).</summary>
    Task<Quote> DraftAsync(Actor actor, IReadOnlyList<QuoteLine> lines, CancellationToken cancellationToken = default);

    /// <summary>Billing ops replace a draft's lines (QUO-1).</summary>
    Task<Quote> EditAsync(Actor actor, IReadOnlyList<QuoteLine> lines, CancellationToken cancellationToken = default);

    /// <summary>Billing ops send the draft to the billing contact (NOT-1); it expires 7 days later (QUO-2).</summary>
    Task<Quote> SendAsync(Actor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// The primary holder orders <paramref name="seats"/> more seats on subscription <paramref name="subscriptionId"/>
    /// (QUO-4): this quote is sent at once, and every other pending quote of the account is superseded by it (QUO-3).
    /// </summary>
    Task<Quote> OrderSeatsAsync(Actor actor, string subscriptionId, int seats, CancellationToken cancellationToken = default);

    /// <summary>The primary holder rejects the sent quote with a comment, which is kept (QUO-6).</summary>
    Task<Quote> RejectAsync(Actor actor, string? comment, CancellationToken cancellationToken = default);

    /// <summary>Reads the quote; the primary holder, billing viewers and billing ops (ACC-2).</summary>
    Task<Quote> GetAsync(Actor actor, CancellationToken cancellationToken = default);
}

/// <summary>
/// One service order (QUO-5), keyed by <see cref="QuoteKey.Of"/> with the order number: the quotes accepted together
/// and the checkout details, applied all or nothing, invoiced once and charged once.
/// </summary>
[Alias("subscriptions.service-order")]
public interface IServiceOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts <paramref name="quoteNumbers"/> with <paramref name="checkout"/> (QUO-5): refused with nothing applied when
    /// any quote or line cannot be applied; otherwise every change is applied once, one invoice is issued and charged,
    /// and the confirmation with its receipt goes to the billing contact. A retry with the same request id answers the
    /// same order and applies nothing more.
    /// </summary>
    Task<ServiceOrder> PlaceAsync(Actor actor, IReadOnlyList<string> quoteNumbers, Checkout checkout, CancellationToken cancellationToken = default);

    /// <summary>Reads the order; the primary holder, billing viewers and billing ops (ACC-2).</summary>
    Task<ServiceOrder> GetAsync(Actor actor, CancellationToken cancellationToken = default);
}

/// <summary>Quote and service order grain keys: the account id and the number, so numbers only need to be unique per account.</summary>
public static class QuoteKey
{
    /// <summary>The key of quote or order <paramref name="number"/> of account <paramref name="accountId"/>, "acc-1/ACC-1-Q000001".</summary>
    public static string Of(string accountId, string number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        return $"{accountId}/{number}";
    }
}
