
namespace Subscriptions.Grpc.Api.V1;

/// <summary>A request addressed to one subscription of an account.</summary>
public interface ISubscriptionRequest : IAccountRequest
{
    /// <summary>The subscription, unique within the account.</summary>
    string SubscriptionId { get; }
}

/// <summary>A request that changes a subscription; its request_id makes a retry safe (IDEM-1).</summary>
public interface ISubscriptionChangeRequest : ISubscriptionRequest, IAccountChangeRequest;

public sealed partial class StartTrialRequest : ISubscriptionChangeRequest;

public sealed partial class CreateSubscriptionRequest : ISubscriptionChangeRequest;

public sealed partial class GetSubscriptionRequest : ISubscriptionRequest;

public sealed partial class ListSubscriptionsRequest : IAccountRequest;

public sealed partial class UpgradeToPaidRequest : ISubscriptionChangeRequest;

public sealed partial class ChangePlanRequest : ISubscriptionChangeRequest;

public sealed partial class AddSeatsRequest : ISubscriptionChangeRequest;

public sealed partial class RemoveSeatsRequest : ISubscriptionChangeRequest;

public sealed partial class AssignLicenceRequest : ISubscriptionChangeRequest;

public sealed partial class UnassignLicenceRequest : ISubscriptionChangeRequest;

public sealed partial class ChangeBillingFrequencyRequest : ISubscriptionChangeRequest;

public sealed partial class CancelSubscriptionRequest : ISubscriptionChangeRequest;

public sealed partial class WithdrawCancellationRequest : ISubscriptionChangeRequest;

public sealed partial class ReactivateSubscriptionRequest : ISubscriptionChangeRequest;
