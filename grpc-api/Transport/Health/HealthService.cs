using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using ProtoStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Subscriptions.Grpc.Transport.Health;

/// <summary>grpc.health.v1.Health: Check and Watch over the HealthStatusRegistry; public (no credentials).</summary>
public static class HealthService
{
    /// <summary>Registers Check and Watch with <see cref="CallAuthorization.Public"/>; the registry comes from each call's services.</summary>
    public static void Register(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var service = HealthReflection.Descriptor.Services.Single(s => s.Name == "Health");
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>(service.FindMethodByName("Check"), CallAuthorization.Public, CheckAsync);
        registry.AddServerStreaming<HealthCheckRequest, HealthCheckResponse>(service.FindMethodByName("Watch"), CallAuthorization.Public, WatchAsync);
    }

    /// <summary>The current status; NOT_FOUND when the service is unknown.</summary>
    internal static Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var status = context.Services.GetRequiredService<HealthStatusRegistry>().GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"health status of service \"{request.Service}\" is unknown");
        return Task.FromResult(new HealthCheckResponse { Status = ToProto(status) });
    }

    /// <summary>The current status at once (SERVICE_UNKNOWN when unknown), then every change until the call ends.</summary>
    internal static async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(context);
        using var subscription = context.Services.GetRequiredService<HealthStatusRegistry>().Subscribe(request.Service);
        ProtoStatus? sent = null;
        await foreach (var status in subscription.Changes.ReadAllAsync(context.CancellationToken))
        {
            var next = status is { } known ? ToProto(known) : ProtoStatus.ServiceUnknown;
            if (next != sent)
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = next }, context.CancellationToken);
                sent = next;
            }
        }
    }

    private static ProtoStatus ToProto(ServingStatus status) => status switch
    {
        ServingStatus.Serving => ProtoStatus.Serving,
        ServingStatus.NotServing => ProtoStatus.NotServing,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown serving status."),
    };
}
