using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class ShutdownTests
{
    [Fact]
    public async Task call_in_flight_when_the_application_stops_ends_with_unavailable()
    {
        await using var server = await GrpcTestServer.StartAsync(TimeProvider.System);
        var call = server.Client().UnaryAsync<EchoRequest, EchoReply>(TestEchoService.PathOf("WaitForCancellation"), new EchoRequest { Text = "stopping" });
        var context = await server.Probe.WaitStartedAsync("stopping");

        var stopping = server.StopAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        await stopping;
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("The server is shutting down.", error.Detail);
        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public async Task call_that_finishes_after_the_application_began_stopping_still_sends_its_answer()
    {
        await using var server = await GrpcTestServer.StartAsync(TimeProvider.System);
        var call = server.Client().UnaryAsync<EchoRequest, EchoReply>(TestEchoService.PathOf("FinishWhenReleased"), new EchoRequest { Text = "finishing" });
        var context = await server.Probe.WaitStartedAsync("finishing");

        var stopping = server.StopAsync();
        await CancelledAsync(context.CancellationToken);
        server.Probe.Release("finishing");

        var reply = await call;
        await stopping;
        Assert.Equal("finishing", reply.Text);
        Assert.Equal(StatusCode.OK, await server.Log.FinishedAsync(TestEchoService.PathOf("FinishWhenReleased"), context.Peer));
    }

    private static async Task CancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(TestTimeouts.Safety, CancellationToken.None);
    }
}
