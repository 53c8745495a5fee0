using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Subscriptions.Grpc.Transport.Client;
using Subscriptions.Grpc.Transport.Errors;
using Subscriptions.Grpc.Transport.Health;
using Subscriptions.Grpc.Transport.Reflection;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>
/// The transport on 127.0.0.1 (h2c) wired as the host wires it: bearer tokens, health, reflection, plus two guarded
/// TestEcho methods: Echo needs ACC-2 ManageBilling on the account named by "text" and answers the caller's subject;
/// Fail needs any valid token and fails with a SUB-6 rich error carrying the request's detail.
/// </summary>
internal sealed class StandardServicesServer : IAsyncDisposable
{
    public const string EchoPath = "/subscriptions.testing.v1.TestEcho/Echo";
    public const string FailPath = "/subscriptions.testing.v1.TestEcho/Fail";

    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private StandardServicesServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _http = GrpcClient.CreateHttpClient(address);
        Client = new GrpcClient(_http);
    }

    public Uri Address { get; }

    /// <summary>"127.0.0.1:port", as gRPC clients name a target.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public GrpcClient Client { get; }

    public HealthStatusRegistry Health => _app.Services.GetRequiredService<HealthStatusRegistry>();

    public static async Task<StandardServicesServer> StartAsync(TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(clock);
        builder.Services.AddGrpcTransport();
        builder.Services.AddBearerTokens(TestTokens.Options());
        builder.Services.AddSingleton<HealthStatusRegistry>();
        var app = builder.Build();
        var registry = app.Services.GetRequiredService<GrpcServiceRegistry>();
        HealthService.Register(registry, app.Services.GetRequiredService<HealthStatusRegistry>());
        ReflectionService.Register(registry);
        RegisterGuardedEcho(registry);
        app.UseGrpcTransport();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new StandardServicesServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static void RegisterGuardedEcho(GrpcServiceRegistry registry)
    {
        var service = TestEchoReflection.Descriptor.Services.Single(s => s.Name == "TestEcho");
        registry.AddUnary<EchoRequest, EchoReply>(
            service.FindMethodByName("Echo"),
            CallPolicies.Account<EchoRequest>(r => r.Text, AccountAccess.ManageBilling),
            (request, context) => Task.FromResult(new EchoReply { Text = context.GetCaller().Subject }));
        registry.AddUnary<FailRequest, EchoReply>(
            service.FindMethodByName("Fail"),
            CallPolicies.Authenticated,
            (request, context) => throw RichErrors.FailedPrecondition("SUB-6", request.Detail));
    }
}
