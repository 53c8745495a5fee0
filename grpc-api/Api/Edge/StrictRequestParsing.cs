using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>
/// Binds every gRPC service the way Grpc.AspNetCore does (its generated <c>BindService</c>, the service method's
/// attributes as endpoint metadata), with one difference: a request body that is not a valid protobuf message of the
/// method's request type is answered INVALID_ARGUMENT ("request body is not a valid …") and logged as one line at
/// Warning, instead of UNKNOWN with an error and a stack trace per call. It replaces Grpc.AspNetCore's own binder
/// provider, so each method is mapped once.
/// </summary>
public static partial class StrictRequestParsing
{
    /// <summary>The status message of a request that does not parse; it names the message type, never the bytes.</summary>
    public static string Message(string requestType) => $"request body is not a valid {requestType} protobuf message; nothing was read or applied";

    /// <summary>Registers the provider in place of Grpc.AspNetCore's binder provider (call after <c>AddGrpc</c>).</summary>
    public static IServiceCollection AddStrictRequestParsing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var defaults = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name == "BinderServiceMethodProvider`1").ToList();
        if (defaults.Count == 0)
        {
            throw new InvalidOperationException("Grpc.AspNetCore's binder service method provider was not found: call AddGrpc before AddStrictRequestParsing.");
        }

        foreach (var descriptor in defaults)
        {
            services.Remove(descriptor);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(Provider<>)));
        return services;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to {Method} that is not a valid {RequestType} message ({Reason}); answered INVALID_ARGUMENT")]
    private static partial void LogMalformed(ILogger logger, string method, string requestType, string reason);

    /// <summary>Binds one service type through its generated <c>BindService</c>, wrapping each request parser.</summary>
    private sealed class Provider<TService>(ILoggerFactory loggers) : IServiceMethodProvider<TService> where TService : class
    {
        private readonly ILogger _logger = loggers.CreateLogger(typeof(StrictRequestParsing).FullName!);

        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
        {
            var bind = FindBindMethod(typeof(TService));
            if (bind is null)
            {
                return;
            }

            var binder = new Binder<TService>(context, bind.GetParameters()[1].ParameterType, _logger);
            try
            {
                bind.Invoke(null, [binder, null]);
            }
            catch (TargetInvocationException e)
            {
                throw new InvalidOperationException($"Error binding gRPC service '{typeof(TService).Name}'.", e.InnerException ?? e);
            }
        }

        private static MethodInfo? FindBindMethod(Type serviceType)
        {
            for (var type = serviceType; type is not null; type = type.BaseType)
            {
                if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
                {
                    return attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                        .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is { Length: 2 } p && p[0].ParameterType == typeof(ServiceBinderBase));
                }
            }

            return null;
        }
    }

    private sealed class Binder<TService>(ServiceMethodProviderContext<TService> context, Type declaringType, ILogger logger) : ServiceBinderBase where TService : class
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(TRequest), typeof(ServerCallContext)]);
            context.AddUnaryMethod(Strict(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
            context.AddServerStreamingMethod(Strict(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)]);
            context.AddClientStreamingMethod(Strict(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
            context.AddDuplexStreamingMethod(Strict(method), metadata, invoker);
        }

        private Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var requestType = typeof(TRequest).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Google.Protobuf.Reflection.MessageDescriptor d
                ? d.FullName
                : typeof(TRequest).Name;
            var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, deserialization =>
            {
                try
                {
                    return parse(deserialization);
                }
                catch (Exception e) when (e is InvalidProtocolBufferException or InvalidOperationException or ArgumentException)
                {
                    LogMalformed(logger, method.FullName, requestType, e.GetType().Name);
                    throw new RpcException(new Status(StatusCode.InvalidArgument, Message(requestType)));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }

        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, Type[] parameters) where TDelegate : Delegate
        {
            var handler = Handler(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. handler.GetCustomAttributes(inherit: true)];

            // As Grpc.AspNetCore does: POST only, and CORS preflight accepted (gRPC-Web from browsers).
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        private MethodInfo? Handler(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null, types: parameters, modifiers: null);
                if (method is null)
                {
                    return null;
                }

                if (method.IsVirtual && method.GetBaseDefinition().DeclaringType == declaringType)
                {
                    return method;
                }
            }

            return null;
        }
    }
}
