using System.Diagnostics.Metrics;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using HistoryEntry = Subscriptions.Grains.Ops.HistoryEntry;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// The service's business measurements, on the one meter <see cref="MeterName"/> (docs/observability.md lists every
/// instrument, its unit and tags). The grains' counters are derived from what a change committed — its history entries
/// and notifications — in one place (<see cref="Committed"/>), so a change that throws, fails its write or is answered
/// from a stored answer counts nothing, and a change finished later by the service counts once, when it commits. The
/// notification sender records hand-off lag, deliveries and dead letters. Every tag value comes from a fixed set.
/// </summary>
public sealed class BillingMetrics
{
    /// <summary>The name of the service's meter.</summary>
    public const string MeterName = "Subscriptions";

    /// <summary>Bucket boundaries, in seconds, of the lag histograms: from a tenth of a second to a day.</summary>
    public static readonly IReadOnlyList<double> LagBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400];

    private static readonly string Renewed = SubscriptionEvent.Renewed.ToWireName();
    private static readonly Dictionary<string, string> PaymentOutcomes = new(StringComparer.Ordinal)
    {
        [InvoiceEvent.PaidInFull.ToWireName()] = "paid",
        [InvoiceEvent.PaidInPart.ToWireName()] = "paid-in-part",
        [InvoiceEvent.PaymentDeclined.ToWireName()] = "declined",
        [InvoiceEvent.AuthenticationRequired.ToWireName()] = "requires-action",
        [InvoiceEvent.AuthenticationAbandoned.ToWireName()] = "abandoned",
    };

    private static readonly Dictionary<string, string> DunningNotices = new(StringComparer.Ordinal)
    {
        [SubscriptionNotice.Limited] = "limited",
        [SubscriptionNotice.Suspended] = "suspended",
        [SubscriptionNotice.Restored] = "restored",
    };

    private readonly Counter<long> _renewals;
    private readonly Counter<long> _invoicesIssued;
    private readonly Counter<long> _payments;
    private readonly Counter<long> _dunning;
    private readonly Histogram<double> _reminderLag;
    private readonly Histogram<double> _handOffLag;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _deadLetters;

    /// <summary>Creates the instruments on the meter <see cref="MeterName"/> of <paramref name="meters"/>.</summary>
    public BillingMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        var lag = new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets };
        _renewals = meter.CreateCounter<long>("subscriptions.renewals", "{renewal}", "Subscription periods renewed (and invoiced), committed.");
        _invoicesIssued = meter.CreateCounter<long>("subscriptions.invoices.issued", "{invoice}", "Invoices issued by accounts, by what asked for them.");
        _payments = meter.CreateCounter<long>("subscriptions.payments", "{payment}", "Payment outcomes recorded on invoices (a payment that needs authentication counts again when it settles).");
        _dunning = meter.CreateCounter<long>("subscriptions.dunning.transitions", "{transition}", "Subscriptions limited, suspended or restored by dunning.");
        _reminderLag = meter.CreateHistogram("subscriptions.reminders.lag", "s", "How late a reminder tick came after the event it found due (real clock only).", advice: lag);
        _handOffLag = meter.CreateHistogram("subscriptions.notifications.handoff_lag", "s", "From a notification's commit to its delivery to a sink.", advice: lag);
        _deliveries = meter.CreateCounter<long>("subscriptions.notifications.deliveries", "{attempt}", "Notification delivery attempts by sink and outcome.");
        _deadLetters = meter.CreateCounter<long>("subscriptions.notifications.dead_letters", "{notification}", "Notifications dead-lettered after their last attempt.");
    }

    /// <summary>
    /// Counts what one committed change of a <paramref name="grainType"/> grain produced: renewals from its history,
    /// payment outcomes from an invoice's history, issued invoices and dunning transitions from its notifications.
    /// </summary>
    public void Committed(string grainType, TurnCause cause, bool sandbox, IReadOnlyList<HistoryEntry> history, IReadOnlyList<PendingNotification> notifications)
    {
        ArgumentNullException.ThrowIfNull(cause);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(notifications);
        var sandboxTag = new KeyValuePair<string, object?>("sandbox", sandbox);
        foreach (var entry in history)
        {
            if (grainType == "subscription" && entry.Change == Renewed)
            {
                _renewals.Add(1, sandboxTag);
            }
            else if (grainType == "invoice" && PaymentOutcomes.TryGetValue(entry.Change, out var outcome))
            {
                _payments.Add(1, new KeyValuePair<string, object?>("outcome", outcome), sandboxTag);
            }
        }

        foreach (var notification in notifications)
        {
            if (notification.Kind == InvoiceIssued.Kind)
            {
                _invoicesIssued.Add(1, new KeyValuePair<string, object?>("kind", InvoiceKind(cause)), sandboxTag);
            }
            else if (DunningNotices.TryGetValue(notification.Kind, out var to))
            {
                _dunning.Add(1, new KeyValuePair<string, object?>("to", to), sandboxTag);
            }
        }
    }

    /// <summary>
    /// Records how late a reminder tick at <paramref name="tickAt"/> came for the event due at <paramref name="dueAt"/>;
    /// nothing when no event was due yet (an early tick, or one armed for a change's recovery).
    /// </summary>
    public void ReminderTicked(string grainType, string? eventName, DateTimeOffset? dueAt, DateTimeOffset tickAt)
    {
        if (dueAt is { } due && due <= tickAt)
        {
            _reminderLag.Record((tickAt - due).TotalSeconds, new("grain", grainType), new("event", eventName ?? "none"));
        }
    }

    /// <summary>Records one delivery attempt of a notification committed at <paramref name="createdAt"/> to <paramref name="sink"/>.</summary>
    public void Delivered(string sink, DateTimeOffset createdAt, DateTimeOffset deliveredAt)
    {
        var sinkTag = new KeyValuePair<string, object?>("sink", sink);
        _deliveries.Add(1, sinkTag, new("outcome", "delivered"));
        _handOffLag.Record(Math.Max(0, (deliveredAt - createdAt).TotalSeconds), sinkTag);
    }

    /// <summary>Records a failed delivery attempt to <paramref name="sink"/>: retried later, or <paramref name="dead"/>-lettered.</summary>
    public void Failed(string sink, bool dead)
    {
        var sinkTag = new KeyValuePair<string, object?>("sink", sink);
        _deliveries.Add(1, sinkTag, new("outcome", dead ? "dead" : "retried"));
        if (dead)
        {
            _deadLetters.Add(1, sinkTag);
        }
    }

    /// <summary>
    /// What asked for an invoice, read from the issuing change's nested request id ("&lt;id&gt;&gt;&lt;grain&gt;#n",
    /// docs/runtime.md "Idempotency"): a service order; a subscription's wake-up (its event: "renewal", "trial-end"…); or
    /// a subscription change called through the API ("subscription-change").
    /// </summary>
    internal static string InvoiceKind(TurnCause cause)
    {
        var requestId = cause.RequestId;
        var nested = requestId?.LastIndexOf('>') ?? -1;
        if (requestId is null || nested < 0)
        {
            return "other";
        }

        var asker = requestId.AsSpan(nested + 1);
        var slash = asker.IndexOf('/');
        var askerType = slash < 0 ? asker : asker[..slash];
        if (askerType.SequenceEqual("order"))
        {
            return "order";
        }

        if (!askerType.SequenceEqual("subscription"))
        {
            return "other";
        }

        if (cause.Caller != TurnCause.ReminderKind)
        {
            return "subscription-change";
        }

        // A wake-up's request id is "<event>@<due time>" (RecordedGrain.ChangeOnWakeAsync).
        var at = requestId.IndexOf('@', StringComparison.Ordinal);
        var eventName = at < 0 ? "" : requestId[..at];
        return eventName switch
        {
            ReminderRequest.Renewal or ReminderRequest.TrialEnd or ReminderRequest.CancellationEffective or ReminderRequest.GracePeriodEnd => eventName,
            _ => "subscription-wake-up",
        };
    }
}
