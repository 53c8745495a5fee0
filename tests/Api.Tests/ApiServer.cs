using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Api;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Ops;
using Subscriptions.Silo.Notifications;
using Subscriptions.TestHost;

namespace Subscriptions.Api.Tests;

/// <summary>
/// One Orleans test silo on a private PostgreSQL database with this project's grains, and the gRPC API in front of it on
/// 127.0.0.1 (h2c, port 0) wired as the host wires it (Grpc.AspNetCore, bearer tokens, the API's interceptors, health, reflection, gRPC-Web).
/// Tokens are signed with a test key; the silo clock and the token clock are the cluster's manual clock.
/// </summary>
public sealed class ApiServer : IAsyncLifetime
{
    private WebApplication? _app;
    private GrpcChannel? _channel;
    private TestCluster? _cluster;

    /// <summary>The cluster behind the API.</summary>
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The API server is not started.");

    /// <summary>A gRPC client on the API's endpoint.</summary>
    public ApiClient Client { get; private set; } = null!;

    /// <summary>Holds calls marked with <see cref="CallGate.Header"/> until their deadline passes (deadline tests).</summary>
    public CallGate Gate { get; private set; } = null!;

    /// <summary>Mints bearer tokens the API accepts.</summary>
    public TestTokens Tokens { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync("api");
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
    public TGrain Grain<TGrain>(string key) where TGrain : IGrainWithStringKey => Cluster.Grains.GetGrain<TGrain>(key);

    private async Task StartApiAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<TimeProvider>(Cluster.Clock);
        builder.Services.AddSingleton(Cluster.Grains);
        builder.Services.AddSubscriptionsApi(TestTokens.Configuration);
        builder.Services.AddSingleton<INotificationDeliveries>(new NotificationDeliveries(new Subscriptions.Storage.Notifications.NotificationTables(Cluster.DataSource), Cluster.Clock));
        builder.Services.AddSingleton<Subscriptions.Grains.Ops.IOpsProjection>(new Subscriptions.Storage.Grains.OpsProjectionTable(Cluster.DataSource, TimeSpan.FromMinutes(1)));
        builder.Services.AddSingleton<Subscriptions.Grains.Ops.IOpsReadAudit>(new Subscriptions.Storage.Grains.OpsReadTable(Cluster.DataSource));
        builder.Services.AddSingleton<CallGate>();
        builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<CallGate.Interceptor>());
        _app = builder.Build();
        _app.MapSubscriptionsApi();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = null });
        Client = new ApiClient(_channel);
        Tokens = new TestTokens(_app.Services.GetRequiredService<TokenIssuer>());
        Gate = _app.Services.GetRequiredService<CallGate>();
    }

    private async Task StopApiAsync()
    {
        _channel?.Dispose();
        _channel = null;
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
