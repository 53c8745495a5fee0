using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A grain's reminder row is written only in the transaction of the change that moves its time, and registering the row
/// with the reminder service after the commit writes nothing more; a billing change's intent is stored by its first
/// nested change's transaction and deleted by its own.
/// </summary>
public sealed class ChangeTransactionTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(ChangeTransactionTests));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_seat_changes_write_no_reminder_row_and_a_tick_that_finds_nothing_due_writes_none_either()
    {
        await WatchWritesAsync();
        await _cluster.Grains.OpenAccountAsync("arm-acc");
        var bought = await _cluster.Grains.BuyAsync("arm-acc", "sub-1");
        var subscription = _cluster.Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("arm-acc", "sub-1"));
        var afterPurchase = await AtRenewalAsync();

        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-1"))
        {
            await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-2"))
        {
            await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        var afterSeats = await AtRenewalAsync();
        var writes = await OperationsAsync("arm-acc/sub-1");

        // A tick now (as a late recovery tick would come) finds nothing due; setting the reminder to the renewal it
        // already holds writes nothing.
        await subscription.AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));

        // The purchase armed the renewal in its commit (an insert); the seat changes, which leave the renewal where it
        // is, wrote nothing (their intents went with the account's invoices), and neither did the tick.
        Assert.Equal(1, afterPurchase);
        Assert.Equal(1, afterSeats);
        Assert.Equal("INSERT", writes);
        Assert.Equal(writes, await OperationsAsync("arm-acc/sub-1"));
        Assert.Equal(0, await OutsideRecordWritesAsync("arm-acc/sub-1"));
        Assert.Equal(3, (await subscription.GetAsync(Billing.Ops)).Subscription.Seats);
        Assert.NotNull(bought.IssuedInvoiceNumber);
    }

    [Fact]
    public async Task SUB_1_the_reminder_row_a_change_moves_is_written_in_that_change_s_transaction_and_nowhere_else()
    {
        await WatchWritesAsync();
        await _cluster.Grains.OpenAccountAsync("tx-acc");
        var subscription = _cluster.Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("tx-acc", "sub-1"));
        using (CallContext.Enter(Billing.Ops.SubjectId, "trial-1"))
        {
            await subscription.StartTrialAsync(Billing.Ops, new StartTrial("sub-1", "tx-acc", "central", "basic", 1, BillingFrequency.Monthly), null);
        }

        // A new subscription's commit arms the trial's end.
        var atTrialEnd = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%tx-acc/sub-1' AND start_time > now() + interval '5 days'");
        _cluster.Clock.Advance(TimeSpan.FromDays(40));
        await subscription.AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        var ended = await subscription.GetAsync(Billing.Ops);

        // The trial armed its end (an insert), and the trial's end, a wake-up that made it a free subscription wanting no
        // wake-up, removed it (a delete): each write of the row in a transaction that wrote the subscription's record.
        Assert.Equal(1, atTrialEnd);
        Assert.Equal(SubscriptionStatus.Free, ended.Subscription.Status);
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%tx-acc/sub-1'"));
        Assert.Equal("INSERT,DELETE", await OperationsAsync("tx-acc/sub-1"));
        Assert.Equal(0, await OutsideRecordWritesAsync("tx-acc/sub-1"));
    }

    [Fact]
    public async Task SUB_4_a_seat_change_writes_its_record_once_and_its_intent_goes_with_the_account_s_invoice()
    {
        await WatchWritesAsync();
        await _cluster.Grains.OpenAccountAsync("carry-acc");
        await _cluster.Grains.BuyAsync("carry-acc", "sub-1");
        var subscription = _cluster.Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("carry-acc", "sub-1"));
        await using (var reset = _cluster.DataSource.CreateCommand("TRUNCATE record_writes; TRUNCATE intent_writes"))
        {
            await reset.ExecuteNonQueryAsync();
        }

        SubscriptionView added;
        using (CallContext.Enter(Billing.Ops.SubjectId, "carry-seats"))
        {
            added = await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        // The subscription's record is written once, by its own commit; its intent was inserted by the account's commit
        // (the invoice) and deleted by the subscription's, and nothing else wrote it.
        Assert.Equal(2, added.Subscription.Seats);
        Assert.Equal(1, await _cluster.CountAsync("SELECT count(*) FROM record_writes WHERE grain_key = 'carry-acc/sub-1'"));
        Assert.Equal("INSERT,DELETE", await _cluster.TextAsync("SELECT string_agg(op, ',' ORDER BY id) FROM intent_writes WHERE grain_key = 'carry-acc/sub-1'"));
        Assert.Equal(1, await _cluster.CountAsync(
            """
            SELECT count(*) FROM intent_writes i JOIN record_writes r ON r.txid = i.txid
             WHERE i.grain_key = 'carry-acc/sub-1' AND i.op = 'INSERT' AND r.grain_key = 'carry-acc'
            """));
        Assert.Equal(1, await _cluster.CountAsync(
            """
            SELECT count(*) FROM intent_writes i JOIN record_writes r ON r.txid = i.txid
             WHERE i.grain_key = 'carry-acc/sub-1' AND i.op = 'DELETE' AND r.grain_key = 'carry-acc/sub-1'
            """));
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.pending_intents"));
    }

    [Fact]
    public async Task SUB_3_a_purchase_is_added_to_its_account_by_the_change_that_issues_its_invoice()
    {
        await _cluster.Grains.OpenAccountAsync("buy-acc");
        var bought = await _cluster.Grains.BuyAsync("buy-acc", "sub-1");
        var history = (await _cluster.Grains.GetGrain<IAccountGrain>("buy-acc").AsReference<IInspectableGrain>().InspectAsync()).History;

        // One change of the account issued the invoice and listed the subscription: the same version, the same cause.
        var issued = Assert.Single(history, h => h.Change == "invoice_issued");
        var listed = Assert.Single(history, h => h.Change == "subscription");
        Assert.Equal(bought.IssuedInvoiceNumber, issued.To);
        Assert.Equal("sub-1", listed.To);
        Assert.Equal(issued.Version, listed.Version);
        Assert.Equal(nameof(IAccountLedgerGrain.IssueInvoiceAsync), listed.Cause.Name);
        Assert.Contains("sub-1", (await _cluster.Grains.GetGrain<IAccountGrain>("buy-acc").GetAsync(Billing.Ops)).SubscriptionIds);
    }

    [Fact]
    public async Task INV_6_an_autopay_due_at_issue_is_charged_by_the_invoice_at_once_its_reminder_row_written_and_removed_only_by_its_commits()
    {
        // A reminder tick would come an hour after the invoice was taken: the charge cannot be waiting for one.
        var options = _cluster.SiloService<GrainRecordOptions>();
        var delay = options.MinimumWakeDelay;
        options.MinimumWakeDelay = TimeSpan.FromHours(1);
        try
        {
            await WatchWritesAsync();
            await _cluster.Grains.OpenAccountAsync("now-acc");
            var number = (await _cluster.Grains.BuyAsync("now-acc", "sub-1")).IssuedInvoiceNumber!;
            var key = InvoiceKey.Of("now-acc", number);
            var invoice = _cluster.Grains.GetGrain<IInvoiceGrain>(key);
            var status = (await invoice.GetAsync()).Status;
            for (var polls = 0; status != InvoiceStatus.Paid && polls < 600; polls++)
            {
                await Task.Delay(50);
                status = (await invoice.GetAsync()).Status;
            }

            // Taking the invoice wrote its autopay's reminder row with its record (the safety net, an hour ahead); the
            // payment's commit removed it. Nothing else wrote the row, and no row is left.
            Assert.Equal(InvoiceStatus.Paid, status);
            Assert.Equal("INSERT,DELETE", await OperationsAsync(key));
            Assert.Equal(0, await OutsideRecordWritesAsync(key));
            Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%' || $1", key));
            Assert.Equal(1, await _cluster.CountAsync("SELECT count(*) FROM public.payment_simulator_charges WHERE invoice_key = $1", key));
        }
        finally
        {
            options.MinimumWakeDelay = delay;
        }
    }

    /// <summary>Records every write of a reminder row, a grain record and a stored intent with its transaction, by triggers on the test's database.</summary>
    private async Task WatchWritesAsync()
    {
        await using var command = _cluster.DataSource.CreateCommand(
            """
            CREATE TABLE IF NOT EXISTS reminder_writes (id bigserial, txid xid8, grain_id text, op text);
            CREATE TABLE IF NOT EXISTS record_writes (txid xid8, grain_key text);
            CREATE OR REPLACE FUNCTION watch_reminders() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                INSERT INTO reminder_writes (txid, grain_id, op) VALUES (pg_current_xact_id(), COALESCE(NEW.grain_id, OLD.grain_id), TG_OP);
                RETURN NULL;
            END $f$;
            CREATE OR REPLACE FUNCTION watch_records() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                INSERT INTO record_writes (txid, grain_key) VALUES (pg_current_xact_id(), NEW.grain_key);
                RETURN NULL;
            END $f$;
            CREATE OR REPLACE TRIGGER watch_reminders AFTER INSERT OR UPDATE OR DELETE ON public.orleans_reminders FOR EACH ROW EXECUTE FUNCTION watch_reminders();
            CREATE OR REPLACE TRIGGER watch_records AFTER INSERT OR UPDATE ON public.grain_records FOR EACH ROW EXECUTE FUNCTION watch_records();
            CREATE TABLE IF NOT EXISTS intent_writes (id bigserial, txid xid8, grain_key text, op text);
            CREATE OR REPLACE FUNCTION watch_intents() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                INSERT INTO intent_writes (txid, grain_key, op) VALUES (pg_current_xact_id(), COALESCE(NEW.grain_key, OLD.grain_key), TG_OP);
                RETURN NULL;
            END $f$;
            CREATE OR REPLACE TRIGGER watch_intents AFTER INSERT OR DELETE ON public.pending_intents FOR EACH ROW EXECUTE FUNCTION watch_intents();
            """);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> OperationsAsync(string grainKey)
    {
        await using var command = _cluster.DataSource.CreateCommand("SELECT string_agg(op, ',' ORDER BY id) FROM reminder_writes WHERE grain_id LIKE '%' || $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = grainKey });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Writes of the grain's reminder row in a transaction that did not write its record.</summary>
    private Task<long> OutsideRecordWritesAsync(string grainKey) => _cluster.CountAsync(
        """
        SELECT count(*) FROM reminder_writes w
         WHERE w.grain_id LIKE '%' || $1
           AND NOT EXISTS (SELECT 1 FROM record_writes r WHERE r.txid = w.txid AND r.grain_key = $1)
        """, grainKey);

    private Task<long> AtRenewalAsync() => _cluster.CountAsync(
        "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1' AND start_time > now() + interval '20 days'");
}
