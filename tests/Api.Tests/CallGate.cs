using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Subscriptions.Api.Tests;

/// <summary>
/// Makes a call's work take longer than its deadline without timing anything: a call carrying <see cref="Header"/> is
/// held after the edge checks until the server has cancelled it (its deadline passed), and only then goes on to the
/// service method, with the call's cancelled token. The client has its DEADLINE_EXCEEDED by then.
/// </summary>
public sealed class CallGate
{
    /// <summary>The request header that asks for the hold.</summary>
    public const string Header = "x-test-hold-until-deadline";


    /// <summary>Completes when a held call's service method has returned or thrown, with what it threw (null when it returned).</summary>
    public TaskCompletionSource<Exception?> Released { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Arms the gate for the next held call.</summary>
    public void Reset() => Released = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The interceptor registered last, after the API's error and edge interceptors.</summary>
    public sealed class Interceptor(CallGate gate) : global::Grpc.Core.Interceptors.Interceptor
    {
        /// <inheritdoc />
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (context.RequestHeaders.Get(Header) is null)
            {
                return await continuation(request, context);
            }

            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (context.CancellationToken.Register(() => cancelled.TrySetResult()))
            {
                await cancelled.Task;
            }

            try
            {
                var response = await continuation(request, context);
                gate.Released.TrySetResult(null);
                return response;
            }
            catch (Exception e)
            {
                gate.Released.TrySetResult(e);
                throw;
            }
        }
    }
}
