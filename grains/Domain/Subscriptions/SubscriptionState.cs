using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>The state of one subscription, changed only by the decision functions of <see cref="Subscription"/>.</summary>
public sealed record SubscriptionState
{
    /// <summary>Subscription id.</summary>
    public required string Id { get; init; }

    /// <summary>Owning account id.</summary>
    public required string AccountId { get; init; }

    /// <summary>Catalog product id.</summary>
    public required string ProductId { get; init; }

    /// <summary>Catalog plan id.</summary>
    public required string PlanId { get; init; }

    /// <summary>Seats (licences) bought.</summary>
    public required int Seats { get; init; }

    /// <summary>Users holding a seat (SUB-5), in assignment order.</summary>
    public IReadOnlyList<string> AssignedUsers { get; init; } = [];

    /// <summary>Current billing frequency.</summary>
    public required BillingFrequency Frequency { get; init; }

    /// <summary>The product's billing model.</summary>
    public required BillingModel BillingModel { get; init; }

    /// <summary>Lifecycle state.</summary>
    public required SubscriptionStatus Status { get; init; }

    /// <summary>When the service started (sign-up, trial start or contract signature).</summary>
    public required DateTimeOffset ServiceStart { get; init; }

    /// <summary>Anniversary boundaries are computed from this instant (sign-up, or the last SUB-4 change).</summary>
    public required DateTimeOffset BillingAnchor { get; init; }

    /// <summary>The period being served (trial, free months, or the paid period).</summary>
    public BillingPeriod? CurrentPeriod { get; init; }

    /// <summary>True once the current period has been invoiced (false during a trial, free months or before the first calendar invoice).</summary>
    public bool PeriodInvoiced { get; init; }

    /// <summary>When the next period starts and is invoiced; null when nothing renews.</summary>
    public DateTimeOffset? NextRenewal { get; init; }

    /// <summary>End of the trial (SUB-1).</summary>
    public DateTimeOffset? TrialEnd { get; init; }

    /// <summary>Contract term in months, when the subscription has one.</summary>
    public int? ContractTermMonths { get; init; }

    /// <summary>Contract end date (service start + term).</summary>
    public DateTimeOffset? ContractEnd { get; init; }

    /// <summary>Nothing is billed before this instant (SUB-11).</summary>
    public DateTimeOffset? BillingStart { get; init; }

    /// <summary>Free months granted at signature (SUB-11).</summary>
    public int FreeMonths { get; init; }

    /// <summary>Frequency that takes effect at the next renewal (SUB-10).</summary>
    public BillingFrequency? PendingFrequency { get; init; }

    /// <summary>When a requested cancellation takes effect (SUB-6).</summary>
    public DateTimeOffset? CancellationEffectiveAt { get; init; }

    /// <summary>Service already invoiced up to this instant (remaining contract months billed at cancellation).</summary>
    public DateTimeOffset? PrepaidUntil { get; init; }

    /// <summary>When a limited subscription becomes suspended (SUB-9).</summary>
    public DateTimeOffset? GracePeriodEndsAt { get; init; }

    /// <summary>When the subscription became cancelled or expired (starts the ACC-8 retention clock).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Prorated calendar-model changes waiting for the next invoice (SUB-12).</summary>
    public IReadOnlyList<ChargeLine> DeferredCharges { get; init; } = [];

    /// <summary>The billing schedule of the subscription in the account's time zone.</summary>
    public BillingSchedule Schedule(TimeZoneInfo zone) => new(BillingModel, Frequency, BillingAnchor, zone);

    /// <summary>The reminders this state wants, derived from its dates.</summary>
    public IReadOnlyList<ReminderRequest> WantedReminders()
    {
        var reminders = new List<ReminderRequest>();
        if (Status == SubscriptionStatus.Trial && TrialEnd is { } trialEnd)
        {
            reminders.Add(new(ReminderRequest.TrialEnd, trialEnd));
        }

        if (Status is SubscriptionStatus.Active or SubscriptionStatus.Limited or SubscriptionStatus.PendingCancellation && NextRenewal is { } renewal)
        {
            reminders.Add(new(ReminderRequest.Renewal, renewal));
        }

        if (Status == SubscriptionStatus.PendingCancellation && CancellationEffectiveAt is { } effective)
        {
            reminders.Add(new(ReminderRequest.CancellationEffective, effective));
        }

        if (Status == SubscriptionStatus.Limited && GracePeriodEndsAt is { } graceEnd)
        {
            reminders.Add(new(ReminderRequest.GracePeriodEnd, graceEnd));
        }

        return reminders;
    }
}
