using System.Reflection;
using Subscriptions.Grpc.Transport;
using Subscriptions.Runtime;

namespace Subscriptions.Silo;

/// <summary>What this silo hosts: its grain classes, their migrations, and the gRPC services in front of them.</summary>
internal static class SiloComposition
{
    public static Assembly[] MigrationAssemblies => [];

    public static void RegisterGrains(GrainTypeRegistry grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
    }

    public static void MapServices(IServiceProvider services, GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registry);
    }
}
