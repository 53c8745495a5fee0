using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Test clocks for sandbox accounts through TestClockService (CLOCK-1).</summary>
[Collection(ApiCollection.Name)]
public sealed class TestClockTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CLOCK_1_a_test_clock_is_created_advanced_and_read_through_the_api()
    {
        var clockId = Requests.NewAccountId("clock");
        var ops = server.Tokens.Ops();

        var created = await CreateClockAsync(clockId);
        var advanced = await server.Client.ClockAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>("AdvanceTestClock",
            new Proto.AdvanceTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = clockId, TargetTime = Timestamp.FromDateTimeOffset(Start.AddDays(45)) }, ops);
        var read = await server.Client.ClockAsync<Proto.GetTestClockRequest, Proto.TestClock>("GetTestClock", new Proto.GetTestClockRequest { ClockId = clockId }, ops);

        Assert.Equal(Start, created.Now.ToDateTimeOffset());
        Assert.Equal((Start, Start.AddDays(45), 0), (advanced.PreviousTime.ToDateTimeOffset(), advanced.Clock.Now.ToDateTimeOffset(), advanced.TicksDelivered));
        Assert.Equal(Start.AddDays(45), read.Now.ToDateTimeOffset());
    }

    [Fact]
    public async Task CLOCK_1_a_sandbox_account_follows_its_test_clock_from_creation()
    {
        var clockId = Requests.NewAccountId("clock");
        await CreateClockAsync(clockId);
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.Sandbox = true;
        request.TestClockId = clockId;

        var account = await server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id));

        Assert.Equal((true, clockId), (account.Sandbox, account.TestClockId));
        Assert.Equal(Start, account.CreatedAt.ToDateTimeOffset());
        Assert.Equal(clockId, (await server.Client.InspectAsync("account", id, server.Tokens.Ops())).ClockId);
    }

    [Fact]
    public async Task CLOCK_1_only_a_sandbox_account_may_name_a_test_clock()
    {
        var clockId = Requests.NewAccountId("clock");
        await CreateClockAsync(clockId);
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.TestClockId = clockId;

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(["test_clock_id"], error.BadFields());
    }

    [Fact]
    public async Task CLOCK_1_a_sandbox_account_naming_an_unknown_clock_is_not_created()
    {
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.Sandbox = true;
        request.TestClockId = Requests.NewAccountId("missing-clock");

        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id)));

        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.GetAccountAsync(id, server.Tokens.Ops()));
    }

    [Fact]
    public async Task CLOCK_1_a_sandbox_account_attaches_a_test_clock_before_its_first_subscription_and_not_after()
    {
        var clockId = Requests.NewAccountId("clock");
        await CreateClockAsync(clockId);
        var fresh = await OpenSandboxAsync();
        var subscribed = await OpenSandboxAsync();
        await server.Client.AccountAsync("AddCard", Requests.AddCard(subscribed, 1), server.Tokens.PrimaryHolder(subscribed));
        await server.Client.UnaryAsync<Proto.CreateSubscriptionRequest, Proto.SubscriptionChange>("/subscriptions.v1.SubscriptionService/CreateSubscription", new Proto.CreateSubscriptionRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = subscribed, SubscriptionId = "meeting-1", ProductId = "meeting", PlanId = "professional", Seats = 1, Frequency = Proto.BillingFrequency.Monthly,
        }, server.Tokens.PrimaryHolder(subscribed));

        var attached = await server.Client.AccountAsync("AttachTestClock", Attach(fresh, clockId), server.Tokens.PrimaryHolder(fresh));
        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition,
            () => server.Client.AccountAsync("AttachTestClock", Attach(subscribed, clockId), server.Tokens.PrimaryHolder(subscribed)));

        Assert.Equal(clockId, attached.TestClockId);
        Assert.Equal(clockId, (await server.Client.InspectAsync("account", fresh, server.Tokens.Ops())).ClockId);
        Assert.Equal(Rules.Clock1, error.RuleId());
        Assert.Equal("", (await server.Client.GetAccountAsync(subscribed, server.Tokens.Ops())).TestClockId);
        Assert.Equal("", (await server.Client.InspectAsync("account", subscribed, server.Tokens.Ops())).ClockId);
    }

    [Fact]
    public async Task CLOCK_1_a_test_clock_does_not_go_back_and_a_retried_advance_answers_the_same()
    {
        var clockId = Requests.NewAccountId("clock");
        var ops = server.Tokens.Ops();
        await CreateClockAsync(clockId);
        var forward = new Proto.AdvanceTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = clockId, TargetTime = Timestamp.FromDateTimeOffset(Start.AddDays(10)) };
        var first = await server.Client.ClockAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>("AdvanceTestClock", forward, ops);

        var retry = await server.Client.ClockAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>("AdvanceTestClock", forward, ops);
        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => server.Client.ClockAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>(
            "AdvanceTestClock",
            new Proto.AdvanceTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = clockId, TargetTime = Timestamp.FromDateTimeOffset(Start) },
            ops));

        Assert.Equal(first, retry);
        Assert.Equal(Rules.Clock1, error.RuleId());
    }

    [Fact]
    public async Task ACC_2_test_clocks_are_for_ops_and_services_only()
    {
        var id = Requests.NewAccountId();

        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => server.Client.ClockAsync<Proto.CreateTestClockRequest, Proto.TestClock>(
            "CreateTestClock",
            new Proto.CreateTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = Requests.NewAccountId("clock"), StartTime = Timestamp.FromDateTimeOffset(Start) },
            server.Tokens.PrimaryHolder(id)));

        Assert.Equal(Rules.Acc2, error.RuleId());
    }

    private static Proto.AttachTestClockRequest Attach(string accountId, string clockId) =>
        new() { RequestId = Requests.NewRequestId(), AccountId = accountId, TestClockId = clockId };

    private async Task<string> OpenSandboxAsync()
    {
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.Sandbox = true;
        await server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id));
        return id;
    }

    private Task<Proto.TestClock> CreateClockAsync(string clockId) =>
        server.Client.ClockAsync<Proto.CreateTestClockRequest, Proto.TestClock>(
            "CreateTestClock",
            new Proto.CreateTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = clockId, StartTime = Timestamp.FromDateTimeOffset(Start) },
            server.Tokens.Ops());
}
