using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace Subscriptions.Grpc.Transport.Errors;

/// <summary>Builds RpcExceptions that carry a google.rpc.Status with details in the grpc-status-details-bin trailer.</summary>
public static class RichErrors
{
    /// <summary>The trailer that carries the serialized google.rpc.Status.</summary>
    public const string StatusDetailsTrailer = Metadata.StatusDetailsKey;

    /// <summary>The ErrorInfo domain of every rule violation this service reports.</summary>
    public const string Domain = "subscriptions";

    /// <summary>Retry advice sent with ABORTED (a conflicting write; retrying soon usually succeeds).</summary>
    public static readonly TimeSpan AbortedRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Retry advice sent with UNAVAILABLE (for example while the database is unreachable).</summary>
    public static readonly TimeSpan UnavailableRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>INVALID_ARGUMENT listing each bad request field (google.rpc.BadRequest).</summary>
    public static RpcException InvalidArgument(string message, IEnumerable<(string Field, string Description)> violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation
        {
            Field = v.Field,
            Description = v.Description,
        }));
        return Create(StatusCode.InvalidArgument, message, badRequest);
    }

    /// <summary>FAILED_PRECONDITION for a broken domain rule: a PreconditionFailure violation and an ErrorInfo, both naming the rule id.</summary>
    public static RpcException FailedPrecondition(string ruleId, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        var failure = new PreconditionFailure();
        failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = ruleId, Description = message });
        return Create(StatusCode.FailedPrecondition, message, failure, new ErrorInfo { Reason = ruleId, Domain = Domain });
    }

    /// <summary>PERMISSION_DENIED naming the access rule broken, with facts about the refusal as ErrorInfo metadata.</summary>
    public static RpcException PermissionDenied(string ruleId, string message, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        var info = new ErrorInfo { Reason = ruleId, Domain = Domain };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = value;
        }

        return Create(StatusCode.PermissionDenied, message, info);
    }

    /// <summary>ABORTED (a concurrent change won) with advice to retry after a short delay.</summary>
    public static RpcException Aborted(string message, TimeSpan? retryDelay = null) =>
        Create(StatusCode.Aborted, message, RetryAfter(retryDelay ?? AbortedRetryDelay));

    /// <summary>UNAVAILABLE (a dependency is down) with advice to retry after a delay.</summary>
    public static RpcException Unavailable(string message, TimeSpan? retryDelay = null) =>
        Create(StatusCode.Unavailable, message, RetryAfter(retryDelay ?? UnavailableRetryDelay));

    /// <summary>NOT_FOUND for a resource of a kind ("account", "invoice") and id, with a ResourceInfo.</summary>
    public static RpcException NotFound(string kind, string id)
    {
        var message = $"{kind} \"{id}\" was not found";
        return Create(StatusCode.NotFound, message, new ResourceInfo { ResourceType = kind, ResourceName = id, Description = message });
    }

    /// <summary>Any status with any details; code and message of the google.rpc.Status equal grpc-status and grpc-message.</summary>
    public static RpcException Create(StatusCode code, string message, params IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.AddRange(details.Select(Any.Pack));
        var trailers = new Metadata();
        trailers.Add(Metadata.StatusDetailsKey, status.ToByteArray());
        return new RpcException(code, message, trailers);
    }

    private static RetryInfo RetryAfter(TimeSpan delay) => new() { RetryDelay = Duration.FromTimeSpan(delay) };
}
