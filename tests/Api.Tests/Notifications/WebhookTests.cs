using Microsoft.Extensions.Logging.Abstractions;
using Subscriptions.Api.Tests.Invoices;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Silo.Notifications;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Notifications;

/// <summary>
/// Outbound notifications delivered to a signed webhook (NOT-1): each event verifies, arrives at least once and is seen
/// once after deduplication, in order per account, through a receiver outage; after the last retry a message is
/// dead-lettered and ops see it. The sender runs one pass at a time on the test's clock: no sleeps.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookTests(ApiServer server)
{
    private const string Secret = "whsec-test-0123456789abcdef";

    [Fact]
    public async Task NOT_1_a_webhook_receiver_sees_every_event_once_in_order_per_account_through_an_outage()
    {
        await using var receiver = new WebhookReceiver(Secret, () => server.Cluster.Clock.GetUtcNow());
        var sender = Sender(receiver, "portal", maxAttempts: 8);
        await sender.RegisterSinksAsync();
        var a = await OpenAsync();
        var b = await OpenAsync();
        var numberA = await StepAsync(a, 1);
        var numberB = await StepAsync(b, 1);
        await a.PayAsync(numberA, oneTimeToken: "tok_decline_hook");
        await b.PayAsync(numberB, oneTimeToken: "tok_decline_hook");
        await a.AdvanceToAsync(SubscriptionKit.Start.AddHours(1));
        await b.AdvanceToAsync(SubscriptionKit.Start.AddHours(1));
        await a.PayAsync(numberA);
        await b.PayAsync(numberB);
        await StepAsync(a, 2);
        await StepAsync(b, 2);

        receiver.Mode = WebhookReceiver.Behaviour.Down;
        var duringOutage = await sender.DispatchOnceAsync();
        var requestsDuringOutage = receiver.Requests;
        server.Cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        await sender.DispatchOnceAsync();
        receiver.Mode = WebhookReceiver.Behaviour.LoseNextAnswer;
        server.Cluster.Clock.Advance(TimeSpan.FromSeconds(20));
        await sender.DispatchOnceAsync();
        server.Cluster.Clock.Advance(TimeSpan.FromSeconds(40));
        await sender.DispatchOnceAsync();

        // During the outage only each account's first event was tried: the others wait behind it.
        Assert.Equal((0, 2), (duringOutage, requestsDuringOutage));
        Assert.Equal(0, receiver.BadSignatures);
        Assert.Equal(1, receiver.Duplicates);
        var expected = new[] { "invoice-issued", "payment-failed", "payment-receipt", "invoice-issued" };
        foreach (var kit in new[] { a, b })
        {
            var events = receiver.Accepted.Where(e => e.AccountId == kit.AccountId).ToList();
            Assert.Equal(expected, events.Select(e => e.Type));
            Assert.Equal(events.Select(e => e.Id).Order(StringComparer.Ordinal), events.Select(e => e.Id));
        }

        var dead = await DeliveriesAsync("dead", a.AccountId);
        var pending = await DeliveriesAsync("pending", a.AccountId);
        var delivered = await DeliveriesAsync("delivered", a.AccountId);
        Assert.DoesNotContain(dead, d => d.Sink == "webhook:portal");
        Assert.DoesNotContain(pending, d => d.Sink == "webhook:portal");
        Assert.Equal(expected, delivered.Where(d => d.Sink == "webhook:portal").Select(d => d.Kind));
        Assert.Equal(4, delivered.Single(d => d.Sink == "webhook:portal" && d.EventId == receiver.Accepted.First(e => e.AccountId == a.AccountId).Id).Attempts);
    }

    [Fact]
    public async Task NOT_1_after_the_last_retry_a_message_is_dead_lettered_for_ops_and_the_account_stream_moves_on()
    {
        await using var receiver = new WebhookReceiver(Secret, () => server.Cluster.Clock.GetUtcNow());
        var sender = Sender(receiver, "fragile", maxAttempts: 3);
        await sender.RegisterSinksAsync();
        var kit = await OpenAsync();
        var number = await StepAsync(kit, 1);
        receiver.Mode = WebhookReceiver.Behaviour.Broken;

        for (var pass = 0; pass < 3; pass++)
        {
            await sender.DispatchOnceAsync();
            server.Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        receiver.Mode = WebhookReceiver.Behaviour.Up;
        await kit.PayAsync(number);
        await sender.DispatchOnceAsync();

        var dead = Assert.Single(await DeliveriesAsync("dead", kit.AccountId), d => d.Sink == "webhook:fragile");
        Assert.Equal(("invoice-issued", 3, $"account/{kit.AccountId}"), (dead.Kind, dead.Attempts, dead.Source));
        Assert.Contains("500", dead.LastError, StringComparison.Ordinal);
        Assert.Equal([("payment-receipt", kit.AccountId)], receiver.Accepted.Select(e => (e.Type, e.AccountId)));
    }

    private NotificationSender Sender(WebhookReceiver receiver, string name, int maxAttempts)
    {
        var options = new NotificationOptions { Log = false, MaxAttempts = maxAttempts, FirstRetryDelay = TimeSpan.FromSeconds(10) };
        var hook = new WebhookOptions { Name = name, Url = receiver.Url, Secret = Secret };
        options.Webhooks.Add(hook);
        options.Validate();
        var sink = new WebhookNotificationSink(hook, new HttpClient(), server.Cluster.Clock);
        return new NotificationSender(new Subscriptions.Storage.Notifications.NotificationTables(server.Cluster.DataSource), [sink], options, server.Cluster.Clock, NullLogger<NotificationSender>.Instance);
    }

    private async Task<SubscriptionKit> OpenAsync()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        return kit;
    }

    /// <summary>Buys meeting-<paramref name="n"/>: one "invoice-issued" event; returns the invoice number.</summary>
    private static async Task<string> StepAsync(SubscriptionKit kit, int n) =>
        (await kit.BuyAsync($"meeting-{n}", "meeting", "professional")).IssuedInvoiceNumber;

    private async Task<IReadOnlyList<Proto.NotificationDelivery>> DeliveriesAsync(string state, string accountId) =>
        (await server.Client.OpsAsync<Proto.ListNotificationDeliveriesRequest, Proto.ListNotificationDeliveriesResponse>(
            "ListNotificationDeliveries", new Proto.ListNotificationDeliveriesRequest { State = state, AccountId = accountId, PageSize = 100 }, server.Tokens.Ops())).Deliveries;
}
