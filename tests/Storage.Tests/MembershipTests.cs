using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;
using Orleans.Serialization;
using Subscriptions.Grains;

namespace Subscriptions.Storage.Tests;

/// <summary>Two silos forming one cluster on one database, with short membership timings.</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

    public string ServiceId { get; } = $"membership-{Guid.NewGuid():N}";

    public List<TestSilo> Silos { get; } = [];

    public static void ShortTimings(ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        });

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("membership");
        Silos.Add(await TestSilo.StartAsync(Database, ClusterId, ServiceId, configure: ShortTimings));
        Silos.Add(await TestSilo.StartAsync(Database, ClusterId, ServiceId, configure: ShortTimings));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

public sealed class MembershipTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task Two_silos_form_one_cluster_on_the_database()
    {
        var rows = await MembersAsync();
        var active = rows.Where(r => r.Status == Active).Select(r => r.Port).Order().ToList();
        Assert.Equal(cluster.Silos.Select(s => s.SiloPort).Order(), active);
        Assert.Equal(cluster.Silos.Select(s => s.GatewayPort).Order(), rows.Where(r => r.Status == Active).Select(r => r.ProxyPort).Order());

        // Each silo's own view agrees with the table.
        foreach (var silo in cluster.Silos)
        {
            var view = await Eventually.PollAsync(
                () => Task.FromResult(silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot),
                snapshot => cluster.Silos.All(s => snapshot.Members.Values.Any(m => m.SiloAddress.Endpoint.Port == s.SiloPort && m.Status == SiloStatus.Active)),
                TimeSpan.FromSeconds(30),
                "each silo sees both silos active");
            Assert.NotNull(view);
        }

        // A client finds both gateways through the table and reaches grains through them.
        using var client = await StartClientAsync();
        var gateways = await client.Services.GetRequiredService<IGatewayListProvider>().GetGateways();
        Assert.Equal(cluster.Silos.Select(s => s.GatewayPort).Order(), gateways.Select(g => g.Port).Order());
        var profile = client.Services.GetRequiredService<IClusterClient>().GetGrain<IProfileGrain>($"via-client-{Guid.NewGuid():N}");
        Assert.Equal("reached", (await profile.Rename("reached")).Name);
        await client.StopAsync();
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_by_the_others_and_its_row_cleaned_up()
    {
        SeverableMembershipTable? victimTable = null;
        var victim = await TestSilo.StartAsync(cluster.Database, cluster.ClusterId, cluster.ServiceId, configure: silo =>
        {
            TwoSiloCluster.ShortTimings(silo);
            silo.Configure<ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = TimeSpan.FromSeconds(3));
            silo.ConfigureServices(services => services.AddSingleton<IMembershipTable>(sp =>
                victimTable = new SeverableMembershipTable(ActivatorUtilities.CreateInstance<AdoNetClusteringTable>(sp))));
        });
        Assert.Equal(Active, (await MembersAsync()).Single(r => r.Port == victim.SiloPort).Status);
        foreach (var survivor in cluster.Silos)
        {
            await Eventually.PollAsync(
                () => Task.FromResult(survivor.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot),
                snapshot => snapshot.Members.Values.Any(m => m.SiloAddress.Endpoint.Port == victim.SiloPort && m.Status == SiloStatus.Active),
                TimeSpan.FromSeconds(30),
                "the survivors see the victim join");
        }

        // The crash: the victim loses the database, then stops without ceremony. It cannot record its own death.
        Assert.NotNull(victimTable);
        victimTable.Sever();
        using var abort = new CancellationTokenSource();
        await abort.CancelAsync();
        var stopping = victim.Host.StopAsync(abort.Token);

        var declared = await Eventually.PollAsync(
            async () => (await MembersAsync()).Single(r => r.Port == victim.SiloPort),
            row => row.Status == Dead,
            TimeSpan.FromSeconds(60),
            "the survivors declare the victim dead");
        await stopping;
        victim.Host.Dispose();

        // Declared by votes from the survivors, not by the victim itself.
        Assert.False(string.IsNullOrEmpty(declared.SuspectTimes));
        Assert.Contains(cluster.Silos, s => declared.SuspectTimes!.Contains($":{s.SiloPort}@", StringComparison.Ordinal));

        // A survivor's cleanup removes the dead row (and only it).
        var table = cluster.Silos[0].Services.GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        var remaining = await MembersAsync();
        Assert.DoesNotContain(remaining, r => r.Port == victim.SiloPort);
        Assert.Equal(cluster.Silos.Select(s => s.SiloPort).Order(), remaining.Where(r => r.Status == Active).Select(r => r.Port).Order());
    }

    private async Task<IHost> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = OrleansAdoNet.Invariant;
                o.ConnectionString = cluster.Database.ConnectionString;
            });
            client.Services.AddSerializer(serializer => serializer.AddSubscriptionsSerializers());
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task<List<MemberRow>> MembersAsync() =>
        [.. (await cluster.Database.RowsAsync(
                "SELECT address, port, generation, status, proxy_port, suspect_times FROM public.orleans_membership WHERE deployment_id = $1",
                cluster.ClusterId))
            .Select(r => new MemberRow((string)r[0]!, (int)r[1]!, (int)r[2]!, (int)r[3]!, (int)r[4]!, (string?)r[5]))];

    private sealed record MemberRow(string Address, int Port, int Generation, int Status, int ProxyPort, string? SuspectTimes);
}

/// <summary>
/// The membership table of a silo about to crash: passes every call to the real table until severed, then fails
/// every call as a lost database connection would.
/// </summary>
public sealed class SeverableMembershipTable(IMembershipTable inner) : IMembershipTable
{
    private volatile bool _severed;

    public void Sever() => _severed = true;

    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default) =>
        Guard(() => inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken));

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default) =>
        Guard(() => inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken));

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default) =>
        Guard(() => inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken));

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default) =>
        Guard(() => inner.ReadRowAsync(key, cancellationToken));

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default) =>
        Guard(() => inner.ReadAllAsync(cancellationToken));

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default) =>
        Guard(() => inner.InsertRowAsync(entry, tableVersion, cancellationToken));

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default) =>
        Guard(() => inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken));

    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default) =>
        Guard(() => inner.UpdateIAmAliveAsync(entry, cancellationToken));

#pragma warning disable CS0618 // The interface still declares its original members; they forward to the same calls.
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync();

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);
#pragma warning restore CS0618

    private Task<T> Guard<T>(Func<Task<T>> call) => _severed ? Task.FromException<T>(new IOException("The database connection was lost.")) : call();

    private Task Guard(Func<Task> call) => _severed ? Task.FromException(new IOException("The database connection was lost.")) : call();
}
