using System.Threading.Channels;
using Grpc.Health.V1;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Health;
using Xunit;
using ProtoStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class HealthTests
{
    private readonly HealthStatusRegistry _statuses = new();

    [Fact]
    public async Task overall_status_is_serving_until_the_host_says_otherwise()
    {
        Assert.Equal(ProtoStatus.Serving, (await Check(HealthStatusRegistry.Overall)).Status);

        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.NotServing);

        Assert.Equal(ProtoStatus.NotServing, (await Check(HealthStatusRegistry.Overall)).Status);
    }

    [Fact]
    public async Task check_of_an_unknown_service_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Check("subscriptions.v1.Nowhere"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("health status of service \"subscriptions.v1.Nowhere\" is unknown", error.Detail);
    }

    [Fact]
    public async Task watch_sends_the_current_status_at_once_and_then_each_change()
    {
        using var cancel = new CancellationTokenSource();
        var responses = new ChannelWriter();
        var watch = new HealthService(_statuses).WatchAsync(new HealthCheckRequest(), responses, Context(cancel.Token));

        Assert.Equal(ProtoStatus.Serving, (await responses.ReadAsync()).Status);
        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.NotServing);
        Assert.Equal(ProtoStatus.NotServing, (await responses.ReadAsync()).Status);
        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.Serving);
        Assert.Equal(ProtoStatus.Serving, (await responses.ReadAsync()).Status);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
    }

    [Fact]
    public async Task watch_of_an_unknown_service_says_service_unknown_and_stays_open_until_it_becomes_known()
    {
        using var cancel = new CancellationTokenSource();
        var responses = new ChannelWriter();
        var watch = new HealthService(_statuses).WatchAsync(new HealthCheckRequest { Service = "subscriptions.v1.Invoices" }, responses, Context(cancel.Token));

        Assert.Equal(ProtoStatus.ServiceUnknown, (await responses.ReadAsync()).Status);
        Assert.False(watch.IsCompleted);
        _statuses.SetStatus("subscriptions.v1.Invoices", ServingStatus.Serving);
        Assert.Equal(ProtoStatus.Serving, (await responses.ReadAsync()).Status);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
    }

    [Fact]
    public void setting_the_same_status_again_tells_watchers_nothing()
    {
        using var subscription = _statuses.Subscribe(HealthStatusRegistry.Overall);
        Assert.True(subscription.Changes.TryRead(out var current));
        Assert.Equal(ServingStatus.Serving, current);

        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.Serving);

        Assert.False(subscription.Changes.TryRead(out _));
    }

    [Fact]
    public void a_slow_watcher_gets_the_latest_status_not_a_backlog()
    {
        using var subscription = _statuses.Subscribe(HealthStatusRegistry.Overall);

        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.NotServing);
        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.Serving);
        _statuses.SetStatus(HealthStatusRegistry.Overall, ServingStatus.NotServing);

        Assert.True(subscription.Changes.TryRead(out var latest));
        Assert.Equal(ServingStatus.NotServing, latest);
        Assert.False(subscription.Changes.TryRead(out _));
    }

    private Task<HealthCheckResponse> Check(string service) =>
        new HealthService(_statuses).CheckAsync(new HealthCheckRequest { Service = service }, Context(CancellationToken.None));

    private ServerCallContext Context(CancellationToken cancellationToken) =>
        new("/grpc.health.v1.Health/Watch", [], deadline: null, "ipv4:127.0.0.1:50000", EmptyServices.Instance, cancellationToken);

    private sealed class ChannelWriter : IServerStreamWriter<HealthCheckResponse>
    {
        private readonly Channel<HealthCheckResponse> _written = Channel.CreateUnbounded<HealthCheckResponse>();

        public Task WriteAsync(HealthCheckResponse message, CancellationToken cancellationToken = default) =>
            _written.Writer.WriteAsync(message, cancellationToken).AsTask();

        public ValueTask<HealthCheckResponse> ReadAsync() => _written.Reader.ReadAsync();
    }
}
