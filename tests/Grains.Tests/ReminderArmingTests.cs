using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A grain's reminder row is written once per change at most, and only when its time moves: billing changes within the
/// intent recovery delay share one recovery reminder, whose tick then sets the reminder back to the renewal. The row a
/// change moves is written in the change's own transaction, and registering it with the reminder service after the
/// commit writes nothing more.
/// </summary>
public sealed class ReminderArmingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(ReminderArmingTests));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_seat_changes_within_the_recovery_delay_write_no_reminder_and_its_tick_sets_it_back_to_the_renewal()
    {
        await _cluster.Grains.OpenAccountAsync("arm-acc");
        var bought = await _cluster.Grains.BuyAsync("arm-acc", "sub-1");
        var subscription = _cluster.Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("arm-acc", "sub-1"));
        var afterPurchase = await ReminderVersionAsync();

        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-1"))
        {
            await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-2"))
        {
            await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        var afterSeats = await ReminderVersionAsync();
        var recoverySoon = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1' AND start_time <= now() + interval '20 seconds'");
        await subscription.AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        var afterTick = await ReminderVersionAsync();
        var atRenewal = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1' AND start_time > now() + interval '20 days'");

        // The purchase armed its recovery reminder; both seat changes came within its delay and wrote none.
        Assert.Equal(afterPurchase, afterSeats);
        Assert.Equal(1, recoverySoon);
        Assert.Equal(afterSeats + 1, afterTick);
        Assert.Equal(1, atRenewal);
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

        // A new subscription stores its intent first, with its recovery reminder in the same commit.
        var recoverySoon = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%tx-acc/sub-1' AND start_time <= now() + interval '20 seconds'");
        _cluster.Clock.Advance(TimeSpan.FromDays(40));
        await subscription.AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        var ended = await subscription.GetAsync(Billing.Ops);

        // The intent armed its recovery (an insert); the trial's end, a wake-up that made it a free subscription wanting
        // no wake-up, removed it (a delete): two writes of the row, each in a transaction that wrote the subscription's record.
        Assert.Equal(1, recoverySoon);
        Assert.Equal(SubscriptionStatus.Free, ended.Subscription.Status);
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%tx-acc/sub-1'"));
        Assert.Equal("INSERT,DELETE", await OperationsAsync("tx-acc/sub-1"));
        Assert.Equal(0, await _cluster.CountAsync(
            """
            SELECT count(*) FROM reminder_writes w
             WHERE w.grain_id LIKE '%tx-acc/sub-1'
               AND NOT EXISTS (SELECT 1 FROM record_writes r WHERE r.txid = w.txid AND r.grain_key = 'tx-acc/sub-1')
            """));
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

    private Task<long> ReminderVersionAsync() =>
        _cluster.CountAsync("SELECT version FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1'");
}
