using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Subscriptions.Api.Tests.Invoices;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Silo.Notifications;

namespace Subscriptions.Api.Tests.Notifications;

/// <summary>
/// The notification sender measures what it does (docs/observability.md): each attempt by sink and outcome, a dead
/// letter, and the hand-off lag of a delivered message. One pass at a time on the test's clock: no sleeps.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DeliveryMetricsTests(ApiServer server)
{
    private const string Secret = "whsec-metrics-0123456789abcdef";

    [Fact]
    public async Task a_webhook_that_keeps_failing_counts_its_retries_then_one_dead_letter_and_the_next_message_a_delivery_with_its_lag()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentQueue<(string Instrument, string Tags, double Value)>();
        using var listener = Listen(meters, measured);
        await using var receiver = new WebhookReceiver(Secret, () => server.Cluster.Clock.GetUtcNow());
        var hook = new WebhookOptions { Name = "measured", Url = receiver.Url, Secret = Secret };
        var options = new NotificationOptions { Log = false, MaxAttempts = 2, FirstRetryDelay = TimeSpan.FromSeconds(10) };
        options.Webhooks.Add(hook);
        options.Validate();
        var sender = new NotificationSender(
            new Subscriptions.Storage.Notifications.NotificationTables(server.Cluster.DataSource), [new WebhookNotificationSink(hook, new HttpClient(), server.Cluster.Clock)],
            options, server.Cluster.Clock, NullLogger<NotificationSender>.Instance, new BillingMetrics(meters));
        await sender.RegisterSinksAsync();
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        var number = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;
        receiver.Mode = WebhookReceiver.Behaviour.Broken;

        await sender.DispatchOnceAsync();
        server.Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await sender.DispatchOnceAsync();
        receiver.Mode = WebhookReceiver.Behaviour.Up;
        await kit.PayAsync(number);
        server.Cluster.Clock.Advance(TimeSpan.FromSeconds(30));
        await sender.DispatchOnceAsync();

        // Only this test's account writes to this sink: its first message fails twice and is dead, its second is delivered.
        var attempts = measured.Where(m => m.Instrument != "subscriptions.notifications.handoff_lag").Select(m => (m.Instrument, m.Tags)).ToList();
        Assert.Equal(
            [
                ("subscriptions.notifications.deliveries", "sink=webhook:measured,outcome=retried"),
                ("subscriptions.notifications.deliveries", "sink=webhook:measured,outcome=dead"),
                ("subscriptions.notifications.dead_letters", "sink=webhook:measured"),
                ("subscriptions.notifications.deliveries", "sink=webhook:measured,outcome=delivered"),
            ],
            attempts);
        var lag = Assert.Single(measured, m => m.Instrument == "subscriptions.notifications.handoff_lag");
        Assert.Equal(("sink=webhook:measured", 30d), (lag.Tags, lag.Value));
    }

    private static MeterListener Listen(IMeterFactory meters, ConcurrentQueue<(string, string, double)> measured)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Meter.Scope == meters)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, Tags(tags), value)));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, Tags(tags), value)));
        listener.Start();
        return listener;
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        return string.Join(',', parts);
    }
}
