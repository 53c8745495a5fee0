using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A reminder row committed with a change is told to Orleans' reminder service only when the service would hold it in
/// memory: a wake-up further off than its loading window lives in the table alone, as a registered one would, until one
/// of the service's reads brings it within the window. A wake-up within the window, or one replacing such a wake-up,
/// is registered.
/// </summary>
public sealed class ReminderRegistrationTests : IAsyncLifetime
{
    private readonly Registrations _registrations = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(ReminderRegistrationTests), services: s => s.AddSingleton<IIncomingGrainCallFilter>(_registrations));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_a_purchase_commits_its_renewal_and_its_invoices_due_date_reminder_rows_and_asks_the_reminder_service_nothing()
    {
        await _cluster.Grains.OpenAccountAsync("far-acc", autopay: false);

        var before = _registrations.Count;
        var bought = await _cluster.Grains.BuyAsync("far-acc", "sub-1");

        // The renewal a month ahead and the invoice's due date 15 days ahead: both rows stored, neither registered.
        var subscription = SubscriptionKey.Of("far-acc", "sub-1");
        var invoice = InvoiceKey.Of("far-acc", bought.IssuedInvoiceNumber!);
        Assert.Equal(0, _registrations.Count - before);
        Assert.Equal(1, await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id = 'subscription/' || $1 AND start_time > now() + interval '20 days'", subscription));
        Assert.Equal(1, await _cluster.CountAsync("SELECT count(*) FROM public.orleans_reminders WHERE grain_id = 'invoice/' || $1 AND start_time > now() + interval '10 days'", invoice));
    }

    [Fact]
    public async Task SUB_3_a_wake_up_moved_within_the_loading_window_is_registered_and_so_is_its_move_back_out()
    {
        await _cluster.Grains.OpenAccountAsync("near-acc");
        await _cluster.Grains.BuyAsync("near-acc", "sub-1");
        var correction = _cluster.Grains.GetGrain<IWakeUpCorrectionGrain>(Orleans.Runtime.GrainId.Create(SubscriptionGrain.TypeName, SubscriptionKey.Of("near-acc", "sub-1")));
        var window = _cluster.SiloService<GrainServices>().ReminderLoadingWindow;
        var now = _cluster.Clock.GetUtcNow();

        var before = _registrations.Count;
        await correction.RescheduleWakeUpAsync(now + (window / 2), "a renewal looked at sooner");
        var near = _registrations.Count - before;
        await correction.RescheduleWakeUpAsync(now + TimeSpan.FromDays(20), "back to later");
        var back = _registrations.Count - before - near;
        await correction.RescheduleWakeUpAsync(now + TimeSpan.FromDays(25), "later still");
        var farther = _registrations.Count - before - near - back;

        Assert.True(window > TimeSpan.Zero && window < TimeSpan.FromDays(1), $"loading window {window}");
        Assert.Equal((1, 1, 0), (near, back, farther));
    }

    /// <summary>Counts the registrations the reminder service is asked for (<c>RegisterOrUpdateReminder</c>).</summary>
    private sealed class Registrations : IIncomingGrainCallFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == "RegisterOrUpdateReminder")
            {
                Interlocked.Increment(ref _count);
            }

            return context.Invoke();
        }
    }
}
