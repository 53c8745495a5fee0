using Grpc.Core;
using System.Globalization;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.Grpc.Api.Auth;
using Orleans;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Invoices;

/// <summary>
/// subscriptions.v1.InvoiceService: reads an account's invoices after the account grain checks the reader (ACC-2). The
/// account says which invoices it issued; each invoice is read from its own grain, not from the account's record, because
/// that record is the invoice as issued while payments, due-date and dispute changes happen in the invoice grain (which
/// adopts the record on its first turn). Both calls come from here, one after the other, so no grain calls back into another.
/// </summary>
public sealed class InvoiceService(IGrainFactory grains, SubscriptionsApiOptions options) : Proto.InvoiceService.InvoiceServiceBase
{
    private const string PageTokenViolation = "is not a token returned by ListInvoices for this account";

    /// <summary>One invoice of the account; NOT_FOUND unless the account issued it.</summary>
    [OnAccount(AccountAccess.Read)]
    public override async Task<Proto.Invoice> GetInvoice(Proto.GetInvoiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var account = await grains.GetGrain<IAccountGrain>(request.AccountId).GetAsync(CallScope.ActorOf(context), context.CancellationToken);
        if (!account.InvoiceNumbers.Contains(request.InvoiceNumber, StringComparer.Ordinal))
        {
            throw new NotFoundException("Invoice", InvoiceKey.Of(request.AccountId, request.InvoiceNumber));
        }

        return InvoiceMapping.ToProto(await grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of(request.AccountId, request.InvoiceNumber)).GetAsync(context.CancellationToken));
    }

    /// <summary>
    /// A page of the account's invoices, newest first. The page token is the number of invoices older than the next
    /// one to list, so a token stays valid while new invoices are issued: a later page neither repeats nor skips one.
    /// </summary>
    [OnAccount(AccountAccess.Read)]
    public override async Task<Proto.ListInvoicesResponse> ListInvoices(Proto.ListInvoicesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var before = 0;
        EdgeValidation.Reading()
            .Id("account_id", request.AccountId)
            .Check("page_size", request.PageSize >= 0 && request.PageSize <= options.MaxPageSize, $"must be 0 (for {options.DefaultPageSize}) to {options.MaxPageSize}")
            .Check("page_token", request.PageToken.Length == 0 || (int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out before) && before > 0),
                PageTokenViolation)
            .ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var numbers = (await grains.GetGrain<IAccountGrain>(request.AccountId).GetAsync(CallScope.ActorOf(context), context.CancellationToken)).InvoiceNumbers;
        var end = request.PageToken.Length == 0 ? numbers.Count : before;
        EdgeValidation.Reading().Check("page_token", end <= numbers.Count, PageTokenViolation).ThrowIfInvalid();
        var start = Math.Max(0, end - (request.PageSize == 0 ? options.DefaultPageSize : request.PageSize));
        var response = new Proto.ListInvoicesResponse { NextPageToken = start > 0 ? start.ToString(CultureInfo.InvariantCulture) : "" };
        // Each invoice is its own grain: read the page at once, newest first.
        var page = await Task.WhenAll(Enumerable.Range(start, end - start).Reverse()
            .Select(i => grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of(request.AccountId, numbers[i])).GetAsync(context.CancellationToken)));
        response.Invoices.AddRange(page.Select(InvoiceMapping.ToProto));

        return response;
    }
}
