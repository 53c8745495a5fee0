using Microsoft.AspNetCore.Builder;
using Subscriptions.Grpc.Transport.Server;

namespace Subscriptions.Grpc.Transport;

/// <summary>Puts the gRPC transport in the request pipeline.</summary>
public static class GrpcTransportApplicationBuilderExtensions
{
    /// <summary>Serves registered gRPC methods; other requests go on to the rest of the pipeline.</summary>
    public static IApplicationBuilder UseGrpcTransport(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<GrpcDispatcher>();
    }
}
