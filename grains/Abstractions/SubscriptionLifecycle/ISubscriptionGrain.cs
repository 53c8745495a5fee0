using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// One subscription (SPEC §2), keyed by <see cref="SubscriptionKey.Of"/>. Commands take the acting <see cref="Actor"/>;
/// the grain maps it to the domain's caller authority through the account's members (ACC-2). Renewals, trial ends and
/// cancellation dates are driven by reminders on the account's clock (its test clock for a sandbox account, CLOCK-1).
/// </summary>
[Alias("subscriptions.subscription")]
public interface ISubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Starts a trial (SUB-1); <paramref name="currency"/>, when given, must be the account's currency.</summary>
    Task<SubscriptionView> StartTrialAsync(Actor actor, StartTrial command, string? currency, CancellationToken cancellationToken = default);

    /// <summary>Buys a product and invoices its first period when billing starts now (SUB-3, SUB-11, SUB-12).</summary>
    Task<SubscriptionView> CreateAsync(Actor actor, CreatePaid command, string? currency, CancellationToken cancellationToken = default);

    /// <summary>Reads the subscription; the actor needs read access to the account (ACC-2).</summary>
    Task<SubscriptionView> GetAsync(Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Buys a trial or free subscription (SUB-2).</summary>
    Task<SubscriptionView> UpgradeToPaidAsync(Actor actor, UpgradeToPaid command, CancellationToken cancellationToken = default);

    /// <summary>Moves to another plan of the product: a higher rank is an upgrade, a lower one a downgrade (SUB-4).</summary>
    Task<SubscriptionView> ChangePlanAsync(Actor actor, ChangePlan command, CancellationToken cancellationToken = default);

    /// <summary>Adds seats with proration (SUB-4).</summary>
    Task<SubscriptionView> AddSeatsAsync(Actor actor, AddSeats command, CancellationToken cancellationToken = default);

    /// <summary>Removes seats; the prorated difference is credited to the account balance (SUB-4).</summary>
    Task<SubscriptionView> RemoveSeatsAsync(Actor actor, RemoveSeats command, CancellationToken cancellationToken = default);

    /// <summary>Gives a seat to a user (SUB-5).</summary>
    Task<SubscriptionView> AssignLicenceAsync(Actor actor, AssignLicence command, CancellationToken cancellationToken = default);

    /// <summary>Frees a user's seat (SUB-5).</summary>
    Task<SubscriptionView> UnassignLicenceAsync(Actor actor, UnassignLicence command, CancellationToken cancellationToken = default);

    /// <summary>Switches monthly/annual from the next renewal (SUB-10).</summary>
    Task<SubscriptionView> ChangeFrequencyAsync(Actor actor, ChangeFrequency command, CancellationToken cancellationToken = default);

    /// <summary>Requests cancellation (SUB-6).</summary>
    Task<SubscriptionView> CancelAsync(Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Withdraws a pending cancellation before its effective date (SUB-6).</summary>
    Task<SubscriptionView> WithdrawCancellationAsync(Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Restarts a cancelled or expired subscription with a new invoiced period (SUB-7).</summary>
    Task<SubscriptionView> ReactivateAsync(Actor actor, CancellationToken cancellationToken = default);
}

/// <summary>Subscription grain keys: the account id and the subscription id, so subscription ids only need to be unique per account.</summary>
public static class SubscriptionKey
{
    /// <summary>The key of subscription <paramref name="subscriptionId"/> of account <paramref name="accountId"/>, "acc-1/sub-1".</summary>
    public static string Of(string accountId, string subscriptionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionId);
        return $"{accountId.Trim()}/{subscriptionId.Trim()}";
    }
}

/// <summary>
/// A subscription as callers see it, with what the answered command caused: the invoice it issued, if any, and the
/// credits it put on the account balance (SUB-4). Both are empty on a read.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.SubscriptionView")]
public sealed record SubscriptionView(
    [property: Id(0)] SubscriptionState Subscription,
    [property: Id(1)] IReadOnlyList<string> InvoiceNumbers,
    [property: Id(2)] string? IssuedInvoiceNumber,
    [property: Id(3)] IReadOnlyList<AccountCredit> Credits,
    [property: Id(4)] string? AccessPlanId = null)
{
    /// <summary>The plan the customer can use now: after an upgrade, the new plan once its invoice is paid (SUB-4).</summary>
    public string EffectivePlanId => AccessPlanId ?? Subscription.PlanId;
}
