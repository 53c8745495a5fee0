using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Bench.Protos;
using Subscriptions.Grpc.Transport;

namespace Subscriptions.Grpc.Bench;

/// <summary>One Kestrel h2c server with two targets: the gRPC transport, and a plain endpoint writing the same response bytes.</summary>
internal sealed class BenchServer(WebApplication app, int port) : IAsyncDisposable
{
    public const string GrpcPath = "/subscriptions.bench.v1.Bench/Ping";
    public const string PlainPath = "/plain";

    /// <summary>The gRPC response of an empty message: an uncompressed 0-length message.</summary>
    private static readonly byte[] EmptyMessageFrame = [0, 0, 0, 0, 0];

    public Uri Address { get; } = new($"http://127.0.0.1:{port}");

    public static async Task<BenchServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Services.AddGrpcTransport();
        var app = builder.Build();
        var ping = BenchReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Bench").FindMethodByName("Ping");
        app.Services.GetRequiredService<GrpcServiceRegistry>()
            .AddUnary<Empty, Empty>(ping, CallAuthorization.Public, (_, _) => Task.FromResult(new Empty()));
        app.Map(PlainPath, plain => plain.Run(WritePlainAsync));
        app.UseGrpcTransport();
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var address = new Uri(addresses.Single());
        return new BenchServer(app, address.Port);
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    // The same bytes as the transport's answer (headers, one empty message, grpc-status trailer), without any gRPC logic.
    private static async Task WritePlainAsync(HttpContext context)
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-accept-encoding"] = "identity,gzip";
        await context.Response.Body.WriteAsync(EmptyMessageFrame);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
