using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class OutboxTests : IAsyncLifetime
{
    private readonly RecordingSink sink = new();
    private TestCluster cluster = null!;

    public async Task InitializeAsync() =>
        cluster = await TestCluster.StartAsync(
            nameof(OutboxTests),
            2,
            grains => grains.Add<ICounterGrain, CounterGrain>(),
            services: services => services.AddSingleton(new Latches()).AddSingleton<IOutboxSink>(sink));

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    private OutboxDispatcher Dispatcher(int silo) => cluster.Silos[silo].Services.GetRequiredService<OutboxDispatcher>();

    [Fact]
    public async Task when_a_turn_notifies_then_the_message_is_in_the_outbox_and_delivered_once_in_order()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("notifier");
        await grain.NotifyAsync("first");
        await grain.NotifyAsync("second");

        var delivered = await Task.WhenAll(Dispatcher(0).DispatchOnceAsync(), Dispatcher(1).DispatchOnceAsync());

        Assert.Equal(2, delivered.Sum());
        Assert.Equal(0, await Dispatcher(0).DispatchOnceAsync());
        Assert.Equal(["first", "second"], sink.Delivered.OrderBy(m => m.Id).Select(m => m.Kind));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE delivered_at IS NULL"));
    }

    [Fact]
    public async Task when_the_sink_fails_then_the_message_stays_undelivered_and_is_delivered_on_a_later_pass()
    {
        await cluster.Grains.GetGrain<ICounterGrain>("flaky-sink").NotifyAsync("retry-me");
        sink.FailNext = true;

        Assert.Equal(0, await Dispatcher(0).DispatchOnceAsync());
        Assert.Equal(1, await Dispatcher(0).DispatchOnceAsync());

        Assert.Equal("retry-me", Assert.Single(sink.Delivered).Kind);
        Assert.Equal(2L, await cluster.Database.ScalarAsync<long>("SELECT attempts FROM outbox WHERE kind = 'retry-me'"));
    }

    private sealed class RecordingSink : IOutboxSink
    {
        private readonly ConcurrentQueue<OutboxMessage> delivered = new();

        public bool FailNext { get; set; }

        public IReadOnlyCollection<OutboxMessage> Delivered => delivered;

        public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("The mail gateway is down.");
            }

            delivered.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
