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
}
