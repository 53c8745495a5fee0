using Grpc.Core;
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

    [Fact]
    public async Task NOT_1_billing_ops_redeliver_a_dead_letter_with_a_reason_and_it_is_delivered_once_more()
    {
        await using var receiver = new WebhookReceiver(Secret, () => server.Cluster.Clock.GetUtcNow());
        var sender = Sender(receiver, "flaky", maxAttempts: 2);
        await sender.RegisterSinksAsync();
        var kit = await OpenAsync();
        await StepAsync(kit, 1);
        receiver.Mode = WebhookReceiver.Behaviour.Broken;
        for (var pass = 0; pass < 2; pass++)
        {
            await sender.DispatchOnceAsync();
            server.Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var dead = Assert.Single(await DeliveriesAsync("dead", kit.AccountId), d => d.Sink == "webhook:flaky");
        receiver.Mode = WebhookReceiver.Behaviour.Up;
        var request = new Proto.RedeliverNotificationRequest { RequestId = Requests.NewRequestId(), EventId = dead.EventId, Sink = "webhook:flaky", Reason = "receiver fixed" };

        var again = await server.Client.OpsAsync<Proto.RedeliverNotificationRequest, Proto.NotificationDelivery>("RedeliverNotification", request, server.Tokens.Ops());
        var twice = await server.Client.OpsAsync<Proto.RedeliverNotificationRequest, Proto.NotificationDelivery>("RedeliverNotification", request, server.Tokens.Ops());
        await sender.DispatchOnceAsync();
        var retriedLater = await server.Client.OpsAsync<Proto.RedeliverNotificationRequest, Proto.NotificationDelivery>("RedeliverNotification", request, server.Tokens.Ops());
        var delivered = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => server.Client.OpsAsync<Proto.RedeliverNotificationRequest, Proto.NotificationDelivery>(
            "RedeliverNotification", new Proto.RedeliverNotificationRequest(request) { RequestId = Requests.NewRequestId() }, server.Tokens.Ops()));
        var unknown = await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.OpsAsync<Proto.RedeliverNotificationRequest, Proto.NotificationDelivery>(
            "RedeliverNotification", new Proto.RedeliverNotificationRequest { RequestId = Requests.NewRequestId(), EventId = dead.EventId, Sink = "webhook:nobody", Reason = "x" }, server.Tokens.Ops()));

        Assert.Equal(("pending", 0), (again.State, again.Attempts));
        Assert.Equal(("pending", 0), (twice.State, twice.Attempts));
        Assert.Equal("delivered", retriedLater.State);
        Assert.Equal([(dead.EventId, "invoice-issued")], receiver.Accepted.Where(e => e.AccountId == kit.AccountId).Select(e => (e.Id, e.Type)));
        Assert.Equal(Subscriptions.Domain.Rules.Not1, delivered.RuleId());
        Assert.Contains("webhook:nobody", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("is delivered, not dead", delivered.Status.Detail, StringComparison.Ordinal);
        await using var recorded = server.Cluster.DataSource.CreateCommand("SELECT caller, reason FROM public.notification_redeliveries WHERE sink = 'webhook:flaky' AND outbox_id = $1");
        recorded.Parameters.Add(new() { Value = long.Parse(dead.EventId[4..], System.Globalization.CultureInfo.InvariantCulture) });
        await using var reader = await recorded.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((TestTokens.OpsSubject, "receiver fixed"), (reader.GetString(0), reader.GetString(1)));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task NOT_1_a_watch_streams_an_accounts_notifications_as_they_commit_and_resumes_after_an_event_id()
    {
        var kit = await OpenAsync();
        await StepAsync(kit, 1);
        long firstId;
        await using (var latest = server.Cluster.DataSource.CreateCommand("SELECT max(id) FROM public.outbox WHERE account_id = $1"))
        {
            latest.Parameters.Add(new() { Value = kit.AccountId });
            firstId = (long)(await latest.ExecuteScalarAsync())!;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Resumed just before the first event: it comes first, then the next change's as it commits.
        var resumeAfter = $"evt_{firstId - 1:D12}";
        using var watch = server.Client.Ops.WatchTransitions(
            new Proto.WatchTransitionsRequest { AccountId = kit.AccountId, AfterEventId = resumeAfter }, server.Tokens.Ops().WithCancellationToken(deadline.Token));
        var seen = new List<Proto.Transition> { await NextAsync(watch, deadline.Token) };
        var second = await StepAsync(kit, 2);
        seen.Add(await NextAsync(watch, deadline.Token));

        Assert.Equal([("invoice-issued", $"evt_{firstId:D12}"), ("invoice-issued", seen[1].EventId)], seen.Select(t => (t.Kind, t.EventId)));
        Assert.True(string.CompareOrdinal(seen[1].EventId, seen[0].EventId) > 0);
        Assert.All(seen, t => Assert.Equal((kit.AccountId, "account"), (t.AccountId, t.GrainType)));
        Assert.Contains(second, seen[1].PayloadJson, StringComparison.Ordinal);
    }

    /// <summary>The watch's next message; the watch polls on the injected clock, which is moved on while it waits.</summary>
    private async Task<Proto.Transition> NextAsync(AsyncServerStreamingCall<Proto.Transition> watch, CancellationToken cancellationToken)
    {
        var next = watch.ResponseStream.MoveNext(cancellationToken);
        while (!next.IsCompleted)
        {
            server.Cluster.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(next, Task.Delay(20, cancellationToken));
        }

        Assert.True(await next);
        return watch.ResponseStream.Current;
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
