using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Request field checks that raise a <see cref="ValidationException"/> naming the snake_case field.</summary>
internal static class Validate
{
    /// <summary>A required identifier.</summary>
    public static string Id(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ValidationException(field, $"{field} is required.") : value.Trim();

    /// <summary>A seat count of 1 or more.</summary>
    public static int Seats(int seats, string field = "seats") =>
        seats >= 1 ? seats : throw new ValidationException(field, $"{field} must be 1 or more (got {seats}).");

    /// <summary>
    /// Corporate accounts are billed annually (ACC-1, INV-8): a customer on a corporate account may not choose monthly
    /// billing; billing ops may (a negotiated exception, or a monthly-only product).
    /// </summary>
    public static void CorporateAnnual(BillingFrequency frequency, SubscriptionContext context)
    {
        if (frequency == BillingFrequency.Monthly && context.Account.Kind == AccountKind.Corporate && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(
                "INV-8", "Corporate accounts are billed annually: choose annual billing, or ask Corporate Account Services for another arrangement.");
        }
    }
}
