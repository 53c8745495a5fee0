using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using HistoryEntry = Subscriptions.Grains.Ops.HistoryEntry;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// The business counters are derived from what a change committed — its history entries and notifications — and its
/// cause; these cases feed <see cref="BillingMetrics"/> the rows the grains commit and read what it measured.
/// </summary>
public sealed class BillingMetricsTests : IDisposable
{
    private static readonly TurnCause RenewalWakeUp = new(TurnCause.ReminderKind, ReminderRequest.Renewal, TurnCause.ReminderKind, "renewal@2026-04-01T00:00:00.0000000Z");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measured = new();
    private readonly BillingMetrics _metrics;

    public BillingMetricsTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new BillingMetrics(meters);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void a_committed_renewal_counts_one_renewal_and_the_account_s_invoice_it_asked_for_counts_as_a_renewal_invoice()
    {
        _metrics.Committed("subscription", RenewalWakeUp, sandbox: false, [History(RenewalWakeUp, SubscriptionEvent.Renewed.ToWireName())], []);
        var nested = RenewalWakeUp with { Name = "IssueInvoiceAsync", Kind = TurnCause.CallKind, RequestId = $"{RenewalWakeUp.RequestId}>subscription/acme-1/sub-1#1" };
        _metrics.Committed("account", nested, sandbox: false, [History(nested, "invoice_issued")], [Notification(InvoiceIssued.Kind)]);

        Assert.Equal(
            [("subscriptions.renewals", 1d, "sandbox=False"), ("subscriptions.invoices.issued", 1d, "kind=renewal,sandbox=False")],
            Measured());
    }

    [Fact]
    public void payment_outcomes_come_from_an_invoice_s_history_and_dunning_transitions_from_a_subscription_s_notices()
    {
        var payment = new TurnCause(TurnCause.CallKind, "PayAsync", "holder-1", "req-1");
        _metrics.Committed("invoice", payment, sandbox: true,
            [History(payment, InvoiceEvent.PaymentDeclined.ToWireName()), History(payment, InvoiceEvent.FellOverdue.ToWireName())], [Notification(InvoiceNotice.PaymentFailed)]);
        _metrics.Committed("invoice", payment, sandbox: true, [History(payment, InvoiceEvent.PaidInFull.ToWireName())], [Notification(InvoiceNotice.Receipt)]);
        _metrics.Committed("subscription", payment, sandbox: true, [History(payment, SubscriptionEvent.OverdueSettled.ToWireName())], [Notification(SubscriptionNotice.Restored)]);

        Assert.Equal(
            [
                ("subscriptions.payments", 1d, "outcome=declined,sandbox=True"),
                ("subscriptions.payments", 1d, "outcome=paid,sandbox=True"),
                ("subscriptions.dunning.transitions", 1d, "to=restored,sandbox=True"),
            ],
            Measured());
    }

    [Theory]
    [InlineData("reminder", "renewal@2026-04-01T00:00:00.0000000Z>subscription/acme-1/sub-1#1", "renewal")]
    [InlineData("reminder", "trial-end@2026-04-01T00:00:00.0000000Z>subscription/acme-1/sub-1#2", "trial-end")]
    [InlineData("holder-1", "req-7>subscription/acme-1/sub-1#1", "subscription-change")]
    [InlineData("ops-1", "req-9>order/acme-1/O-000001:invoice", "order")]
    [InlineData("reminder", "fulfil@2026-04-01T00:00:00.0000000Z>order/acme-1/O-000001:invoice", "order")]
    [InlineData("holder-1", "req-3", "other")]
    public void the_kind_of_an_issued_invoice_is_what_asked_for_it_read_from_the_nested_request_id(string caller, string requestId, string kind) =>
        Assert.Equal(kind, BillingMetrics.InvoiceKind(new TurnCause(TurnCause.CallKind, "IssueInvoiceAsync", caller, requestId)));

    [Fact]
    public void a_reminder_tick_records_its_lag_only_when_it_finds_an_event_due()
    {
        var due = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

        _metrics.ReminderTicked("subscription", ReminderRequest.Renewal, due, due.AddSeconds(90));
        _metrics.ReminderTicked("subscription", ReminderRequest.Renewal, due, due.AddSeconds(-5));
        _metrics.ReminderTicked("invoice", null, null, due);

        Assert.Equal([("subscriptions.reminders.lag", 90d, "grain=subscription,event=renewal")], Measured());
    }

    [Fact]
    public void deliveries_count_by_sink_and_outcome_and_a_dead_letter_counts_once_more_as_such()
    {
        var committed = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

        _metrics.Failed("webhook:portal", dead: false);
        _metrics.Failed("webhook:portal", dead: true);
        _metrics.Delivered("log", committed, committed.AddSeconds(2));

        Assert.Equal(
            [
                ("subscriptions.notifications.deliveries", 1d, "sink=webhook:portal,outcome=retried"),
                ("subscriptions.notifications.deliveries", 1d, "sink=webhook:portal,outcome=dead"),
                ("subscriptions.notifications.dead_letters", 1d, "sink=webhook:portal"),
                ("subscriptions.notifications.deliveries", 1d, "sink=log,outcome=delivered"),
                ("subscriptions.notifications.handoff_lag", 2d, "sink=log"),
            ],
            Measured());
    }

    private static HistoryEntry History(TurnCause cause, string change) => new(1, 1, DateTimeOffset.UnixEpoch, cause, change, null, null, null);

    private static PendingNotification Notification(string kind) => new(1, 1, kind, "{}", DateTimeOffset.UnixEpoch);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measured.Enqueue((instrument.Name, value, copy));
    }

    private List<(string, double, string)> Measured() =>
        [.. _measured.Select(m => (m.Instrument, m.Value, string.Join(',', m.Tags.Select(t => $"{t.Key}={t.Value}"))))];
}
