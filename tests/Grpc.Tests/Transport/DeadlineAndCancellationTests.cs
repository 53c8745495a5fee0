using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Client;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class DeadlineAndCancellationTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    private readonly GrpcTestServer _server = fixture.Server;
    private readonly ManualClock _serverClock = fixture.Clock;

    [Fact]
    public async Task server_ends_the_call_with_deadline_exceeded_when_grpc_timeout_passes_on_its_clock()
    {
        // The client's own clock never moves, so only the server can enforce this deadline.
        var clientClock = new ManualClock(ManualClockServerFixture.Start);
        var client = _server.Client(new GrpcClientOptions { TimeProvider = clientClock });
        var call = client.UnaryAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("WaitForCancellation"),
            new EchoRequest { Text = "deadline" },
            new CallOptions { Deadline = clientClock.GetUtcNow().AddSeconds(5) });
        var context = await _server.Probe.WaitStartedAsync("deadline");

        _serverClock.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(_serverClock.GetUtcNow(), context.Deadline);
        Assert.True(context.CancellationToken.IsCancellationRequested);
        Assert.Equal(StatusCode.DeadlineExceeded, await _server.Log.FinishedAsync(TestEchoService.PathOf("WaitForCancellation"), context.Peer));
    }

    [Fact]
    public async Task client_enforces_its_deadline_on_its_own_clock()
    {
        var clientClock = new ManualClock(ManualClockServerFixture.Start);
        var client = _server.Client(new GrpcClientOptions { TimeProvider = clientClock });
        var call = client.UnaryAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("WaitForCancellation"),
            new EchoRequest { Text = "client-deadline" },
            new CallOptions { Deadline = clientClock.GetUtcNow().AddMinutes(1) });
        var context = await _server.Probe.WaitStartedAsync("client-deadline");

        clientClock.Advance(TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);

        // The client reset the stream: the server sees a cancelled call.
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FinishedAsync(TestEchoService.PathOf("WaitForCancellation"), context.Peer));
    }

    [Fact]
    public async Task expired_deadline_fails_before_sending()
    {
        var clientClock = new ManualClock(ManualClockServerFixture.Start);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client(new GrpcClientOptions { TimeProvider = clientClock }).UnaryAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("Echo"), new EchoRequest(), new CallOptions { Deadline = clientClock.GetUtcNow().AddSeconds(-1) }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task client_cancellation_resets_the_stream_and_cancels_the_handler()
    {
        using var cancellation = new CancellationTokenSource();
        var call = _server.Client().UnaryAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("WaitForCancellation"), new EchoRequest { Text = "cancel" }, new CallOptions { CancellationToken = cancellation.Token });
        var context = await _server.Probe.WaitStartedAsync("cancel");

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FinishedAsync(TestEchoService.PathOf("WaitForCancellation"), context.Peer));
        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public async Task cancelling_a_server_stream_mid_way_cancels_the_handler()
    {
        using var cancellation = new CancellationTokenSource();
        await using var call = await _server.Client().ServerStreamingAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("Hold"), new EchoRequest { Text = "hold" }, new CallOptions { CancellationToken = cancellation.Token });
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ReadAllAsync())
            {
                received.Add(reply.Text);
                await cancellation.CancelAsync();
            }
        });

        var context = await _server.Probe.WaitStartedAsync("hold");
        Assert.Equal(["started"], received);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FinishedAsync(TestEchoService.PathOf("Hold"), context.Peer));
    }

    [Fact]
    public async Task call_without_grpc_timeout_has_no_deadline()
    {
        using var cancellation = new CancellationTokenSource();
        var call = _server.Client().UnaryAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("WaitForCancellation"), new EchoRequest { Text = "no-deadline" }, new CallOptions { CancellationToken = cancellation.Token });

        var context = await _server.Probe.WaitStartedAsync("no-deadline");
        await cancellation.CancelAsync();

        Assert.Null(context.Deadline);
        Assert.StartsWith("ipv4:127.0.0.1:", context.Peer, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call)).StatusCode);
    }

    [Fact]
    public async Task malformed_grpc_timeout_is_ignored_and_the_call_runs_without_deadline()
    {
        var context = await RunningCallContextAsync("malformed-timeout", grpcTimeout: "soon");

        Assert.Null(context.Deadline);
    }

    [Fact]
    public async Task grpc_timeout_of_99999999_hours_runs_the_call_with_a_deadline_at_the_end_of_time()
    {
        var context = await RunningCallContextAsync("longest-timeout", grpcTimeout: "99999999H");

        Assert.Equal(DateTimeOffset.MaxValue, context.Deadline);
    }

    // Sends WaitForCancellation with the raw grpc-timeout header, takes the handler's context once it runs, then resets the call.
    private async Task<ServerCallContext> RunningCallContextAsync(string key, string grpcTimeout)
    {
        using var cancellation = new CancellationTokenSource();
        var call = RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("WaitForCancellation"),
            new ByteArrayContent(RawGrpc.Frame(new EchoRequest { Text = key })),
            headers: new Dictionary<string, string> { ["grpc-timeout"] = grpcTimeout },
            cancellationToken: cancellation.Token);
        var context = await _server.Probe.WaitStartedAsync(key);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FinishedAsync(TestEchoService.PathOf("WaitForCancellation"), context.Peer));
        return context;
    }
}
