using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Subscriptions.Domain;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains;

namespace Subscriptions.Grpc.Api.Errors;

/// <summary>
/// The one place where domain, grain and runtime exceptions become gRPC statuses with google.rpc details. A grain
/// call that times out (Orleans' response timeout) maps to DEADLINE_EXCEEDED: the turn may still complete, so the outcome is unknown and the
/// client retries with the same request id (IDEM-1), which is safe either way; so does a call the runtime rejects because the
/// silo holding the grain is unavailable (UNAVAILABLE: the grain is handed to another silo). A call cycle is a defect. Any exception
/// not mapped here (an ArgumentException from a grain's own invariant included) is a defect too: it is logged once and
/// answered INTERNAL with no internals, rather than blaming a request field.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    /// <summary>The message of an INTERNAL answer; the exception itself goes to the log only.</summary>
    public const string InternalMessage = "The service failed to handle the call; it has been logged. Retrying with the same request id is safe.";

    /// <summary>The message of an UNAVAILABLE answer for a grain whose silo stopped or stopped answering.</summary>
    public const string SiloUnavailableMessage = "The server holding this record stopped answering; the record moves to another server within seconds. The change may have been applied: retry with the same request id.";

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return AnswerAsync(context, () => continuation(request, context));
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return AnswerAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });
    }

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return AnswerAsync(context, () => continuation(requestStream, context));
    }

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return AnswerAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });
    }

    /// <summary>The status <paramref name="exception"/> is answered with.</summary>
    public RpcException Map(Exception exception, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(context);
        switch (exception)
        {
            case ValidationException e:
                return RichErrors.InvalidArgument(e.Message, e.Violations.Select(v => (v.Field, v.Description)));
            case RequestIdReusedException e:
                var message = $"request_id {Quoted.Of(e.RequestId)} was already used for {ApiMethodNames.Of(e.GrainType, e.FirstMethod)}; it cannot be reused for {ApiMethodNames.FromPath(context.Method)}. Use a new request id for a new change.";
                return RichErrors.InvalidArgument(message, [("request_id", message)]);
            case RuleViolationException e:
                return RichErrors.FailedPrecondition(e.RuleId, e.Message);
            case NotFoundException e:
                return RichErrors.NotFound(e.Kind, e.Id);
            case PermissionDeniedException e:
                return RichErrors.PermissionDenied(e.RuleId, e.Message, new Dictionary<string, string> { ["method"] = context.Method });
            case AlreadyExistsException e:
                return RichErrors.Create(StatusCode.AlreadyExists, e.Message, new Google.Rpc.ResourceInfo { ResourceType = e.Kind, ResourceName = Quoted.Cut(e.Id), Description = RichErrors.Cap(e.Message, RichErrors.MaxMessageLength) });
            case ConcurrentChangeException e:
                return RichErrors.Aborted(e.Message);
            case PaymentGatewayUnavailableException e:
                return RichErrors.Unavailable(e.Message);
            case var e when Unavailable(e) is { } unavailable:
                return RichErrors.Unavailable(unavailable);
            case TimeoutException:
                return new RpcException(new Status(StatusCode.DeadlineExceeded, "A grain call did not complete in time; the change may still complete. Retry with the same request id."));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return !context.GetHttpContext().RequestAborted.IsCancellationRequested
                    ? new RpcException(new Status(StatusCode.DeadlineExceeded, "The call's deadline passed before the work finished; nothing was applied unless a retry with the same request id says so."))
                    : new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled by the client."));
            default:
                LogUnhandled(logger, context.Method, exception);
                return new RpcException(new Status(StatusCode.Internal, InternalMessage));
        }
    }

    /// <summary>Runs a call that reached the service (its request was read) and maps whatever it throws but an RpcException.</summary>
    private async Task<T> AnswerAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(context);
        Edge.RequestFraming.MarkReached(context.GetHttpContext());
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    /// <summary>
    /// Why the service cannot be reached for this call, when <paramref name="exception"/> or one it wraps says so:
    /// the database (a grain that cannot read its state at activation included), or a silo that is gone or refused the
    /// message. Null for anything else.
    /// </summary>
    public static string? Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageUnavailableException storage:
                    return storage.Message;
                case OrleansMessageRejectionException:
                    // The silo holding the grain stopped or stopped answering (SiloUnavailableException included): the call
                    // may have run there, and the grain moves to another silo once that one is declared dead.
                    return SiloUnavailableMessage;
                case System.Data.Common.DbException or System.Net.Sockets.SocketException:
                    // A database failure no storage layer translated: an outage all the same, never INTERNAL.
                    return $"The database is unavailable: {Quoted.Cut(e.Message)}. Retry with the same request id.";
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    return Unavailable(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {Method}; answered INTERNAL")]
    private static partial void LogUnhandled(ILogger logger, string method, Exception exception);
}
