using Google.Protobuf.Reflection;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Quotes;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Errors;

/// <summary>
/// Names a change as the API knows it ("SubscriptionService/AddSeats"), for messages about a request id first used by
/// another change. A grain records a change under the name its contract declares (the grain method, or the account
/// command's type); this table maps each such name, written with <c>nameof</c> against the contracts, to the gRPC
/// method the proto files declare. Renaming a grain method or a command renames its key here with it, so the API
/// message stays the same; a gRPC method missing from the service descriptors fails at start-up.
/// </summary>
internal static class ApiMethodNames
{
    private static readonly Dictionary<(string GrainType, string Change), string> Known = Build(
    [
        (Account, nameof(IAccountGrain.CreateAsync), Proto.AccountService.Descriptor, "CreateAccount"),
        (Account, nameof(UpdateCompanyProfile), Proto.AccountService.Descriptor, "UpdateCompanyProfile"),
        (Account, nameof(ChangeBillingAddress), Proto.AccountService.Descriptor, "ChangeBillingAddress"),
        (Account, nameof(ChangeShippingAddress), Proto.AccountService.Descriptor, "ChangeShippingAddress"),
        (Account, nameof(RecordVatId), Proto.AccountService.Descriptor, "RecordVatId"),
        (Account, nameof(RequestTaxExemption), Proto.AccountService.Descriptor, "RequestTaxExemption"),
        (Account, nameof(ApproveTaxExemption), Proto.AccountService.Descriptor, "DecideTaxExemption"),
        (Account, nameof(RejectTaxExemption), Proto.AccountService.Descriptor, "DecideTaxExemption"),
        (Account, nameof(AddCard), Proto.AccountService.Descriptor, "AddCard"),
        (Account, nameof(AddBankAccount), Proto.AccountService.Descriptor, "AddBankAccount"),
        (Account, nameof(AddPayPalWallet), Proto.AccountService.Descriptor, "AddPayPalWallet"),
        (Account, nameof(RemovePaymentMethod), Proto.AccountService.Descriptor, "RemovePaymentMethod"),
        (Account, nameof(SetDefaultPaymentMethod), Proto.AccountService.Descriptor, "SetDefaultPaymentMethod"),
        (Account, nameof(SetAutopay), Proto.AccountService.Descriptor, "SetAutopay"),
        (Account, nameof(AddInvoiceRecipient), Proto.AccountService.Descriptor, "AddInvoiceRecipient"),
        (Account, nameof(RemoveInvoiceRecipient), Proto.AccountService.Descriptor, "RemoveInvoiceRecipient"),
        (Account, nameof(SetReceiptRecipient), Proto.AccountService.Descriptor, "SetReceiptRecipient"),
        (Account, nameof(AddMember), Proto.AccountService.Descriptor, "AddMember"),
        (Account, nameof(RemoveMember), Proto.AccountService.Descriptor, "RemoveMember"),
        (Account, nameof(ChangeMemberRole), Proto.AccountService.Descriptor, "ChangeMemberRole"),
        (Account, nameof(ChangeBillingContact), Proto.AccountService.Descriptor, "ChangeBillingContact"),
        (Account, nameof(AttachTestClock), Proto.AccountService.Descriptor, "AttachTestClock"),
        (Account, nameof(ErasePersonalData), Proto.AccountService.Descriptor, "ErasePersonalData"),
        (Subscription, nameof(ISubscriptionGrain.StartTrialAsync), Proto.SubscriptionService.Descriptor, "StartTrial"),
        (Subscription, nameof(ISubscriptionGrain.CreateAsync), Proto.SubscriptionService.Descriptor, "CreateSubscription"),
        (Subscription, nameof(ISubscriptionGrain.UpgradeToPaidAsync), Proto.SubscriptionService.Descriptor, "UpgradeToPaid"),
        (Subscription, nameof(ISubscriptionGrain.ChangePlanAsync), Proto.SubscriptionService.Descriptor, "ChangePlan"),
        (Subscription, nameof(ISubscriptionGrain.AddSeatsAsync), Proto.SubscriptionService.Descriptor, "AddSeats"),
        (Subscription, nameof(ISubscriptionGrain.RemoveSeatsAsync), Proto.SubscriptionService.Descriptor, "RemoveSeats"),
        (Subscription, nameof(ISubscriptionGrain.AssignLicenceAsync), Proto.SubscriptionService.Descriptor, "AssignLicence"),
        (Subscription, nameof(ISubscriptionGrain.UnassignLicenceAsync), Proto.SubscriptionService.Descriptor, "UnassignLicence"),
        (Subscription, nameof(ISubscriptionGrain.ChangeFrequencyAsync), Proto.SubscriptionService.Descriptor, "ChangeBillingFrequency"),
        (Subscription, nameof(ISubscriptionGrain.CancelAsync), Proto.SubscriptionService.Descriptor, "CancelSubscription"),
        (Subscription, nameof(ISubscriptionGrain.WithdrawCancellationAsync), Proto.SubscriptionService.Descriptor, "WithdrawCancellation"),
        (Subscription, nameof(ISubscriptionGrain.ReactivateAsync), Proto.SubscriptionService.Descriptor, "ReactivateSubscription"),
        (Invoice, nameof(IInvoiceGrain.PayAsync), Proto.InvoiceService.Descriptor, "PayInvoice"),
        (Invoice, nameof(IInvoiceGrain.ConfirmPaymentAsync), Proto.InvoiceService.Descriptor, "ConfirmPayment"),
        (Invoice, nameof(IInvoiceGrain.AbandonPaymentAsync), Proto.InvoiceService.Descriptor, "AbandonPayment"),
        (Invoice, nameof(IInvoiceGrain.OpenDisputeAsync), Proto.InvoiceService.Descriptor, "OpenDispute"),
        (Invoice, nameof(IInvoiceGrain.ResolveDisputeAsync), Proto.InvoiceService.Descriptor, "ResolveDispute"),
        (Invoice, nameof(IInvoiceGrain.VoidAsync), Proto.InvoiceService.Descriptor, "VoidInvoice"),
        (Account, nameof(IAccountGrain.NumberQuoteAsync), Proto.QuoteService.Descriptor, "CreateQuote"),
        (Account, nameof(IAccountGrain.NumberOrderAsync), Proto.QuoteService.Descriptor, "AcceptQuotes"),
        (Account, nameof(SetAdministrator), Proto.QuoteService.Descriptor, "AcceptQuotes"),
        (Quote, nameof(IQuoteGrain.DraftAsync), Proto.QuoteService.Descriptor, "CreateQuote"),
        (Quote, nameof(IQuoteGrain.EditAsync), Proto.QuoteService.Descriptor, "EditQuote"),
        (Quote, nameof(IQuoteGrain.SendAsync), Proto.QuoteService.Descriptor, "SendQuote"),
        (Quote, nameof(IQuoteGrain.OrderSeatsAsync), Proto.QuoteService.Descriptor, "OrderSeats"),
        (Quote, nameof(IQuoteGrain.RejectAsync), Proto.QuoteService.Descriptor, "RejectQuote"),
        (Order, nameof(IServiceOrderGrain.PlaceAsync), Proto.QuoteService.Descriptor, "AcceptQuotes"),
        (TestClock, nameof(ITestClockGrain.CreateAsync), Proto.TestClockService.Descriptor, "CreateTestClock"),
        (TestClock, nameof(ITestClockGrain.AdvanceAsync), Proto.TestClockService.Descriptor, "AdvanceTestClock"),
        .. WakeUpCorrections([Account, Subscription, Invoice, Quote, Order]),
    ]);

