using Grpc.Core;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.SubscriptionLifecycle;

/// <summary>subscriptions.v1.SubscriptionService: validates at the edge, maps to domain commands and calls the subscription grain.</summary>
public sealed class SubscriptionService(IGrainFactory grains, ProductCatalog catalog) : Proto.SubscriptionService.SubscriptionServiceBase
{
    /// <summary>Starts a trial (SUB-1).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> StartTrial(Proto.StartTrialRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => Product(check, request.ProductId, request.PlanId, request.Seats, request.Frequency, request.Currency), (grain, actor) =>
            grain.StartTrialAsync(
                actor,
                new StartTrial(request.SubscriptionId, request.AccountId, request.ProductId, request.PlanId, request.Seats, SubscriptionMapping.ToDomain(request.Frequency)),
                CommonMapping.Blank(request.Currency), context.CancellationToken));
    }

    /// <summary>Buys a product (SUB-3, SUB-11).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> CreateSubscription(Proto.CreateSubscriptionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(
            context,
            request,
            check => Product(check, request.ProductId, request.PlanId, request.Seats, request.Frequency, request.Currency)
                .Check("contract_term_months", request.ContractTermMonths >= 0, $"must be 0 (none) or a term the product offers (got {request.ContractTermMonths})")
                .Check("free_months", request.FreeMonths >= 0, $"must be 0 or more (got {request.FreeMonths})"),
            (grain, actor) => grain.CreateAsync(
                actor,
                new CreatePaid(
                    request.SubscriptionId,
                    request.AccountId,
                    request.ProductId,
                    request.PlanId,
                    request.Seats,
                    SubscriptionMapping.ToDomain(request.Frequency),
                    request.ContractTermMonths == 0 ? null : request.ContractTermMonths,
                    request.FreeMonths,
                    request.BillingStart?.ToDateTimeOffset()),
                CommonMapping.Blank(request.Currency), context.CancellationToken));
    }

    /// <summary>Reads one subscription.</summary>
    [OnAccount(AccountAction.ViewSubscriptions)]
    public override async Task<Proto.Subscription> GetSubscription(Proto.GetSubscriptionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).Id("subscription_id", request.SubscriptionId).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return SubscriptionMapping.ToProto(await Subscription(request.AccountId, request.SubscriptionId).GetAsync(CallScope.ActorOf(context), CallScope.Read));
    }

    /// <summary>Lists the account's subscriptions in the order they were started.</summary>
    [OnAccount(AccountAction.ViewSubscriptions)]
    public override async Task<Proto.ListSubscriptionsResponse> ListSubscriptions(Proto.ListSubscriptionsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var actor = CallScope.ActorOf(context);
        var account = await grains.GetGrain<IAccountGrain>(request.AccountId).GetAsync(actor, CallScope.Read);
        var response = new Proto.ListSubscriptionsResponse();
        // Each subscription is its own grain: read them all at once, keep the order they were started in.
        var views = await Task.WhenAll(account.SubscriptionIds.Select(id => Subscription(request.AccountId, id).GetAsync(actor, CallScope.Read)));
        response.Subscriptions.AddRange(views.Select(SubscriptionMapping.ToProto));

        return response;
    }

    /// <summary>Buys a trial or free subscription (SUB-2).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> UpgradeToPaid(Proto.UpgradeToPaidRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(
            context,
            request,
            check => check
                .Check("seats", request.Seats >= 0, $"must be 0 (keep the current seats) or more (got {request.Seats})")
                .Check("frequency", request.Frequency == Proto.BillingFrequency.Unspecified || SubscriptionMapping.IsFrequency(request.Frequency), "must be monthly, annual or unspecified (keep)"),
            (grain, actor) => grain.UpgradeToPaidAsync(actor, new UpgradeToPaid(
                CommonMapping.Blank(request.PlanId),
                request.Frequency == Proto.BillingFrequency.Unspecified ? null : SubscriptionMapping.ToDomain(request.Frequency),
                request.Seats == 0 ? null : request.Seats), context.CancellationToken));
    }

    /// <summary>Upgrades or (billing ops) downgrades the plan (SUB-4).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> ChangePlan(Proto.ChangePlanRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => check.Required("plan_id", request.PlanId), (grain, actor) => grain.ChangePlanAsync(actor, new ChangePlan(request.PlanId), context.CancellationToken));
    }

    /// <summary>Adds seats (SUB-4).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> AddSeats(Proto.AddSeatsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => Seats(check, request.Seats), (grain, actor) => grain.AddSeatsAsync(actor, new AddSeats(request.Seats), context.CancellationToken));
    }

    /// <summary>Removes seats with a credit to the account balance (SUB-4).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> RemoveSeats(Proto.RemoveSeatsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => Seats(check, request.Seats), (grain, actor) => grain.RemoveSeatsAsync(actor, new RemoveSeats(request.Seats), context.CancellationToken));
    }

    /// <summary>Gives a seat to a user (SUB-5).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> AssignLicence(Proto.AssignLicenceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => check.Required("user_id", request.UserId), (grain, actor) => grain.AssignLicenceAsync(actor, new AssignLicence(request.UserId), context.CancellationToken));
    }

    /// <summary>Frees a user's seat (SUB-5).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> UnassignLicence(Proto.UnassignLicenceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => check.Required("user_id", request.UserId), (grain, actor) => grain.UnassignLicenceAsync(actor, new UnassignLicence(request.UserId), context.CancellationToken));
    }

    /// <summary>Switches monthly/annual from the next renewal (SUB-10).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> ChangeBillingFrequency(Proto.ChangeBillingFrequencyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(context, request, check => Frequency(check, request.Frequency), (grain, actor) =>
            grain.ChangeFrequencyAsync(actor, new ChangeFrequency(SubscriptionMapping.ToDomain(request.Frequency)), context.CancellationToken));
    }

    /// <summary>Requests cancellation (SUB-6).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> CancelSubscription(Proto.CancelSubscriptionRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, check => check, (grain, actor) => grain.CancelAsync(actor, context.CancellationToken));

    /// <summary>Withdraws a pending cancellation (SUB-6).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> WithdrawCancellation(Proto.WithdrawCancellationRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, check => check, (grain, actor) => grain.WithdrawCancellationAsync(actor, context.CancellationToken));

    /// <summary>Reactivates a cancelled or expired subscription (SUB-7).</summary>
    [OnAccount(AccountAction.ManageSubscriptions)]
    public override Task<Proto.SubscriptionChange> ReactivateSubscription(Proto.ReactivateSubscriptionRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, check => check, (grain, actor) => grain.ReactivateAsync(actor, context.CancellationToken));

    /// <summary>The product catalog, priced in the currency asked or in every currency it prices.</summary>
    [AnyCaller]
    public override Task<Proto.ListProductsResponse> ListProducts(Proto.ListProductsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading()
            .Check("currency", request.Currency.Length == 0 || Currency.All.Any(c => c.Code == request.Currency), $"\"{request.Currency}\" must be empty or one of {string.Join(", ", Currency.All.Select(c => c.Code))}")
            .ThrowIfInvalid();
        var currencies = request.Currency.Length == 0 ? Currency.All : [Currency.All.Single(c => c.Code == request.Currency)];
        var response = new Proto.ListProductsResponse { CatalogVersion = catalog.Version };
        response.Products.AddRange(catalog.Products.Select(p => SubscriptionMapping.ToProto(p, currencies)));
        return Task.FromResult(response);
    }

    private static EdgeValidation Product(EdgeValidation check, string productId, string planId, int seats, Proto.BillingFrequency frequency, string currency) =>
        Frequency(Seats(check.Required("product_id", productId).Required("plan_id", planId), seats), frequency)
            .Check("currency", currency.Length == 0 || Currency.All.Any(c => c.Code == currency), $"\"{currency}\" must be empty or one of {string.Join(", ", Currency.All.Select(c => c.Code))}");

    private static EdgeValidation Seats(EdgeValidation check, int seats) => check.Check("seats", seats >= 1, $"must be 1 or more (got {seats})");

    private static EdgeValidation Frequency(EdgeValidation check, Proto.BillingFrequency frequency) =>
        check.Check("frequency", SubscriptionMapping.IsFrequency(frequency), "is required: monthly or annual");

    private ISubscriptionGrain Subscription(string accountId, string subscriptionId) =>
        grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of(accountId, subscriptionId));

    private async Task<Proto.SubscriptionChange> ChangeAsync<TRequest>(
        ServerCallContext context, TRequest request, Func<EdgeValidation, EdgeValidation> fields, Func<ISubscriptionGrain, Actor, Task<SubscriptionView>> change)
        where TRequest : Proto.ISubscriptionChangeRequest
    {
        ArgumentNullException.ThrowIfNull(request);
        fields(EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Id("subscription_id", request.SubscriptionId)).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        return SubscriptionMapping.ToChange(await change(Subscription(request.AccountId, request.SubscriptionId), CallScope.ActorOf(context)));
    }
}
