using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Fuzz;

/// <summary>One account the setup opened, with what it holds.</summary>
public sealed record SetupAccount(
    string AccountId,
    string Holder,
    string Viewer,
    string User,
    string PaidSubscription,
    string TrialSubscription,
    string TemplatePaid,
    string TemplateTrial,
    string InvoiceNumber,
    string PaymentMethodId,
    string Country);

/// <summary>
/// What the fuzzer made before the run, through the API itself: a test clock and a few accounts, each with a card, a
/// billing viewer, a user, a paid subscription with an invoice and a trial, and one more of each that only the valid
/// templates change (so random requests that cancel or upgrade the first ones do not starve the templates). Its ids feed
/// the value pools, so fuzzed requests reach real grains and not only NOT_FOUND. Every id and request id derives from the seed, so the setup of a
/// seed run again against the same database is answered from the stored answers (IDEM-1) and changes nothing.
/// </summary>
public sealed class FuzzWorld
{
    private FuzzWorld(string prefix, IReadOnlyList<SetupAccount> accounts, string clockId)
    {
        Prefix = prefix;
        Accounts = accounts;
        ClockId = clockId;
    }

    /// <summary>"fz&lt;seed&gt;": the start of every id this run makes.</summary>
    public string Prefix { get; }

    public IReadOnlyList<SetupAccount> Accounts { get; }

    public string ClockId { get; }

    /// <summary>The subject of the billing-ops caller.</summary>
    public string OpsSubject => $"{Prefix}-ops";

    /// <summary>A caller with a valid token and no role.</summary>
    public string CustomerSubject => $"{Prefix}-customer";

    /// <summary>The ids of the world the setup makes for <paramref name="seed"/>, without calling anything.</summary>
    public static FuzzWorld Plan(int seed)
    {
        var prefix = $"fz{(uint)seed}";
        SetupAccount Account(int k, string country) => new(
            AccountId: $"{prefix}-acct-{k}",
            Holder: $"{prefix}-holder-{k}",
            Viewer: $"{prefix}-viewer-{k}",
            User: $"{prefix}-user-{k}",
            PaidSubscription: "paid-1",
            TrialSubscription: "trial-1",
            TemplatePaid: "tpl-paid",
            TemplateTrial: "tpl-trial",
            InvoiceNumber: "",
            PaymentMethodId: "card-1",
            Country: country);
        return new FuzzWorld(prefix, [Account(1, "US"), Account(2, "GB")], $"{prefix}-clock");
    }

    /// <summary>Makes the world through the API with an ops token; throws <see cref="RpcException"/> when a step is refused.</summary>
    public static async Task<FuzzWorld> SetUpAsync(CallInvoker invoker, int seed, string opsToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        var plan = Plan(seed);
        var options = new CallOptions(new Metadata { { "authorization", $"Bearer {opsToken}" } }, cancellationToken: cancellationToken);
        var accounts = new Proto.AccountService.AccountServiceClient(invoker);
        var subscriptions = new Proto.SubscriptionService.SubscriptionServiceClient(invoker);
        var clocks = new Proto.TestClockService.TestClockServiceClient(invoker);
        string Id(string step) => $"{plan.Prefix}-setup-{step}";

        await clocks.CreateTestClockAsync(new Proto.CreateTestClockRequest
        {
            RequestId = Id("clock"),
            ClockId = plan.ClockId,
            StartTime = Timestamp.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        }, options);

        var made = new List<SetupAccount>();
        foreach (var account in plan.Accounts)
        {
            var a = account.AccountId;
            await accounts.CreateAccountAsync(Templates.NewAccount(Id($"{a}-open"), a, account.Holder, account.Country), options);
            await accounts.AddCardAsync(new Proto.AddCardRequest
            {
                RequestId = Id($"{a}-card"),
                AccountId = a,
                PaymentMethodId = account.PaymentMethodId,
                Brand = Proto.CardBrand.Visa,
                GatewayToken = $"tok_visa_{a}",
                Last4 = "4242",
                ExpiryMonth = 12,
                ExpiryYear = 2035,
            }, options);
            await accounts.AddMemberAsync(new Proto.AddMemberRequest
            {
                RequestId = Id($"{a}-viewer"),
                AccountId = a,
                SubjectId = account.Viewer,
                Email = $"viewer@{a}.example",
                Role = Proto.MemberRole.BillingViewer,
            }, options);
            await accounts.AddMemberAsync(new Proto.AddMemberRequest
            {
                RequestId = Id($"{a}-user"),
                AccountId = a,
                SubjectId = account.User,
                Email = $"user@{a}.example",
                Role = Proto.MemberRole.User,
            }, options);
            var paid = await subscriptions.CreateSubscriptionAsync(new Proto.CreateSubscriptionRequest
            {
                RequestId = Id($"{a}-paid"),
                AccountId = a,
                SubscriptionId = account.PaidSubscription,
                ProductId = "meeting",
                PlanId = "professional",
                Seats = 3,
                Frequency = Proto.BillingFrequency.Monthly,
            }, options);
            await subscriptions.StartTrialAsync(new Proto.StartTrialRequest
            {
                RequestId = Id($"{a}-trial"),
                AccountId = a,
                SubscriptionId = account.TrialSubscription,
                ProductId = "central",
                PlanId = "basic",
                Seats = 1,
                Frequency = Proto.BillingFrequency.Monthly,
            }, options);
            await subscriptions.CreateSubscriptionAsync(new Proto.CreateSubscriptionRequest
            {
                RequestId = Id($"{a}-tpl-paid"),
                AccountId = a,
                SubscriptionId = account.TemplatePaid,
                ProductId = "meeting",
                PlanId = "professional",
                Seats = 2,
                Frequency = Proto.BillingFrequency.Monthly,
            }, options);
            await subscriptions.StartTrialAsync(new Proto.StartTrialRequest
            {
                RequestId = Id($"{a}-tpl-trial"),
                AccountId = a,
                SubscriptionId = account.TemplateTrial,
                ProductId = "pro",
                PlanId = "personal",
                Seats = 1,
                Frequency = Proto.BillingFrequency.Monthly,
            }, options);
            await subscriptions.AssignLicenceAsync(new Proto.AssignLicenceRequest
            {
                RequestId = Id($"{a}-licence"),
                AccountId = a,
                SubscriptionId = account.PaidSubscription,
                UserId = account.User,
            }, options);
            made.Add(account with { InvoiceNumber = paid.IssuedInvoiceNumber });
        }

        return new FuzzWorld(plan.Prefix, made, plan.ClockId);
    }
}
