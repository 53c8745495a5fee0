using Subscriptions.Domain.Billing;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>A command on an existing subscription; see <see cref="Subscription.Decide"/>.</summary>
public abstract record SubscriptionCommand;

/// <summary>Start a trial of a product (SUB-1).</summary>
public sealed record StartTrial(string SubscriptionId, string AccountId, string ProductId, string PlanId, int Seats, BillingFrequency Frequency);

/// <summary>Buy a product (SUB-3), optionally with a contract term, free months or a billing start date (SUB-11; ops only).</summary>
public sealed record CreatePaid(
    string SubscriptionId,
    string AccountId,
    string ProductId,
    string PlanId,
    int Seats,
    BillingFrequency Frequency,
    int? ContractTermMonths = null,
    int FreeMonths = 0,
    DateTimeOffset? BillingStart = null);

/// <summary>End the trial at its end date (SUB-1; reminder).</summary>
public sealed record EndTrial : SubscriptionCommand;

/// <summary>Buy a free or trial subscription, optionally choosing plan, frequency and seats (SUB-2).</summary>
public sealed record UpgradeToPaid(string? PlanId = null, BillingFrequency? Frequency = null, int? Seats = null) : SubscriptionCommand;

/// <summary>
/// Move to another plan of the same product (SUB-4): an upgrade when the plan ranks above the current one, a downgrade
/// when it ranks below.
/// </summary>
public sealed record ChangePlan(string PlanId) : SubscriptionCommand;

/// <summary>Move to a higher-ranked plan (SUB-4).</summary>
public sealed record UpgradePlan(string PlanId) : SubscriptionCommand;

/// <summary>Move to a lower-ranked plan (SUB-4; billing ops only).</summary>
public sealed record DowngradePlan(string PlanId) : SubscriptionCommand;

/// <summary>Add seats (SUB-4, QUO-4).</summary>
public sealed record AddSeats(int Seats) : SubscriptionCommand;

/// <summary>Remove seats with a prorated credit (SUB-4).</summary>
public sealed record RemoveSeats(int Seats) : SubscriptionCommand;

/// <summary>Give a seat to a user (SUB-5).</summary>
public sealed record AssignLicence(string UserId) : SubscriptionCommand;

/// <summary>Free a user's seat (SUB-5).</summary>
public sealed record UnassignLicence(string UserId) : SubscriptionCommand;

/// <summary>Switch monthly/annual at the next renewal (SUB-10).</summary>
public sealed record ChangeFrequency(BillingFrequency Frequency) : SubscriptionCommand;

/// <summary>Request cancellation (SUB-6).</summary>
public sealed record Cancel : SubscriptionCommand;

/// <summary>Withdraw a pending cancellation (SUB-6).</summary>
public sealed record WithdrawCancellation : SubscriptionCommand;

/// <summary>Apply a cancellation at its effective date (SUB-6; reminder).</summary>
public sealed record ApplyCancellation : SubscriptionCommand;

/// <summary>Restart a cancelled or expired subscription (SUB-7).</summary>
public sealed record Reactivate : SubscriptionCommand;

/// <summary>Start the next period and invoice it (SUB-3, SUB-11, SUB-12; reminder).</summary>
public sealed record Renew : SubscriptionCommand;

/// <summary>A renewal invoice passed its due date unpaid (SUB-8; payment event).</summary>
public sealed record MarkRenewalOverdue : SubscriptionCommand;

/// <summary>The grace period of a limited subscription ended (SUB-9; reminder).</summary>
public sealed record ElapseGracePeriod : SubscriptionCommand;

/// <summary>The account's overdue balance reached 0.00 (SUB-9; payment event).</summary>
public sealed record SettleOverdue : SubscriptionCommand;
