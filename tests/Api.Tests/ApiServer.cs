using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subscriptions.Grains;
using Subscriptions.Grpc.Api;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Subscriptions.Grpc.Transport.Client;
using Subscriptions.Grpc.Transport.Health;
using Subscriptions.Grpc.Transport.Reflection;
using Subscriptions.Runtime;
using Subscriptions.TestHost;

namespace Subscriptions.Api.Tests;

/// <summary>
/// One silo on a private PostgreSQL database with this project's grains, and the gRPC API in front of it on
/// 127.0.0.1 (h2c, port 0) wired as the host wires it: transport, bearer tokens, health, the API, reflection.
/// Tokens are signed with a test key; the silo clock and the token clock are the cluster's manual clock.
/// </summary>
public sealed class ApiServer : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _http;
    private TestCluster? _cluster;

    /// <summary>The cluster behind the API.</summary>
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The API server is not started.");

    /// <summary>The one silo.</summary>
    public TestSilo Silo => Cluster.Silos[0];

    /// <summary>A gRPC client on the API's endpoint.</summary>
    public GrpcClient Client { get; private set; } = null!;

    /// <summary>Mints bearer tokens the API accepts.</summary>
    public TestTokens Tokens { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(
            "api", 1, grains => SubscriptionGrains.Register(grains), services: services => services.AddSubscriptionGrains());
        await StartApiAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await StopApiAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Stops the API and the silo, then starts both again on the same database: activations and caches are lost, the stored grains stay.</summary>
    public async Task RestartAsync()
    {
        await StopApiAsync();
        await Cluster.RestartAsync();
        await StartApiAsync();
    }

    /// <summary>The grain with <paramref name="key"/>, for arranging what the API does not expose (e.g. issuing invoices).</summary>
    public TGrain Grain<TGrain>(string key) where TGrain : IGrainWithStringKey => Silo.Grains.GetGrain<TGrain>(key);

    private async Task StartApiAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<TimeProvider>(Cluster.Clock);
        builder.Services.AddSingleton(Silo.Grains);
        builder.Services.AddSingleton(Silo.Storage);
        builder.Services.AddGrpcTransport();
        builder.Services.AddBearerTokens(TestTokens.Options);
        builder.Services.AddSingleton<HealthStatusRegistry>();
        builder.Services.AddSubscriptionsApi(new ConfigurationBuilder().Build());
        _app = builder.Build();
        var registry = _app.Services.GetRequiredService<GrpcServiceRegistry>();
        HealthService.Register(registry, _app.Services.GetRequiredService<HealthStatusRegistry>());
        _app.Services.MapSubscriptionsApi();
        ReflectionService.Register(registry);
        _app.UseGrpcTransport();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _http = GrpcClient.CreateHttpClient(new Uri(address));
        Client = new GrpcClient(_http);
        Tokens = new TestTokens(_app.Services.GetRequiredService<TokenIssuer>());
    }

    private async Task StopApiAsync()
    {
        _http?.Dispose();
        _http = null;
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }
}

/// <summary>The API server shared by the tests of this project; each test uses its own account and clock ids.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiServer>
{
    public const string Name = "api";
}
