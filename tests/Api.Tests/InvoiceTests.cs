using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Invoices issued by the account grain (INV-1, INV-2, NOT-1) and read through InvoiceService (ACC-2).</summary>
[Collection(ApiCollection.Name)]
public sealed class InvoiceTests(ApiServer server)
{
    [Fact]
    public async Task INV_2_an_issued_invoice_is_numbered_taxed_by_billing_address_open_and_readable_through_the_api()
    {
        var id = await OpenAsync();

        var issued = await IssueAsync(id, 5, 12.50m);
        var invoice = await server.Client.InvoiceAsync<Proto.GetInvoiceRequest, Proto.Invoice>(
            "GetInvoice", new Proto.GetInvoiceRequest { AccountId = id, InvoiceNumber = issued.Number }, server.Tokens.PrimaryHolder(id));

        Assert.Equal($"{AccountGrain.InvoicePrefix(id)}-000001", invoice.Number);
        Assert.Equal(Proto.InvoiceStatus.Open, invoice.Status);
        Assert.Equal(("62.50", "5.00", "67.50", "67.50"), (invoice.Subtotal.Amount, invoice.Tax.Amount, invoice.Total.Amount, invoice.Balance.Amount));
        Assert.Equal(invoice.IssuedAt.ToDateTimeOffset().AddDays(15), invoice.DueAt.ToDateTimeOffset());
        Assert.Equal([Proto.InvoiceLineKind.SubscriptionCharge, Proto.InvoiceLineKind.Tax], invoice.Lines.Select(l => l.Kind));
        Assert.Equal("sub-1", invoice.Lines[0].SubscriptionId);
    }

