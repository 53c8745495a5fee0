using Grpc.Core;
using Subscriptions.Grpc.Api.Auth;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Bench;

/// <summary>Answers from memory, behind the same interceptors (token, field limits, access rule) as the API.</summary>
public sealed class PlainService(PlainResponses responses) : V1.Plain.PlainBase
{
    [AnyCaller]
    public override Task<Proto.Subscription> GetSubscription(Proto.GetSubscriptionRequest request, ServerCallContext context) =>
        Task.FromResult(responses.Subscription);

    [AnyCaller]
    public override Task<Proto.SubscriptionChange> AddSeats(Proto.AddSeatsRequest request, ServerCallContext context) =>
        Task.FromResult(responses.Change);
}

/// <summary>The responses the plain endpoint answers: copies of real answers, so both sides write the same bytes.</summary>
public sealed class PlainResponses
{
    public Proto.Subscription Subscription { get; set; } = new();

    public Proto.SubscriptionChange Change { get; set; } = new();
}