    private static IEnumerable<(string, string, ServiceDescriptor, string)> WakeUpCorrections(string[] grainTypes) =>
        grainTypes.SelectMany(type => new[] { "FireWakeUp", "RescheduleWakeUp", "CancelWakeUp" }.Select(method => (type, method, Proto.OpsService.Descriptor, method)));

    private const string Account = "account";
    private const string Subscription = "subscription";
    private const string Invoice = "invoice";
    private const string Quote = "quote";
    private const string Order = "order";
    private const string TestClock = "testclock";

    /// <summary>
    /// The API method behind change <paramref name="change"/> of grain type <paramref name="grainType"/>; a change the
    /// API does not offer (a nested call between grains) is named as the grain recorded it.
    /// </summary>
    public static string Of(string grainType, string change)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(change);
        return Known.TryGetValue((grainType, change), out var known) ? known : $"{grainType}/{change}";
    }

    /// <summary>"AccountService/GetAccount" for the call path "/subscriptions.v1.AccountService/GetAccount".</summary>
    public static string FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.TrimStart('/');
        var dot = trimmed.LastIndexOf('.', trimmed.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? slash : trimmed.Length - 1);
        return dot >= 0 ? trimmed[(dot + 1)..] : trimmed;
    }

    private static Dictionary<(string, string), string> Build(IEnumerable<(string GrainType, string Change, ServiceDescriptor Service, string Method)> rows) =>
        rows.ToDictionary(
            r => (r.GrainType, r.Change),
            r => r.Service.FindMethodByName(r.Method) is { } method
                ? $"{r.Service.Name}/{method.Name}"
                : throw new InvalidOperationException($"{r.Service.FullName} declares no method {r.Method}; fix the entry for {r.GrainType} change {r.Change}."));
}
