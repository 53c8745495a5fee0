using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Orders;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.Quotes;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// Quotes and service orders across restarts (QUO-2, QUO-5): a sent quote expires on the production clock after a full
/// silo restart, by its own reminder; an order stopped between two of its applications is completed exactly once by
/// its own wake-up after a full cluster restart.
/// </summary>
public sealed class QuoteOrderTests : IAsyncLifetime
{
    private readonly FailCallOnce _lost = new();
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(QuoteOrderTests), services: s => s.AddSingleton<IIncomingGrainCallFilter>(_lost));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task QUO_2_a_sent_quote_expires_7_days_later_on_the_production_clock_across_a_full_silo_restart()
    {
        await Grains.OpenAccountAsync("exp-acc");
        var number = await SendQuoteAsync("exp-acc", "q", new QuoteLine(QuoteLineKind.NewSubscription, null, "meeting", "professional", 1, BillingFrequency.Monthly));
        var sentAt = _cluster.Clock.GetUtcNow();
        var reminders = await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%exp-acc/' || $1 || '%'", number);

        await _cluster.RestartAsync();
        _cluster.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await TickAsync(QuoteKey.Of("exp-acc", number));
        var before = await Grains.GetGrain<IQuoteGrain>(QuoteKey.Of("exp-acc", number)).GetAsync(Billing.Ops);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await TickAsync(QuoteKey.Of("exp-acc", number));
        var after = await Grains.GetGrain<IQuoteGrain>(QuoteKey.Of("exp-acc", number)).GetAsync(Billing.Ops);
        var notices = await _cluster.OutboxAsync(QuoteGrain.TypeName, QuoteKey.Of("exp-acc", number));

        Assert.Equal(1L, reminders);
        Assert.Equal((QuoteStatus.Sent, sentAt + Quote.ValidFor), (before.Status, before.ExpiresAt));
        Assert.Equal(QuoteStatus.Expired, after.Status);
        Assert.Equal([QuoteGrain.SentKind, QuoteGrain.ExpiredKind], notices.Select(n => n.Kind));
        Assert.Empty((await Grains.GetGrain<IAccountLedgerGrain>("exp-acc").ReadAsync()).PendingQuotes);
    }

    [Fact]
    public async Task QUO_5_an_order_stopped_between_two_applications_is_completed_exactly_once_by_its_wake_up_after_a_full_restart()
    {
        await Grains.CreateClockAsync("crash-clock", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await Grains.OpenAccountAsync("crash-acc", "crash-clock");
        await Grains.BuyAsync("crash-acc", "sub-1");
        await Grains.BuyAsync("crash-acc", "sub-2");
        var q1 = await SendQuoteAsync("crash-acc", "q1", new QuoteLine(QuoteLineKind.AddSeats, "sub-1", "meeting", "professional", 2, BillingFrequency.Monthly));
        var q2 = await SendQuoteAsync("crash-acc", "q2", new QuoteLine(QuoteLineKind.AddSeats, "sub-2", "meeting", "professional", 3, BillingFrequency.Monthly));
        var holder = Actor.Customer("holder-crash-acc");
        string orderNumber;
        using (CallContext.Enter(holder.SubjectId, "accept-1"))
        {
            orderNumber = await Grains.GetGrain<IAccountGrain>("crash-acc").NumberOrderAsync(holder);
        }

        var order = Grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of("crash-acc", orderNumber));
        var checkout = new Checkout(new AdministratorContact("admin-1", "admin@acme.example"), "card-1", null);
        // The second subscription's application is lost after the first one was applied.
        _lost.Target = ($"{SubscriptionGrain.TypeName}/{SubscriptionKey.Of("crash-acc", "sub-2")}", nameof(ISubscriptionOrderGrain.ApplyOrderSeatsAsync));

        using (CallContext.Enter(holder.SubjectId, "accept-1"))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => order.PlaceAsync(holder, [q1, q2], checkout));
        }

        var halfway = (await Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("crash-acc", "sub-1")).GetAsync(Billing.Ops)).Subscription.Seats;
        await _cluster.RestartAsync();
        using (CallContext.Enter(Billing.Ops.SubjectId, "advance-1"))
        {
            await Grains.GetGrain<Subscriptions.Grains.TestClocks.ITestClockGrain>("crash-clock").AdvanceAsync(new DateTimeOffset(2026, 3, 1, 0, 1, 0, TimeSpan.Zero));
        }

        var done = await Grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of("crash-acc", orderNumber)).GetAsync(Billing.Ops);
        var seats = (await Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("crash-acc", "sub-1")).GetAsync(Billing.Ops)).Subscription.Seats;
        var seats2 = (await Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("crash-acc", "sub-2")).GetAsync(Billing.Ops)).Subscription.Seats;
        var invoices = await Grains.InvoiceNumbersAsync("crash-acc");
        var confirmations = await _cluster.OutboxAsync(ServiceOrderGrain.TypeName, QuoteKey.Of("crash-acc", orderNumber));
        var history = (await Grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of("crash-acc", orderNumber)).AsReference<IInspectableGrain>().InspectAsync()).History;

        Assert.Equal(1, _lost.Failed);
        Assert.Equal(3, halfway);
        Assert.Equal(OrderStatus.Fulfilled, done.Status);
        Assert.Equal((3, 4), (seats, seats2));
        Assert.Equal(3, invoices.Count);
        Assert.Equal(invoices[^1], done.InvoiceNumber);
        Assert.Equal("succeeded", done.Charge?.Status);
        Assert.Single(confirmations);
        Assert.Equal(["placed", "held", "fulfilled"], history.Select(h => h.Change));
    }

    [Fact]
    public async Task QUO_5_a_subscription_held_by_an_order_refuses_every_other_change_and_defers_its_renewal_until_the_order_releases_it()
    {
        await Grains.OpenAccountAsync("hold-acc");
        await Grains.BuyAsync("hold-acc", "sub-1");
        var key = SubscriptionKey.Of("hold-acc", "sub-1");
        using (CallContext.Enter(Billing.Ops.SubjectId, "hold-1"))
        {
            await Grains.GetGrain<ISubscriptionOrderGrain>(key).HoldForOrderAsync("HOLD-ACC-O000001", 2, "meeting", "professional");
        }

        Subscriptions.Domain.Errors.RuleViolationException refused;
        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-1"))
        {
            refused = await Assert.ThrowsAsync<Subscriptions.Domain.Errors.RuleViolationException>(
                () => Grains.GetGrain<ISubscriptionGrain>(key).RemoveSeatsAsync(Billing.Ops, new Subscriptions.Domain.Subscriptions.RemoveSeats(1)));
        }

        // The renewal falls due while the order holds the subscription: it waits for the hold to end.
        _cluster.Clock.Advance(TimeSpan.FromDays(32));
        await SubscriptionTickAsync(key);
        var heldRenewals = await RenewalsAsync(key);
        using (CallContext.Enter(Billing.Ops.SubjectId, "release-1"))
        {
            await Grains.GetGrain<ISubscriptionOrderGrain>(key).ReleaseFromOrderAsync("HOLD-ACC-O000001");
        }

        await SubscriptionTickAsync(key);
        Subscriptions.Domain.Subscriptions.SubscriptionState after;
        using (CallContext.Enter(Billing.Ops.SubjectId, "licence-1"))
        {
            after = (await Grains.GetGrain<ISubscriptionGrain>(key).AssignLicenceAsync(Billing.Ops, new Subscriptions.Domain.Subscriptions.AssignLicence("user-1"))).Subscription;
        }

        Assert.Equal(Subscriptions.Domain.Rules.Quo5, refused.RuleId);
        Assert.Contains("HOLD-ACC-O000001", refused.Message, StringComparison.Ordinal);
        Assert.Equal((0, 1), (heldRenewals, await RenewalsAsync(key)));
        Assert.Equal(["user-1"], after.AssignedUsers);
    }

    private async Task<string> SendQuoteAsync(string accountId, string requestId, QuoteLine line)
    {
        string number;
        using (CallContext.Enter(Billing.Ops.SubjectId, $"{requestId}-number"))
        {
            number = await Grains.GetGrain<IAccountGrain>(accountId).NumberQuoteAsync(Billing.Ops);
        }

        var quote = Grains.GetGrain<IQuoteGrain>(QuoteKey.Of(accountId, number));
        using (CallContext.Enter(Billing.Ops.SubjectId, $"{requestId}-draft"))
        {
            await quote.DraftAsync(Billing.Ops, [line]);
        }

        using (CallContext.Enter(Billing.Ops.SubjectId, $"{requestId}-send"))
        {
            await quote.SendAsync(Billing.Ops);
        }

        return number;
    }

    private Task SubscriptionTickAsync(string key) =>
        Grains.GetGrain<ISubscriptionGrain>(key).AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));

    private async Task<int> RenewalsAsync(string key) =>
        (await Grains.GetGrain<ISubscriptionGrain>(key).AsReference<IInspectableGrain>().InspectAsync()).History.Count(h => h.Change == "renewed");

    private Task TickAsync(string quoteKey) =>
        Grains.GetGrain<IQuoteGrain>(quoteKey).AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<QuoteGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
}