    [Fact]
    public async Task INV_1_amounts_carry_the_currency_minor_units_even_when_nothing_is_due()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);

        var issued = await IssueAsync(id, 3, 12m);
        var invoice = await server.Client.InvoiceAsync<Proto.GetInvoiceRequest, Proto.Invoice>(
            "GetInvoice", new Proto.GetInvoiceRequest { AccountId = id, InvoiceNumber = issued.Number }, holder);

        Assert.Equal(("36.00", "0.00", "0.00", "36.00"), (invoice.Subtotal.Amount, invoice.Tax.Amount, invoice.AmountPaid.Amount, invoice.Balance.Amount));
        Assert.Equal("0.00", (await server.Client.GetAccountAsync(id, holder)).UnappliedCredit.Amount);
    }

    [Fact]
    public async Task NOT_1_issuing_records_the_invoice_its_grains_record_and_its_notification_in_the_accounts_one_transaction()
    {
        var id = await OpenAsync();

        var issued = await IssueAsync(id, 1, 10m);

        // The invoice grain's record is there before anyone calls the grain: the account's change created it.
        var account = await server.Client.InspectAsync(AccountGrain.TypeName, id, server.Tokens.Ops());
        var recorded = Assert.Single(account.History, h => h.Change == "invoice_issued");
        var message = Assert.Single(await server.Cluster.OutboxAsync(AccountGrain.TypeName, id));
        Assert.Equal((account.Version, issued.Number), (recorded.Version, recorded.To));
        Assert.Equal("invoice-issued", message.Kind);
        Assert.Contains("ada@acme.example", message.PayloadJson, StringComparison.Ordinal);
        Assert.Contains(issued.Number, message.PayloadJson, StringComparison.Ordinal);
        Assert.Equal(account.Version, message.Version);
        Assert.True(await server.Cluster.StateExistsAsync(InvoiceGrain.TypeName, InvoiceKey.Of(id, issued.Number)));

        var read = await server.Client.InvoiceAsync<Proto.GetInvoiceRequest, Proto.Invoice>(
            "GetInvoice", new Proto.GetInvoiceRequest { AccountId = id, InvoiceNumber = issued.Number }, server.Tokens.PrimaryHolder(id));

        Assert.Equal((issued.Number, "10.80"), (read.Number, read.Total.Amount));
        var invoice = await server.Client.InspectAsync(InvoiceGrain.TypeName, InvoiceKey.Of(id, issued.Number), server.Tokens.Ops());
        Assert.Equal(1, invoice.Version);
        var born = Assert.Single(invoice.History);
        Assert.Equal(("issued", "open", 1L, nameof(IAccountLedgerGrain.IssueInvoiceAsync)), (born.Change, born.To, born.Version, born.Cause.Name));
        Assert.Equal(recorded.At, born.At);
        Assert.Empty(await server.Cluster.OutboxAsync(InvoiceGrain.TypeName, InvoiceKey.Of(id, issued.Number)));
        Assert.Single(await server.Cluster.OutboxAsync(AccountGrain.TypeName, id));
    }

    [Fact]
    public async Task OPS_1_ops_inspect_an_issued_invoice_before_anyone_read_it_and_a_number_not_issued_yet_is_not_found_until_it_is()
    {
        var id = await OpenAsync();
        var issued = await IssueAsync(id, 2, 10m);
        var next = InvoiceKey.Of(id, $"{AccountGrain.InvoicePrefix(id)}-000002");

        var inspection = await server.Client.InspectAsync(InvoiceGrain.TypeName, InvoiceKey.Of(id, issued.Number), server.Tokens.Ops());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.InspectAsync(InvoiceGrain.TypeName, next, server.Tokens.Ops()));

        Assert.Equal(1, inspection.Version);
        using var state = System.Text.Json.JsonDocument.Parse(inspection.StateJson);
        Assert.Equal(issued.Number, state.RootElement.GetProperty("invoice").GetProperty("number").GetString());
        var born = Assert.Single(inspection.History);
        Assert.Equal(("issued", "open", "call"), (born.Change, born.To, born.Cause.Kind));
        Assert.False(await server.Cluster.StateExistsAsync(InvoiceGrain.TypeName, next));

        // The grain activated by that refused read holds no record; the account's next issue creates it, and the same
        // activation finds it.
        var second = await IssueAsync(id, 1, 10m);
        var found = await server.Client.InspectAsync(InvoiceGrain.TypeName, next, server.Tokens.Ops());

        Assert.Equal(InvoiceKey.Of(id, second.Number), next);
        Assert.Equal((1L, "issued"), (found.Version, Assert.Single(found.History).Change));
    }

    [Fact]
    public async Task INV_1_invoices_are_numbered_in_sequence_and_listed_newest_first_a_page_at_a_time()
    {
        var id = await OpenAsync();
        var viewer = server.Tokens.BillingViewer(id);
        await server.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = id,
            SubjectId = TestTokens.ViewerOf(id),
            Email = "viewer@acme.example",
            Role = Proto.MemberRole.BillingViewer,
        }, server.Tokens.PrimaryHolder(id));
        for (var n = 1; n <= 3; n++)
        {
            await IssueAsync(id, n, 10m);
        }

        var first = await server.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
            "ListInvoices", new Proto.ListInvoicesRequest { AccountId = id, PageSize = 2 }, viewer);
        var second = await server.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
            "ListInvoices", new Proto.ListInvoicesRequest { AccountId = id, PageSize = 2, PageToken = first.NextPageToken }, viewer);

        var prefix = AccountGrain.InvoicePrefix(id);
        Assert.Equal([$"{prefix}-000003", $"{prefix}-000002"], first.Invoices.Select(i => i.Number));
        Assert.Equal([$"{prefix}-000001"], second.Invoices.Select(i => i.Number));
        Assert.Equal("", second.NextPageToken);
    }

    [Fact]
    public async Task INV_1_a_page_token_stays_valid_when_invoices_are_issued_between_pages()
    {
        var id = await OpenAsync();
        var holder = server.Tokens.PrimaryHolder(id);
        for (var n = 1; n <= 3; n++)
        {
            await IssueAsync(id, n, 10m);
        }

        var first = await ListAsync(id, 2, "", holder);
        await IssueAsync(id, 4, 10m);
        var second = await ListAsync(id, 2, first.NextPageToken, holder);
        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => ListAsync(id, 2, "99", holder));

        var prefix = AccountGrain.InvoicePrefix(id);
        Assert.Equal([$"{prefix}-000003", $"{prefix}-000002"], first.Invoices.Select(i => i.Number));
        Assert.Equal([$"{prefix}-000001"], second.Invoices.Select(i => i.Number));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(["page_token"], error.BadFields());
    }

    [Fact]
    public async Task ACC_2_an_invoice_of_another_account_is_not_found_and_a_stranger_may_not_list()
    {
        var id = await OpenAsync();
        var other = await OpenAsync();
        var issued = await IssueAsync(other, 1, 10m);

        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.InvoiceAsync<Proto.GetInvoiceRequest, Proto.Invoice>(
            "GetInvoice", new Proto.GetInvoiceRequest { AccountId = id, InvoiceNumber = issued.Number }, server.Tokens.PrimaryHolder(id)));
        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => server.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
            "ListInvoices", new Proto.ListInvoicesRequest { AccountId = other }, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(Rules.Acc2, error.RuleId());
    }

    private Task<Proto.ListInvoicesResponse> ListAsync(string accountId, int pageSize, string pageToken, CallOptions options) =>
        server.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
            "ListInvoices", new Proto.ListInvoicesRequest { AccountId = accountId, PageSize = pageSize, PageToken = pageToken }, options);

    /// <summary>An account billed from Alabama, so its invoices carry the 8 % Simplified Sellers Use Tax (TAX-1).</summary>
    private async Task<string> OpenAsync()
    {
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.BillingAddress = new Proto.PostalAddress { Line1 = "600 Dexter Ave", City = "Montgomery", Region = "AL", PostalCode = "36104", Country = "US" };
        await server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id));
        return id;
    }

    private Task<Invoice> IssueAsync(string accountId, int seats, decimal unitPrice)
    {
        var now = server.Cluster.Clock.GetUtcNow();
        var charge = new ChargeLine(
            InvoiceLineKind.SubscriptionCharge, "Pro, monthly", seats, new Money(unitPrice, Currency.Usd), Period: new BillingPeriod(now, now.AddDays(30)), SubscriptionId: "sub-1");
        return server.Grain<IAccountLedgerGrain>(accountId).IssueInvoiceAsync(new IssueInvoice([charge]));
    }
}
