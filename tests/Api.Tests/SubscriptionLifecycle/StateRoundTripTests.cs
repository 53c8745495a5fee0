using System.Globalization;
using System.Text.Json;
using Subscriptions.Domain;
using Subscriptions.Domain.Billing;
using Subscriptions.Grains.SubscriptionLifecycle;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>The stored subscription state reads back intact (as an activation loads it), and its deferred charges reach the next invoice.</summary>
[Collection(ApiCollection.Name)]
public sealed class StateRoundTripTests(ApiServer server)
{
    [Fact]
    public async Task SUB_12_a_deferred_calendar_credit_is_stored_intact_and_appears_prorated_on_the_next_invoice()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("connect-1", "connect", "phone-system", seats: 3);
        await kit.AdvanceToAsync(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var removed = await kit.CallAsync("RemoveSeats", new Proto.RemoveSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "connect-1", Seats = 1,
        }, kit.Holder);

        var stored = JsonSerializer.Deserialize<SubscriptionGrainState>((await kit.InspectAsync("connect-1")).StateJson, DomainJson.Options)!;
        var subscription = stored.Subscription!;
        Assert.Empty(removed.Credits);
        Assert.Equal(2, subscription.Seats);
        Assert.Equal(removed.Subscription.InvoiceNumbers, stored.InvoiceNumbers);
        Assert.Equal(removed.Subscription.CurrentPeriodEnd.ToDateTimeOffset(), subscription.CurrentPeriod!.End);
        Assert.Equal(new ProrationFactor(21, 31), Assert.Single(subscription.DeferredCharges).Proration);
        var json = JsonSerializer.Serialize(stored, DomainJson.Options);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<SubscriptionGrainState>(json, DomainJson.Options), DomainJson.Options));

        await kit.AdvanceToAsync(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));

        var april = (await kit.InvoicesAsync())[^1];
        var credit = Assert.Single(april.Lines, l => l.Kind == Proto.InvoiceLineKind.ProrationCredit);
        var expected = -Math.Round(SubscriptionKit.SeatPrice("connect", "phone-system") * 21 / 31, 2, MidpointRounding.AwayFromZero);
        Assert.Equal(expected, decimal.Parse(credit.Amount.Amount, CultureInfo.InvariantCulture));
        Assert.Equal("2", Assert.Single(april.Lines, l => l.Kind == Proto.InvoiceLineKind.SubscriptionCharge).Quantity);
    }
}
