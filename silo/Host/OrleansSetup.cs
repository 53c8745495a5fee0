using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Subscriptions.Domain;
using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Storage;

namespace Subscriptions.Silo;

/// <summary>
/// How a silo of this service runs on Orleans: ADO.NET clustering, grain storage and reminders on the one PostgreSQL
/// (the schema of silo/Storage), grain state as System.Text.Json with the domain's contract, domain values across calls
/// through Orleans' JSON codec, the service's refusals with their details, and membership settings that evict a dead
/// silo within about ten seconds. The host and the test clusters configure silos through this one method.
/// </summary>
public static class OrleansSetup
{
    /// <summary>The name the ADO.NET grain storage is registered under; grains use <see cref="SubscriptionsStorage.Name"/>, which wraps it.</summary>
    public const string AdoNetStorageName = "subscriptions-adonet";

    /// <summary>Configures <paramref name="silo"/> on <paramref name="dataSource"/>; <paramref name="clustering"/> false leaves cluster identity, endpoints and membership to the caller (test clusters).</summary>
    public static ISiloBuilder UseSubscriptionsCluster(this ISiloBuilder silo, NpgsqlDataSource dataSource, SiloSettings settings, bool clustering = true)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(settings);
        if (clustering)
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.ConfigureEndpoints(settings.AdvertisedIPAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = OrleansAdoNet.Invariant;
                o.DataSource = dataSource;
            });

            // A silo that stops answering is suspected after 3 missed probes of 2 s and declared dead by one vote: about
            // ten seconds from its last answer to its eviction (docs/runtime.md gives the measured time).
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 1;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            });
        }

        silo.AddAdoNetGrainStorage(AdoNetStorageName, o =>
        {
            o.Invariant = OrleansAdoNet.Invariant;
            o.DataSource = dataSource;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            SubscriptionsStorage.Name, (services, _) => new KeySafeGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(AdoNetStorageName)));
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => DomainJson.Apply(o.JsonSerializerOptions));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = OrleansAdoNet.Invariant;
            o.DataSource = dataSource;
        });
        silo.Services.AddSerializer(serializer => serializer.AddSubscriptionsSerializers());
        silo.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Subscriptions"));
        silo.Services.AddSingleton(dataSource);
        silo.Services.AddSubscriptionGrains();
        return silo;
    }
}
