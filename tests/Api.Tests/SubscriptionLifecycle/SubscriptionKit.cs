using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>
/// Arranges sandbox accounts on their own test clock (CLOCK-1) and calls SubscriptionService, TestClockService and
/// InvoiceService for the subscription tests. Each kit has its own account and clock, so tests never share time.
/// </summary>
public sealed class SubscriptionKit
{
    /// <summary>Where every kit's test clock starts: a 1st of the month at midnight UTC, so calendar products bill a full month.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ProductCatalog Catalog = CatalogLoader.LoadDefault();

    private SubscriptionKit(ApiServer server, string accountId, string clockId)
    {
        Server = server;
        AccountId = accountId;
        ClockId = clockId;
    }

    /// <summary>The API under test.</summary>
    public ApiServer Server { get; }

    /// <summary>The sandbox account.</summary>
    public string AccountId { get; }

    /// <summary>The account's test clock.</summary>
    public string ClockId { get; }

    /// <summary>The account's primary holder.</summary>
    public CallOptions Holder => Server.Tokens.PrimaryHolder(AccountId);

    /// <summary>Billing ops.</summary>
    public CallOptions Ops => Server.Tokens.Ops();

    /// <summary>The account's billing viewer (a member of the account).</summary>
    public CallOptions Viewer => Server.Tokens.BillingViewer(AccountId);

    /// <summary>The API client the kit calls through.</summary>
    public ApiClient Client => Server.Client;

