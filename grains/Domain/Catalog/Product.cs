using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Catalog;

/// <summary>A product of the catalog (CAT) with everything the lifecycle needs to know about it.</summary>
public sealed record Product
{
    /// <summary>Default grace period between "limited" and "suspended" (SUB-9; our choice).</summary>
    public const int DefaultGracePeriodDays = 15;

    /// <summary>Stable id, e.g. "central".</summary>
    public required string Id { get; init; }

    /// <summary>Display name, e.g. "LogMeIn Central".</summary>
    public required string Name { get; init; }

    /// <summary>Anniversary or calendar billing.</summary>
    public required BillingModel BillingModel { get; init; }

    /// <summary>Trial terms, or null when the product has no trial.</summary>
    public TrialTerms? Trial { get; init; }

    /// <summary>Who may cancel (SUB-6).</summary>
    public required CancellationPolicy Cancellation { get; init; }

    /// <summary>Whether customers may add seats themselves (QUO-4).</summary>
    public required bool AddSeatsEligible { get; init; }

    /// <summary>Days a subscription stays limited before it is suspended (SUB-9).</summary>
    public int GracePeriodDays { get; init; } = DefaultGracePeriodDays;

    /// <summary>The default autopay retry schedule (INV-6, our choice): 1, 3 and 7 days after the first attempt.</summary>
    public static IReadOnlyList<int> DefaultAutopayRetryDays { get; } = [1, 3, 7];

    /// <summary>Days after the first autopay attempt on which a declined autopay is retried (INV-6).</summary>
    public IReadOnlyList<int> AutopayRetryDays { get; init; } = DefaultAutopayRetryDays;

    /// <summary>Billing frequencies customers may choose.</summary>
    public required IReadOnlyList<BillingFrequency> Frequencies { get; init; }

    /// <summary>Contract terms on offer, in months (empty when the product has none).</summary>
    public IReadOnlyList<int> ContractTermsMonths { get; init; } = [];

    /// <summary>Most free months a contract may grant (SUB-11).</summary>
    public int MaxFreeMonths { get; init; }

    /// <summary>The most seats one subscription of the product may hold (catalog <c>max_seats</c>; at most <see cref="Limits.MaxSeats"/>).</summary>
    public int MaxSeats { get; init; } = Limits.MaxSeats;

    /// <summary>The plans of the product.</summary>
    public required IReadOnlyList<Plan> Plans { get; init; }

    /// <summary>Finds a plan or raises a "plan_id" validation error listing the product's plans.</summary>
    public Plan Plan(string? planId) =>
        Plans.FirstOrDefault(p => string.Equals(p.Id, planId?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ValidationException(
            "plan_id", $"Plan {Quoted.Of(planId)} does not exist for product {Quoted.Of(Id)}; use one of {string.Join(", ", Plans.Select(p => p.Id))}.");

    /// <summary>Raises a "frequency" validation error unless the product offers the frequency.</summary>
    public void RequireFrequency(BillingFrequency frequency)
    {
        if (!Frequencies.Contains(frequency))
        {
            throw new ValidationException(
                "frequency",
                $"Product {Quoted.Of(Id)} is not billed {frequency.ToWireName()}; use one of {string.Join(", ", Frequencies.Select(f => f.ToWireName()))}.");
        }
    }
}
