using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Starts billing (SUB-11) and starts each next period with its charges (SUB-3, SUB-10, SUB-12).</summary>
internal static class PeriodBilling
{
    /// <summary>
    /// The first renewal for a billing start. Anniversary: the billing start itself. Calendar: local midnight of the
    /// billing start when it falls on the 1st (a full month), else local midnight of the next 1st (SUB-12).
    /// </summary>
    public static DateTimeOffset FirstRenewal(BillingModel model, DateTimeOffset billingStart, TimeZoneInfo zone)
    {
        if (model == BillingModel.Anniversary)
        {
            return billingStart;
        }

        var date = AccountTimeZone.LocalDate(billingStart, zone);
        var firstOfMonth = new DateOnly(date.Year, date.Month, 1);
        return AccountTimeZone.StartOfDay(date.Day == 1 ? firstOfMonth : firstOfMonth.AddMonths(1), zone);
    }

    /// <summary>
    /// Sets the billing start and first renewal; the time before it is served but not invoiced. When the first
    /// renewal is already due (no free months), the first period starts and is invoiced at once.
    /// </summary>
    public static (SubscriptionState State, IReadOnlyList<ChargeLine> Charges) Begin(SubscriptionState state, DateTimeOffset billingStart, SubscriptionContext context)
    {
        var first = FirstRenewal(state.BillingModel, billingStart, context.Zone);
        var begun = state with
        {
            BillingStart = billingStart,
            NextRenewal = first,
            BillingAnchor = state.BillingModel == BillingModel.Anniversary ? first : state.BillingAnchor,
            CurrentPeriod = first > context.Now ? new BillingPeriod(context.Now, first) : null,
            PeriodInvoiced = false,
        };
        return first <= context.Now ? StartNextPeriod(begun, context) : (begun, []);
    }

    /// <summary>
    /// Starts the period beginning at <see cref="SubscriptionState.NextRenewal"/>: applies a scheduled frequency
    /// change (the renewal becomes the new anchor), charges the full period, the prorated first calendar month when
    /// billing started after the 1st of the previous month (SUB-12), and any deferred calendar-model changes.
    /// </summary>
    public static (SubscriptionState State, IReadOnlyList<ChargeLine> Charges) StartNextPeriod(SubscriptionState state, SubscriptionContext context)
    {
        var at = state.NextRenewal ?? throw new InvalidOperationException($"Subscription {Quoted.Of(state.Id)} has no next renewal to start.");
        var renewed = state.PendingFrequency is { } frequency
            ? state with { Frequency = frequency, PendingFrequency = null, BillingAnchor = at }
            : state;
        var period = renewed.Schedule(context.Zone).PeriodStartingAt(at);
        var charges = new List<ChargeLine>();
        if (FirstMonthProration(renewed, at, context) is { } firstMonth)
        {
            charges.Add(firstMonth);
        }

        charges.Add(Pricing.FullPeriod(renewed, period, context));
        charges.AddRange(renewed.DeferredCharges);
        var endsBeforeNextPeriod = renewed.CancellationEffectiveAt is { } effective && period.End >= effective;
        return (renewed with
        {
            CurrentPeriod = period,
            NextRenewal = endsBeforeNextPeriod ? null : period.End,
            PeriodInvoiced = true,
            DeferredCharges = [],
        }, charges);
    }

    /// <summary>
    /// The prorated first calendar month (SUB-12) while it is not invoiced yet and the service runs past the billing
    /// start before <paramref name="serviceEnd"/>; a cancellation that drops the renewal which would carry it bills it.
    /// </summary>
    public static ChargeLine? UninvoicedFirstMonth(SubscriptionState state, DateTimeOffset serviceEnd, SubscriptionContext context) =>
        state.BillingStart is { } billingStart && billingStart < serviceEnd
            ? FirstMonthProration(state, FirstRenewal(state.BillingModel, billingStart, context.Zone), context)
            : null;

    private static ChargeLine? FirstMonthProration(SubscriptionState state, DateTimeOffset renewal, SubscriptionContext context)
    {
        if (state.BillingModel != BillingModel.Calendar || state.PeriodInvoiced || state.BillingStart is not { } billingStart || billingStart >= renewal)
        {
            return null;
        }

        var startDate = AccountTimeZone.LocalDate(billingStart, context.Zone);
        var previousMonth = AccountTimeZone.LocalDate(renewal, context.Zone).AddMonths(-1);
        if (startDate.Year != previousMonth.Year || startDate.Month != previousMonth.Month || startDate.Day == 1)
        {
            return null;
        }

        var factor = Proration.RestOfMonth(startDate);
        if (factor.IsZero)
        {
            return null;
        }

        var monthStart = AccountTimeZone.StartOfDay(new DateOnly(startDate.Year, startDate.Month, 1), context.Zone);
        var month = new BillingPeriod(monthStart, renewal);
        return Pricing.Prorated(state, InvoiceLineKind.ProrationCharge, state.PlanId, state.Seats, factor, month, "First month from the billing start", context);
    }
}
