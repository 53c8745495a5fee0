using Google.Protobuf;
using Google.Protobuf.Reflection;
using Subscriptions.Grpc.Transport;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>Registers the methods of one proto service by name, failing at start-up when a name is not in the proto.</summary>
internal sealed class ServiceMethods(GrpcServiceRegistry registry, ServiceDescriptor service)
{
    /// <summary>Registers the unary method <paramref name="name"/> with its policy and handler.</summary>
    public ServiceMethods Unary<TRequest, TResponse>(string name, ICallAuthorization authorization, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var method = service.FindMethodByName(name)
            ?? throw new InvalidOperationException($"Service {service.FullName} declares no method {name}.");
        registry.AddUnary(method, authorization, handler);
        return this;
    }
}
