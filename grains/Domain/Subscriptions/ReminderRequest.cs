namespace Subscriptions.Domain.Subscriptions;

/// <summary>A durable reminder a subscription wants: its name and when it is due.</summary>
public sealed record ReminderRequest(string Name, DateTimeOffset DueAt)
{
    /// <summary>Fires at the trial end date (SUB-1).</summary>
    public const string TrialEnd = "trial-end";

    /// <summary>Fires at the next renewal (SUB-3, SUB-11 billing start).</summary>
    public const string Renewal = "renewal";

    /// <summary>Fires at the cancellation effective date (SUB-6).</summary>
    public const string CancellationEffective = "cancellation-effective";

    /// <summary>Fires when a limited subscription's grace period ends (SUB-9).</summary>
    public const string GracePeriodEnd = "grace-period-end";
}
