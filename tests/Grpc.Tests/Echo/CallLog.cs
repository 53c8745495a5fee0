using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Subscriptions.Grpc.Tests.Echo;

/// <summary>How each call ended as the server saw it: OK, the status of an RpcException, or CANCELLED when the call was cancelled under it.</summary>
public sealed class CallLog
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StatusCode>> _finished = new(StringComparer.Ordinal);

    /// <summary>The status of the first call of <paramref name="method"/> (its path) to finish.</summary>
    public Task<StatusCode> FirstFinishedAsync(string method) => Slot(method).Task;

    private TaskCompletionSource<StatusCode> Slot(string method) =>
        _finished.GetOrAdd(method, _ => new TaskCompletionSource<StatusCode>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Records the end of every server-streaming and unary call.</summary>
    public sealed class Interceptor(CallLog log) : global::Grpc.Core.Interceptors.Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            ArgumentNullException.ThrowIfNull(continuation);
            try
            {
                var response = await continuation(request, context);
                log.Slot(context.Method).TrySetResult(StatusCode.OK);
                return response;
            }
            catch (Exception e)
            {
                log.Slot(context.Method).TrySetResult(StatusOf(e, context));
                throw;
            }
        }

        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            ArgumentNullException.ThrowIfNull(continuation);
            try
            {
                await continuation(request, responseStream, context);
                log.Slot(context.Method).TrySetResult(StatusCode.OK);
            }
            catch (Exception e)
            {
                log.Slot(context.Method).TrySetResult(StatusOf(e, context));
                throw;
            }
        }

        private static StatusCode StatusOf(Exception e, ServerCallContext context) => e switch
        {
            RpcException rpc => rpc.StatusCode,
            OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
            _ => StatusCode.Unknown,
        };
    }
}
