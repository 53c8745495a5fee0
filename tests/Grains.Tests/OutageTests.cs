using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// PostgreSQL lost at the worst moments: a grain that cannot read its state is UNAVAILABLE (retryable), and a change
/// that already billed in another grain when its own write failed is finished by the service itself, without a retry.
/// </summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly CutAfterNestedChange _cut = new();
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(nameof(OutageTests), throughProxy: true, services: s => s.AddSingleton<IOutgoingGrainCallFilter>(_cut));
        _cut.Proxy = _cluster.Proxy;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>A silo's sweep of stored intents, on the cluster's clock.</summary>
    private Subscriptions.Silo.IntentRecovery Sweep() => new(
        _cluster.SiloService<Subscriptions.Storage.Grains.GrainTables>(), Grains, _cluster.SiloService<GrainRecordOptions>(), _cluster.SiloService<GrainClock>(),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<Subscriptions.Silo.IntentRecovery>.Instance);

    [Fact]
    public async Task storage_down_at_activation_is_UNAVAILABLE()
    {
        await Grains.OpenAccountAsync("cold-acc");
        await _cluster.RestartAsync();

        _cluster.Proxy!.Cut();
        try
        {
            var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Grains.GetGrain<IAccountGrain>("cold-acc").GetAsync(Billing.Ops));
            Assert.Contains("PostgreSQL is unavailable", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            _cluster.Proxy.Restore();
        }

        Assert.Equal("cold-acc", (await Grains.GetGrain<IAccountGrain>("cold-acc").GetAsync(Billing.Ops)).Account.Id);
    }

    [Fact]
    public async Task a_committed_nested_invoice_is_completed_without_a_client_retry()
    {
        await Grains.OpenAccountAsync("nest-acc");
        var first = (await Grains.BuyAsync("nest-acc", "sub-1")).IssuedInvoiceNumber!;
        var subscription = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("nest-acc", "sub-1"));

        // The account commits the seats' invoice, then the database goes before the subscription writes.
        _cut.CutAfter = nameof(IAccountLedgerGrain.IssueInvoiceAsync);
        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-1"))
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => subscription.AddSeatsAsync(Billing.Ops, new AddSeats(2)));
        }

        _cluster.Proxy!.Restore();
        var invoices = await Grains.InvoiceNumbersAsync("nest-acc");
        var halfDone = (await subscription.GetAsync(Billing.Ops)).Subscription.Seats;
        var stored = await _cluster.CountAsync("SELECT count(*) FROM public.pending_intents WHERE grain_type = 'subscription' AND grain_key = 'nest-acc/sub-1'");

        // Nobody retries: a silo's sweep finds the intent once it is older than the recovery delay (the silo's own
        // background sweep may come first; either finishes it once).
        var sweep = Sweep();
        var tooEarly = await sweep.SweepOnceAsync();
        var stillHalfDone = (await subscription.GetAsync(Billing.Ops)).Subscription.Seats;
        _cluster.Clock.Advance(_cluster.SiloService<GrainRecordOptions>().IntentRecoveryDelay);
        await sweep.SweepOnceAsync();

        var after = await subscription.GetAsync(Billing.Ops);
        var history = (await subscription.AsReference<IInspectableGrain>().InspectAsync()).History;
        SubscriptionView retried;
        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-1"))
        {
            retried = await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(2));
        }

        Assert.Equal(2, invoices.Count);
        Assert.Equal(1, halfDone);
        Assert.Equal(1, stored);
        Assert.Equal((0, 1), (tooEarly, stillHalfDone));
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.pending_intents"));
        Assert.Equal(3, after.Subscription.Seats);
        Assert.Equal([first, invoices[1]], after.InvoiceNumbers);
        Assert.Equal(invoices, await Grains.InvoiceNumbersAsync("nest-acc"));
        var completed = Assert.Single(history, h => h.Change == "change-completed");
        Assert.Equal(("AddSeatsAsync", "seats-1"), (completed.Cause.Name, completed.Cause.RequestId));
        Assert.Contains(history, h => h.Change == SubscriptionEvent.SeatsAdded.ToWireName() && h.Cause.RequestId == "seats-1");
        Assert.Equal(invoices[1], retried.IssuedInvoiceNumber);
        Assert.Equal(3, retried.Subscription.Seats);
    }

    [Fact]
    public async Task INV_3_a_payment_whose_write_failed_after_the_ledger_was_told_is_completed_without_a_client_retry()
    {
        await Grains.OpenAccountAsync("paid-acc", autopay: false);

        var number = (await Grains.BuyAsync("paid-acc", "sub-1")).IssuedInvoiceNumber!;
        var key = Invoices.InvoiceKey.Of("paid-acc", number);
        var invoice = Grains.GetGrain<Invoices.IInvoiceGrain>(key);
        var holder = Domain.Accounts.Actor.Customer("holder-paid-acc");
        await invoice.GetAsync();

        _cut.CutAfter = nameof(IAccountLedgerGrain.RecordInvoiceAsync);
        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => invoice.PayAsync(holder, new Invoices.PayInvoice(null, null, null)));
        }

        _cluster.Proxy!.Restore();
        var ledgerMeanwhile = await Grains.GetGrain<IAccountGrain>("paid-acc").GetAsync(Billing.Ops);
        _cluster.Clock.Advance(_cluster.SiloService<GrainRecordOptions>().IntentRecoveryDelay);
        await Sweep().SweepOnceAsync();

        var paid = await invoice.GetAsync();
        var history = (await invoice.AsReference<IInspectableGrain>().InspectAsync()).History;
        Invoices.PaymentResult retried;
        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            retried = await invoice.PayAsync(holder, new Invoices.PayInvoice(null, null, null));
        }

        Assert.Equal((true, 0), (ledgerMeanwhile.Ledger.IsPaid(number), ledgerMeanwhile.Invoices.Count));
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.pending_intents"));
        Assert.Equal((Domain.Invoices.InvoiceStatus.Paid, 1), (paid.Status, paid.Attempts.Count));
        Assert.Single(history, h => h.Change == "change-completed");
        Assert.Single(await _cluster.OutboxAsync("invoice", key), n => n.Kind == Invoices.InvoiceNotice.Receipt);
        Assert.Equal(1, await _cluster.CountAsync("SELECT count(*) FROM public.payment_simulator_charges WHERE status = 'succeeded' AND starts_with(idempotency_key, $1)", $"{key}#"));
        Assert.Equal(paid.Attempts[0].GatewayReference, retried.Attempt.GatewayReference);
        var ledgerAfter = await Grains.GetGrain<IAccountGrain>("paid-acc").GetAsync(Billing.Ops);
        Assert.Equal((true, 0m), (ledgerAfter.Ledger.IsPaid(number), ledgerAfter.Balances.Balance.Amount));
    }

    [Fact]
    public async Task a_stored_change_that_cannot_be_finished_is_abandoned_in_the_history_and_does_not_block_the_grain()
    {
        await Grains.OpenAccountAsync("stuck-acc");
        await Grains.BuyAsync("stuck-acc", "sub-1");
        var subscription = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("stuck-acc", "sub-1"));
        _cut.CutAfter = nameof(IAccountLedgerGrain.IssueInvoiceAsync);
        using (CallContext.Enter(Billing.Ops.SubjectId, "stuck-seats"))
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => subscription.AddSeatsAsync(Billing.Ops, new AddSeats(2)));
        }

        _cluster.Proxy!.Restore();
        // The stored intent no longer reads (as after a release that cannot read it): finishing it fails for good.
        await using (var corrupt = _cluster.DataSource.CreateCommand(
            """
            UPDATE public.pending_intents
               SET intent = convert_to(replace(convert_from(intent, 'UTF8'), '"payloadJson":"', '"payloadJson":"not json'), 'UTF8')
             WHERE grain_type = 'subscription' AND grain_key = 'stuck-acc/sub-1'
            """))
        {
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        await _cluster.RestartAsync();
        subscription = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("stuck-acc", "sub-1"));
        SubscriptionView later;
        using (CallContext.Enter(Billing.Ops.SubjectId, "later-seats"))
        {
            later = await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        var history = (await subscription.AsReference<IInspectableGrain>().InspectAsync()).History;
        var abandoned = Assert.Single(history, h => h.Change == "change-abandoned");
        Assert.Contains("stuck-seats", abandoned.PayloadJson, StringComparison.Ordinal);
        Assert.Equal(2, later.Subscription.Seats);
    }

    [Fact]
    public async Task a_change_whose_first_nested_call_was_refused_leaves_nothing_to_finish()
    {
        // Autopay off: the purchase's invoice, paid at once in a turn of its own, would write the account on its own
        // time, before or after the version is moved behind the account's back.
        await Grains.OpenAccountAsync("race-acc", autopay: false);

        await Grains.BuyAsync("race-acc", "sub-1");
        var subscription = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("race-acc", "sub-1"));
        await Grains.GetGrain<IAccountGrain>("race-acc").GetAsync(Billing.Ops);
        await _cluster.BumpStoredVersionAsync(AccountGrain.TypeName, "race-acc");

        using (CallContext.Enter(Billing.Ops.SubjectId, "race-seats"))
        {
            await Assert.ThrowsAsync<ConcurrentChangeException>(() => subscription.AddSeatsAsync(Billing.Ops, new AddSeats(2)));
        }

        await subscription.AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));

        var history = (await subscription.AsReference<IInspectableGrain>().InspectAsync()).History;
        Assert.Equal(1, (await subscription.GetAsync(Billing.Ops)).Subscription.Seats);
        Assert.DoesNotContain(history, h => h.Change == "change-completed");
        Assert.Single(await Grains.InvoiceNumbersAsync("race-acc"));
    }

    [Fact]
    public async Task an_outage_under_8_writers_loses_nothing_doubles_nothing_and_leaves_nothing_half_done()
    {
        const int Subscriptions = 4;
        const int Writers = 8;
        const int ChangesEach = 5;
        await Grains.OpenAccountAsync("busy-acc");
        for (var i = 0; i < Subscriptions; i++)
        {
            await Grains.BuyAsync("busy-acc", $"sub-{i}");
        }

        var acknowledged = new int[Subscriptions];
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<string>();
        var succeeded = 0;
        var failed = 0;

        // Even writers retry a retryable failure with the same request id until it is answered; odd writers give up at
        // the first failure, as a client that never retries. The database goes after 6 answered changes and comes back
        // after 10 failed calls: no clock, no sleep.
        async Task WriteAsync(int writer)
        {
            var target = writer % Subscriptions;
            var grain = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("busy-acc", $"sub-{target}"));
            for (var change = 0; change < ChangesEach; change++)
            {
                while (true)
                {
                    try
                    {
                        using (CallContext.Enter(Billing.Ops.SubjectId, $"w{writer}-c{change}"))
                        {
                            await grain.AddSeatsAsync(Billing.Ops, new AddSeats(1));
                        }

                        Interlocked.Increment(ref acknowledged[target]);
                        if (Interlocked.Increment(ref succeeded) == 6)
                        {
                            _cluster.Proxy!.Cut();
                        }

                        break;
                    }
                    catch (Exception e) when (e is StorageUnavailableException or ConcurrentChangeException or TimeoutException)
                    {
                        if (Interlocked.Increment(ref failed) == 10)
                        {
                            _cluster.Proxy!.Restore();
                        }

                        if (writer % 2 == 1)
                        {
                            break;
                        }
                    }
                    catch (Exception e)
                    {
                        unexpected.Add($"{e.GetType().Name}: {e.Message}");
                        break;
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(WriteAsync));
        _cluster.Proxy!.Restore();

        // Nobody retries what the odd writers gave up: the grains' reminders fire, as Orleans fires them.
        var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow);
        for (var i = 0; i < Subscriptions; i++)
        {
            await Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("busy-acc", $"sub-{i}")).AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick);
        }

        var issued = await Grains.InvoiceNumbersAsync("busy-acc");
        var known = new List<string>();
        Assert.Empty(unexpected);
        Assert.True(failed > 0, "the outage failed no call");
        for (var i = 0; i < Subscriptions; i++)
        {
            var view = await Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("busy-acc", $"sub-{i}")).GetAsync(Billing.Ops);
            var attempted = 2 * ChangesEach;
            Assert.InRange(view.Subscription.Seats - 1, acknowledged[i], attempted);
            Assert.Equal(view.Subscription.Seats, view.InvoiceNumbers.Count);
            known.AddRange(view.InvoiceNumbers);
        }

        Assert.Equal(issued.Order(StringComparer.Ordinal), known.Order(StringComparer.Ordinal));
        Assert.Equal(issued.Count, issued.Distinct().Count());
    }

    /// <summary>Cuts the database proxy once a named nested call returns, as an outage between two commits would.</summary>
    private sealed class CutAfterNestedChange : IOutgoingGrainCallFilter
    {
        public TcpProxy? Proxy { get; set; }

        public string? CutAfter { get; set; }

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await context.Invoke();
            if (CutAfter is { } method && context.MethodName == method)
            {
                CutAfter = null;
                Proxy!.Cut();
            }
        }
    }
}
