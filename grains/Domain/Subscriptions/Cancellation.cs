using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Cancellation (SUB-6): refusals, effective date, remaining contract months, withdrawal and the effective end.</summary>
internal static class Cancellation
{
    /// <summary>A calendar-model request needs at least this many days before month end to end that month.</summary>
    public const int CalendarNoticeDays = 10;

    /// <summary>Why a cancellation is refused while the account has an overdue balance (SUB-6).</summary>
    public const string OverdueBalanceRefusal = "Cancellation is not possible while the account has unpaid past-due invoices; pay them first.";

    public static SubscriptionDecision Cancel(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub6, "cancel a subscription");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.CancellationRequested);
        var product = Pricing.Product(state, context);
        if (product.Cancellation == CancellationPolicy.SupportOnly && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(Rules.Sub6, $"{product.Name} cannot be cancelled online: please contact support to cancel.");
        }

        if (context.Account.HasOverdueBalance)
        {
            throw new RuleViolationException(Rules.Sub6, OverdueBalanceRefusal);
        }

        if (to == SubscriptionStatus.Cancelled)
        {
            var ended = state with { Status = to, EndedAt = context.Now, NextRenewal = null };
            return Outcome.Of(state, ended, SubscriptionEvent.CancellationRequested, context, $"Free {product.Name} cancelled at once.");
        }

        var effective = EndOfPaidService(state, context);
        if (state.ContractEnd is { } contractEnd && contractEnd > effective)
        {
            return CancelUnderContract(state, to, contractEnd, context);
        }

        var keepsRenewal = state.NextRenewal is { } renewal && renewal < effective;
        var firstMonth = keepsRenewal ? null : PeriodBilling.UninvoicedFirstMonth(state, effective, context);
        var pending = state with
        {
            Status = to,
            CancellationEffectiveAt = effective,
            NextRenewal = keepsRenewal ? state.NextRenewal : null,

            // The renewal dropped is where a withdrawal takes billing up again: the service is billed up to it.
            PrepaidUntil = keepsRenewal ? state.PrepaidUntil : state.NextRenewal ?? state.PrepaidUntil,
            PeriodInvoiced = state.PeriodInvoiced || firstMonth is not null,
        };
        var billed = firstMonth is null ? "" : " The prorated first month is billed now.";
        return Outcome.Of(
            state,
            pending,
            SubscriptionEvent.CancellationRequested,
            context,
            $"Cancellation requested; usable until {Pricing.Date(effective, context.Zone)}, not renewed, no refund.{billed}",
            firstMonth is null ? null : [firstMonth]);
    }

    public static SubscriptionDecision Withdraw(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub6, "withdraw a cancellation");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.CancellationWithdrawn);
        if (state.CancellationEffectiveAt is { } effective && effective <= context.Now)
        {
            throw new RuleViolationException(Rules.Sub6, $"The cancellation took effect on {Pricing.Date(effective, context.Zone)}; reactivate the subscription instead.");
        }

        var tail = UnbilledContractTail(state, context);
        var resumed = state with
        {
            Status = to,
            CancellationEffectiveAt = null,
            NextRenewal = state.NextRenewal ?? state.PrepaidUntil ?? state.CurrentPeriod?.End,
            PrepaidUntil = null,
            DeferredCharges = tail is null ? state.DeferredCharges : [.. state.DeferredCharges, tail],
        };
        return Outcome.Of(state, resumed, SubscriptionEvent.CancellationWithdrawn, context, "Cancellation withdrawn; the subscription renews again.");
    }

    /// <summary>
    /// A contract cancelled early billed its last period only to the contract end; withdrawn, the subscription runs to
    /// that period's end and renews there, so the rest of the period is billed with the next renewal.
    /// </summary>
    private static ChargeLine? UnbilledContractTail(SubscriptionState state, SubscriptionContext context)
    {
        if (state.PrepaidUntil is not { } prepaid || state.CancellationEffectiveAt is not { } contractEnd || contractEnd >= prepaid
            || state.CurrentPeriod?.End is not { } from)
        {
            return null;
        }

        var last = state.Schedule(context.Zone).PeriodsFrom(from, contractEnd) is { Count: > 0 } periods ? periods[^1] : null;
        return last is not null && Proration.LeftAfter(last, contractEnd, state.BillingModel, context.Zone) is { IsZero: false } left
            ? Pricing.Prorated(state, InvoiceLineKind.ProrationCharge, state.PlanId, state.Seats, left, last, "Rest of the last contract period, the cancellation withdrawn", context)
            : null;
    }

    public static SubscriptionDecision Apply(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireSystemOrOps(context, Rules.Sub6, "apply a cancellation");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.CancellationEffective);
        var effective = state.CancellationEffectiveAt ?? context.Now;
        if (effective > context.Now)
        {
            throw new RuleViolationException(Rules.Sub6, $"The cancellation of subscription {Quoted.Of(state.Id)} takes effect on {effective:O}, not before.");
        }

        var cancelled = state with { Status = to, EndedAt = effective, NextRenewal = null, DeferredCharges = [] };
        return Outcome.Of(
            state, cancelled, SubscriptionEvent.CancellationEffective, context, "Cancellation effective; service ended.", state.DeferredCharges);
    }

    private static DateTimeOffset EndOfPaidService(SubscriptionState state, SubscriptionContext context)
    {
        if (state.BillingModel == BillingModel.Anniversary)
        {
            return state.NextRenewal ?? state.CurrentPeriod?.End ?? context.Now;
        }

        var today = AccountTimeZone.LocalDate(context.Now, context.Zone);
        var daysBeforeMonthEnd = DateTime.DaysInMonth(today.Year, today.Month) - today.Day;
        var nextMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var byNotice = AccountTimeZone.StartOfDay(daysBeforeMonthEnd >= CalendarNoticeDays ? nextMonth : nextMonth.AddMonths(1), context.Zone);

        // Months already billed ahead (a contract's term, billed when a cancellation was withdrawn) are served.
        return state.NextRenewal is { } renewal && renewal > byNotice ? renewal : byNotice;
    }

    private static SubscriptionDecision CancelUnderContract(SubscriptionState state, SubscriptionStatus to, DateTimeOffset contractEnd, SubscriptionContext context)
    {
        var firstUnbilled = state.NextRenewal ?? state.CurrentPeriod?.End ?? context.Now;
        var periods = state.Schedule(context.Zone).PeriodsFrom(firstUnbilled, contractEnd);
        var firstMonth = PeriodBilling.UninvoicedFirstMonth(state, contractEnd, context);
        var charges = firstMonth is null ? new List<ChargeLine>() : [firstMonth];

        // The periods the contract covers whole, then the last one to the contract end: the term is billed, not the
        // days after it, which the customer cannot use.
        var last = periods.Count > 0 && periods[^1].End > contractEnd ? periods[^1] : null;
        var whole = last is null ? periods.Count : periods.Count - 1;
        if (whole > 0)
        {
            var unit = Pricing.SeatPrice(context, state.ProductId, state.PlanId, state.Frequency);
            var span = new BillingPeriod(periods[0].Start, periods[whole - 1].End);
            charges.Add(new ChargeLine(
                InvoiceLineKind.SubscriptionCharge,
                $"Remaining contract term: {whole} {state.Frequency.ToWireName()} periods × {Pricing.Seats(state.Seats)}, {Pricing.Describe(span, context.Zone)}",
                (decimal)whole * state.Seats,
                unit,
                Proration: null,
                span,
                state.Id));
        }

        if (last is not null && Proration.UsedPart(last, contractEnd, state.BillingModel, context.Zone) is { IsZero: false } used)
        {
            charges.Add(Pricing.Prorated(state, InvoiceLineKind.ProrationCharge, state.PlanId, state.Seats, used, last, "Last contract period, to the contract end", context));
        }

        var pending = state with
        {
            Status = to,
            CancellationEffectiveAt = contractEnd,
            NextRenewal = null,
            PrepaidUntil = periods.Count > 0 ? periods[^1].End : null,
            PeriodInvoiced = state.PeriodInvoiced || firstMonth is not null,
        };
        return Outcome.Of(
            state,
            pending,
            SubscriptionEvent.CancellationRequested,
            context,
            $"Cancellation requested under contract; {periods.Count} remaining periods billed, usable until the contract end {Pricing.Date(contractEnd, context.Zone)}.",
            charges);
    }
}
