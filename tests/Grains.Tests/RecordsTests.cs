using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// One commit per change and what hangs on it, on the real storage and reminders: idempotent retries across restarts
/// (IDEM-1), a change's rows stored exactly once with its record even when the grain stops before it answers, nothing
/// left by a write that fails, and due events that survive a full restart and happen once.
/// </summary>
public sealed class RecordsTests : IAsyncLifetime
{
    private readonly CrashAfterCommit _crash = new();
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(RecordsTests), services: s => s.AddSingleton<IIncomingGrainCallFilter>(_crash));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task IDEM_1_a_retry_after_a_full_restart_on_a_sandbox_account_months_behind_real_time_returns_the_first_answer_and_no_second_invoice()
    {
        // The silo's real clock is 2026-01-01; the sandbox lives in June 2025.
        await Grains.CreateClockAsync("idem-clock", new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await Grains.OpenAccountAsync("idem-acc", "idem-clock");
        await Grains.BuyAsync("idem-acc", "sub-1");
        using (CallContext.Enter(Billing.Ops.SubjectId, "advance-1"))
        {
            await Grains.GetGrain<ITestClockGrain>("idem-clock").AdvanceAsync(new DateTimeOffset(2025, 6, 11, 0, 0, 0, TimeSpan.Zero));
        }

        SubscriptionView first;
        using (CallContext.Enter("holder-idem-acc", "add-seats-1"))
        {
            first = await Grains.GetGrain<ISubscriptionGrain>("idem-acc/sub-1").AddSeatsAsync(Billing.Ops, new AddSeats(2));
        }

        await _cluster.RestartAsync();
        SubscriptionView retried;
        using (CallContext.Enter("holder-idem-acc", "add-seats-1"))
        {
            retried = await Grains.GetGrain<ISubscriptionGrain>("idem-acc/sub-1").AddSeatsAsync(Billing.Ops, new AddSeats(2));
        }

        Assert.NotNull(first.IssuedInvoiceNumber);
        Assert.Equal((first.IssuedInvoiceNumber, 3), (retried.IssuedInvoiceNumber, retried.Subscription.Seats));
        Assert.Equal(2, (await Grains.InvoiceNumbersAsync("idem-acc")).Count);
        Assert.Equal(3, (await Grains.GetGrain<ISubscriptionGrain>("idem-acc/sub-1").GetAsync(Billing.Ops)).Subscription.Seats);
    }

    [Fact]
    public async Task NOT_1_a_crash_after_the_commit_and_before_the_answer_leaves_the_notification_history_and_invoice_stored_once_and_a_retry_gets_them()
    {
        await Grains.OpenAccountAsync("crash-acc");
        _crash.Target = "account/crash-acc";

        using (CallContext.Enter("billing", "issue-1"))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger("crash-acc").IssueInvoiceAsync(Charges()));
        }

        var outboxBefore = await OutboxCountAsync("crash-acc");
        var historyBefore = await IssuedHistoryCountAsync("crash-acc");
        await _cluster.RestartAsync();
        await Grains.GetGrain<IAccountGrain>("crash-acc").GetAsync(Billing.Ops);
        await _cluster.RestartAsync();
        await Grains.GetGrain<IAccountGrain>("crash-acc").GetAsync(Billing.Ops);
        Invoice retried;
        using (CallContext.Enter("billing", "issue-1"))
        {
            retried = await Ledger("crash-acc").IssueInvoiceAsync(Charges());
        }

        // The change's rows committed with its record, before the crash: nothing was waiting for a hand-off.
        Assert.Equal((1L, 1L), (outboxBefore, historyBefore));
        Assert.Equal((1L, 1L), (await OutboxCountAsync("crash-acc"), await IssuedHistoryCountAsync("crash-acc")));
        Assert.Equal(1L, await _cluster.CountAsync("SELECT count(*) FROM public.issued_invoices WHERE account_id = $1", "crash-acc"));
        Assert.Equal([retried.Number], await Grains.InvoiceNumbersAsync("crash-acc"));
    }

    [Fact]
    public async Task IDEM_1_a_write_that_loses_a_race_leaves_no_history_no_notification_and_no_answered_id()
    {
        await Grains.OpenAccountAsync("race-acc");
        await _cluster.BumpStoredVersionAsync("account", "race-acc");

        using (CallContext.Enter("billing", "issue-1"))
        {
            await Assert.ThrowsAsync<ConcurrentChangeException>(() => Ledger("race-acc").IssueInvoiceAsync(Charges()));
        }

        var afterConflict = (await OutboxCountAsync("race-acc"), await IssuedHistoryCountAsync("race-acc"), (await Grains.InvoiceNumbersAsync("race-acc")).Count);
        Invoice issued;
        using (CallContext.Enter("billing", "issue-1"))
        {
            issued = await Ledger("race-acc").IssueInvoiceAsync(Charges());
        }

        Assert.Equal((0L, 0L, 0), afterConflict);
        Assert.Equal($"{AccountGrain.InvoicePrefix("race-acc")}-000001", issued.Number);
        Assert.Equal((1L, 1L), (await OutboxCountAsync("race-acc"), await IssuedHistoryCountAsync("race-acc")));
    }

    [Fact]
    public async Task SUB_3_state_history_and_reminders_survive_a_full_restart_and_a_renewal_that_fell_due_meanwhile_happens_once()
    {
        await Grains.OpenAccountAsync("restart-acc");
        await Grains.BuyAsync("restart-acc", "sub-1");
        var reminderRows = await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%restart-acc/sub-1%'");

        await _cluster.RestartAsync();
        _cluster.Clock.Advance(TimeSpan.FromDays(45));
        var subscription = Grains.GetGrain<ISubscriptionGrain>("restart-acc/sub-1");
        var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow);
        await subscription.AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick);
        await subscription.AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick);

        var inspection = await subscription.AsReference<IInspectableGrain>().InspectAsync();
        Assert.Equal(1L, reminderRows);
        Assert.Equal(2, (await Grains.InvoiceNumbersAsync("restart-acc")).Count);
        Assert.Equal(["subscribed", "renewed"], inspection.History.Select(h => h.Change));
        var wake = Assert.Single(inspection.WakeUps);
        Assert.Equal("renewal", wake.Name);
        Assert.True(wake.DueAt > _cluster.Clock.GetUtcNow(), $"next renewal {wake.DueAt:O} should be after {_cluster.Clock.GetUtcNow():O}");
    }

    private static IssueInvoice Charges()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new IssueInvoice([new ChargeLine(
            InvoiceLineKind.SubscriptionCharge, "Pro, monthly", 1, new Money(10m, Subscriptions.Domain.Currencies.Currency.Usd),
            Period: new BillingPeriod(start, start.AddMonths(1)), SubscriptionId: "sub-1")]);
    }

    private IAccountLedgerGrain Ledger(string accountId) => Grains.GetGrain<IAccountLedgerGrain>(accountId);

    private Task<long> OutboxCountAsync(string accountId) =>
        _cluster.CountAsync("SELECT count(*) FROM public.outbox WHERE grain_type = 'account' AND grain_key = $1", accountId);

    private Task<long> IssuedHistoryCountAsync(string accountId) =>
        _cluster.CountAsync("SELECT count(*) FROM public.grain_history WHERE grain_type = 'account' AND grain_key = $1 AND change = 'invoice_issued'", accountId);
}
