using Google.Protobuf;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>
/// Bad input to every SubscriptionService method fails with INVALID_ARGUMENT and a BadRequest naming each bad field,
/// and changes nothing: the account's subscription, subscriptions and invoices read back as before.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ValidationTests(ApiServer server)
{
    private const string Existing = "meeting-1";

    /// <summary>Each case: the call with its bad input, and the fields the error must name, in order.</summary>
    private static readonly Dictionary<string, (Func<SubscriptionKit, Task> Call, string[] Fields)> Cases = new()
    {
        ["StartTrial with every required field empty"] = (k => Change(k, "StartTrial", new Proto.StartTrialRequest { AccountId = k.AccountId, SubscriptionId = "trial-1" }),
            ["request_id", "product_id", "plan_id", "seats", "frequency"]),
        ["StartTrial with negative seats"] = (k => Change(k, "StartTrial", With(k.Trial("trial-1", "central", "basic"), r => r.Seats = -2)), ["seats"]),
        ["StartTrial of an unknown product"] = (k => Change(k, "StartTrial", k.Trial("trial-1", "nope", "basic")), ["product_id"]),
        ["StartTrial of an unknown plan"] = (k => Change(k, "StartTrial", k.Trial("trial-1", "central", "gold")), ["plan_id"]),
        ["StartTrial in another currency than the account's"] = (k => Change(k, "StartTrial", With(k.Trial("trial-1", "central", "basic"), r => r.Currency = "EUR")), ["currency"]),
        ["CreateSubscription without subscription id"] = (k => Change(k, "CreateSubscription", k.Purchase("", "meeting", "professional")), ["subscription_id"]),
        ["CreateSubscription with a malformed subscription id"] = (k => Change(k, "CreateSubscription", k.Purchase("a/../b", "meeting", "professional")), ["subscription_id"]),
        ["CreateSubscription without account id"] = (k => Change(k, "CreateSubscription", With(k.Purchase("new-1", "meeting", "professional"), r => r.AccountId = "")), ["account_id"]),
        ["CreateSubscription with zero seats"] = (k => Change(k, "CreateSubscription", k.Purchase("new-1", "meeting", "professional", seats: 0)), ["seats"]),
        ["CreateSubscription with negative seats"] = (k => Change(k, "CreateSubscription", k.Purchase("new-1", "meeting", "professional", seats: -1)), ["seats"]),
        ["CreateSubscription of an unknown product"] = (k => Change(k, "CreateSubscription", k.Purchase("new-1", "nope", "professional")), ["product_id"]),
        ["CreateSubscription of a plan of another product"] = (k => Change(k, "CreateSubscription", k.Purchase("new-1", "meeting", "personal")), ["plan_id"]),
        ["CreateSubscription in another currency than the account's"] = (k => Change(k, "CreateSubscription", With(k.Purchase("new-1", "meeting", "professional"), r => r.Currency = "GBP")), ["currency"]),
        ["CreateSubscription in an unknown currency"] = (k => Change(k, "CreateSubscription", With(k.Purchase("new-1", "meeting", "professional"), r => r.Currency = "XYZ")), ["currency"]),
        ["CreateSubscription with negative terms"] = (k => Change(k, "CreateSubscription", With(k.Purchase("new-1", "connect", "phone-system"), r => { r.ContractTermMonths = -1; r.FreeMonths = -1; })),
            ["contract_term_months", "free_months"]),
        ["CreateSubscription with a contract term the product does not offer"] = (k => Change(k, "CreateSubscription", With(k.Purchase("new-1", "connect", "phone-system"), r => r.ContractTermMonths = 7)),
            ["contract_term_months"]),
        ["CreateSubscription with an unspecified frequency"] = (k => Change(k, "CreateSubscription", With(k.Purchase("new-1", "meeting", "professional"), r => r.Frequency = Proto.BillingFrequency.Unspecified)), ["frequency"]),
        ["GetSubscription without subscription id"] = (k => k.Server.Client.UnaryAsync<Proto.GetSubscriptionRequest, Proto.Subscription>(
            "/subscriptions.v1.SubscriptionService/GetSubscription", new Proto.GetSubscriptionRequest { AccountId = k.AccountId }, k.Holder), ["subscription_id"]),
        ["ListSubscriptions without account id"] = (k => k.Server.Client.UnaryAsync<Proto.ListSubscriptionsRequest, Proto.ListSubscriptionsResponse>(
            "/subscriptions.v1.SubscriptionService/ListSubscriptions", new Proto.ListSubscriptionsRequest(), k.Holder), ["account_id"]),
        ["UpgradeToPaid with negative seats and an unknown frequency"] = (k => Change(k, "UpgradeToPaid", new Proto.UpgradeToPaidRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing, Seats = -1, Frequency = (Proto.BillingFrequency)9,
        }), ["frequency", "seats"]),
        ["ChangePlan without plan"] = (k => Change(k, "ChangePlan", new Proto.ChangePlanRequest { RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing }), ["plan_id"]),
        ["ChangePlan to an unknown plan"] = (k => Change(k, "ChangePlan", new Proto.ChangePlanRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing, PlanId = "platinum",
        }), ["plan_id"]),
        ["ChangePlan without request id"] = (k => Change(k, "ChangePlan", new Proto.ChangePlanRequest { AccountId = k.AccountId, SubscriptionId = Existing, PlanId = "business" }), ["request_id"]),
        ["AddSeats of zero seats"] = (k => Change(k, "AddSeats", new Proto.AddSeatsRequest { RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing }), ["seats"]),
        ["AddSeats of negative seats"] = (k => Change(k, "AddSeats", new Proto.AddSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing, Seats = -3,
        }), ["seats"]),
        ["RemoveSeats of zero seats"] = (k => Change(k, "RemoveSeats", new Proto.RemoveSeatsRequest { RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing }), ["seats"]),
        ["RemoveSeats of every seat"] = (k => Change(k, "RemoveSeats", new Proto.RemoveSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing, Seats = 5,
        }), ["seats"]),
        ["AssignLicence without user"] = (k => Change(k, "AssignLicence", new Proto.AssignLicenceRequest { RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing }), ["user_id"]),
        ["UnassignLicence without user"] = (k => Change(k, "UnassignLicence", new Proto.UnassignLicenceRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing, UserId = " ",
        }), ["user_id"]),
        ["ChangeBillingFrequency to an unspecified frequency"] = (k => Change(k, "ChangeBillingFrequency", new Proto.ChangeBillingFrequencyRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing,
        }), ["frequency"]),
        ["ChangeBillingFrequency to the current frequency"] = (k => Change(k, "ChangeBillingFrequency", new Proto.ChangeBillingFrequencyRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId, SubscriptionId = Existing, Frequency = Proto.BillingFrequency.Monthly,
        }), ["frequency"]),
        ["CancelSubscription without request id"] = (k => Change(k, "CancelSubscription", new Proto.CancelSubscriptionRequest { AccountId = k.AccountId, SubscriptionId = Existing }), ["request_id"]),
        ["WithdrawCancellation without subscription id"] = (k => Change(k, "WithdrawCancellation", new Proto.WithdrawCancellationRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = k.AccountId,
        }), ["subscription_id"]),
        ["ReactivateSubscription without request id or subscription id"] = (k => Change(k, "ReactivateSubscription", new Proto.ReactivateSubscriptionRequest { AccountId = k.AccountId }),
            ["request_id", "subscription_id"]),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task bad_input_is_refused_with_INVALID_ARGUMENT_naming_the_fields_and_changes_nothing(string name)
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync(Existing, "meeting", "professional", seats: 5);
        var before = (Subscription: await kit.GetAsync(Existing), List: await kit.ListAsync(), Invoices: await kit.InvoicesAsync());
        var (call, fields) = Cases[name];

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => call(kit));

        Assert.Equal(fields, error.BadFields());
        Assert.Equal(before.Subscription, await kit.GetAsync(Existing));
        Assert.Equal(before.List, await kit.ListAsync());
        Assert.Equal(before.Invoices, await kit.InvoicesAsync());
    }

    private static Task Change<TRequest>(SubscriptionKit kit, string method, TRequest request) where TRequest : IMessage<TRequest> =>
        kit.CallAsync(method, request, kit.Holder);

    private static TRequest With<TRequest>(TRequest request, Action<TRequest> change)
    {
        change(request);
        return request;
    }
}
