using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>The worked example of docs/api.md, call for call, so the document cannot drift from what the API answers.</summary>
[Collection(ApiCollection.Name)]
public sealed class WorkedExampleTests(ApiServer server)
{
    private static readonly DateTimeOffset March1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CLOCK_1_and_IDEM_1_the_worked_example_of_the_api_guide_answers_as_documented()
    {
        var ops = server.Tokens.Ops();
        var jane = server.Tokens.As("jane", "primary-holder:acme-1");
        await CallAsync<Proto.CreateTestClockRequest, Proto.TestClock>("TestClockService/CreateTestClock",
            new Proto.CreateTestClockRequest { RequestId = "c-1", ClockId = "acme-clock", StartTime = Timestamp.FromDateTimeOffset(March1) }, ops);
        await CallAsync<Proto.CreateAccountRequest, Proto.Account>("AccountService/CreateAccount", new Proto.CreateAccountRequest
        {
            RequestId = "a-1", AccountId = "acme-1", CompanyName = "Acme Widgets",
            PrimaryContact = new Proto.Contact { Name = "Jane Doe", Email = "jane@acme.example", Phone = "+12175550100" },
            BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
            Currency = "USD", Kind = Proto.AccountKind.SelfService, PrimaryHolderSubjectId = "jane", Sandbox = true, TestClockId = "acme-clock",
        }, jane);
        await CallAsync<Proto.AddCardRequest, Proto.Account>("AccountService/AddCard", new Proto.AddCardRequest
        {
            RequestId = "a-2", AccountId = "acme-1", PaymentMethodId = "card-1", Brand = Proto.CardBrand.Visa, GatewayToken = "tok_visa_1", Last4 = "4242", ExpiryMonth = 12, ExpiryYear = 2030,
        }, jane);
        var buy = new Proto.CreateSubscriptionRequest
        {
            RequestId = "s-1", AccountId = "acme-1", SubscriptionId = "meeting-1", ProductId = "meeting", PlanId = "professional", Seats = 3, Frequency = Proto.BillingFrequency.Monthly,
        };

        var bought = await CallAsync<Proto.CreateSubscriptionRequest, Proto.SubscriptionChange>("SubscriptionService/CreateSubscription", buy, jane);
        var again = await CallAsync<Proto.CreateSubscriptionRequest, Proto.SubscriptionChange>("SubscriptionService/CreateSubscription", buy, jane);
        var advanced = await CallAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>("TestClockService/AdvanceTestClock",
            new Proto.AdvanceTestClockRequest { RequestId = "c-2", ClockId = "acme-clock", TargetTime = Timestamp.FromDateTimeOffset(March1.AddMonths(1)) }, ops);
        var invoices = await CallAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>("InvoiceService/ListInvoices", new Proto.ListInvoicesRequest { AccountId = "acme-1" }, jane);
        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => CallAsync<Proto.PayInvoiceRequest, Proto.PaymentResult>("InvoiceService/PayInvoice",
            new Proto.PayInvoiceRequest { RequestId = "p-1", AccountId = "acme-1", InvoiceNumber = "ACME-1-000001" }, jane));
        var inspected = await server.Client.InspectAsync("subscription", "acme-1/meeting-1", ops);

        Assert.Equal(("ACME-1-000001", March1.AddDays(30)), (bought.IssuedInvoiceNumber, bought.Subscription.NextRenewal.ToDateTimeOffset()));
        Assert.Equal(bought, again);
        Assert.Equal(3, advanced.TicksDelivered);
        Assert.Equal(
            [("ACME-1-000002", March1.AddDays(30), "36.00", "USD", Proto.InvoiceStatus.Paid), ("ACME-1-000001", March1, "36.00", "USD", Proto.InvoiceStatus.Paid)],
            invoices.Invoices.Select(i => (i.Number, i.IssuedAt.ToDateTimeOffset(), i.Total.Amount, i.Total.CurrencyCode, i.Status)));
        Assert.Equal(Rules.Inv3, refused.RuleId());
        Assert.Equal($"{Rules.Inv3}: The invoice is already paid in full.", refused.Status.Detail);
        Assert.Equal(
            [("subscribed", "call", "CreateAsync", "jane", "s-1"), ("renewed", "reminder", "renewal", "reminder", "renewal@2026-03-31T00:00:00.0000000Z")],
            inspected.History.Select(h => (h.Change, h.Cause.Kind, h.Cause.Name, h.Cause.Caller, h.Cause.RequestId)));
    }

    private Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, CallOptions options)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        server.Client.UnaryAsync<TRequest, TResponse>($"/subscriptions.v1.{method}", request, options);
}
