using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Subscriptions.Grpc.Transport.Server;

/// <summary>A registered method: its descriptor, its authorization policy and how to run one call of it.</summary>
internal abstract class MethodHandler(MethodDescriptor method, ICallAuthorization authorization)
{
    public MethodDescriptor Method { get; } = method ?? throw new ArgumentNullException(nameof(method));

    public string Path { get; } = GrpcServiceRegistry.PathOf(method);

    protected ICallAuthorization Authorization { get; } = authorization ?? throw new ArgumentNullException(nameof(authorization));

    /// <summary>Reads the request(s), authorizes, runs the handler and writes the response message(s); the status is the caller's job.</summary>
    public abstract Task HandleAsync(GrpcCall call);
}

/// <summary>One request, one response.</summary>
internal sealed class UnaryMethodHandler<TRequest, TResponse>(
    MethodDescriptor method,
    ICallAuthorization authorization,
    Func<TRequest, ServerCallContext, Task<TResponse>> handler) : MethodHandler(method, authorization)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task HandleAsync(GrpcCall call)
    {
        var request = await call.ReadSingleRequestAsync(Parser);
        await Authorization.AuthorizeAsync(call.Context, request);
        var response = await handler(request, call.Context);
        call.WriteUnaryResponse(response);
    }
}

/// <summary>One request, a stream of responses.</summary>
internal sealed class ServerStreamingMethodHandler<TRequest, TResponse>(
    MethodDescriptor method,
    ICallAuthorization authorization,
    Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : MethodHandler(method, authorization)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task HandleAsync(GrpcCall call)
    {
        var request = await call.ReadSingleRequestAsync(Parser);
        await Authorization.AuthorizeAsync(call.Context, request);
        await handler(request, new ResponseStreamWriter<TResponse>(call), call.Context);
    }
}

/// <summary>Streams both ways; authorization runs before the first request message is read.</summary>
internal sealed class DuplexStreamingMethodHandler<TRequest, TResponse>(
    MethodDescriptor method,
    ICallAuthorization authorization,
    Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : MethodHandler(method, authorization)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task HandleAsync(GrpcCall call)
    {
        await Authorization.AuthorizeAsync(call.Context, null);
        await handler(new RequestStreamReader<TRequest>(call, Parser), new ResponseStreamWriter<TResponse>(call), call.Context);
    }
}
