using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Subscriptions.Domain;
using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.Payments;
using Subscriptions.Storage;
using Subscriptions.Storage.Grains;
using Subscriptions.Storage.Payments;

namespace Subscriptions.Silo;

/// <summary>
/// How a silo of this service runs on Orleans: ADO.NET clustering and reminders and this service's grain storage on the
/// one PostgreSQL (the schema of silo/Storage), grain state as System.Text.Json with the domain's contract, domain values across calls
/// through Orleans' JSON codec, the service's refusals with their details, and membership settings that evict a dead
/// or frozen silo within about six seconds. The host and the test clusters configure silos through this one method.
/// </summary>
public static class OrleansSetup
{
    /// <summary>The service key of membership's own data source (disposed with the host).</summary>
    public const string MembershipDataSource = "membership";

    /// <summary>Connections membership may hold: heartbeats, table reads and votes, one or two at a time.</summary>
    public const int MembershipPoolSize = 4;

    /// <summary>
    /// Where the silo and gateway ports listen: on loopback only when the silo advertises a loopback address (one machine,
    /// Development), on every address otherwise (other machines must reach it).
    /// </summary>
    public static IPAddress ListenAddress(SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return IPAddress.IsLoopback(settings.AdvertisedIPAddress) ? settings.AdvertisedIPAddress : IPAddress.Any;
    }

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
            silo.ConfigureEndpoints(settings.AdvertisedIPAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(settings.AdvertisedIPAddress));
            // Membership has a small connection pool of its own: a burst that takes every connection of the grains' pool
            // must not hold up the heartbeats and votes that keep the silos in the cluster (docs/runtime.md, "Cluster").
            var membership = ServiceDataSource.Create(
                new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = MembershipPoolSize, ApplicationName = "subscriptions-membership" }.ConnectionString);
            silo.Services.AddKeyedSingleton(MembershipDataSource, (_, _) => membership);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = OrleansAdoNet.Invariant;
                o.DataSource = membership;
            });

            // A silo that stops answering is voted dead after Cluster:MissedProbesLimit missed probes of Cluster:ProbeTimeout
            // in a row (3 x 1.5 s), by one vote. MaxProbeTimeout is held to the probe timeout because Orleans also suppresses
            // every vote while a connection from the suspect received anything within MaxProbeTimeout x NumMissedProbesLimit:
            // left at its default (four times the probe timeout) that window was 24 s, and a frozen silo, whose connections
            // stay open, was evicted only when it ran out (docs/runtime.md, "Failover").
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = settings.ProbeTimeout;
                o.MaxProbeTimeout = settings.ProbeTimeout;
                o.NumMissedProbesLimit = settings.MissedProbesLimit;
                o.NumVotesForDeathDeclaration = settings.DeathVotes;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);

                // A silo learns that it was declared dead (and stops) when it next reads the table: a frozen silo that
                // goes on again stops within this period instead of serving as a stale duplicate for up to a minute.
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            });
        }

        // Calls to a silo declared dead fail at once, and the API's calls end at the caller's deadline, so the response
        // timeout only bounds calls nothing else ends; it stays long enough for a long test clock advance or a queue of
        // renewal ticks (docs/runtime.md, "Failover").
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = settings.IdleActivationAge);

        // Grain state goes through this service's own storage (silo/Storage): one statement commits a change's record with
        // its history, outbox rows, issued invoices and answer (docs/runtime.md, "One commit per change").
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            SubscriptionsStorage.Name, (services, _) => new GrainRecordStorage(dataSource, services.GetRequiredService<IGrainStorageSerializer>()));
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(GrainRecordSerializer.Configure);
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = OrleansAdoNet.Invariant;
            o.DataSource = dataSource;
        });
        silo.Services.AddSerializer(serializer => serializer.AddSubscriptionsSerializers());
        silo.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Subscriptions"));
        silo.Services.AddSingleton(dataSource);
        silo.Services.TryAddSingleton<IGrainTables, GrainTables>();
        silo.Services.TryAddSingleton<GrainTables>(services => (GrainTables)services.GetRequiredService<IGrainTables>());
        silo.Services.TryAddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        silo.Services.TryAddSingleton<IOpsReadAudit>(new OpsReadTable(dataSource));
        silo.Services.TryAddSingleton<IOpsProjection>(services => new OpsProjectionTable(dataSource, services.GetRequiredService<GrainRecordOptions>().WakeRetryPeriod));
        silo.Services.AddSubscriptionGrains();

        // Changes whose own write never landed after they billed elsewhere are finished by a sweep of stored intents.
        silo.Services.AddHostedService<IntentRecovery>();
        return silo;
    }
}
