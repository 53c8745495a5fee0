using Subscriptions.Domain.Errors;
using Subscriptions.Grains;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Errors;
using Subscriptions.Runtime;

namespace Subscriptions.Grpc.Api.Errors;

/// <summary>
/// The one place where domain, grain and runtime exceptions become gRPC statuses. A grain call that times out maps to
/// DEADLINE_EXCEEDED: the turn may still complete, so the outcome is unknown and the client retries with the same
/// request id (IDEM-1), which is safe either way. A call cycle is a defect, so it is INTERNAL, not retryable.
/// </summary>
public sealed class SubscriptionsExceptionMapper : IExceptionMapper
{
    /// <inheritdoc />
    public RpcException? Map(Exception exception, ServerCallContext context) => exception switch
    {
        ValidationException e => RichErrors.InvalidArgument(e.Message, e.Violations.Select(v => (v.Field, v.Description))),
        RuleViolationException e => RichErrors.FailedPrecondition(e.RuleId, e.Message),
        NotFoundException e => RichErrors.NotFound(e.Kind, e.Id),
        PermissionDeniedException e => RichErrors.PermissionDenied(e.RuleId, e.Message, new Dictionary<string, string> { ["method"] = context.Method }),
        AlreadyExistsException e => new RpcException(StatusCode.AlreadyExists, e.Message),
        GrainVersionConflictException e => RichErrors.Aborted(e.Message),
        StorageUnavailableException e => RichErrors.Unavailable(e.Message),
        GrainCallCycleException => new RpcException(StatusCode.Internal, "The call could not complete because of an internal call cycle."),
        GrainCallTimeoutException e => new RpcException(StatusCode.DeadlineExceeded, e.Message),
        RequestIdReusedException e => InvalidField("request_id", e.Message),
        ArgumentException { ParamName: { Length: > 0 } field } e when IsSnakeCase(field) => InvalidField(field, e.Message),
        ArgumentException e => RichErrors.InvalidArgument(e.Message, []),
        _ => null,
    };

    private static RpcException InvalidField(string field, string message) => RichErrors.InvalidArgument(message, [(field, message)]);

    private static bool IsSnakeCase(string name) => name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.');
}
