using Google.Rpc;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Errors;
using Subscriptions.Runtime;

namespace Subscriptions.Grpc.Api.Errors;

/// <summary>
/// The one place where domain, grain and runtime exceptions become gRPC statuses. A grain call that times out maps to
/// DEADLINE_EXCEEDED: the turn may still complete, so the outcome is unknown and the client retries with the same
/// request id (IDEM-1), which is safe either way. A call cycle is a defect, so it is INTERNAL, not retryable. Any other
/// exception (an ArgumentException from a grain's own invariant included) is a defect too: it is left to the transport,
/// which logs it and answers UNKNOWN without its message, rather than blaming a request field.
/// </summary>
public sealed class SubscriptionsExceptionMapper : IExceptionMapper
{
    /// <inheritdoc />
    public RpcException? Map(Exception exception, ServerCallContext context) => exception switch
    {
        ValidationException e => RichErrors.InvalidArgument(e.Message, e.Violations.Select(v => (v.Field, v.Description))),
        RequestIdReusedException e => RichErrors.InvalidArgument(e.Message, [("request_id", e.Message)]),
        RuleViolationException e => RichErrors.FailedPrecondition(e.RuleId, e.Message),
        NotFoundException e => RichErrors.NotFound(e.Kind, e.Id),
        PermissionDeniedException e => RichErrors.PermissionDenied(e.RuleId, e.Message, new Dictionary<string, string> { ["method"] = context.Method }),
        AlreadyExistsException e => RichErrors.Create(StatusCode.AlreadyExists, e.Message, new ResourceInfo { ResourceType = e.Kind, ResourceName = e.Id, Description = e.Message }),
        GrainVersionConflictException e => RichErrors.Aborted(e.Message),
        StorageUnavailableException e => RichErrors.Unavailable(e.Message),
        GrainCallCycleException => new RpcException(StatusCode.Internal, "The call could not complete because of an internal call cycle."),
        GrainCallTimeoutException e => new RpcException(StatusCode.DeadlineExceeded, e.Message),
        _ => null,
    };
}
