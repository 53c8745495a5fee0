using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Decisions that create a subscription: a trial (SUB-1) or a paid subscription (SUB-3, SUB-11).</summary>
internal static class Creation
{
    public static SubscriptionDecision StartTrial(StartTrial command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, "SUB-1", "start a trial");
        var product = context.Catalog.Product(command.ProductId);
        var plan = product.Plan(command.PlanId);
        var seats = Validate.Seats(command.Seats);
        product.RequireFrequency(command.Frequency);
        plan.SeatPrice(product.Id, command.Frequency, context.Account.Currency);
        var trial = product.Trial ?? throw new RuleViolationException("SUB-1", $"{product.Name} has no trial; buy it instead.");
        var trialEnd = AccountTimeZone.At(
            AccountTimeZone.LocalDate(context.Now, context.Zone).AddDays(trial.Days), AccountTimeZone.LocalTime(context.Now, context.Zone), context.Zone);
        var state = new SubscriptionState
        {
            Id = Validate.Id(command.SubscriptionId, "subscription_id"),
            AccountId = Validate.Id(command.AccountId, "account_id"),
            ProductId = product.Id,
            PlanId = plan.Id,
            Seats = seats,
            Frequency = command.Frequency,
            BillingModel = product.BillingModel,
            Status = SubscriptionStatus.Trial,
            ServiceStart = context.Now,
            BillingAnchor = context.Now,
            CurrentPeriod = new BillingPeriod(context.Now, trialEnd),
            TrialEnd = trialEnd,
        };
        var policy = trial.Policy == TrialPolicy.ToFree ? "then free" : "then billed";
        return Outcome.Created(
            state, "trial-started", context, $"Trial of {product.Name} {plan.Name} for {trial.Days} days until {Pricing.Date(trialEnd, context.Zone)} ({policy}).", []);
    }

    public static SubscriptionDecision CreatePaid(CreatePaid command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, "SUB-3", "buy a subscription");
        var product = context.Catalog.Product(command.ProductId);
        var plan = product.Plan(command.PlanId);
        var seats = Validate.Seats(command.Seats);
        product.RequireFrequency(command.Frequency);
        plan.SeatPrice(product.Id, command.Frequency, context.Account.Currency);
        var contractEnd = ContractEnd(product, command.ContractTermMonths, context);
        var billingStart = BillingStart(product, command, context);
        var created = new SubscriptionState
        {
            Id = Validate.Id(command.SubscriptionId, "subscription_id"),
            AccountId = Validate.Id(command.AccountId, "account_id"),
            ProductId = product.Id,
            PlanId = plan.Id,
            Seats = seats,
            Frequency = command.Frequency,
            BillingModel = product.BillingModel,
            Status = SubscriptionStatus.Active,
            ServiceStart = context.Now,
            BillingAnchor = context.Now,
            ContractTermMonths = command.ContractTermMonths,
            ContractEnd = contractEnd,
            FreeMonths = command.FreeMonths,
        };
        var (state, charges) = PeriodBilling.Begin(created, billingStart, context);
        var terms = command.ContractTermMonths is { } months ? $", {months}-month contract until {Pricing.Date(contractEnd!.Value, context.Zone)}" : "";
        var start = billingStart > context.Now ? $", billing starts {Pricing.Date(billingStart, context.Zone)}" : "";
        return Outcome.Created(
            state, "subscribed", context, $"Subscribed to {product.Name} {plan.Name}, {Pricing.Seats(seats)}, {command.Frequency.ToWireName()}{terms}{start}.", charges);
    }

    private static DateTimeOffset? ContractEnd(Product product, int? termMonths, SubscriptionContext context)
    {
        if (termMonths is not { } months)
        {
            return null;
        }

        if (!product.ContractTermsMonths.Contains(months))
        {
            var offered = product.ContractTermsMonths.Count == 0 ? "none" : string.Join(", ", product.ContractTermsMonths);
            throw new ValidationException("contract_term_months", $"{product.Name} has no {months}-month contract term; terms on offer: {offered}.");
        }

        return AccountTimeZone.At(
            AccountTimeZone.LocalDate(context.Now, context.Zone).AddMonths(months), AccountTimeZone.LocalTime(context.Now, context.Zone), context.Zone);
    }

    private static DateTimeOffset BillingStart(Product product, CreatePaid command, SubscriptionContext context)
    {
        if ((command.FreeMonths != 0 || command.BillingStart is not null) && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException("SUB-11", "Free months and billing start dates are granted by billing ops on a quote; contact your sales representative.");
        }

        if (command.FreeMonths < 0 || command.FreeMonths > product.MaxFreeMonths)
        {
            throw new ValidationException("free_months", $"free_months must be between 0 and {product.MaxFreeMonths} for {product.Name} (got {command.FreeMonths}).");
        }

        var freeUntil = AccountTimeZone.At(
            AccountTimeZone.LocalDate(context.Now, context.Zone).AddMonths(command.FreeMonths), AccountTimeZone.LocalTime(context.Now, context.Zone), context.Zone);
        if (command.BillingStart is { } explicitStart && explicitStart < freeUntil)
        {
            throw new ValidationException(
                "billing_start", $"billing_start {explicitStart:O} must not be before the service start plus free months ({freeUntil:O}).");
        }

        return command.BillingStart ?? freeUntil;
    }
}
