using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class ReminderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset ClockStart = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Latches latches = new();
    private TestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await Clusters.StartAsync(nameof(ReminderTests), latches: latches);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task when_a_test_clock_advances_then_its_reminders_fire_in_due_order_each_seeing_its_due_time()
    {
        var clocks = cluster.Silos[0].TestClocks;
        await clocks.CreateAsync("sandbox-1", ClockStart);
        var alarm = cluster.Grains.GetGrain<IAlarmGrain>("a1");
        await alarm.BindAsync("sandbox-1");
        await alarm.ScheduleInAsync("daily", TimeSpan.FromHours(12), TimeSpan.FromDays(1));
        await alarm.ScheduleAsync("once", ClockStart.AddHours(30), null);

        var delivered = await cluster.Silos[0].Reminders.AdvanceClockAsync("sandbox-1", ClockStart.AddDays(3));

        Assert.Equal(4, delivered);
        var ticks = await alarm.GetTicksAsync();
        Assert.Equal(
            [("daily", ClockStart.AddHours(12)), ("once", ClockStart.AddHours(30)), ("daily", ClockStart.AddHours(36)), ("daily", ClockStart.AddHours(60))],
            ticks.Select(t => (t.Name, t.DueAt)));
        Assert.All(ticks, t => Assert.Equal(t.DueAt, t.SeenAt));
        var remaining = Assert.Single(await alarm.GetRemindersAsync());
        Assert.Equal(("daily", ClockStart.AddHours(84)), (remaining.Name, remaining.DueAt));
        Assert.Equal(ClockStart.AddDays(3), await clocks.GetTimeAsync("sandbox-1"));
    }

    [Fact]
    public async Task when_one_test_clock_advances_then_grains_on_other_clocks_are_untouched()
    {
        var clocks = cluster.Silos[0].TestClocks;
        await clocks.CreateAsync("sandbox-2", ClockStart);
        await clocks.CreateAsync("sandbox-3", ClockStart);
        var moved = cluster.Grains.GetGrain<IAlarmGrain>("moved");
        var still = cluster.Grains.GetGrain<IAlarmGrain>("still");
        var real = cluster.Grains.GetGrain<IAlarmGrain>("real-time");
        await moved.BindAsync("sandbox-2");
        await still.BindAsync("sandbox-3");
        await moved.ScheduleAsync("r", ClockStart.AddHours(1), null);
        await still.ScheduleAsync("r", ClockStart.AddHours(1), null);
        await real.ScheduleAsync("r", cluster.Clock.GetUtcNow().AddHours(1), null);

        await cluster.Silos[0].Reminders.AdvanceClockAsync("sandbox-2", ClockStart.AddDays(1));

        Assert.Single(await moved.GetTicksAsync());
        Assert.Empty(await still.GetTicksAsync());
        Assert.Empty(await real.GetTicksAsync());
        Assert.Equal(ClockStart, await clocks.GetTimeAsync("sandbox-3"));
    }

    [Fact]
    public async Task when_a_one_shot_reminder_fires_then_it_is_removed_and_a_periodic_one_is_rescheduled()
    {
        var alarm = cluster.Grains.GetGrain<IAlarmGrain>("system-clock");
        var now = cluster.Clock.GetUtcNow();
        await alarm.ScheduleInAsync("once", TimeSpan.FromMinutes(5), null);
        await alarm.ScheduleInAsync("hourly", TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));

        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
        cluster.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, await cluster.Silos[0].Reminders.PollOnceAsync());

        var remaining = Assert.Single(await alarm.GetRemindersAsync());
        Assert.Equal(("hourly", now.AddMinutes(70)), (remaining.Name, remaining.DueAt));
        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
    }

    [Fact]
    public async Task when_a_reminder_is_unregistered_then_it_never_fires()
    {
        var alarm = cluster.Grains.GetGrain<IAlarmGrain>("unregistered");
        await alarm.ScheduleInAsync("later", TimeSpan.FromMinutes(5), null);
        await alarm.CancelAsync("later");

        cluster.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
        Assert.Empty(await alarm.GetTicksAsync());
    }

    [Fact]
    public async Task when_reminders_came_due_while_no_silo_ran_then_each_fires_once_at_start_up_not_once_per_missed_period()
    {
        var alarm = cluster.Grains.GetGrain<IAlarmGrain>("missed");
        var start = cluster.Clock.GetUtcNow();
        await alarm.ScheduleInAsync("hourly", TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        await alarm.ScheduleInAsync("once", TimeSpan.FromHours(2), null);
        await cluster.StopAllAsync();

        cluster.Clock.Advance(TimeSpan.FromHours(10.5));
        await cluster.StartSiloAsync();

        Assert.Equal(2, await cluster.Silos[0].Reminders.PollOnceAsync());
        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
        alarm = cluster.Grains.GetGrain<IAlarmGrain>("missed");
        Assert.Equal(["hourly", "once"], (await alarm.GetTicksAsync()).Select(t => t.Name).Order());
        var next = Assert.Single(await alarm.GetRemindersAsync());
        Assert.Equal(start.AddHours(11), next.DueAt);
    }

    [Fact]
    public async Task when_a_reminder_turn_fails_then_the_reminder_stays_due_and_is_delivered_again_after_its_lease()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("flaky");
        await grain.RegisterReminderAsync("tick", TimeSpan.FromMinutes(1), null);
        await cluster.Database.ScalarAsync<int>("ALTER TABLE grain_state ADD CONSTRAINT no_big_counts CHECK ((state->>'count')::int < 1)");
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
        await cluster.Database.ScalarAsync<int>("ALTER TABLE grain_state DROP CONSTRAINT no_big_counts");
        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
        cluster.Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(1, await cluster.Silos[0].Reminders.PollOnceAsync());

        Assert.Equal(1, await grain.GetAsync());
        Assert.Empty(await cluster.Silos[0].Storage.ReadRemindersAsync(new GrainId("counter", "flaky"), default));
    }

    [Fact]
    public async Task when_a_tick_fails_after_its_turn_called_another_grain_then_its_redelivery_does_not_apply_that_call_twice()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("forwarder");
        await grain.RegisterReminderAsync("forward:target", TimeSpan.FromMinutes(1), null);
        latches.FailOnce();
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await cluster.Silos[0].Reminders.PollOnceAsync());
        cluster.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await cluster.Silos[0].Reminders.PollOnceAsync());

        Assert.Equal(1, await cluster.Grains.GetGrain<ICounterGrain>("target").GetAsync());
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM grain_requests WHERE grain_key = 'forwarder'"));
    }
}
