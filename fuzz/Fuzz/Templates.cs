using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Fuzz;

/// <summary>A valid request of a method on a setup account; <c>call</c> makes the ids a create needs fresh.</summary>
public sealed record Template(string Method, Func<FuzzWorld, SetupAccount, long, IMessage> Build);

/// <summary>
/// Valid requests on the setup accounts, the starting points of mutations: each would succeed (or be refused by a
/// rule) as sent, so a mutated field is the likely reason for what comes back.
/// </summary>
public static class Templates
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The countries of the template addresses, each with its own postal code format.</summary>
    private static readonly string[] Countries = ["US", "GB", "CA", "NL", "DE", "JP"];

    public static IReadOnlyList<Template> All { get; } =
    [
        new("AccountService/CreateAccount", (w, a, n) => NewAccount(Id(w, n), $"{w.Prefix}-n{n}", $"{w.Prefix}-holder-n{n}", Countries[(int)(n % Countries.Length)])),
        new("AccountService/GetAccount", (w, a, n) => new Proto.GetAccountRequest { AccountId = a.AccountId }),
        new("AccountService/UpdateCompanyProfile", (w, a, n) => new Proto.UpdateCompanyProfileRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, CompanyName = "Acme Widgets Ltd", TimeZone = "Europe/London",
            PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@acme.example", Phone = "+14155550123" },
        }),
        new("AccountService/ChangeBillingAddress", (w, a, n) => new Proto.ChangeBillingAddressRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, BillingAddress = Address(a.Country),
        }),
        new("AccountService/ChangeShippingAddress", (w, a, n) => new Proto.ChangeShippingAddressRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, ShippingAddress = Address(Countries[(int)(n % Countries.Length)]),
        }),
        new("AccountService/RecordVatId", (w, a, n) => new Proto.RecordVatIdRequest { RequestId = Id(w, n), AccountId = a.AccountId, VatId = a.Country == "GB" ? "GB123456789" : "" }),
        new("AccountService/AddCard", (w, a, n) => new Proto.AddCardRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, PaymentMethodId = $"card-n{n}", Brand = Proto.CardBrand.Mastercard,
            GatewayToken = $"tok_mc_{n}", Last4 = "4444", ExpiryMonth = 6, ExpiryYear = 2031,
        }),
        new("AccountService/AddMember", (w, a, n) => new Proto.AddMemberRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, SubjectId = $"{w.Prefix}-member-n{n}", Email = $"m{n}@acme.example", Role = Proto.MemberRole.BillingViewer,
        }),
        new("AccountService/AddInvoiceRecipient", (w, a, n) => new Proto.AddInvoiceRecipientRequest { RequestId = Id(w, n), AccountId = a.AccountId, Email = $"r{n}@acme.example" }),
        new("SubscriptionService/CreateSubscription", (w, a, n) => new Proto.CreateSubscriptionRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = $"s-n{n}", ProductId = "meeting", PlanId = "professional",
            Seats = 1, Frequency = Proto.BillingFrequency.Monthly,
        }),
        new("SubscriptionService/StartTrial", (w, a, n) => new Proto.StartTrialRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = $"t-n{n}", ProductId = "central", PlanId = "basic",
            Seats = 1, Frequency = Proto.BillingFrequency.Monthly,
        }),
        new("SubscriptionService/AddSeats", (w, a, n) => new Proto.AddSeatsRequest { RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplatePaid, Seats = 1 }),
        new("SubscriptionService/RemoveSeats", (w, a, n) => new Proto.RemoveSeatsRequest { RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplatePaid, Seats = 1 }),
        new("SubscriptionService/ChangePlan", (w, a, n) => new Proto.ChangePlanRequest { RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplatePaid, PlanId = "business" }),
        new("SubscriptionService/UpgradeToPaid", (w, a, n) => new Proto.UpgradeToPaidRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplateTrial, PlanId = "power-user", Seats = 2, Frequency = Proto.BillingFrequency.Annual,
        }),
        new("SubscriptionService/ChangeBillingFrequency", (w, a, n) => new Proto.ChangeBillingFrequencyRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplatePaid, Frequency = n % 2 == 0 ? Proto.BillingFrequency.Annual : Proto.BillingFrequency.Monthly,
        }),
        new("SubscriptionService/AssignLicence", (w, a, n) => new Proto.AssignLicenceRequest { RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplatePaid, UserId = $"{w.Prefix}-u{n}" }),
        new("SubscriptionService/GetSubscription", (w, a, n) => new Proto.GetSubscriptionRequest { AccountId = a.AccountId, SubscriptionId = a.TemplatePaid }),
        new("InvoiceService/ListInvoices", (w, a, n) => new Proto.ListInvoicesRequest
        {
            AccountId = a.AccountId, PageSize = 10, Statuses = { Proto.InvoiceStatus.Open, Proto.InvoiceStatus.Paid },
            DueFrom = Timestamp.FromDateTime(Start.AddYears(-1)), DueBefore = Timestamp.FromDateTime(Start.AddYears(2)),
        }),
        new("InvoiceService/GetInvoice", (w, a, n) => new Proto.GetInvoiceRequest { AccountId = a.AccountId, InvoiceNumber = a.InvoiceNumber }),
        new("InvoiceService/PayInvoice", (w, a, n) => new Proto.PayInvoiceRequest { RequestId = Id(w, n), AccountId = a.AccountId, InvoiceNumber = a.InvoiceNumber, Amount = "0.01" }),
        new("InvoiceService/GetInvoiceDocument", (w, a, n) => new Proto.GetInvoiceDocumentRequest { AccountId = a.AccountId, InvoiceNumber = a.InvoiceNumber, LocalCurrency = "EUR", ExchangeRate = "0.92" }),
        new("InvoiceService/OpenDispute", (w, a, n) => new Proto.OpenDisputeRequest { RequestId = Id(w, n), AccountId = a.AccountId, InvoiceNumber = a.InvoiceNumber, Reason = "Charged twice" }),
        new("QuoteService/CreateQuote", (w, a, n) => new Proto.CreateQuoteRequest
        {
            RequestId = Id(w, n),
            AccountId = a.AccountId,
            Lines =
            {
                new Proto.QuoteLineRequest
                {
                    Kind = Proto.QuoteLineKind.AddSeats, SubscriptionId = a.TemplatePaid, ProductId = "meeting", PlanId = "professional", Seats = 2, Frequency = Proto.BillingFrequency.Monthly,
                },
            },
        }),
        new("QuoteService/OrderSeats", (w, a, n) => new Proto.OrderSeatsRequest { RequestId = Id(w, n), AccountId = a.AccountId, SubscriptionId = a.TemplatePaid, Seats = 1 }),
        new("QuoteService/AcceptQuotes", (w, a, n) => new Proto.AcceptQuotesRequest
        {
            RequestId = Id(w, n),
            AccountId = a.AccountId,
            QuoteNumbers = { $"{a.AccountId.ToUpperInvariant()}-Q{n % 3 + 1:D6}" },
            Checkout = new Proto.Checkout { Administrator = new Proto.AdministratorContact { SubjectId = $"{w.Prefix}-admin", Email = "it@acme.example" }, PaymentMethodId = "card-1" },
        }),
        new("QuoteService/RejectQuote", (w, a, n) => new Proto.RejectQuoteRequest
        {
            RequestId = Id(w, n), AccountId = a.AccountId, QuoteNumber = $"{a.AccountId.ToUpperInvariant()}-Q{n % 3 + 1:D6}", Comment = "Not this quarter",
        }),
        new("QuoteService/ListQuotes", (w, a, n) => new Proto.ListQuotesRequest { AccountId = a.AccountId, PageSize = 5 }),
        new("TestClockService/CreateTestClock", (w, a, n) => new Proto.CreateTestClockRequest { RequestId = Id(w, n), ClockId = $"{w.Prefix}-clock-n{n}", StartTime = Timestamp.FromDateTime(Start) }),
        new("TestClockService/AdvanceTestClock", (w, a, n) => new Proto.AdvanceTestClockRequest { RequestId = Id(w, n), ClockId = w.ClockId, TargetTime = Timestamp.FromDateTime(Start.AddMinutes(n)) }),
        new("OpsService/InspectGrain", (w, a, n) => new Proto.InspectGrainRequest { GrainType = "subscription", GrainKey = $"{a.AccountId}/{a.TemplatePaid}" }),
        new("OpsService/ListNotificationDeliveries", (w, a, n) => new Proto.ListNotificationDeliveriesRequest { State = "pending", AccountId = a.AccountId, PageSize = 5 }),
    ];

    /// <summary>A self-service account billed from <paramref name="country"/> (see <see cref="Countries"/>) in its currency.</summary>
    public static Proto.CreateAccountRequest NewAccount(string requestId, string accountId, string holder, string country) => new()
    {
        RequestId = requestId,
        AccountId = accountId,
        CompanyName = "Acme Widgets",
        PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@acme.example", Phone = "+12175550100" },
        BillingAddress = Address(country),
        Currency = country switch { "GB" => "GBP", "CA" => "CAD", "NL" or "DE" => "EUR", "JP" => "JPY", _ => "USD" },
        Kind = Proto.AccountKind.SelfService,
        TimeZone = country switch { "GB" => "Europe/London", "CA" => "America/Toronto", "NL" => "Europe/Amsterdam", "DE" => "Europe/Berlin", "JP" => "Asia/Tokyo", _ => "America/Chicago" },
        PrimaryHolderSubjectId = holder,
    };

    private static Proto.PostalAddress Address(string country) => country switch
    {
        "GB" => new Proto.PostalAddress { Line1 = "10 Downing St", City = "London", PostalCode = "SW1A 2AA", Country = "GB" },
        "CA" => new Proto.PostalAddress { Line1 = "80 Wellington St", City = "Ottawa", Region = "ON", PostalCode = "K1A 0A2", Country = "CA" },
        "NL" => new Proto.PostalAddress { Line1 = "Dam 1", City = "Amsterdam", PostalCode = "1012 JS", Country = "NL" },
        "DE" => new Proto.PostalAddress { Line1 = "Platz der Republik 1", City = "Berlin", PostalCode = "11011", Country = "DE" },
        "JP" => new Proto.PostalAddress { Line1 = "1-1 Chiyoda", City = "Tokyo", PostalCode = "100-8111", Country = "JP" },
        _ => new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
    };

    private static string Id(FuzzWorld world, long call) => $"{world.Prefix}-{call}";
}
