using System.Globalization;
using Grpc.Core;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Orders;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Quotes;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Quotes;

/// <summary>
/// subscriptions.v1.QuoteService: validates at the edge, numbers new quotes and orders through the account (a retry of
/// the request id gets the same number), then calls the quote or service order grain.
/// </summary>
public sealed class QuoteService(IGrainFactory grains, SubscriptionsApiOptions options) : Proto.QuoteService.QuoteServiceBase
{
    private const string PageTokenViolation = "is not a token returned by this list for this account";

    /// <summary>Billing ops write a draft (QUO-1).</summary>
    [OnAccount(AccountAction.WriteQuotes)]
    public override async Task<Proto.Quote> CreateQuote(Proto.CreateQuoteRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId);
        var lines = QuoteMapping.ToDomain(request.Lines, check);
        check.ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var actor = CallScope.ActorOf(context);
        var number = await grains.GetGrain<IAccountGrain>(request.AccountId).NumberQuoteAsync(actor, context.CancellationToken);
        return QuoteMapping.ToProto(await Quote(request.AccountId, number).DraftAsync(actor, lines, context.CancellationToken));
    }

    /// <summary>Billing ops replace a draft's lines (QUO-1).</summary>
    [OnAccount(AccountAction.WriteQuotes)]
    public override async Task<Proto.Quote> EditQuote(Proto.EditQuoteRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Id("quote_number", request.QuoteNumber);
        var lines = QuoteMapping.ToDomain(request.Lines, check);
        check.ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        return QuoteMapping.ToProto(await Quote(request.AccountId, request.QuoteNumber).EditAsync(CallScope.ActorOf(context), lines, context.CancellationToken));
    }

    /// <summary>Billing ops send a draft (QUO-2).</summary>
    [OnAccount(AccountAction.WriteQuotes)]
    public override async Task<Proto.Quote> SendQuote(Proto.SendQuoteRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Id("quote_number", request.QuoteNumber).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        return QuoteMapping.ToProto(await Quote(request.AccountId, request.QuoteNumber).SendAsync(CallScope.ActorOf(context), context.CancellationToken));
    }

    /// <summary>The primary holder orders seats online (QUO-4, QUO-3).</summary>
    [OnAccount(AccountAction.AnswerQuotes)]
    public override async Task<Proto.Quote> OrderSeats(Proto.OrderSeatsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Id("subscription_id", request.SubscriptionId)
            .Check("seats", request.Seats >= 1, $"must be 1 or more (got {request.Seats})").ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var actor = CallScope.ActorOf(context);
        var number = await grains.GetGrain<IAccountGrain>(request.AccountId).NumberQuoteAsync(actor, context.CancellationToken);
        return QuoteMapping.ToProto(await Quote(request.AccountId, number).OrderSeatsAsync(actor, request.SubscriptionId, request.Seats, context.CancellationToken));
    }

    /// <summary>The primary holder accepts one quote or a cart with the checkout details (QUO-5).</summary>
    [OnAccount(AccountAction.AnswerQuotes)]
    public override async Task<Proto.ServiceOrder> AcceptQuotes(Proto.AcceptQuotesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId)
            .Check("quote_numbers", request.QuoteNumbers.Count is >= 1 and <= ServiceOrder.MaxQuotes, $"must list 1 to {ServiceOrder.MaxQuotes} quotes (got {request.QuoteNumbers.Count})")
            .Present("checkout", request.Checkout);
        for (var i = 0; i < Math.Min(request.QuoteNumbers.Count, ServiceOrder.MaxQuotes); i++)
        {
            check.Id(string.Create(CultureInfo.InvariantCulture, $"quote_numbers[{i}]"), request.QuoteNumbers[i]);
        }

        check.ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var actor = CallScope.ActorOf(context);
        var number = await grains.GetGrain<IAccountGrain>(request.AccountId).NumberOrderAsync(actor, context.CancellationToken);
        var order = await grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of(request.AccountId, number))
            .PlaceAsync(actor, [.. request.QuoteNumbers], QuoteMapping.ToDomain(request.Checkout), context.CancellationToken);
        if (order.Refusal is { } refusal)
        {
            // Refused at acceptance with nothing applied: the rule and the quote, as every refusal is told.
            throw new RuleViolationException(refusal.RuleId, refusal.Message);
        }

        return QuoteMapping.ToProto(order);
    }

    /// <summary>The primary holder rejects a quote with a comment (QUO-6).</summary>
    [OnAccount(AccountAction.AnswerQuotes)]
    public override async Task<Proto.Quote> RejectQuote(Proto.RejectQuoteRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Id("quote_number", request.QuoteNumber)
            .Check("comment", request.Comment.Trim().Length > 0, $"is required to reject a quote ({Rules.Quo6}): say why it does not suit").ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        return QuoteMapping.ToProto(await Quote(request.AccountId, request.QuoteNumber).RejectAsync(CallScope.ActorOf(context), request.Comment, context.CancellationToken));
    }

    /// <summary>One quote of the account.</summary>
    [OnAccount(AccountAction.ViewQuotes)]
    public override async Task<Proto.Quote> GetQuote(Proto.GetQuoteRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).Id("quote_number", request.QuoteNumber).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return QuoteMapping.ToProto(await Quote(request.AccountId, request.QuoteNumber).GetAsync(CallScope.ActorOf(context), CallScope.Read));
    }

    /// <summary>A page of the account's quotes, newest first; numbers given to refused requests are skipped.</summary>
    [OnAccount(AccountAction.ViewQuotes)]
    public override async Task<Proto.ListQuotesResponse> ListQuotes(Proto.ListQuotesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new Proto.ListQuotesResponse();
        response.NextPageToken = await PageAsync(request.AccountId, request.PageSize, request.PageToken, NumberedDocument.Quote, context, async (actor, number) =>
        {
            response.Quotes.Add(QuoteMapping.ToProto(await Quote(request.AccountId, number).GetAsync(actor, CallScope.Read)));
        });
        return response;
    }

    /// <summary>One service order of the account.</summary>
    [OnAccount(AccountAction.ViewQuotes)]
    public override async Task<Proto.ServiceOrder> GetOrder(Proto.GetOrderRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).Id("order_number", request.OrderNumber).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return QuoteMapping.ToProto(await grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of(request.AccountId, request.OrderNumber)).GetAsync(CallScope.ActorOf(context), CallScope.Read));
    }

    /// <summary>A page of the account's service orders, newest first; numbers given to refused requests are skipped.</summary>
    [OnAccount(AccountAction.ViewQuotes)]
    public override async Task<Proto.ListOrdersResponse> ListOrders(Proto.ListOrdersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new Proto.ListOrdersResponse();
        response.NextPageToken = await PageAsync(request.AccountId, request.PageSize, request.PageToken, NumberedDocument.Order, context, async (actor, number) =>
        {
            response.Orders.Add(QuoteMapping.ToProto(await grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of(request.AccountId, number)).GetAsync(actor, CallScope.Read)));
        });
        return response;
    }

    /// <summary>
    /// Reads a page of numbers newest first: the token is the sequence of the next (older) number to look at, so it
    /// stays valid while new ones are given. A number whose request was refused has no grain and is skipped.
    /// </summary>
    private async Task<string> PageAsync(
        string accountId, int pageSize, string pageToken, NumberedDocument document, ServerCallContext context, Func<Actor, string, Task> read)
    {
        var before = 0;
        EdgeValidation.Reading()
            .Id("account_id", accountId)
            .Check("page_size", pageSize >= 0 && pageSize <= options.MaxPageSize, $"must be 0 (for {options.DefaultPageSize}) to {options.MaxPageSize}")
            .Check("page_token", pageToken.Length == 0 || (int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out before) && before > 0), PageTokenViolation)
            .ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var actor = CallScope.ActorOf(context);
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync(actor, CallScope.Read);
        var count = document == NumberedDocument.Quote ? account.QuoteCount : account.OrderCount;
        var next = pageToken.Length == 0 ? count : before;
        EdgeValidation.Reading().Check("page_token", next <= count, PageTokenViolation).ThrowIfInvalid();
        var size = pageSize == 0 ? options.DefaultPageSize : pageSize;
        // A page looks at a bounded run of numbers, so numbers left unused by refused requests cannot make one call
        // read without end; the token then resumes after them.
        var tries = 2 * size + 20;
        for (var found = 0; next > 0 && found < size && tries-- > 0; next--)
        {
            try
            {
                await read(actor, AccountNumbers.Of(accountId, document, next));
                found++;
            }
            catch (NotFoundException)
            {
                // A number given to a request that was then refused.
            }
        }

        return next > 0 ? next.ToString(CultureInfo.InvariantCulture) : "";
    }

    private IQuoteGrain Quote(string accountId, string number) => grains.GetGrain<IQuoteGrain>(QuoteKey.Of(accountId, number));
}
