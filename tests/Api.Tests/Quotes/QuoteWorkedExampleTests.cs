using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Quotes;

/// <summary>The quotes worked example of docs/api.md, call for call, so the document cannot drift from what the API answers.</summary>
[Collection(ApiCollection.Name)]
public sealed class QuoteWorkedExampleTests(ApiServer server)
{
    private static readonly DateTimeOffset March1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task QUO_5_the_quotes_worked_example_of_the_api_guide_answers_as_documented()
    {
        var ops = server.Tokens.Ops();
        var kim = server.Tokens.As("kim", "primary-holder:globex-1");
        await CallAsync<Proto.CreateTestClockRequest, Proto.TestClock>("TestClockService/CreateTestClock",
            new Proto.CreateTestClockRequest { RequestId = "gc-1", ClockId = "globex-clock", StartTime = Timestamp.FromDateTimeOffset(March1) }, ops);
        await CallAsync<Proto.CreateAccountRequest, Proto.Account>("AccountService/CreateAccount", new Proto.CreateAccountRequest
        {
            RequestId = "ga-1", AccountId = "globex-1", CompanyName = "Globex",
            PrimaryContact = new Proto.Contact { Name = "Kim Park", Email = "kim@globex.example", Phone = "+12175550101" },
            BillingAddress = new Proto.PostalAddress { Line1 = "100 King St W", City = "Toronto", Region = "ON", PostalCode = "M5X 1A9", Country = "CA" },
            Currency = "USD", Kind = Proto.AccountKind.SelfService, PrimaryHolderSubjectId = "kim", Sandbox = true, TestClockId = "globex-clock",
        }, kim);
        await CallAsync<Proto.AddCardRequest, Proto.Account>("AccountService/AddCard", new Proto.AddCardRequest
        {
            RequestId = "ga-2", AccountId = "globex-1", PaymentMethodId = "card-1", Brand = Proto.CardBrand.Visa, GatewayToken = "tok_visa_globex", Last4 = "4242", ExpiryMonth = 12, ExpiryYear = 2030,
        }, kim);
        await CallAsync<Proto.CreateSubscriptionRequest, Proto.SubscriptionChange>("SubscriptionService/CreateSubscription", new Proto.CreateSubscriptionRequest
        {
            RequestId = "gs-1", AccountId = "globex-1", SubscriptionId = "meeting-1", ProductId = "meeting", PlanId = "professional", Seats = 2, Frequency = Proto.BillingFrequency.Monthly,
        }, kim);

        var seats = await CallAsync<Proto.CreateQuoteRequest, Proto.Quote>("QuoteService/CreateQuote", new Proto.CreateQuoteRequest
        {
            RequestId = "q-1", AccountId = "globex-1",
            Lines = { new Proto.QuoteLineRequest { Kind = Proto.QuoteLineKind.AddSeats, SubscriptionId = "meeting-1", ProductId = "meeting", PlanId = "professional", Seats = 3, Frequency = Proto.BillingFrequency.Monthly } },
        }, ops);
        var sent = await CallAsync<Proto.SendQuoteRequest, Proto.Quote>("QuoteService/SendQuote", new Proto.SendQuoteRequest { RequestId = "q-2", AccountId = "globex-1", QuoteNumber = "GLOBEX-1-Q000001" }, ops);
        var training = await CallAsync<Proto.CreateQuoteRequest, Proto.Quote>("QuoteService/CreateQuote", new Proto.CreateQuoteRequest
        {
            RequestId = "q-3", AccountId = "globex-1",
            Lines = { new Proto.QuoteLineRequest { Kind = Proto.QuoteLineKind.NewSubscription, ProductId = "training", PlanId = "standard", Seats = 4, Frequency = Proto.BillingFrequency.Monthly } },
        }, ops);
        await CallAsync<Proto.SendQuoteRequest, Proto.Quote>("QuoteService/SendQuote", new Proto.SendQuoteRequest { RequestId = "q-4", AccountId = "globex-1", QuoteNumber = "GLOBEX-1-Q000002" }, ops);
        var accept = new Proto.AcceptQuotesRequest
        {
            RequestId = "o-1", AccountId = "globex-1", QuoteNumbers = { "GLOBEX-1-Q000001", "GLOBEX-1-Q000002" },
            Checkout = new Proto.Checkout { Administrator = new Proto.AdministratorContact { SubjectId = "sam", Email = "sam@globex.example" }, PaymentMethodId = "card-1" },
        };
        var order = await CallAsync<Proto.AcceptQuotesRequest, Proto.ServiceOrder>("QuoteService/AcceptQuotes", accept, kim);
        var again = await CallAsync<Proto.AcceptQuotesRequest, Proto.ServiceOrder>("QuoteService/AcceptQuotes", accept, kim);
        var invoice = await CallAsync<Proto.GetInvoiceRequest, Proto.Invoice>("InvoiceService/GetInvoice", new Proto.GetInvoiceRequest { AccountId = "globex-1", InvoiceNumber = "GLOBEX-1-000002" }, kim);
        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => CallAsync<Proto.RejectQuoteRequest, Proto.Quote>("QuoteService/RejectQuote",
            new Proto.RejectQuoteRequest { RequestId = "r-1", AccountId = "globex-1", QuoteNumber = "GLOBEX-1-Q000001", Comment = "Changed our mind" }, kim));
        var inspected = await server.Client.InspectAsync("order", "globex-1/GLOBEX-1-O000001", ops);

        Assert.Equal(("GLOBEX-1-Q000001", Proto.QuoteStatus.Draft, "36.00", "4.68", "40.68"), (seats.Number, seats.Status, seats.Subtotal.Amount, seats.Tax.Amount, seats.Total.Amount));
        Assert.Equal((Proto.QuoteStatus.Sent, March1.AddDays(7)), (sent.Status, sent.ExpiresAt.ToDateTimeOffset()));
        Assert.Equal(("GLOBEX-1-Q000002", "436.00"), (training.Number, training.Subtotal.Amount));
        Assert.Equal(("GLOBEX-1-O000001", Proto.OrderStatus.Fulfilled, "GLOBEX-1-000002", "succeeded"), (order.Number, order.Status, order.InvoiceNumber, order.Charge.Status));
        Assert.Equal(["meeting-1", "globex-1-q000002-1"], order.Lines.Select(l => l.SubscriptionId));
        Assert.Equal(order, again);
        Assert.Equal((invoice.Total.Amount, Proto.InvoiceStatus.Paid), (order.Charge.Amount, invoice.Status));
        Assert.Equal(Rules.Quo6, refused.RuleId());
        Assert.Equal(["placed", "held", "fulfilled"], inspected.History.Select(h => h.Change));
        Assert.Equal(
            [("Unused part of the current period: Professional, 2 seats, 30/30 days of 2026-03-01 to 2026-03-30", "-24.00"),
             ("GoTo Meeting Professional, 5 seats, monthly period 2026-03-01 to 2026-03-30", "60.00"),
             ("GoTo Training Standard, 4 seats, monthly period 2026-03-01 to 2026-03-30", "436.00"),
             ("HST 13 %", "61.36")],
            invoice.Lines.Select(l => (l.Description, l.Amount.Amount)));
        Assert.Equal("533.36", invoice.Total.Amount);
    }

    private Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, CallOptions options)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        server.Client.UnaryAsync<TRequest, TResponse>($"/subscriptions.v1.{method}", request, options);
}
