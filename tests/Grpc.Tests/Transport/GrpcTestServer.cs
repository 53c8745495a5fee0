using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Client;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>The transport serving <see cref="TestEchoService"/> in-process on 127.0.0.1: an h2c endpoint and an HTTP/1.1 one.</summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private GrpcTestServer(WebApplication app, CallProbe probe, CallLog log, int port, int http1Port)
    {
        _app = app;
        Probe = probe;
        Log = log;
        Port = port;
        Http1Port = http1Port;
    }

    public CallProbe Probe { get; }

    public CallLog Log { get; }

    /// <summary>The gRPC port: h2c (HTTP/2 only), or TLS when started with a certificate.</summary>
    public int Port { get; }

    /// <summary>A port that speaks HTTP/1.1 only, for the 426 answer.</summary>
    public int Http1Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts the server; the gRPC endpoint is h2c, or TLS when a certificate is given (through the product's Kestrel helper).</summary>
    public static async Task<GrpcTestServer> StartAsync(TimeProvider clock, Action<GrpcTransportOptions>? configure = null, GrpcTlsCertificate? tls = null)
    {
        var probe = new CallProbe();
        var log = new CallLog();
        ListenOptions? http1 = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(log);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(IPAddress.Loopback, 0, tls);
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http1 = listen).Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddSingleton(clock);
        builder.Services.AddGrpcTransport(configure);
        var app = builder.Build();
        new TestEchoService(probe).Register(app.Services.GetRequiredService<GrpcServiceRegistry>());
        app.UseGrpcTransport();
        await app.StartAsync();
        var http1Port = http1!.IPEndPoint!.Port;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var grpcPort = addresses.Select(a => new Uri(a).Port).Single(port => port != http1Port);
        return new GrpcTestServer(app, probe, log, grpcPort, http1Port);
    }

    /// <summary>A client on the h2c endpoint; disposed with the server.</summary>
    public GrpcClient Client(GrpcClientOptions? options = null) => new(HttpClient(), options);

    /// <summary>A raw HTTP/2 HttpClient on the h2c endpoint; disposed with the server.</summary>
    public HttpClient HttpClient()
    {
        var client = GrpcClient.CreateHttpClient(Address);
        _clients.Add(client);
        return client;
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _app.DisposeAsync();
    }
}
