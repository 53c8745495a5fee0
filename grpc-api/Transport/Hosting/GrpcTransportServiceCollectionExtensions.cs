using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Subscriptions.Grpc.Transport.Server;

namespace Subscriptions.Grpc.Transport;

/// <summary>Registers the gRPC transport's services.</summary>
public static class GrpcTransportServiceCollectionExtensions
{
    /// <summary>Adds the registry, options, status mapping and a TimeProvider (the system clock unless one is registered).</summary>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, Action<GrpcTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GrpcTransportOptions>()
            .Configure(options => configure?.Invoke(options))
            .Validate(o => o.MaxReceiveMessageSize > 0, "GrpcTransportOptions.MaxReceiveMessageSize must be positive.")
            .Validate(o => o.MaxSendMessageSize > 0, "GrpcTransportOptions.MaxSendMessageSize must be positive.")
            .Validate(o => o.ResponseCompression is null or "gzip", "GrpcTransportOptions.ResponseCompression must be null or \"gzip\".")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<CallStatusMapper>();
        return services;
    }
}