    /// <summary>Opens a sandbox account on a new test clock at <paramref name="start"/> (default <see cref="Start"/>), with a card on file unless told otherwise.</summary>
    public static async Task<SubscriptionKit> OpenAsync(ApiServer server, bool withCard = true, string currency = "USD", DateTimeOffset? start = null)
    {
        var accountId = Requests.NewAccountId("sub");
        var clockId = $"clock-{accountId}";
        await server.Client.ClockAsync<Proto.CreateTestClockRequest, Proto.TestClock>(
            "CreateTestClock",
            new Proto.CreateTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = clockId, StartTime = Timestamp.FromDateTimeOffset(start ?? Start) },
            server.Tokens.Ops());
        return await OpenOnClockAsync(server, accountId, clockId, withCard, currency);
    }

    /// <summary>Opens sandbox account <paramref name="accountId"/> on the existing test clock <paramref name="clockId"/> (shared by several kits), with a card on file unless told otherwise.</summary>
    public static async Task<SubscriptionKit> OpenOnClockAsync(ApiServer server, string accountId, string clockId, bool withCard = true, string currency = "USD")
    {
        var kit = new SubscriptionKit(server, accountId, clockId);
        var account = Requests.CreateAccount(accountId, currency);
        account.Sandbox = true;
        account.TestClockId = kit.ClockId;
        await server.Client.AccountAsync("CreateAccount", account, kit.Holder);
        await server.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = accountId,
            SubjectId = TestTokens.ViewerOf(accountId),
            Email = "viewer@acme.example",
            Role = Proto.MemberRole.BillingViewer,
        }, kit.Holder);
        if (withCard)
        {
            await server.Client.AccountAsync("AddCard", Requests.AddCard(accountId, 1), kit.Holder);
        }

        return kit;
    }

    /// <summary>The per-seat price of one full period of a catalog plan in <paramref name="currency"/>.</summary>
    public static decimal SeatPrice(string productId, string planId, BillingFrequency frequency = BillingFrequency.Monthly, string currency = "USD") =>
        Catalog.Product(productId).Plan(planId).SeatPrice(productId, frequency, Currency.All.Single(c => c.Code == currency)).Amount;

    /// <summary>A valid purchase of <paramref name="productId"/>/<paramref name="planId"/> for this account.</summary>
    public Proto.CreateSubscriptionRequest Purchase(string subscriptionId, string productId, string planId, int seats = 1) => new()
    {
        RequestId = Requests.NewRequestId(),
        AccountId = AccountId,
        SubscriptionId = subscriptionId,
        ProductId = productId,
        PlanId = planId,
        Seats = seats,
        Frequency = Proto.BillingFrequency.Monthly,
    };

    /// <summary>A valid trial of <paramref name="productId"/>/<paramref name="planId"/> for this account.</summary>
    public Proto.StartTrialRequest Trial(string subscriptionId, string productId, string planId) => new()
    {
        RequestId = Requests.NewRequestId(),
        AccountId = AccountId,
        SubscriptionId = subscriptionId,
        ProductId = productId,
        PlanId = planId,
        Seats = 1,
        Frequency = Proto.BillingFrequency.Monthly,
    };

    /// <summary>Buys a product as the primary holder.</summary>
    public Task<Proto.SubscriptionChange> BuyAsync(string subscriptionId, string productId, string planId, int seats = 1) =>
        CallAsync("CreateSubscription", Purchase(subscriptionId, productId, planId, seats), Holder);

    /// <summary>Calls SubscriptionService/<paramref name="method"/> expecting a change.</summary>
    public Task<Proto.SubscriptionChange> CallAsync<TRequest>(string method, TRequest request, CallOptions options)
        where TRequest : IMessage<TRequest> =>
        Client.UnaryAsync<TRequest, Proto.SubscriptionChange>($"/subscriptions.v1.SubscriptionService/{method}", request, options);

    /// <summary>Calls a SubscriptionService change that names only the subscription (cancel, withdraw, reactivate).</summary>
    public Task<Proto.SubscriptionChange> ActAsync(string method, string subscriptionId, CallOptions options) => method switch
    {
        "CancelSubscription" => CallAsync(method, new Proto.CancelSubscriptionRequest { RequestId = Requests.NewRequestId(), AccountId = AccountId, SubscriptionId = subscriptionId }, options),
        "WithdrawCancellation" => CallAsync(method, new Proto.WithdrawCancellationRequest { RequestId = Requests.NewRequestId(), AccountId = AccountId, SubscriptionId = subscriptionId }, options),
        "ReactivateSubscription" => CallAsync(method, new Proto.ReactivateSubscriptionRequest { RequestId = Requests.NewRequestId(), AccountId = AccountId, SubscriptionId = subscriptionId }, options),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a subscription-only change."),
    };

    /// <summary>Reads a subscription back as the primary holder, or as <paramref name="caller"/>.</summary>
    public Task<Proto.Subscription> GetAsync(string subscriptionId, CallOptions? caller = null) =>
        Client.UnaryAsync<Proto.GetSubscriptionRequest, Proto.Subscription>(
            "/subscriptions.v1.SubscriptionService/GetSubscription", new Proto.GetSubscriptionRequest { AccountId = AccountId, SubscriptionId = subscriptionId }, caller ?? Holder);

    /// <summary>Lists the account's subscriptions as the primary holder.</summary>
    public async Task<IReadOnlyList<Proto.Subscription>> ListAsync() =>
        (await Client.UnaryAsync<Proto.ListSubscriptionsRequest, Proto.ListSubscriptionsResponse>(
            "/subscriptions.v1.SubscriptionService/ListSubscriptions", new Proto.ListSubscriptionsRequest { AccountId = AccountId }, Holder)).Subscriptions;

    /// <summary>Moves the account's test clock to <paramref name="target"/>, firing due reminders in order; returns how many fired.</summary>
    public async Task<int> AdvanceToAsync(DateTimeOffset target) =>
        (await Client.ClockAsync<Proto.AdvanceTestClockRequest, Proto.AdvanceTestClockResponse>(
            "AdvanceTestClock",
            new Proto.AdvanceTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = ClockId, TargetTime = Timestamp.FromDateTimeOffset(target) },
            Ops)).TicksDelivered;

    /// <summary>Every invoice of the account, oldest first.</summary>
    public async Task<IReadOnlyList<Proto.Invoice>> InvoicesAsync()
    {
        var page = await Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>(
            "ListInvoices", new Proto.ListInvoicesRequest { AccountId = AccountId, PageSize = 100 }, Holder);
        Assert.Empty(page.NextPageToken);
        return [.. page.Invoices.Reverse()];
    }

    /// <summary>One invoice of the account.</summary>
    public Task<Proto.Invoice> InvoiceAsync(string number) =>
        Client.InvoiceAsync<Proto.GetInvoiceRequest, Proto.Invoice>("GetInvoice", new Proto.GetInvoiceRequest { AccountId = AccountId, InvoiceNumber = number }, Holder);

    /// <summary>Switches autopay (INV-6) on or off as the primary holder.</summary>
    public Task<Proto.Account> SetAutopayAsync(bool enabled) =>
        Client.AccountAsync("SetAutopay", new Proto.SetAutopayRequest { RequestId = Requests.NewRequestId(), AccountId = AccountId, Enabled = enabled }, Holder);

    /// <summary>The account as its primary holder reads it, balances included (ACC-6).</summary>
    public Task<Proto.Account> AccountAsync() =>
        Client.AccountAsync("GetAccount", new Proto.GetAccountRequest { AccountId = AccountId }, Holder);

    /// <summary>The subscription grain as billing ops inspect it (OPS-1).</summary>
    public Task<Proto.GrainInspection> InspectAsync(string subscriptionId) =>
        Client.InspectAsync("subscription", $"{AccountId}/{subscriptionId}", Ops);

    /// <summary>The account grain as billing ops inspect it (OPS-1).</summary>
    public Task<Proto.GrainInspection> InspectAccountAsync() => Client.InspectAsync("account", AccountId, Ops);
}
