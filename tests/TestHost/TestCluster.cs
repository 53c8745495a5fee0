using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;
using Orleans.TestingHost;
using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Silo;
using Subscriptions.Storage;

namespace Subscriptions.TestHost;

/// <summary>
/// Orleans' <see cref="InProcessTestCluster"/> with silos configured exactly as the host configures them
/// (<see cref="OrleansSetup.UseSubscriptionsCluster"/>: ADO.NET storage and reminders, serializers) on a private
/// PostgreSQL database migrated by the service's own migrations, and a manual grain clock. Membership is the test
/// cluster's own; the two-silo tests over real ADO.NET membership use <c>SiloProgram</c> hosts instead.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>The service id every test cluster stores its grains under.</summary>
    public const string ServiceId = "subscriptions-test";

    private readonly Action<IServiceCollection>? _services;
    private readonly int _siloCount;

    private TestCluster(TestDatabase database, NpgsqlDataSource dataSource, TcpProxy? proxy, ManualTimeProvider clock, int siloCount, Action<IServiceCollection>? services)
    {
        Database = database;
        DataSource = dataSource;
        Proxy = proxy;
        Clock = clock;
        _siloCount = siloCount;
        _services = services;
    }

    /// <summary>The cluster's private database.</summary>
    public TestDatabase Database { get; }

    /// <summary>The one data source of the silos.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The TCP proxy between the silos and PostgreSQL, when the cluster was started with one (cut it to lose the database).</summary>
    public TcpProxy? Proxy { get; }

    /// <summary>The grains' clock (reminder-driven events and "now" of grains without a test clock).</summary>
    public ManualTimeProvider Clock { get; }

    /// <summary>The running Orleans test cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>A client of the cluster.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Starts <paramref name="siloCount"/> silos on a new, migrated database named after <paramref name="name"/>.</summary>
    public static async Task<TestCluster> StartAsync(string name, int siloCount = 1, Action<IServiceCollection>? services = null, bool throughProxy = false)
    {
        var database = await TestDatabase.CreateAsync(name);
        TcpProxy? proxy = null;
        var connectionString = database.ConnectionString;
        if (throughProxy)
        {
            var server = new NpgsqlConnectionStringBuilder(connectionString);
            proxy = new TcpProxy(server.Host!, server.Port);
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        }

        var dataSource = ServiceDataSource.Create(connectionString);
        await MigrationRunner.ApplyAsync(dataSource, SchemaMigrations.All);
        var cluster = new TestCluster(database, dataSource, proxy, new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), siloCount, services);
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>A service of the first silo.</summary>
    public T SiloService<T>() where T : notnull => Cluster.GetSiloServiceProvider().GetRequiredService<T>();

    /// <summary>Stops every silo and the client, then starts the same number again on the same database: activations are lost, stored grains stay.</summary>
    public async Task RestartAsync()
    {
        await Cluster.DisposeAsync();
        await DeployAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await DataSource.DisposeAsync();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    private async Task DeployAsync()
    {
        var builder = new InProcessTestClusterBuilder((short)_siloCount);
        builder.Options.ServiceId = ServiceId;
        builder.Options.ConfigureFileLogging = false;
        var settings = new SiloSettings { ConnectionString = Database.ConnectionString, ServiceId = ServiceId };
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseSubscriptionsCluster(DataSource, settings, clustering: false);
            silo.Services.AddSingleton(new GrainClock(Clock));
            _services?.Invoke(silo.Services);
        });
        builder.ConfigureSiloHost((_, host) => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddSubscriptionsSerializers()));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }
}
