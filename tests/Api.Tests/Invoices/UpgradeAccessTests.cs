using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>SUB-4: an upgrade is billed at once, and access to the new plan follows the payment of its invoice.</summary>
[Collection(ApiCollection.Name)]
public sealed class UpgradeAccessTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task SUB_4_access_to_an_upgraded_plan_follows_the_payment_of_its_invoice()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        await kit.PayAsync((await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber);
        await kit.AdvanceToAsync(Start.AddDays(10));

        var upgraded = await kit.CallAsync("ChangePlan", Upgrade(kit), kit.Holder);
        var beforePayment = await kit.GetAsync("meeting-1");
        await kit.PayAsync(upgraded.IssuedInvoiceNumber);
        var afterPayment = await kit.GetAsync("meeting-1");

        Assert.Equal(("business", "professional"), (upgraded.Subscription.PlanId, upgraded.Subscription.AccessPlanId));
        Assert.Equal(("business", "professional"), (beforePayment.PlanId, beforePayment.AccessPlanId));
        Assert.Equal(("business", "business"), (afterPayment.PlanId, afterPayment.AccessPlanId));
    }

    [Fact]
    public async Task SUB_4_with_autopay_the_upgrade_is_charged_and_unlocked_at_once_and_an_unpaid_one_never_is()
    {
        var paying = await SubscriptionKit.OpenAsync(server);
        await paying.BuyAsync("meeting-1", "meeting", "professional");
        await paying.CallAsync("ChangePlan", Upgrade(paying), paying.Holder);
        await paying.AdvanceToAsync(Start.AddMinutes(1));

        var unpaid = await SubscriptionKit.OpenAsync(server);
        await unpaid.SetAutopayAsync(false);
        await unpaid.BuyAsync("meeting-1", "meeting", "professional");
        await unpaid.CallAsync("ChangePlan", Upgrade(unpaid), unpaid.Holder);
        await unpaid.AdvanceToAsync(Start.AddDays(16));

        Assert.Equal("business", (await paying.GetAsync("meeting-1")).AccessPlanId);
        var limited = await unpaid.GetAsync("meeting-1");
        Assert.Equal((Proto.SubscriptionStatus.Limited, "business", "professional"), (limited.Status, limited.PlanId, limited.AccessPlanId));
    }

    private static Proto.ChangePlanRequest Upgrade(SubscriptionKit kit) => new()
    {
        RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", PlanId = "business",
    };
}
