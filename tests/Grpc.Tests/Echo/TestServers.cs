using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Api;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.Grpc.Tests.Standard;

namespace Subscriptions.Grpc.Tests.Echo;

/// <summary>A Grpc.AspNetCore server on 127.0.0.1 (h2c, a free port) and a channel to it.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = null });
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>"127.0.0.1:port", as gRPC clients name a target.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>How the open server's calls ended.</summary>
    public CallLog Log => _app.Services.GetRequiredService<CallLog>();

    /// <summary>The standard server's switchable health check.</summary>
    public Switch Health => _app.Services.GetRequiredService<Switch>();

    /// <summary>The open echo server of the wire tests: TestEcho with no access rules, 4 MiB message limits.</summary>
    public static Task<TestServer> StartOpenAsync() => StartAsync(builder =>
    {
        builder.Services.AddSingleton<CallLog>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<CallLog.Interceptor>();
            grpc.MaxReceiveMessageSize = GrpcEndpointOptions.DefaultMaxMessageSize;
            grpc.MaxSendMessageSize = GrpcEndpointOptions.DefaultMaxMessageSize;
        });
        builder.Services.AddStrictRequestParsing();
    }, app => app.MapGrpcService<TestEchoService>());

    /// <summary>
    /// The server wired as the host wires it (interceptors, bearer tokens on <paramref name="clock"/>, health, reflection,
    /// gRPC-Web), with the guarded TestEcho and a health check the test can switch.
    /// </summary>
    public static Task<TestServer> StartStandardAsync(TimeProvider clock) => StartAsync(builder =>
    {
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<Switch>();
        builder.Services.AddGrpcStandardServices(new GrpcEndpointOptions());
        builder.Services.AddHealthChecks().AddCheck<Switch>("switch");
        builder.Services.AddBearerTokens(TestTokens.Options());
    }, app =>
    {
        app.UseGrpcStandardMiddleware();
        app.MapGrpcService<GuardedEchoService>();
        app.MapGrpcStandardServices();
    });

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.DisposeAsync();
    }

    private static async Task<TestServer> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TestServer(app, new Uri(address));
    }

    /// <summary>A health check the test turns on and off.</summary>
    public sealed class Switch : IHealthCheck
    {
        public bool Healthy { get; set; } = true;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off"));
    }
}
