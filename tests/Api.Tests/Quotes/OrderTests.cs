using Grpc.Core;
using Subscriptions.Api.Tests.Invoices;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Grains.Orders;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Quotes;

/// <summary>
/// Service orders over gRPC (QUO-5): a cart of quotes applied all or nothing, with one invoice holding every line and
/// its tax, one charge, one confirmation with its receipt, and the administrator given a licence per product; a cart
/// that cannot be applied whole changes nothing; a retried acceptance applies nothing more.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OrderTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    private static readonly Proto.PostalAddress Toronto = new() { Line1 = "100 King St W", City = "Toronto", Region = "ON", PostalCode = "M5X 1A9", Country = "CA" };

    private static decimal Dec(string amount) => decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task QUO_5_a_cart_of_three_quotes_applies_all_three_with_one_invoice_one_charge_one_confirmation_and_a_licence_per_product()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        await kit.BuyAsync("webinar-1", "webinar", "lite", seats: 1);
        await kit.AdvanceToAsync(Start.AddDays(10));
        var invoicesBefore = (await kit.InvoicesAsync()).Count;
        var q1 = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var q2 = await kit.SendQuoteAsync(QuoteKit.AddSeats("webinar-1", "webinar", "lite", 2));
        var q3 = await kit.SendQuoteAsync(QuoteKit.NewSubscription("training", "standard", 4));

        var accept = kit.Accept(q1.Number, q2.Number, q3.Number);
        accept.Checkout.BillingAddress = Toronto;

        var order = await kit.AcceptAsync(accept);
        var invoices = await kit.InvoicesAsync();
        var invoice = invoices.Single(i => i.Number == order.InvoiceNumber);
        var subscriptions = (await kit.ListAsync()).ToDictionary(s => s.SubscriptionId);
        var account = await kit.AccountAsync();
        var confirmations = await server.Cluster.OutboxAsync(ServiceOrderGrain.TypeName, $"{kit.AccountId}/{order.Number}");
        var administrator = QuoteKit.AdministratorOf(kit);
        var created = $"{q3.Number.ToLowerInvariant()}-1";

        Assert.Equal(Proto.OrderStatus.Fulfilled, order.Status);
        Assert.All([q1.Number, q2.Number, q3.Number], n => Assert.Equal(Proto.QuoteStatus.Accepted, kit.QuoteAsync(n).Result.Status));
        Assert.Equal((5, 3, 4), (subscriptions["meeting-1"].Seats, subscriptions["webinar-1"].Seats, subscriptions[created].Seats));
        Assert.Equal(invoicesBefore + 1, invoices.Count);
        // Every change's lines on the one invoice, re-priced as the subscriptions re-price seats (SUB-4): the unused part
        // of each changed subscription's period credited, a new period at the new seat count from today; the new
        // subscription's first period.
        Assert.Equal(6, invoice.Lines.Count);
        Assert.Equal("HST 13 %", invoice.Lines[^1].Description);
        Assert.Equal(2, invoice.Lines.Count(l => l.Description.StartsWith("Unused part of the current period", StringComparison.Ordinal)));
        Assert.All(["Meeting Professional, 5 seats", "Webinar Lite, 3 seats", "Training Standard, 4 seats"], what => Assert.Contains(invoice.Lines, l => l.Description.Contains(what, StringComparison.Ordinal)));
        // Taxed by the billing address the checkout gave (Ontario: HST 13%, TAX-1).
        Assert.Equal(Math.Round(Dec(invoice.Subtotal.Amount) * 0.13m, 2), Dec(invoice.Tax.Amount));
        Assert.Equal("ON", account.BillingAddress.Region);
        Assert.Equal((Proto.InvoiceStatus.Paid, 1), (invoice.Status, invoice.PaymentAttemptCount));
        Assert.Equal(("succeeded", invoice.Total.Amount), (order.Charge.Status, order.Charge.Amount));
        Assert.Equal([ServiceOrderGrain.ConfirmedKind], confirmations.Select(c => c.Kind));
        Assert.Contains(invoice.Number, confirmations[0].PayloadJson, StringComparison.Ordinal);
        using var confirmation = System.Text.Json.JsonDocument.Parse(confirmations[0].PayloadJson);
        var receipt = confirmation.RootElement.GetProperty("receipt");
        Assert.Equal(("succeeded", invoice.Total.Amount), (receipt.GetProperty("status").GetString(), receipt.GetProperty("amount").GetString()));
        Assert.Contains(account.Members, m => m.SubjectId == administrator && m.Role == Proto.MemberRole.Administrator);
        Assert.All(["meeting-1", "webinar-1", created], id => Assert.Contains(administrator, subscriptions[id].AssignedUsers));
    }

    [Fact]
    public async Task QUO_1_QUO_5_seats_quoted_mid_period_are_priced_as_their_order_bills_them_and_the_invoice_is_the_quote()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var seatPrice = SubscriptionKit.SeatPrice("meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(15));

        var quote = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var order = await kit.AcceptAsync(kit.Accept(quote.Number));
        var invoice = (await kit.InvoicesAsync()).Single(i => i.Number == order.InvoiceNumber);

        // SUB-4 as the order applies it: a new period of 5 seats from day 15, less the 2 seats' unused 15 of 30 days.
        Assert.Equal((seatPrice * 5 - seatPrice * 2 * 15 / 30).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), quote.Lines[0].Amount.Amount);
        Assert.Contains("as its order adds them: Unused part of the current period", quote.Lines[0].Description, StringComparison.Ordinal);
        Assert.Equal((quote.Subtotal.Amount, quote.Tax.Amount, quote.Total.Amount), (invoice.Subtotal.Amount, invoice.Tax.Amount, invoice.Total.Amount));
    }

    [Fact]
    public async Task QUO_5_a_cart_containing_an_expired_quote_applies_nothing_and_names_the_quote_and_the_rule()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var old = await kit.SendQuoteAsync(QuoteKit.NewSubscription("webinar", "lite", 1));
        await kit.AdvanceToAsync(Start.AddDays(8));
        var fresh = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var invoicesBefore = (await kit.InvoicesAsync()).Count;

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.AcceptAsync(kit.Accept(fresh.Number, old.Number)));

        Assert.Equal(Rules.Quo2, refused.RuleId());
        Assert.Contains(old.Number, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Proto.QuoteStatus.Sent, (await kit.QuoteAsync(fresh.Number)).Status);
        Assert.Equal(2, (await kit.GetAsync("meeting-1")).Seats);
        Assert.Equal(invoicesBefore, (await kit.InvoicesAsync()).Count);
        Assert.Single(await kit.ListAsync());
    }

    [Fact]
    public async Task QUO_5_the_acceptance_retried_with_its_request_id_answers_the_same_order_and_applies_nothing_more()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var quote = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var accept = kit.Accept(quote.Number);

        var first = await kit.AcceptAsync(accept);
        var retried = await kit.AcceptAsync(accept);

        Assert.Equal(first, retried);
        Assert.Equal(5, (await kit.GetAsync("meeting-1")).Seats);
        Assert.Equal(2, (await kit.InvoicesAsync()).Count);
        Assert.Single(await kit.OrdersAsync());
        Assert.Single(await server.Cluster.OutboxAsync(ServiceOrderGrain.TypeName, $"{kit.AccountId}/{first.Number}"));
    }

    [Fact]
    public async Task QUO_5_a_cart_whose_subscription_was_cancelled_is_refused_and_frees_every_quote_and_subscription_it_held()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);
        var quote = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.AcceptAsync(kit.Accept(quote.Number)));
        var order = (await kit.OrdersAsync()).Single();
        var after = await kit.QuoteAsync(quote.Number);

        Assert.Contains(quote.Number, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((Proto.OrderStatus.Refused, quote.Number), (order.Status, order.RefusalQuote));
        Assert.Equal((Proto.QuoteStatus.Sent, ""), (after.Status, after.HeldBy));
        Assert.Equal(2, (await kit.GetAsync("meeting-1")).Seats);
        // Nothing stays held: the subscription takes its own changes again.
        await kit.ActAsync("WithdrawCancellation", "meeting-1", kit.Holder);
    }

    [Fact]
    public async Task QUO_5_a_cart_whose_new_subscription_id_was_taken_meanwhile_is_refused_with_nothing_applied()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var seats = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var training = await kit.SendQuoteAsync(QuoteKit.NewSubscription("training", "standard", 2));
        // The id the order would start the new subscription under, taken by a purchase of the customer's own.
        await kit.BuyAsync($"{training.Number.ToLowerInvariant()}-1", "webinar", "lite");
        var invoicesBefore = (await kit.InvoicesAsync()).Count;

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.AcceptAsync(kit.Accept(seats.Number, training.Number)));

        Assert.Equal(Rules.Quo5, refused.RuleId());
        Assert.Contains(training.Number, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await kit.GetAsync("meeting-1")).Seats);
        Assert.All([seats.Number, training.Number], n => Assert.Equal((Proto.QuoteStatus.Sent, ""), (kit.QuoteAsync(n).Result.Status, kit.QuoteAsync(n).Result.HeldBy)));
        Assert.Equal(invoicesBefore, (await kit.InvoicesAsync()).Count);
        // Nothing stays held: the subscription takes its own changes again.
        await kit.CallAsync("AddSeats", new Proto.AddSeatsRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 1 }, kit.Holder);
    }

    [Fact]
    public async Task QUO_5_a_conflicting_change_racing_the_cart_leaves_either_the_whole_order_applied_or_nothing_of_it()
    {
        for (var run = 0; run < 4; run++)
        {
            var kit = await SubscriptionKit.OpenAsync(server);
            await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
            await kit.BuyAsync("webinar-1", "webinar", "lite", seats: 1);
            var q1 = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
            var q2 = await kit.SendQuoteAsync(QuoteKit.AddSeats("webinar-1", "webinar", "lite", 2));

            var cart = Outcome(kit.AcceptAsync(kit.Accept(q1.Number, q2.Number)));
            var cancel = Outcome(kit.ActAsync("CancelSubscription", "webinar-1", kit.Holder));
            await Task.WhenAll(cart, cancel);
            var webinar = await kit.GetAsync("webinar-1");
            var meeting = await kit.GetAsync("meeting-1");
            var quotes = new[] { await kit.QuoteAsync(q1.Number), await kit.QuoteAsync(q2.Number) };

            if (await cart is null)
            {
                Assert.Equal((5, 3), (meeting.Seats, webinar.Seats));
                Assert.All(quotes, q => Assert.Equal(Proto.QuoteStatus.Accepted, q.Status));
                Assert.True(await cancel is null || (await cancel)!.StartsWith(Rules.Quo5, StringComparison.Ordinal), await cancel);
            }
            else
            {
                Assert.Null(await cancel);
                Assert.Equal((2, 1), (meeting.Seats, webinar.Seats));
                Assert.All(quotes, q => Assert.Equal((Proto.QuoteStatus.Sent, ""), (q.Status, q.HeldBy)));
            }
        }

        static async Task<string?> Outcome(Task call)
        {
            try
            {
                await call;
                return null;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                return $"{e.RuleId()}: {e.Status.Detail}";
            }
        }
    }

    [Fact]
    public async Task QUO_5_a_declined_charge_leaves_the_order_fulfilled_with_its_invoice_open_to_pay()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var declining = Requests.AddCard(kit.AccountId, 2);
        declining.GatewayToken = "tok_decline_card_2";
        await kit.Client.AccountAsync("AddCard", declining, kit.Holder);
        var quote = await kit.SendQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var accept = kit.Accept(quote.Number);
        accept.Checkout.PaymentMethodId = "card-2";

        var order = await kit.AcceptAsync(accept);
        var invoice = await kit.InvoiceAsync(order.InvoiceNumber);

        Assert.Equal((Proto.OrderStatus.Fulfilled, "declined"), (order.Status, order.Charge.Status));
        Assert.Equal((Proto.InvoiceStatus.Open, invoice.Total.Amount), (invoice.Status, invoice.Balance.Amount));
        Assert.Equal(5, (await kit.GetAsync("meeting-1")).Seats);
    }
}
