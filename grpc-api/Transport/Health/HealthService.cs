using Grpc.Health.V1;
using ProtoStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Subscriptions.Grpc.Transport.Health;

/// <summary>grpc.health.v1.Health: Check and Watch over a HealthStatusRegistry; public (no credentials).</summary>
public sealed class HealthService
{
    private readonly HealthStatusRegistry _statuses;

    internal HealthService(HealthStatusRegistry statuses) => _statuses = statuses;

    /// <summary>Registers Check and Watch with <see cref="CallAuthorization.Public"/>, answering from the statuses.</summary>
    public static void Register(GrpcServiceRegistry registry, HealthStatusRegistry statuses)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(statuses);
        var health = new HealthService(statuses);
        var service = HealthReflection.Descriptor.Services.Single(s => s.Name == "Health");
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>(service.FindMethodByName("Check"), CallAuthorization.Public, health.CheckAsync);
        registry.AddServerStreaming<HealthCheckRequest, HealthCheckResponse>(service.FindMethodByName("Watch"), CallAuthorization.Public, health.WatchAsync);
    }

    /// <summary>The current status; NOT_FOUND when the service is unknown.</summary>
    internal Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        var status = _statuses.GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"health status of service \"{request.Service}\" is unknown");
        return Task.FromResult(new HealthCheckResponse { Status = ToProto(status) });
    }

    /// <summary>The current status at once (SERVICE_UNKNOWN when unknown), then every change until the call ends.</summary>
    internal async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        using var subscription = _statuses.Subscribe(request.Service);
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
