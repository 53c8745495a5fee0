using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>The catalog over gRPC: what a portal needs to offer products, plans and prices without reading catalog.json.</summary>
[Collection(ApiCollection.Name)]
public sealed class CatalogTests(ApiServer server)
{
    [Fact]
    public async Task any_caller_lists_the_products_with_their_plans_seat_prices_eligibility_and_trials_in_the_currency_asked()
    {
        var caller = server.Tokens.As("someone", "user:nowhere-1");

        var usd = await server.Client.Subscriptions.ListProductsAsync(new Proto.ListProductsRequest { Currency = "USD" }, caller);
        var all = await server.Client.Subscriptions.ListProductsAsync(new Proto.ListProductsRequest(), caller);
        var meeting = usd.Products.Single(p => p.ProductId == "meeting");
        var professional = meeting.Plans.Single(p => p.PlanId == "professional");
        var monthly = professional.SeatPrices.Single(p => p.Frequency == Proto.BillingFrequency.Monthly);
        var pro = usd.Products.Single(p => p.ProductId == "pro");

        Assert.NotEmpty(usd.CatalogVersion);
        Assert.Equal((true, "anniversary"), (meeting.AddSeatsEligible, meeting.BillingModel));
        Assert.False(pro.AddSeatsEligible);
        Assert.True(pro.TrialDays > 0);
        Assert.Equal(
            (SubscriptionKit.SeatPrice("meeting", "professional").ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), "USD"),
            (monthly.Price.Amount, monthly.Price.CurrencyCode));
        Assert.All(usd.Products.SelectMany(p => p.Plans).SelectMany(p => p.SeatPrices), p => Assert.Equal("USD", p.Price.CurrencyCode));
        Assert.Contains(all.Products.Single(p => p.ProductId == "meeting").Plans.Single(p => p.PlanId == "professional").SeatPrices, p => p.Price.CurrencyCode == "EUR");
    }

    [Fact]
    public async Task an_unknown_currency_is_invalid_argument_naming_the_field()
    {
        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.Subscriptions.ListProductsAsync(new Proto.ListProductsRequest { Currency = "XXX" }, server.Tokens.Ops()).ResponseAsync);

        Assert.Equal(["currency"], error.BadFields());
    }
}
