using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Subscriptions.Grpc.Transport.Server;

namespace Subscriptions.Grpc.Transport;

/// <summary>The served methods, each with its handler and authorization policy; a DI singleton filled at start-up.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, MethodHandler> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceDescriptor> _services = new(StringComparer.Ordinal);

    /// <summary>Every service with at least one registered method (for server reflection).</summary>
    public IReadOnlyCollection<ServiceDescriptor> Services => [.. _services.Values.OrderBy(s => s.FullName, StringComparer.Ordinal)];

    /// <summary>Registers a unary method: one request, one response.</summary>
    public void AddUnary<TRequest, TResponse>(
        MethodDescriptor method,
        ICallAuthorization authorization,
        Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new UnaryMethodHandler<TRequest, TResponse>(method, authorization, handler), typeof(TRequest), typeof(TResponse), clientStreaming: false, serverStreaming: false);
    }

    /// <summary>Registers a server-streaming method: one request, a stream of responses.</summary>
    public void AddServerStreaming<TRequest, TResponse>(
        MethodDescriptor method,
        ICallAuthorization authorization,
        Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new ServerStreamingMethodHandler<TRequest, TResponse>(method, authorization, handler), typeof(TRequest), typeof(TResponse), clientStreaming: false, serverStreaming: true);
    }

    /// <summary>Registers a duplex method: streams both ways; authorization runs (with a null request) before the first read.</summary>
    public void AddDuplexStreaming<TRequest, TResponse>(
        MethodDescriptor method,
        ICallAuthorization authorization,
        Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new DuplexStreamingMethodHandler<TRequest, TResponse>(method, authorization, handler), typeof(TRequest), typeof(TResponse), clientStreaming: true, serverStreaming: true);
    }

    /// <summary>The full path of a method, "/package.Service/Method".</summary>
    public static string PathOf(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return $"/{method.Service.FullName}/{method.Name}";
    }

    internal bool TryGetMethod(string path, [MaybeNullWhen(false)] out MethodHandler handler) => _methods.TryGetValue(path, out handler);

    internal bool HasService(string serviceName) => _services.ContainsKey(serviceName);

    private void Add(MethodHandler handler, Type requestType, Type responseType, bool clientStreaming, bool serverStreaming)
    {
        var method = handler.Method;
        if (method.InputType.ClrType != requestType || method.OutputType.ClrType != responseType)
        {
            throw new ArgumentException(
                $"Method {handler.Path} takes {method.InputType.FullName} and returns {method.OutputType.FullName}; the handler is typed {requestType.Name} -> {responseType.Name}.",
                nameof(method));
        }

        if (method.IsClientStreaming != clientStreaming || method.IsServerStreaming != serverStreaming)
        {
            throw new ArgumentException(
                $"Method {handler.Path} is declared with client streaming {method.IsClientStreaming} and server streaming {method.IsServerStreaming}; registered as {clientStreaming}/{serverStreaming}.",
                nameof(method));
        }

        if (!_methods.TryAdd(handler.Path, handler))
        {
            throw new InvalidOperationException($"Method {handler.Path} is already registered.");
        }

        _services.TryAdd(method.Service.FullName, method.Service);
    }
}
