using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;
using UglyToad.PdfPig;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>The invoice document (INV-8, INV-9), parsed back with an independent PDF reader (PdfPig).</summary>
[Collection(ApiCollection.Name)]
public sealed class InvoiceDocumentTests(ApiServer server)
{
    [Fact]
    public async Task INV_8_the_pdf_opens_and_shows_number_buyer_lines_totals_paid_balance_due_date_and_the_local_total()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        var number = (await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 100)).IssuedInvoiceNumber;
        await kit.PayAsync(number, amount: "200.00");

        var document = await DocumentAsync(kit.AccountId, number, kit.Holder, "EUR", "0.92");
        var text = Text(document.Content.ToByteArray());

        Assert.Equal(($"{number}.pdf", "application/pdf"), (document.FileName, document.ContentType));
        Assert.Equal(("1104.00", "EUR"), (document.LocalTotal.Amount, document.LocalTotal.CurrencyCode));
        Assert.Contains($"Invoice number: {number}", text, StringComparison.Ordinal);
        Assert.Contains("Acme Widgets", text, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace <ada@acme.example>", text, StringComparison.Ordinal);
        Assert.Contains("Due date: 2026-03-16", text, StringComparison.Ordinal);
        Assert.Contains("GoTo Meeting Professional, 100 seats, monthly", text, StringComparison.Ordinal);
        Assert.Contains("100 $12.00 $1,200.00", text, StringComparison.Ordinal);
        Assert.Contains("Period 2026-03-01 – 2026-03-30", text, StringComparison.Ordinal);
        Assert.Contains("Total$1,200.00", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Amountpaid$200.00", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Balancedue$1,000.00", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("For information only: total 1.104,00 € at 1 USD = 0.92 EUR.", text, StringComparison.Ordinal);
        Assert.Contains($"Reference: {number}.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task INV_8_a_reverse_charge_invoice_says_so_and_a_viewer_may_read_it_but_not_a_stranger()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        var request = Requests.CreateAccount(id, "EUR");
        request.BillingAddress = new Proto.PostalAddress { Line1 = "Unter den Linden 1", City = "Berlin", PostalCode = "10117", Country = "DE" };
        await server.Client.AccountAsync("CreateAccount", request, holder);
        await server.Client.AccountAsync("RecordVatId", new Proto.RecordVatIdRequest { RequestId = Requests.NewRequestId(), AccountId = id, VatId = "DE123456789" }, holder);
        var now = server.Cluster.Clock.GetUtcNow();
        var issued = await server.Grain<IAccountLedgerGrain>(id).IssueInvoiceAsync(new IssueInvoice([new ChargeLine(
            InvoiceLineKind.SubscriptionCharge, "Meeting Business, 3 seats, annual", 3, new Money(1234.50m, Currency.Eur), Period: new BillingPeriod(now, now.AddYears(1)), SubscriptionId: "sub-1")]));

        var text = Text((await DocumentAsync(id, issued.Number, holder)).Content.ToByteArray());
        var stranger = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => DocumentAsync(id, issued.Number, server.Tokens.PrimaryHolder(Requests.NewAccountId())));
        var badRate = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => DocumentAsync(id, issued.Number, holder, "USD", ""));

        Assert.True(issued.ReverseCharge);
        Assert.Contains("Reverse charge: VAT to be accounted for by the recipient.", text, StringComparison.Ordinal);
        Assert.Contains("VAT DE123456789", text, StringComparison.Ordinal);
        Assert.Contains("Total 3.703,50 €", text, StringComparison.Ordinal);
        Assert.Contains("Amounts in EUR.", text, StringComparison.Ordinal);
        Assert.Equal(Rules.Acc2, stranger.RuleId());
        Assert.Equal(["exchange_rate"], badRate.BadFields());
    }

    private Task<Proto.InvoiceDocument> DocumentAsync(string accountId, string number, CallOptions caller, string local = "", string rate = "") =>
        server.Client.InvoiceAsync<Proto.GetInvoiceDocumentRequest, Proto.InvoiceDocument>("GetInvoiceDocument", new Proto.GetInvoiceDocumentRequest
        {
            AccountId = accountId, InvoiceNumber = number, LocalCurrency = local, ExchangeRate = rate,
        }, caller);

    /// <summary>The document's text, page by page, as a PDF reader extracts it.</summary>
    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }
}
