using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Quotes;

/// <summary>Calls QuoteService for the quote and order tests, on a <see cref="SubscriptionKit"/>'s sandbox account.</summary>
public static class QuoteKit
{
    /// <summary>A line adding <paramref name="seats"/> seats to subscription <paramref name="subscriptionId"/> of a monthly plan.</summary>
    public static Proto.QuoteLineRequest AddSeats(string subscriptionId, string productId, string planId, int seats) => new()
    {
        Kind = Proto.QuoteLineKind.AddSeats, SubscriptionId = subscriptionId, ProductId = productId, PlanId = planId, Seats = seats, Frequency = Proto.BillingFrequency.Monthly,
    };

    /// <summary>A line for a new monthly subscription.</summary>
    public static Proto.QuoteLineRequest NewSubscription(string productId, string planId, int seats) => new()
    {
        Kind = Proto.QuoteLineKind.NewSubscription, ProductId = productId, PlanId = planId, Seats = seats, Frequency = Proto.BillingFrequency.Monthly,
    };

    /// <summary>Billing ops write a draft of <paramref name="lines"/>.</summary>
    public static Task<Proto.Quote> CreateQuoteAsync(this SubscriptionKit kit, params Proto.QuoteLineRequest[] lines)
    {
        var request = new Proto.CreateQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId };
        request.Lines.AddRange(lines);
        return kit.Client.Quotes.CreateQuoteAsync(request, kit.Ops).ResponseAsync;
    }

    /// <summary>Billing ops write a draft of <paramref name="lines"/> and send it.</summary>
    public static async Task<Proto.Quote> SendQuoteAsync(this SubscriptionKit kit, params Proto.QuoteLineRequest[] lines)
    {
        var draft = await kit.CreateQuoteAsync(lines);
        return await kit.Client.Quotes.SendQuoteAsync(
            new Proto.SendQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, QuoteNumber = draft.Number }, kit.Ops);
    }

    /// <summary>The primary holder orders seats online (QUO-4).</summary>
    public static Task<Proto.Quote> OrderSeatsAsync(this SubscriptionKit kit, string subscriptionId, int seats) =>
        kit.Client.Quotes.OrderSeatsAsync(
            new Proto.OrderSeatsRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = subscriptionId, Seats = seats }, kit.Holder).ResponseAsync;

    /// <summary>The checkout details: administrator "admin-&lt;account&gt;" and the kit's card.</summary>
    public static Proto.Checkout Checkout(this SubscriptionKit kit, string paymentMethodId = "card-1") => new()
    {
        Administrator = new Proto.AdministratorContact { SubjectId = AdministratorOf(kit), Email = "admin@acme.example" },
        PaymentMethodId = paymentMethodId,
    };

    /// <summary>The administrator contact the kit's checkout names.</summary>
    public static string AdministratorOf(SubscriptionKit kit) => $"admin-{kit.AccountId}";

    /// <summary>The request that accepts <paramref name="quoteNumbers"/> as a cart with the kit's checkout.</summary>
    public static Proto.AcceptQuotesRequest Accept(this SubscriptionKit kit, params string[] quoteNumbers)
    {
        var request = new Proto.AcceptQuotesRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, Checkout = kit.Checkout() };
        request.QuoteNumbers.AddRange(quoteNumbers);
        return request;
    }

    /// <summary>The primary holder accepts the cart.</summary>
    public static Task<Proto.ServiceOrder> AcceptAsync(this SubscriptionKit kit, Proto.AcceptQuotesRequest request) =>
        kit.Client.Quotes.AcceptQuotesAsync(request, kit.Holder).ResponseAsync;

    /// <summary>One quote as the primary holder reads it.</summary>
    public static Task<Proto.Quote> QuoteAsync(this SubscriptionKit kit, string number) =>
        kit.Client.Quotes.GetQuoteAsync(new Proto.GetQuoteRequest { AccountId = kit.AccountId, QuoteNumber = number }, kit.Holder).ResponseAsync;

    /// <summary>Every quote of the account, newest first.</summary>
    public static async Task<IReadOnlyList<Proto.Quote>> QuotesAsync(this SubscriptionKit kit) =>
        (await kit.Client.Quotes.ListQuotesAsync(new Proto.ListQuotesRequest { AccountId = kit.AccountId, PageSize = 100 }, kit.Holder)).Quotes;

    /// <summary>Every service order of the account, newest first.</summary>
    public static async Task<IReadOnlyList<Proto.ServiceOrder>> OrdersAsync(this SubscriptionKit kit) =>
        (await kit.Client.Quotes.ListOrdersAsync(new Proto.ListOrdersRequest { AccountId = kit.AccountId, PageSize = 100 }, kit.Holder)).Orders;
}
