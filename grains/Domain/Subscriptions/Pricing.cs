using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;


/// <summary>Prices and describes the charge lines of a subscription.</summary>
internal static class Pricing
{
    /// <summary>The per-seat price of a full period of the plan in the account's currency.</summary>
    public static Money SeatPrice(SubscriptionContext context, string productId, string planId, BillingFrequency frequency)
    {
        var product = context.Catalog.Product(productId);
        return product.Plan(planId).SeatPrice(product.Id, frequency, context.Account.Currency);
    }

    /// <summary>A full period of the state's plan and seats.</summary>
    public static ChargeLine FullPeriod(SubscriptionState state, BillingPeriod period, SubscriptionContext context) =>
        new(
            InvoiceLineKind.SubscriptionCharge,
            $"{PlanName(state, context)}, {Seats(state.Seats)}, {state.Frequency.ToWireName()} period {Describe(period, context.Zone)}",
            state.Seats,
            SeatPrice(context, state.ProductId, state.PlanId, state.Frequency),
            Proration: null,
            period,
            state.Id);

    /// <summary>A prorated charge or credit for some seats of a plan over part of a period.</summary>
    public static ChargeLine Prorated(
        SubscriptionState state, InvoiceLineKind kind, string planId, int seats, ProrationFactor factor, BillingPeriod period, string what, SubscriptionContext context) =>
        new(
            kind,
            $"{what}: {context.Catalog.Product(state.ProductId).Plan(planId).Name}, {Seats(seats)}, {factor} days of {Describe(period, context.Zone)}",
            seats,
            SeatPrice(context, state.ProductId, planId, state.Frequency),
            factor,
            period,
            state.Id);

    /// <summary>"Product Plan", e.g. "GoTo Meeting Business".</summary>
    public static string PlanName(SubscriptionState state, SubscriptionContext context)
    {
        var product = context.Catalog.Product(state.ProductId);
        return $"{product.Name} {product.Plan(state.PlanId).Name}";
    }

    /// <summary>"1 seat" / "5 seats".</summary>
    public static string Seats(int seats) => seats == 1 ? "1 seat" : $"{seats} seats";

    /// <summary>A period as local dates, last day inclusive when it ends at midnight: "2025-08-01 to 2025-08-31".</summary>
    public static string Describe(BillingPeriod period, TimeZoneInfo zone)
    {
        var end = AccountTimeZone.LocalDate(period.End, zone);
        if (AccountTimeZone.LocalTime(period.End, zone) == TimeOnly.MinValue)
        {
            end = end.AddDays(-1);
        }

        return $"{AccountTimeZone.LocalDate(period.Start, zone):yyyy-MM-dd} to {end:yyyy-MM-dd}";
    }

    /// <summary>A local date for messages, e.g. "2025-08-01".</summary>
    public static string Date(DateTimeOffset instant, TimeZoneInfo zone) => $"{AccountTimeZone.LocalDate(instant, zone):yyyy-MM-dd}";

    /// <summary>The catalog product of the state.</summary>
    public static Product Product(SubscriptionState state, SubscriptionContext context) => context.Catalog.Product(state.ProductId);
}
