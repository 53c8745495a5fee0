using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.SubscriptionLifecycle;

/// <summary>Maps subscriptions and their enums between the domain and subscriptions.v1.</summary>
internal static class SubscriptionMapping
{
    /// <summary>A change's answer: the subscription, the invoice it issued and the credits it granted.</summary>
    public static Proto.SubscriptionChange ToChange(SubscriptionView view)
    {
        var change = new Proto.SubscriptionChange { Subscription = ToProto(view), IssuedInvoiceNumber = view.IssuedInvoiceNumber ?? "" };
        change.Credits.AddRange(view.Credits.Select(c => new Proto.AccountCredit { Amount = CommonMapping.ToProto(c.Amount), Description = c.Description }));
        return change;
    }

    /// <summary>The subscription as the API shows it.</summary>
    public static Proto.Subscription ToProto(SubscriptionView view)
    {
        var s = view.Subscription;
        var proto = new Proto.Subscription
        {
            SubscriptionId = s.Id,
            AccountId = s.AccountId,
            ProductId = s.ProductId,
            PlanId = s.PlanId,
            AccessPlanId = view.EffectivePlanId,
            Seats = s.Seats,
            Frequency = ToProto(s.Frequency),
            BillingModel = s.BillingModel == BillingModel.Calendar ? Proto.BillingModel.Calendar : Proto.BillingModel.Anniversary,
            Status = ToProto(s.Status),
            ServiceStart = CommonMapping.ToProto(s.ServiceStart),
            CurrentPeriodStart = CommonMapping.ToProto(s.CurrentPeriod?.Start),
            CurrentPeriodEnd = CommonMapping.ToProto(s.CurrentPeriod?.End),
            CurrentPeriodInvoiced = s.PeriodInvoiced,
            NextRenewal = CommonMapping.ToProto(s.NextRenewal),
            TrialEnd = CommonMapping.ToProto(s.TrialEnd),
            ContractTermMonths = s.ContractTermMonths ?? 0,
            ContractEnd = CommonMapping.ToProto(s.ContractEnd),
            BillingStart = CommonMapping.ToProto(s.BillingStart),
            FreeMonths = s.FreeMonths,
            PendingFrequency = s.PendingFrequency is { } pending ? ToProto(pending) : Proto.BillingFrequency.Unspecified,
            CancellationEffectiveAt = CommonMapping.ToProto(s.CancellationEffectiveAt),
            GracePeriodEndsAt = CommonMapping.ToProto(s.GracePeriodEndsAt),
            EndedAt = CommonMapping.ToProto(s.EndedAt),
        };
        proto.AssignedUsers.AddRange(s.AssignedUsers);
        proto.InvoiceNumbers.AddRange(view.InvoiceNumbers);
        return proto;
    }

    /// <summary>True for monthly or annual; unspecified and unknown numbers are not frequencies.</summary>
    /// <summary>A catalog product as the API lists it, its seat prices in <paramref name="currencies"/> (those it prices).</summary>
    public static Proto.Product ToProto(Product product, IReadOnlyList<Currency> currencies)
    {
        ArgumentNullException.ThrowIfNull(product);
        var proto = new Proto.Product
        {
            ProductId = product.Id,
            Name = product.Name,
            BillingModel = product.BillingModel.ToWireName(),
            TrialDays = product.Trial?.Days ?? 0,
            TrialPolicy = product.Trial?.Policy switch { TrialPolicy.ToFree => "to-free", TrialPolicy.ToPaid => "to-paid", _ => "" },
            AddSeatsEligible = product.AddSeatsEligible,
            MaxSeats = product.MaxSeats,
        };
        proto.Frequencies.AddRange(product.Frequencies.Select(ToProto));
        proto.ContractTermsMonths.AddRange(product.ContractTermsMonths);
        foreach (var plan in product.Plans)
        {
            var row = new Proto.ProductPlan { PlanId = plan.Id, Name = plan.Name, Rank = plan.Rank };
            foreach (var frequency in product.Frequencies)
            {
                foreach (var currency in currencies)
                {
                    if (TryPrice(plan, frequency, currency) is { } price)
                    {
                        row.SeatPrices.Add(new Proto.SeatPrice { Frequency = ToProto(frequency), Price = CommonMapping.ToProto(price) });
                    }
                }
            }

            proto.Plans.Add(row);
        }

        return proto;
    }

    private static Money? TryPrice(Plan plan, BillingFrequency frequency, Currency currency) =>
        plan.Prices.Prices.TryGetValue(frequency, out var byCurrency) && byCurrency.TryGetValue(currency.Code, out var amount) ? new Money(amount, currency) : null;

    public static bool IsFrequency(Proto.BillingFrequency frequency) => frequency is Proto.BillingFrequency.Monthly or Proto.BillingFrequency.Annual;

    /// <summary>A proto frequency the edge already checked with <see cref="IsFrequency"/>.</summary>
    public static BillingFrequency ToDomain(Proto.BillingFrequency frequency) => frequency switch
    {
        Proto.BillingFrequency.Monthly => BillingFrequency.Monthly,
        Proto.BillingFrequency.Annual => BillingFrequency.Annual,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "frequency must be monthly or annual."),
    };

    public static Proto.BillingFrequency ToProto(BillingFrequency frequency) => frequency switch
    {
        BillingFrequency.Monthly => Proto.BillingFrequency.Monthly,
        BillingFrequency.Annual => Proto.BillingFrequency.Annual,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Unknown billing frequency."),
    };

    private static Proto.SubscriptionStatus ToProto(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Trial => Proto.SubscriptionStatus.Trial,
        SubscriptionStatus.Free => Proto.SubscriptionStatus.Free,
        SubscriptionStatus.Active => Proto.SubscriptionStatus.Active,
        SubscriptionStatus.PendingCancellation => Proto.SubscriptionStatus.PendingCancellation,
        SubscriptionStatus.Limited => Proto.SubscriptionStatus.Limited,
        SubscriptionStatus.Suspended => Proto.SubscriptionStatus.Suspended,
        SubscriptionStatus.Cancelled => Proto.SubscriptionStatus.Cancelled,
        SubscriptionStatus.Expired => Proto.SubscriptionStatus.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown subscription status."),
    };
}
