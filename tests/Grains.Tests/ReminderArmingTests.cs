using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A grain's reminder row is written only in the transaction of a write the grain makes anyway, and only when its time
/// moves: a billing change arms its recovery reminder with its intent and sets the reminder back with its commit, and
/// registering the row with the reminder service after the commit writes nothing more.
/// </summary>
public sealed class ReminderArmingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(ReminderArmingTests));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_a_seat_change_arms_its_recovery_with_its_intent_and_sets_the_renewal_back_with_its_commit_leaving_no_tick()
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

        // The purchase and each seat change: the recovery reminder with the intent, the renewal with the commit. Six
        // writes of the row, every one in a transaction that wrote the subscription's record, and none after the tick.
        Assert.Equal(1, afterPurchase);
        Assert.Equal(1, afterSeats);
        Assert.Equal("INSERT,UPDATE,UPDATE,UPDATE,UPDATE,UPDATE", writes);
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

        // A new subscription stores its intent first, with its recovery reminder in the same commit; its own commit sets
        // the reminder to the trial's end.
        var atTrialEnd = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%tx-acc/sub-1' AND start_time > now() + interval '5 days'");
        _cluster.Clock.Advance(TimeSpan.FromDays(40));
        await subscription.AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        var ended = await subscription.GetAsync(Billing.Ops);

        // The intent armed its recovery (an insert), the commit set the trial's end (an update), and the trial's end, a
        // wake-up that made it a free subscription wanting no wake-up, removed it (a delete): each write of the row in a
        // transaction that wrote the subscription's record.
        Assert.Equal(1, atTrialEnd);
        Assert.Equal(SubscriptionStatus.Free, ended.Subscription.Status);
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%tx-acc/sub-1'"));
        Assert.Equal("INSERT,UPDATE,DELETE", await OperationsAsync("tx-acc/sub-1"));
        Assert.Equal(0, await OutsideRecordWritesAsync("tx-acc/sub-1"));
    }

    /// <summary>Records every write of a reminder row and of a grain record with its transaction, by triggers on the test's database.</summary>
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
