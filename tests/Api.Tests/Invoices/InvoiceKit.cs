using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>Invoice calls of a <see cref="SubscriptionKit"/>'s account through InvoiceService.</summary>
internal static class InvoiceKit
{
    /// <summary>A sandbox account with autopay off and one Meeting Professional seat bought: its open invoice of 12.00 USD.</summary>
    public static async Task<(SubscriptionKit Kit, string Number)> OpenWithInvoiceAsync(ApiServer server)
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        var bought = await kit.BuyAsync("meeting-1", "meeting", "professional");
        return (kit, bought.IssuedInvoiceNumber);
    }

    /// <summary>Pays invoice <paramref name="number"/>: the default method unless a saved method or one-time card token is given; the whole balance unless an amount is.</summary>
    public static Task<Proto.PaymentResult> PayAsync(
        this SubscriptionKit kit, string number, CallOptions? caller = null, string? method = null, string? oneTimeToken = null, string? amount = null, string? requestId = null) =>
        kit.Client.InvoiceAsync<Proto.PayInvoiceRequest, Proto.PaymentResult>("PayInvoice", new Proto.PayInvoiceRequest
        {
            RequestId = requestId ?? Requests.NewRequestId(),
            AccountId = kit.AccountId,
            InvoiceNumber = number,
            PaymentMethodId = method ?? "",
            OneTimeCardToken = oneTimeToken ?? "",
            Amount = amount ?? "",
        }, caller ?? kit.Holder);

    /// <summary>Confirms (or abandons) payment attempt <paramref name="attempt"/> after authentication.</summary>
    public static Task<Proto.PaymentResult> SettleAsync(this SubscriptionKit kit, string number, int attempt, bool confirm) =>
        kit.Client.InvoiceAsync<Proto.SettlePaymentRequest, Proto.PaymentResult>(confirm ? "ConfirmPayment" : "AbandonPayment", new Proto.SettlePaymentRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, InvoiceNumber = number, AttemptNumber = attempt,
        }, kit.Holder);

    /// <summary>Every payment attempt on invoice <paramref name="number"/>.</summary>
    public static async Task<IReadOnlyList<Proto.PaymentAttempt>> AttemptsAsync(this SubscriptionKit kit, string number) =>
        (await kit.Client.InvoiceAsync<Proto.ListPaymentAttemptsRequest, Proto.ListPaymentAttemptsResponse>(
            "ListPaymentAttempts", new Proto.ListPaymentAttemptsRequest { AccountId = kit.AccountId, InvoiceNumber = number }, kit.Viewer)).Attempts;

    /// <summary>Disputes invoice <paramref name="number"/>.</summary>
    public static Task<Proto.Invoice> DisputeAsync(this SubscriptionKit kit, string number, CallOptions? caller = null) =>
        kit.Client.InvoiceAsync<Proto.OpenDisputeRequest, Proto.Invoice>("OpenDispute", new Proto.OpenDisputeRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, InvoiceNumber = number, Reason = "Seats were never used",
        }, caller ?? kit.Holder);

    /// <summary>Resolves the dispute of invoice <paramref name="number"/> with a credit, or rejects it (no credit).</summary>
    public static Task<Proto.Invoice> ResolveAsync(this SubscriptionKit kit, string number, string? credit, CallOptions? caller = null) =>
        kit.Client.InvoiceAsync<Proto.ResolveDisputeRequest, Proto.Invoice>("ResolveDispute", new Proto.ResolveDisputeRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, InvoiceNumber = number, Credit = credit ?? "", Comment = "Checked the usage logs",
        }, caller ?? kit.Ops);

    /// <summary>The account's balance and overdue balance (ACC-6), as amounts.</summary>
    public static async Task<(string Balance, string Overdue)> BalancesAsync(this SubscriptionKit kit)
    {
        var account = await kit.AccountAsync();
        return (account.Balance.Amount, account.OverdueBalance.Amount);
    }

    /// <summary>The kinds of the notifications a grain of this account put in the outbox, in order.</summary>
    public static async Task<IReadOnlyList<string>> NotificationsAsync(this SubscriptionKit kit, string grainType, string key) =>
        [.. (await kit.Server.Cluster.OutboxAsync(grainType, key)).Select(n => n.Kind)];
}
