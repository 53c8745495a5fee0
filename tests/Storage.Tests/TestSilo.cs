using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Subscriptions.Grains;
using Subscriptions.Storage.Grains;
using Subscriptions.Testing;

namespace Subscriptions.Storage.Tests;

/// <summary>How a test silo reaches the database: through a connection string or through one shared data source.</summary>
public enum Connection
{
    ConnectionString,
    DataSource,
}

/// <summary>
/// A real silo in a plain generic host: TCP on loopback, ADO.NET clustering, grain storage (System.Text.Json) and
/// reminders, all on one test database with invariant "Npgsql".
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private TestSilo(IHost host, int siloPort, int gatewayPort)
    {
        Host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public IHost Host { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IServiceProvider Services => Host.Services;

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a silo; returns once it is Active in the membership table.</summary>
    public static async Task<TestSilo> StartAsync(
        TestDatabase database,
        string clusterId,
        string serviceId,
        Connection connection = Connection.ConnectionString,
        Action<ISiloBuilder>? configure = null)
    {
        var siloPort = LoopbackPorts.Next();
        var gatewayPort = LoopbackPorts.Next();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
            ApplicationName = $"silo-{siloPort}",
        });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = $"silo-{siloPort}");
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = OrleansAdoNet.Invariant;
                Use(o, database, connection);
            });
            silo.Services.AddKeyedSingleton<IGrainStorage>(
                ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
                (services, _) => new GrainRecordStorage(database.DataSource, services.GetRequiredService<IGrainStorageSerializer>()));
            silo.Services.AddSingleton(services => services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
            silo.UseSystemTextJsonGrainStorageSerializer();

            // The grain storage is the service's, whose assembly brings the service's grains: their domain values need
            // the service's serializers for the silo to start.
            silo.Services.AddSerializer(serializer => serializer.AddSubscriptionsSerializers());
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = OrleansAdoNet.Invariant;
                Use(o, database, connection);
            });
            configure?.Invoke(silo);
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestSilo(host, siloPort, gatewayPort);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync();
        }
        finally
        {
            if (Host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                Host.Dispose();
            }
        }
    }

    private static void Use(AdoNetClusteringSiloOptions options, TestDatabase database, Connection connection)
    {
        if (connection == Connection.DataSource)
        {
            options.DataSource = database.DataSource;
        }
        else
        {
            options.ConnectionString = database.ConnectionString;
        }
    }

    private static void Use(AdoNetReminderTableOptions options, TestDatabase database, Connection connection)
    {
        if (connection == Connection.DataSource)
        {
            options.DataSource = database.DataSource;
        }
        else
        {
            options.ConnectionString = database.ConnectionString;
        }
    }

}
