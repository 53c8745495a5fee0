using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>
/// Numbers and times past their limits are refused at the edge with INVALID_ARGUMENT naming the field, never wrapped,
/// stored or answered INTERNAL; a body that is not protobuf is INVALID_ARGUMENT too (docs/api.md, "Limits").
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LimitTests(ApiServer server)
{
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1 << 30)]
    [InlineData(Limits.MaxSeats + 1)]
    public async Task AddSeats_near_int_max_is_refused_and_changes_nothing(int seats)
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 3);
        var before = (Subscription: await kit.GetAsync("meeting-1"), Invoices: await kit.InvoicesAsync(), Account: await kit.Client.GetAccountAsync(kit.AccountId, kit.Ops));

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.CallAsync("AddSeats", new Proto.AddSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = seats,
        }, kit.Holder));

        Assert.Equal(["seats"], error.BadFields());
        Assert.Contains($"must be 0 to {Limits.MaxSeats}", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before.Subscription, await kit.GetAsync("meeting-1"));
        Assert.Equal(before.Invoices, await kit.InvoicesAsync());
        Assert.Equal(before.Account.Balance, (await kit.Client.GetAccountAsync(kit.AccountId, kit.Ops)).Balance);
    }

    [Fact]
    public async Task SUB_4_seats_that_would_sum_past_the_maximum_are_refused_by_the_domain_and_change_nothing()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 3);
        var before = await kit.GetAsync("meeting-1");

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.CallAsync("AddSeats", new Proto.AddSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = Limits.MaxSeats,
        }, kit.Holder));

        Assert.Equal(["seats"], error.BadFields());
        Assert.Contains($"at most {Limits.MaxSeats - 3} more", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await kit.GetAsync("meeting-1"));
    }

    [Fact]
    public async Task SUB_3_CreateSubscription_with_int_max_seats_is_refused()
    {
        var kit = await SubscriptionKit.OpenAsync(server);

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.BuyAsync("meeting-1", "meeting", "professional", seats: int.MaxValue));

        Assert.Equal(["seats"], error.BadFields());
        Assert.Empty(await kit.ListAsync());
    }

    public static TheoryData<string, long, int> BadTimes => new()
    {
        { "nanos below 0", 1_800_000_000, -1 },
        { "nanos of a whole second", 1_800_000_000, 1_000_000_000 },
        { "before year 1", -62_135_596_801, 0 },
        { "after year 9999", 253_402_300_800, 0 },
        { "the last nanosecond of 9999", 253_402_300_799, 999_999_999 },
        { "before 2000", 946_684_799, 0 },
        { "2200 or later", 7_258_118_400, 0 },
    };

    [Theory]
    [MemberData(nameof(BadTimes))]
    public async Task every_timestamp_outside_the_accepted_range_is_INVALID_ARGUMENT_naming_the_field(string what, long seconds, int nanos)
    {
        var time = new Timestamp { Seconds = seconds, Nanos = nanos };
        var kit = await SubscriptionKit.OpenAsync(server);
        var calls = new (string Field, Func<Task> Call)[]
        {
            ("start_time", () => server.Client.ClockAsync<Proto.CreateTestClockRequest, Proto.TestClock>(
                "CreateTestClock", new Proto.CreateTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = Requests.NewAccountId("clock"), StartTime = time }, kit.Ops)),
            ("target_time", () => server.Client.ClockAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>(
                "AdvanceTestClock", new Proto.AdvanceTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = kit.ClockId, TargetTime = time }, kit.Ops)),
            ("due_from", () => server.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
                "ListInvoices", new Proto.ListInvoicesRequest { AccountId = kit.AccountId, DueFrom = time }, kit.Holder)),
            ("due_before", () => server.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
                "ListInvoices", new Proto.ListInvoicesRequest { AccountId = kit.AccountId, DueBefore = time }, kit.Holder)),
            ("billing_start", () => kit.CallAsync("CreateSubscription", With(kit.Purchase("meeting-1", "meeting", "professional"), r => r.BillingStart = time), kit.Ops)),
        };

        foreach (var (field, call) in calls)
        {
            var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, call);
            Assert.True(error.BadFields().SequenceEqual([field]), $"{what}: {field} got {string.Join(",", error.BadFields())}");
            Assert.True(Encoding.UTF8.GetByteCount(error.Status.Detail) < 400, $"{what}: {error.Status.Detail}");
        }

        Assert.Empty(await kit.ListAsync());
    }

    [Fact]
    public async Task INV_3_an_amount_above_the_largest_amount_is_INVALID_ARGUMENT_naming_the_field()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var number = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.InvoiceAsync<Proto.PayInvoiceRequest, Proto.PaymentResult>(
            "PayInvoice", new Proto.PayInvoiceRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, InvoiceNumber = number, Amount = "1000000000000.01" }, kit.Holder));

        Assert.Equal(["amount"], error.BadFields());
        Assert.Equal(number, Assert.Single(await kit.InvoicesAsync()).Number);
        Assert.Equal(0, (await kit.InvoicesAsync())[0].PaymentAttemptCount);
    }

    [Fact]
    public async Task an_enum_value_the_proto_does_not_define_is_INVALID_ARGUMENT_naming_the_field()
    {
        var kit = await SubscriptionKit.OpenAsync(server);

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.CallAsync(
            "CreateSubscription", With(kit.Purchase("meeting-1", "meeting", "professional"), r => r.Frequency = (Proto.BillingFrequency)77), kit.Holder));

        Assert.Equal(["frequency"], error.BadFields());
        Assert.Contains("77 is not a value of BillingFrequency", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_body_that_is_not_protobuf_is_INVALID_ARGUMENT_naming_the_message_type_and_changes_nothing()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "subscriptions.v1.SubscriptionService", "AddSeats", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var invoker = server.Client.Channel.CreateCallInvoker();

        foreach (var body in new byte[][] { [0xff, 0xff, 0xff], [0x0a, 0x7f, 0x41], [0x12, 0x05, 0x41], [0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01] })
        {
            var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, async () => await invoker.AsyncUnaryCall(method, null, kit.Holder, body));
            Assert.Equal("request body is not a valid subscriptions.v1.AddSeatsRequest protobuf message; nothing was read or applied", error.Status.Detail);
        }

        Assert.Empty(await kit.ListAsync());
    }

    private static TRequest With<TRequest>(TRequest request, Action<TRequest> change)
    {
        change(request);
        return request;
    }
}
