using Subscriptions.Domain.Lifecycles;
using static Subscriptions.Domain.Subscriptions.SubscriptionEvent;
using static Subscriptions.Domain.Subscriptions.SubscriptionStatus;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// The lifecycle of a subscription as data for the one engine (<see cref="LifecycleTable{TState, TEvent}"/>): every
/// (state, event) pair is either an allowed transition or a refusal carrying a rule id and a sentence for the customer.
/// Every decision consults it before it changes anything.
/// </summary>
public static class SubscriptionTransitions
{
    private static readonly SubscriptionEvent[] Changes = [PlanUpgraded, PlanDowngraded, SeatsAdded, SeatsRemoved, FrequencyChangeScheduled];

    /// <summary>The table.</summary>
    public static LifecycleTable<SubscriptionStatus, SubscriptionEvent> Table { get; } = new(
        [
            new(Trial, TrialEndedToFree, Free),
            new(Trial, TrialEndedToPaid, Active),
            new(Trial, TrialEndedUnpaid, Expired),
            new(Trial, UpgradedToPaid, Active),
            new(Trial, LicenceAssigned, Trial),
            new(Trial, LicenceUnassigned, Trial),
            new(Free, UpgradedToPaid, Active),
            new(Free, LicenceAssigned, Free),
            new(Free, LicenceUnassigned, Free),
            new(Free, CancellationRequested, Cancelled),
            new(Active, PlanUpgraded, Active),
            new(Active, PlanDowngraded, Active),
            new(Active, SeatsAdded, Active),
            new(Active, SeatsRemoved, Active),
            new(Active, LicenceAssigned, Active),
            new(Active, LicenceUnassigned, Active),
            new(Active, FrequencyChangeScheduled, Active),
            new(Active, Renewed, Active),
            new(Active, CancellationRequested, PendingCancellation),
            new(Active, RenewalOverdue, Limited),
            new(PendingCancellation, LicenceAssigned, PendingCancellation),
            new(PendingCancellation, LicenceUnassigned, PendingCancellation),
            new(PendingCancellation, Renewed, PendingCancellation),
            new(PendingCancellation, CancellationWithdrawn, Active),
            new(PendingCancellation, CancellationEffective, Cancelled),
            new(PendingCancellation, RenewalOverdue, PendingCancellation),
            new(Limited, SeatsRemoved, Limited),
            new(Limited, LicenceAssigned, Limited),
            new(Limited, LicenceUnassigned, Limited),
            new(Limited, Renewed, Limited),
            new(Limited, RenewalOverdue, Limited),
            new(Limited, GracePeriodElapsed, Suspended),
            new(Limited, OverdueSettled, Active),
            new(Suspended, RenewalOverdue, Suspended),
            new(Suspended, OverdueSettled, Active),
            new(Cancelled, Reactivated, Active),
            new(Expired, Reactivated, Active),
        ],
        BuildExplainedRefusals(),
        RuleOf,
        Verb,
        status => status.ToWireName(),
        subscriptionEvent => subscriptionEvent.ToWireName(),
        new LifecycleNaming("a subscription", "Subscription lifecycle", StateWidth: 22, EventWidth: 28));

    /// <summary>The SPEC rule that governs an event.</summary>
    private static string RuleOf(SubscriptionEvent subscriptionEvent) => subscriptionEvent switch
    {
        TrialEndedToFree or TrialEndedToPaid or TrialEndedUnpaid => Rules.Sub1,
        UpgradedToPaid => Rules.Sub2,
        Renewed => Rules.Sub3,
        PlanUpgraded or PlanDowngraded or SeatsAdded or SeatsRemoved => Rules.Sub4,
        LicenceAssigned or LicenceUnassigned => Rules.Sub5,
        CancellationRequested or CancellationWithdrawn or CancellationEffective => Rules.Sub6,
        Reactivated => Rules.Sub7,
        RenewalOverdue => Rules.Sub8,
        GracePeriodElapsed or OverdueSettled => Rules.Sub9,
        FrequencyChangeScheduled => Rules.Sub10,
        _ => throw new ArgumentOutOfRangeException(nameof(subscriptionEvent), subscriptionEvent, "Unknown subscription event."),
    };

    private static List<Refusal<SubscriptionStatus, SubscriptionEvent>> BuildExplainedRefusals()
    {
        var refusals = new List<Refusal<SubscriptionStatus, SubscriptionEvent>>
        {
            new(Trial, CancellationRequested, Rules.Sub1, "A trial needs no cancellation: it ends by itself on its trial end date."),
            new(Limited, CancellationRequested, Rules.Sub6, Cancellation.OverdueBalanceRefusal),
            new(Suspended, CancellationRequested, Rules.Sub6, Cancellation.OverdueBalanceRefusal),
            new(Suspended, Renewed, Rules.Sub9, "A suspended subscription is not renewed until the account's overdue balance is paid."),
        };
        foreach (var change in Changes)
        {
            refusals.Add(new(Trial, change, Rules.Sub1, "Buy the subscription (upgrade to paid) before changing its plan, seats or billing frequency."));
            refusals.Add(new(Free, change, Rules.Sub2, "Upgrade the free subscription to paid before changing its plan, seats or billing frequency."));
            refusals.Add(new(PendingCancellation, change, Rules.Sub6, "The subscription is pending cancellation: withdraw the cancellation before changing it."));
            refusals.Add(new(Cancelled, change, Rules.Sub7, "The subscription has ended: reactivate it before changing it."));
            refusals.Add(new(Expired, change, Rules.Sub7, "The subscription has ended: reactivate it before changing it."));
            refusals.Add(new(Suspended, change, Rules.Sub9, "The subscription is suspended for non-payment: pay the overdue balance to restore it."));
            if (change != SeatsRemoved)
            {
                refusals.Add(new(Limited, change, Rules.Sub8, "The subscription is limited because a renewal invoice is overdue: pay the overdue balance or contact support first."));
            }
        }

        foreach (var licence in new[] { LicenceAssigned, LicenceUnassigned })
        {
            refusals.Add(new(Suspended, licence, Rules.Sub9, "The subscription is suspended for non-payment: pay the overdue balance to restore it."));
            refusals.Add(new(Cancelled, licence, Rules.Sub7, "The subscription has ended: reactivate it before assigning licences."));
            refusals.Add(new(Expired, licence, Rules.Sub7, "The subscription has ended: reactivate it before assigning licences."));
        }

        return refusals;
    }

    private static string Verb(SubscriptionEvent subscriptionEvent) => subscriptionEvent switch
    {
        TrialEndedToFree or TrialEndedToPaid or TrialEndedUnpaid => "end the trial of",
        UpgradedToPaid => "upgrade to paid",
        PlanUpgraded => "upgrade the plan of",
        PlanDowngraded => "downgrade the plan of",
        SeatsAdded => "add seats to",
        SeatsRemoved => "remove seats from",
        LicenceAssigned => "assign a licence of",
        LicenceUnassigned => "unassign a licence of",
        FrequencyChangeScheduled => "change the billing frequency of",
        Renewed => "renew",
        CancellationRequested => "cancel",
        CancellationWithdrawn => "withdraw the cancellation of",
        CancellationEffective => "apply the cancellation of",
        Reactivated => "reactivate",
        RenewalOverdue => "mark as overdue",
        GracePeriodElapsed => "end the grace period of",
        OverdueSettled => "restore",
        _ => throw new ArgumentOutOfRangeException(nameof(subscriptionEvent), subscriptionEvent, "Unknown subscription event."),
    };
}
