using System.Globalization;
using Grpc.Core;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Documents;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Invoices;

/// <summary>
/// subscriptions.v1.InvoiceService: reads, pays and disputes an account's invoices after the account grain checks the
/// caller (ACC-2). The account says which invoices it issued; each invoice is read and changed in its own grain, not in
/// the account's record, because that record is the invoice as issued while payments, due-date and dispute changes happen
/// in the invoice grain (which adopts the record on its first turn). Both calls come from here, one after the other.
/// </summary>
public sealed class InvoiceService(IGrainFactory grains, SubscriptionsApiOptions options, InvoiceDocument documents) : Proto.InvoiceService.InvoiceServiceBase
{
    private const string PageTokenViolation = "is not a token returned by ListInvoices for this account";

    /// <summary>The most paid invoices one ListInvoices call reads to match a due-date filter (the ledger holds the others).</summary>
    private const int MaxInvoiceReads = 200;

    /// <summary>One invoice of the account; NOT_FOUND unless the account issued it.</summary>
    [OnAccount(AccountAction.ViewInvoices)]
    public override async Task<Proto.Invoice> GetInvoice(Proto.GetInvoiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return InvoiceMapping.ToProto(await (await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context)).GetAsync(CallScope.Read));
    }

    /// <summary>
    /// A page of the account's invoices, newest first, optionally only those in <c>statuses</c> and due in
    /// [<c>due_from</c>, <c>due_before</c>) as the account's ledger knows them (ACC-6). The page token is the number of
    /// invoices older than the next one to look at, so a token stays valid while new invoices are issued: a later page
    /// neither repeats nor skips one.
    /// </summary>
    [OnAccount(AccountAction.ViewInvoices)]
    public override async Task<Proto.ListInvoicesResponse> ListInvoices(Proto.ListInvoicesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var before = 0;
        EdgeValidation.Reading()
            .Id("account_id", request.AccountId)
            .Check("page_size", request.PageSize >= 0 && request.PageSize <= options.MaxPageSize, $"must be 0 (for {options.DefaultPageSize}) to {options.MaxPageSize}")
            .Check("page_token", request.PageToken.Length == 0 || (int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out before) && before > 0),
                PageTokenViolation)
            .Check("statuses", request.Statuses.Count <= 5 && request.Statuses.All(s => InvoiceMapping.ToDomain(s) is not null), "must list at most 5 invoice states, none unspecified")
            .ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var account = await grains.GetGrain<IAccountGrain>(request.AccountId).GetAsync(CallScope.ActorOf(context), CallScope.Read);
        var numbers = account.InvoiceNumbers;
        var end = request.PageToken.Length == 0 ? numbers.Count : before;
        EdgeValidation.Reading().Check("page_token", end <= numbers.Count, PageTokenViolation).ThrowIfInvalid();
        var statuses = request.Statuses.Select(s => InvoiceMapping.ToDomain(s)!.Value).ToHashSet();
        var dueFrom = request.DueFrom?.ToDateTimeOffset();
        var dueBefore = request.DueBefore?.ToDateTimeOffset();
        // The ledger holds every invoice not paid (ACC-6); one it does not hold is paid. Only a due-date filter on a paid
        // invoice needs the invoice itself, and a call reads at most MaxInvoiceReads of those: a page may then hold
        // fewer invoices than asked, its token going on from where it stopped.
        var ledger = account.Invoices.ToDictionary(i => i.Number, StringComparer.Ordinal);
        var filtered = statuses.Count > 0 || dueFrom is not null || dueBefore is not null;
        var reads = 0;
        async ValueTask<bool?> MatchesAsync(string number)
        {
            if (!filtered)
            {
                return true;
            }

            if (ledger.TryGetValue(number, out var entry))
            {
                return (statuses.Count == 0 || statuses.Contains(entry.Status)) && DueMatches(entry.DueAt);
            }

            if (statuses.Count > 0 && !statuses.Contains(InvoiceStatus.Paid))
            {
                return false;
            }

            if (dueFrom is null && dueBefore is null)
            {
                return true;
            }

            if (++reads > MaxInvoiceReads)
            {
                return null;
            }

            return DueMatches((await Invoice(request.AccountId, number).GetAsync(CallScope.Read)).DueAt);
        }

        bool DueMatches(DateTimeOffset due) => (dueFrom is null || due >= dueFrom) && (dueBefore is null || due < dueBefore);

        var pageSize = request.PageSize == 0 ? options.DefaultPageSize : request.PageSize;
        var page = new List<string>(pageSize);
        var next = end;
        var more = false;
        while (next > 0)
        {
            var matches = await MatchesAsync(numbers[next - 1]);
            if (matches is null || (matches.Value && page.Count == pageSize))
            {
                more = true;
                break;
            }

            next--;
            if (matches.Value)
            {
                page.Add(numbers[next]);
            }
        }

        var response = new Proto.ListInvoicesResponse { NextPageToken = more ? next.ToString(CultureInfo.InvariantCulture) : "" };
        // Each invoice is its own grain: read the page at once, newest first.
        var invoices = await Task.WhenAll(page.Select(number => Invoice(request.AccountId, number).GetAsync(CallScope.Read)));
        response.Invoices.AddRange(invoices.Select(InvoiceMapping.ToProto));
        return response;
    }

    /// <summary>Pays an invoice (INV-3, INV-4); billing viewers may pay (ACC-2).</summary>
    [OnAccount(AccountAction.PayInvoices)]
    public override async Task<Proto.PaymentResult> PayInvoice(Proto.PayInvoiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId)
            .Id("account_id", request.AccountId)
            .Required("invoice_number", request.InvoiceNumber)
            .Decimal("amount", request.Amount, out var amount)
            .Check("one_time_card_token", request.OneTimeCardToken.Length == 0 || request.PaymentMethodId.Length == 0, "give either payment_method_id or one_time_card_token, not both")
            .ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var invoice = await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context);
        var result = await invoice.PayAsync(
            CallScope.ActorOf(context), new PayInvoice(CommonMapping.Blank(request.PaymentMethodId), CommonMapping.Blank(request.OneTimeCardToken), amount), context.CancellationToken);
        return ToProto(result);
    }

    /// <summary>Every payment attempt on an invoice, oldest first (INV-4).</summary>
    [OnAccount(AccountAction.ViewInvoices)]
    public override async Task<Proto.ListPaymentAttemptsResponse> ListPaymentAttempts(Proto.ListPaymentAttemptsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var invoice = await (await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context)).GetAsync(CallScope.Read);
        var response = new Proto.ListPaymentAttemptsResponse();
        response.Attempts.AddRange(invoice.Attempts.Select(InvoiceMapping.ToProto));
        return response;
    }

    /// <summary>Completes an attempt waiting for authentication (INV-4).</summary>
    [OnAccount(AccountAction.PayInvoices)]
    public override Task<Proto.PaymentResult> ConfirmPayment(Proto.SettlePaymentRequest request, ServerCallContext context) =>
        SettleAsync(request, context, (invoice, actor, attempt) => invoice.ConfirmPaymentAsync(actor, attempt, context.CancellationToken));

    /// <summary>Gives up an attempt waiting for authentication (INV-4).</summary>
    [OnAccount(AccountAction.PayInvoices)]
    public override Task<Proto.PaymentResult> AbandonPayment(Proto.SettlePaymentRequest request, ServerCallContext context) =>
        SettleAsync(request, context, (invoice, actor, attempt) => invoice.AbandonPaymentAsync(actor, attempt, context.CancellationToken));

    /// <summary>Disputes an invoice within 15 days of its issue date (INV-7).</summary>
    [OnAccount(AccountAction.DisputeInvoices)]
    public override async Task<Proto.Invoice> OpenDispute(Proto.OpenDisputeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber)
            .Required("reason", request.Reason).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var invoice = await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context);
        return InvoiceMapping.ToProto(await invoice.OpenDisputeAsync(CallScope.ActorOf(context), request.Reason, context.CancellationToken));
    }

    /// <summary>Billing ops resolve a dispute with a credit or a rejection (INV-7).</summary>
    [OpsOnly]
    public override async Task<Proto.Invoice> ResolveDispute(Proto.ResolveDisputeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber)
            .Decimal("credit", request.Credit, out var credit).Required("comment", request.Comment).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var invoice = await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context);
        return InvoiceMapping.ToProto(await invoice.ResolveDisputeAsync(CallScope.ActorOf(context), credit, request.Comment, context.CancellationToken));
    }

    /// <summary>The invoice as a PDF (INV-8), with the informational local total when asked (INV-9); readers of the account may have it.</summary>
    [OnAccount(AccountAction.ViewInvoices)]
    public override async Task<Proto.InvoiceDocument> GetInvoiceDocument(Proto.GetInvoiceDocumentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var local = Currency.Usd;
        EdgeValidation.Reading().Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber)
            .Check("local_currency", request.LocalCurrency.Length == 0 || Currency.TryParse(request.LocalCurrency, out local),
                $"must be empty or one of {string.Join(", ", Currency.All.Select(c => c.Code))}")
            .Decimal("exchange_rate", request.ExchangeRate, out var rate)
            .Check("exchange_rate", (request.LocalCurrency.Length == 0) == (rate is null) && rate is null or (> 0m and <= Limits.MaxExchangeRate),
                $"is required with local_currency (and only then), and must be more than 0 and at most {Limits.MaxExchangeRate}")
            .ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        var account = await grains.GetGrain<IAccountGrain>(request.AccountId).GetAsync(CallScope.ActorOf(context), CallScope.Read);
        if (!account.Issued(request.InvoiceNumber))
        {
            throw new NotFoundException("Invoice", InvoiceKey.Of(request.AccountId, request.InvoiceNumber));
        }

        var invoice = await Invoice(request.AccountId, request.InvoiceNumber).GetAsync(CallScope.Read);
        var localCurrency = rate is { } r ? new InvoiceDocument.LocalCurrency(local, r) : null;
        var pdf = documents.Render(invoice, account.Account, localCurrency);
        return new Proto.InvoiceDocument
        {
            FileName = $"{invoice.Number}.pdf",
            ContentType = "application/pdf",
            Content = Google.Protobuf.ByteString.CopyFrom(pdf),
            LocalTotal = localCurrency is null ? null : CommonMapping.ToProto(MoneyDisplay.Local(invoice.Total, localCurrency.Currency, localCurrency.Rate)),
        };
    }

    /// <summary>Billing ops void an invoice nothing was paid on.</summary>
    [OpsOnly]
    public override async Task<Proto.Invoice> VoidInvoice(Proto.VoidInvoiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber)
            .Required("reason", request.Reason).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var invoice = await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context);
        return InvoiceMapping.ToProto(await invoice.VoidAsync(CallScope.ActorOf(context), request.Reason, context.CancellationToken));
    }

    private async Task<Proto.PaymentResult> SettleAsync(
        Proto.SettlePaymentRequest request, ServerCallContext context, Func<IInvoiceGrain, Domain.Accounts.Actor, int, Task<PaymentResult>> settle)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).Required("invoice_number", request.InvoiceNumber)
            .Check("attempt_number", request.AttemptNumber >= 1, $"must be 1 or more (got {request.AttemptNumber})").ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        var invoice = await IssuedInvoiceAsync(request.AccountId, request.InvoiceNumber, context);
        return ToProto(await settle(invoice, CallScope.ActorOf(context), request.AttemptNumber));
    }

    /// <summary>The invoice grain, after the account confirmed the caller may read it (ACC-2) and that it issued it (else NOT_FOUND).</summary>
    private async Task<IInvoiceGrain> IssuedInvoiceAsync(string accountId, string number, ServerCallContext context)
    {
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync(CallScope.ActorOf(context), CallScope.Read);
        return account.Issued(number)
            ? Invoice(accountId, number)
            : throw new NotFoundException("Invoice", InvoiceKey.Of(accountId, number));
    }

    private IInvoiceGrain Invoice(string accountId, string number) => grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of(accountId, number));

    private static Proto.PaymentResult ToProto(PaymentResult result) =>
        new() { Invoice = InvoiceMapping.ToProto(result.Invoice), Attempt = InvoiceMapping.ToProto(result.Attempt) };
}
