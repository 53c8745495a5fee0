using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Grains.Accounts;
using Subscriptions.TestHost;
using UglyToad.PdfPig;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>
/// ACC-6: the account's unapplied credit (seat removals, downgrades, dispute credits) pays what it can of the next
/// invoice at issue, shown on the invoice and its document, before autopay charges the rest; the balances agree.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccountCreditTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task ACC_6_a_seat_removal_credit_is_applied_to_the_renewal_and_autopay_charges_only_the_rest()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 5);
        await kit.AdvanceToAsync(Start.AddDays(10));
        await kit.CallAsync("RemoveSeats", new Proto.RemoveSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 2,
        }, kit.Holder);
        var credit = decimal.Parse((await kit.AccountAsync()).UnappliedCredit.Amount, System.Globalization.CultureInfo.InvariantCulture);

        await kit.AdvanceToAsync(Start.AddDays(31));
        var renewal = (await kit.InvoicesAsync()).Single(i => i.Lines.Any(l => l.Description.Contains("3 seats", StringComparison.Ordinal)));
        var account = await kit.AccountAsync();
        var document = await server.Client.InvoiceAsync<Proto.GetInvoiceDocumentRequest, Proto.InvoiceDocument>("GetInvoiceDocument", new Proto.GetInvoiceDocumentRequest
        {
            AccountId = kit.AccountId, InvoiceNumber = renewal.Number,
        }, kit.Holder);
        using var pdf = PdfDocument.Open(document.Content.ToByteArray());
        var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)).Replace(" ", "", StringComparison.Ordinal);

        Assert.True(credit > 0m, $"the seat removal credited {credit}");
        Assert.Equal(("36.00", Proto.InvoiceStatus.Paid), (renewal.Total.Amount, renewal.Status));
        Assert.Equal((Amount(credit), Amount(36.00m - credit), "0.00"), (renewal.AccountCreditApplied.Amount, renewal.AmountPaid.Amount, renewal.Balance.Amount));
        Assert.Equal(("0.00", "0.00", "0.00"), (account.UnappliedCredit.Amount, account.Balance.Amount, account.OverdueBalance.Amount));
        Assert.Contains($"Accountcreditapplied${Amount(credit)}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_6_INV_2_a_seat_removal_credit_carries_its_tax_so_the_renewal_pays_tax_only_on_the_service_kept()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.Client.AccountAsync("ChangeBillingAddress", new Proto.ChangeBillingAddressRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = kit.AccountId,
            BillingAddress = new Proto.PostalAddress { Line1 = "100 King St W", City = "Toronto", Region = "ON", PostalCode = "M5X 1A9", Country = "CA" },
        }, kit.Holder);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 5);
        var seatPrice = SubscriptionKit.SeatPrice("meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(10));

        var removed = await kit.CallAsync("RemoveSeats", new Proto.RemoveSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 2,
        }, kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(31));
        var renewal = (await kit.InvoicesAsync()).Single(i => i.Lines.Any(l => l.Description.Contains("3 seats", StringComparison.Ordinal)));

        // Ontario, HST 13 % (TAX-1). Two seats unused for 20 of the period's 30 days, given back with their tax; the
        // renewal of three seats is taxed whole and the credit pays it after tax, so the customer pays 13 % on 3 seats
        // less the 2 seats' unused part, as if the credit had been taken off before tax.
        var net = Math.Round(seatPrice * 2 * 20 / 30, 2);
        var credit = net + Math.Round(net * 0.13m, 2);
        var total = seatPrice * 3 + Math.Round(seatPrice * 3 * 0.13m, 2);
        Assert.Equal(Amount(credit), Assert.Single(removed.Credits).Amount.Amount);
        Assert.Equal((Amount(total), Amount(credit), Amount(total - credit)), (renewal.Total.Amount, renewal.AccountCreditApplied.Amount, renewal.AmountPaid.Amount));
        Assert.Equal(Amount(Math.Round((seatPrice * 3 - net) * 1.13m, 2)), renewal.AmountPaid.Amount);
    }

    [Fact]
    public async Task ACC_6_a_credit_larger_than_the_next_invoice_pays_it_at_issue_and_the_rest_waits_for_the_following_one()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.PayAsync(number);
        await kit.AdvanceToAsync(Start.AddDays(3));
        await kit.DisputeAsync(number);
        await kit.ResolveAsync(number, "12.00");

        await kit.AdvanceToAsync(Start.AddDays(31));
        var renewal = (await kit.InvoicesAsync()).Single(i => i.Number != number);
        var account = await kit.AccountAsync();

        Assert.Equal((Proto.InvoiceStatus.Paid, "12.00", "0.00", 0), (renewal.Status, renewal.AccountCreditApplied.Amount, renewal.AmountPaid.Amount, renewal.PaymentAttemptCount));
        Assert.Equal(("0.00", "0.00"), (account.UnappliedCredit.Amount, account.Balance.Amount));

        // Paid in full with no payment to follow: the receipt goes with the issue (INV-3).
        var receipt = Assert.Single(await server.Cluster.OutboxAsync(AccountGrain.TypeName, kit.AccountId), m => m.Kind == "payment-receipt" && m.PayloadJson.Contains(renewal.Number, StringComparison.Ordinal));
        Assert.Contains("Paid in full at issue with 12.00 USD of account credit.", receipt.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_6_voiding_an_invoice_the_account_credit_partly_paid_gives_the_credit_back()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.PayAsync(number);
        await kit.AdvanceToAsync(Start.AddDays(3));
        await kit.DisputeAsync(number);
        await kit.ResolveAsync(number, "5.00");
        await kit.AdvanceToAsync(Start.AddDays(31));
        var renewal = (await kit.InvoicesAsync()).Single(i => i.Number != number);

        var voided = await kit.Client.InvoiceAsync<Proto.VoidInvoiceRequest, Proto.Invoice>("VoidInvoice", new Proto.VoidInvoiceRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, InvoiceNumber = renewal.Number, Reason = "Issued in error",
        }, kit.Ops);
        var account = await kit.AccountAsync();

        Assert.Equal(("5.00", "7.00"), (renewal.AccountCreditApplied.Amount, renewal.Balance.Amount));
        Assert.Equal((Proto.InvoiceStatus.Void, "0.00"), (voided.Status, voided.Balance.Amount));
        Assert.Equal(("5.00", "-5.00"), (account.UnappliedCredit.Amount, account.Balance.Amount));
    }

    private static string Amount(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
