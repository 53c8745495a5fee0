using Grpc.Core;
using Orleans;
using Subscriptions.Grains.TestClocks;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>subscriptions.v1.TestClockService: creates, advances and reads test clocks through their grains (CLOCK-1).</summary>
public sealed class TestClockService(IGrainFactory grains) : Proto.TestClockService.TestClockServiceBase
{
    /// <summary>Creates a test clock at its start time.</summary>
    [OpsOnly]
    public override async Task<Proto.TestClock> CreateTestClock(Proto.CreateTestClockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("clock_id", request.ClockId).Present("start_time", request.StartTime).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        return ToProto(await Clock(request.ClockId).CreateAsync(request.StartTime.ToDateTimeOffset(), context.CancellationToken));
    }

    /// <summary>Advances a test clock, delivering its due reminders in order.</summary>
    [OpsOnly]
    public override async Task<Proto.AdvanceTestClockResponse> AdvanceTestClock(Proto.AdvanceTestClockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("clock_id", request.ClockId).Present("target_time", request.TargetTime).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var advance = await Clock(request.ClockId).AdvanceAsync(request.TargetTime.ToDateTimeOffset(), context.CancellationToken);
        return new Proto.AdvanceTestClockResponse
        {
            Clock = ToProto(new TestClockView(advance.ClockId, advance.To)),
            PreviousTime = CommonMapping.ToProto(advance.From),
            TicksDelivered = advance.TicksDelivered,
        };
    }

    /// <summary>Reads a test clock.</summary>
    [OpsOnly]
    public override async Task<Proto.TestClock> GetTestClock(Proto.GetTestClockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("clock_id", request.ClockId).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return ToProto(await Clock(request.ClockId).GetAsync(CallScope.Read));
    }

    private static Proto.TestClock ToProto(TestClockView clock) => new() { ClockId = clock.ClockId, Now = CommonMapping.ToProto(clock.Now) };

    private ITestClockGrain Clock(string clockId) => grains.GetGrain<ITestClockGrain>(clockId);
}
