using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Auth;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>
/// Every refusal of SUB-4 and SUB-6 answers FAILED_PRECONDITION with its rule id in ErrorInfo.reason, or
/// PERMISSION_DENIED (ACC-2) for a caller who is not the primary holder or billing ops; the subscription is unchanged.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RefusalTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task SUB_4_a_customer_downgrade_is_refused_and_billing_ops_downgrade_with_a_credit_to_the_balance()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "business");
        await kit.AdvanceToAsync(Start.AddDays(15));
        var downgrade = ChangePlan(kit, "professional");

        await RefusedAsync(kit, "meeting-1", Rules.Sub4, () => kit.CallAsync("ChangePlan", downgrade, kit.Holder));
        var byOps = await kit.CallAsync("ChangePlan", ChangePlan(kit, "professional"), kit.Ops);

        Assert.Equal("professional", byOps.Subscription.PlanId);
        Assert.Single(byOps.Credits);
        Assert.NotEmpty(byOps.IssuedInvoiceNumber);
    }

    [Fact]
    public async Task SUB_4_adding_seats_online_to_a_product_not_eligible_for_it_is_refused()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("pro-1", "pro", "personal");

        await RefusedAsync(kit, "pro-1", Rules.Quo4, () => kit.CallAsync("AddSeats", AddSeats(kit, "pro-1", 2), kit.Holder));
    }

    [Fact]
    public async Task SUB_4_changes_to_a_trial_are_refused_until_it_is_bought()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.CallAsync("StartTrial", kit.Trial("central-1", "central", "basic"), kit.Holder);

        await RefusedAsync(kit, "central-1", Rules.Sub1, () => kit.CallAsync("ChangePlan", ChangePlan(kit, "premium", "central-1"), kit.Holder));
    }

    [Fact]
    public async Task SUB_4_changes_to_a_pending_cancellation_are_refused_until_it_is_withdrawn()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);

        await RefusedAsync(kit, "meeting-1", Rules.Sub6, () => kit.CallAsync("AddSeats", AddSeats(kit, "meeting-1", 1), kit.Holder));
        await RefusedAsync(kit, "meeting-1", Rules.Sub6, () => kit.CallAsync("ChangePlan", ChangePlan(kit, "business"), kit.Holder));
    }

    [Fact]
    public async Task SUB_4_removing_seats_below_the_assigned_licences_is_refused()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 3);
        foreach (var user in new[] { "u-1", "u-2" })
        {
            await kit.CallAsync("AssignLicence", new Proto.AssignLicenceRequest
            {
                RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", UserId = user,
            }, kit.Holder);
        }

        await RefusedAsync(kit, "meeting-1", Rules.Sub5, () => kit.CallAsync("RemoveSeats", new Proto.RemoveSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 2,
        }, kit.Holder));
    }

    [Fact]
    public async Task SUB_4_a_billing_viewer_or_a_stranger_cannot_change_a_subscription_but_the_viewer_reads_it()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");

        await DeniedAsync(kit, "meeting-1", () => kit.CallAsync("AddSeats", AddSeats(kit, "meeting-1", 1), kit.Viewer));
        await DeniedAsync(kit, "meeting-1", () => kit.CallAsync("AddSeats", AddSeats(kit, "meeting-1", 1), server.Tokens.Customer("mallory")));
        var read = await server.Client.UnaryAsync<Proto.GetSubscriptionRequest, Proto.Subscription>(
            "/subscriptions.v1.SubscriptionService/GetSubscription", new Proto.GetSubscriptionRequest { AccountId = kit.AccountId, SubscriptionId = "meeting-1" }, kit.Viewer);
        Assert.Equal(1, read.Seats);
    }

    [Fact]
    public async Task ACC_2_a_plan_change_by_a_non_member_is_denied_before_the_plan_is_looked_up()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        var stranger = server.Tokens.As("mallory", $"{RoleClaims.PrimaryHolder}:{kit.AccountId}");

        await DeniedAsync(kit, "meeting-1", () => kit.CallAsync("ChangePlan", ChangePlan(kit, "no-such-plan"), stranger));
        await DeniedAsync(kit, "meeting-1", () => kit.CallAsync("ChangePlan", ChangePlan(kit, "business"), stranger));
        var unknown = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.CallAsync("ChangePlan", ChangePlan(kit, "no-such-plan"), kit.Holder));

        Assert.Equal(["plan_id"], unknown.BadFields());
        Assert.Equal("professional", (await kit.GetAsync("meeting-1")).PlanId);
    }

    [Fact]
    public async Task SUB_6_a_support_only_product_cannot_be_cancelled_by_its_holder()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("pro-1", "pro", "personal");

        await RefusedAsync(kit, "pro-1", Rules.Sub6, () => kit.ActAsync("CancelSubscription", "pro-1", kit.Holder));
    }

    [Fact]
    public async Task SUB_6_cancellation_is_refused_to_everyone_while_the_account_has_an_overdue_balance()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(16));

        await RefusedAsync(kit, "meeting-1", Rules.Sub6, () => kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder));
        await RefusedAsync(kit, "meeting-1", Rules.Sub6, () => kit.ActAsync("CancelSubscription", "meeting-1", kit.Ops));
    }

    [Fact]
    public async Task SUB_6_a_trial_needs_no_cancellation()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.CallAsync("StartTrial", kit.Trial("pro-1", "pro", "personal"), kit.Holder);

        await RefusedAsync(kit, "pro-1", Rules.Sub1, () => kit.ActAsync("CancelSubscription", "pro-1", kit.Ops));
    }

    [Fact]
    public async Task SUB_6_a_second_cancellation_and_a_withdrawal_without_one_are_refused()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.BuyAsync("meeting-2", "meeting", "professional");
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);

        await RefusedAsync(kit, "meeting-1", Rules.Sub6, () => kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder));
        await RefusedAsync(kit, "meeting-2", Rules.Sub6, () => kit.ActAsync("WithdrawCancellation", "meeting-2", kit.Holder));
    }

    [Fact]
    public async Task SUB_6_a_cancellation_cannot_be_withdrawn_once_effective()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(30));

        var error = await RefusedAsync(kit, "meeting-1", Rules.Sub6, () => kit.ActAsync("WithdrawCancellation", "meeting-1", kit.Holder));
        Assert.Contains("cancelled", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SUB_6_a_billing_viewer_or_a_stranger_cannot_cancel()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");

        await DeniedAsync(kit, "meeting-1", () => kit.ActAsync("CancelSubscription", "meeting-1", kit.Viewer));
        await DeniedAsync(kit, "meeting-1", () => kit.ActAsync("CancelSubscription", "meeting-1", server.Tokens.Customer("mallory")));
    }

    private static Proto.ChangePlanRequest ChangePlan(SubscriptionKit kit, string planId, string subscriptionId = "meeting-1") => new()
    {
        RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = subscriptionId, PlanId = planId,
    };

    private static Proto.AddSeatsRequest AddSeats(SubscriptionKit kit, string subscriptionId, int seats) => new()
    {
        RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = subscriptionId, Seats = seats,
    };

    private static async Task<RpcException> RefusedAsync(SubscriptionKit kit, string subscriptionId, string ruleId, Func<Task> call)
    {
        var before = await kit.GetAsync(subscriptionId);
        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition, call);
        Assert.Equal(ruleId, error.RuleId());
        Assert.Equal(before, await kit.GetAsync(subscriptionId));
        return error;
    }

    private static async Task DeniedAsync(SubscriptionKit kit, string subscriptionId, Func<Task> call)
    {
        var before = await kit.GetAsync(subscriptionId);
        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied, call);
        Assert.Equal(Rules.Acc2, error.RuleId());
        Assert.Equal(before, await kit.GetAsync(subscriptionId));
    }
}
