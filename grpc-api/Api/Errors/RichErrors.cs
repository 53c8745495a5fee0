using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Subscriptions.Grpc.Api.Errors;

/// <summary>
/// Builds RpcExceptions that carry a google.rpc.Status with details (Grpc.StatusProto puts it in the
/// grpc-status-details-bin trailer). Messages are capped at <see cref="MaxMessageLength"/> characters.
/// </summary>
public static class RichErrors
{
    /// <summary>The ErrorInfo domain of every rule violation this service reports.</summary>
    public const string Domain = "subscriptions";

    /// <summary>The longest status message sent; longer ones are cut with an ellipsis.</summary>
    public const int MaxMessageLength = 400;

    /// <summary>Retry advice sent with ABORTED (a conflicting write; retrying soon usually succeeds).</summary>
    public static readonly TimeSpan AbortedRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Retry advice sent with UNAVAILABLE (for example while the database is unreachable).</summary>
    public static readonly TimeSpan UnavailableRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>INVALID_ARGUMENT listing each bad request field (google.rpc.BadRequest).</summary>
    public static RpcException InvalidArgument(string message, IEnumerable<(string Field, string Description)> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation
        {
            Field = Cap(v.Field, 128),
            Description = Cap(v.Description, 200),
        }));
        return Create(StatusCode.InvalidArgument, message, badRequest);
    }

    /// <summary>FAILED_PRECONDITION for a broken domain rule: a PreconditionFailure violation and an ErrorInfo, both naming the rule id.</summary>
    public static RpcException FailedPrecondition(string ruleId, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        var failure = new PreconditionFailure();
        failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = ruleId, Description = Cap(message, MaxMessageLength) });
        return Create(StatusCode.FailedPrecondition, message, failure, new ErrorInfo { Reason = ruleId, Domain = Domain });
    }

    /// <summary>PERMISSION_DENIED naming the access rule broken, with facts about the refusal as ErrorInfo metadata.</summary>
    public static RpcException PermissionDenied(string ruleId, string message, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(ruleId);
        ArgumentNullException.ThrowIfNull(metadata);
        var info = new ErrorInfo { Reason = ruleId, Domain = Domain };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = Cap(value, 128);
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
        var message = $"{kind} {Subscriptions.Domain.Quoted.Of(id)} was not found";
        return Create(StatusCode.NotFound, message, new ResourceInfo { ResourceType = kind, ResourceName = Subscriptions.Domain.Quoted.Cut(id), Description = message });
    }

    /// <summary>Any status with any details; code and message of the google.rpc.Status equal grpc-status and grpc-message.</summary>
    public static RpcException Create(StatusCode code, string message, params IMessage[] details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var status = new Google.Rpc.Status { Code = (int)code, Message = Cap(message, MaxMessageLength) };
        status.Details.AddRange(details.Select(Any.Pack));
        return status.ToRpcException();
    }

    /// <summary>The text cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Cap(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    private static RetryInfo RetryAfter(TimeSpan delay) => new() { RetryDelay = Duration.FromTimeSpan(delay) };
}
