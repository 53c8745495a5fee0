using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Decisions that create a subscription: a trial (SUB-1) or a paid subscription (SUB-3, SUB-11).</summary>
internal static class Creation
{
    public static SubscriptionDecision StartTrial(StartTrial command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub1, "start a trial");
        var (product, plan, created) = New(
            command.SubscriptionId, command.AccountId, command.ProductId, command.PlanId, command.Seats, command.Frequency, SubscriptionStatus.Trial, context);
        var trial = product.Trial ?? throw new RuleViolationException(Rules.Sub1, $"{product.Name} has no trial; buy it instead.");
        var trialEnd = AccountTimeZone.AddLocalDays(context.Now, trial.Days, context.Zone);
        var state = created with { CurrentPeriod = new BillingPeriod(context.Now, trialEnd), TrialEnd = trialEnd };
        var policy = trial.Policy == TrialPolicy.ToFree ? "then free" : "then billed";
        return Outcome.Created(
            state, "trial-started", context, $"Trial of {product.Name} {plan.Name} for {trial.Days} days until {Pricing.Date(trialEnd, context.Zone)} ({policy}).", []);
    }

    public static SubscriptionDecision CreatePaid(CreatePaid command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub3, "buy a subscription");
        var (product, plan, created) = New(
            command.SubscriptionId, command.AccountId, command.ProductId, command.PlanId, command.Seats, command.Frequency, SubscriptionStatus.Active, context);
        var contractEnd = ContractEnd(product, command.ContractTermMonths, context);
        var billingStart = BillingStart(product, command, context);
        var signed = created with { ContractTermMonths = command.ContractTermMonths, ContractEnd = contractEnd, FreeMonths = command.FreeMonths };
        var (state, charges) = PeriodBilling.Begin(signed, billingStart, context);
        var terms = command.ContractTermMonths is { } months ? $", {months}-month contract until {Pricing.Date(contractEnd!.Value, context.Zone)}" : "";
        var start = billingStart > context.Now ? $", billing starts {Pricing.Date(billingStart, context.Zone)}" : "";
        return Outcome.Created(
            state, "subscribed", context, $"Subscribed to {product.Name} {plan.Name}, {Pricing.Seats(state.Seats)}, {command.Frequency.ToWireName()}{terms}{start}.", charges);
    }

    /// <summary>
    /// Checks the requested product, plan, seats and frequency (priced in the account's currency) and lays out a new
    /// subscription starting now.
    /// </summary>
    private static (Product Product, Plan Plan, SubscriptionState State) New(
        string subscriptionId, string accountId, string productId, string planId, int seats, BillingFrequency frequency, SubscriptionStatus status, SubscriptionContext context)
    {
        var product = context.Catalog.Product(productId);
        var plan = product.Plan(planId);
        var validSeats = Validate.Seats(seats, product);
        product.RequireFrequency(frequency);
        plan.SeatPrice(product.Id, frequency, context.Account.Currency);
        Validate.CorporateAnnual(frequency, context);
        var state = new SubscriptionState
        {
            Id = Validate.Id(subscriptionId, "subscription_id"),
            AccountId = Validate.Id(accountId, "account_id"),
            ProductId = product.Id,
            PlanId = plan.Id,
            Seats = validSeats,
            Frequency = frequency,
            BillingModel = product.BillingModel,
            Status = status,
            ServiceStart = context.Now,
            BillingAnchor = context.Now,
        };
        return (product, plan, state);
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

        return AccountTimeZone.AddLocalMonths(context.Now, months, context.Zone);
    }

    private static DateTimeOffset BillingStart(Product product, CreatePaid command, SubscriptionContext context)
    {
        if ((command.FreeMonths != 0 || command.BillingStart is not null) && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(Rules.Sub11, "Free months and billing start dates are granted by billing ops on a quote; contact your sales representative.");
        }

        if (command.FreeMonths < 0 || command.FreeMonths > product.MaxFreeMonths)
        {
            throw new ValidationException("free_months", $"free_months must be between 0 and {product.MaxFreeMonths} for {product.Name} (got {command.FreeMonths}).");
        }

        if (command.BillingStart is { } requested && !Limits.InRange(requested))
        {
            throw new ValidationException("billing_start", $"billing_start must lie from {Limits.InstantRange} (got {requested:O}).");
        }

        var freeUntil = AccountTimeZone.AddLocalMonths(context.Now, command.FreeMonths, context.Zone);
        if (command.BillingStart is { } explicitStart && explicitStart < freeUntil)
        {
            throw new ValidationException(
                "billing_start", $"billing_start {explicitStart:O} must not be before the service start plus free months ({freeUntil:O}).");
        }

        return command.BillingStart ?? freeUntil;
    }
}
