using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;

namespace Subscriptions.Storage.Tests;

/// <summary>One migrated database for driving the ADO.NET membership table directly, without silos.</summary>
public sealed class MembershipDatabase : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateMigratedAsync("membershiptable");

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The membership protocol's table operations, through the real provider: a lost race changes nothing.</summary>
public sealed class MembershipTableTests(MembershipDatabase fixture) : IClassFixture<MembershipDatabase>
{
    [Fact]
    public async Task A_silo_joining_with_a_stale_table_version_is_refused_and_changes_nothing()
    {
        var (table, clusterId) = await NewTableAsync();
        var read = await table.ReadAllAsync();
        Assert.Empty(read.Members);

        Assert.True(await table.InsertRowAsync(Entry(11111, SiloStatus.Joining), read.Version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), read.Version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(11111, SiloStatus.Joining), (await table.ReadAllAsync()).Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal([11111], after.Members.Select(m => m.Item1.SiloAddress.Endpoint.Port));
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        Assert.Equal(1, await VersionAsync(clusterId));
    }

    [Fact]
    public async Task A_status_change_with_a_stale_table_version_is_refused_and_changes_nothing()
    {
        var (table, _) = await NewTableAsync();
        var joining = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(joining, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadAllAsync();

        var active = Entry(11111, SiloStatus.Active, joining);
        Assert.True(await table.UpdateRowAsync(active, read.Members[0].Item2, read.Version.Next()));
        var dead = Entry(11111, SiloStatus.Dead, joining);
        Assert.False(await table.UpdateRowAsync(dead, read.Members[0].Item2, read.Version.Next()));
        Assert.False(await table.UpdateRowAsync(Entry(33333, SiloStatus.Dead), read.Members[0].Item2, (await table.ReadAllAsync()).Version.Next()));

        var after = await table.ReadAllAsync();
        var member = Assert.Single(after.Members).Item1;
        Assert.Equal(SiloStatus.Active, member.Status);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        var row = await table.ReadRowAsync(member.SiloAddress);
        Assert.Equal(SiloStatus.Active, Assert.Single(row.Members).Item1.Status);
        var none = await table.ReadRowAsync(Entry(44444, SiloStatus.Active).SiloAddress);
        Assert.Empty(none.Members);
        Assert.Equal(after.Version.Version, none.Version.Version);
    }

    [Fact]
    public async Task Heartbeats_and_suspicions_round_trip_and_heartbeats_leave_the_version_alone()
    {
        var (table, _) = await NewTableAsync();
        var entry = Entry(11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        entry.IAmAliveTime = entry.IAmAliveTime.AddSeconds(30);
        await table.UpdateIAmAliveAsync(entry);
        var voter = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 22222), 7);
        var voteTime = DateTime.UtcNow.AddSeconds(-5);
        var suspected = Entry(11111, SiloStatus.Active, entry);
        suspected.IAmAliveTime = entry.IAmAliveTime;
        suspected.SuspectTimes = [Tuple.Create(voter, voteTime)];
        Assert.True(await table.UpdateRowAsync(suspected, before.Members[0].Item2, before.Version.Next()));

        var member = Assert.Single((await table.ReadAllAsync()).Members).Item1;
        Assert.Equal(entry.IAmAliveTime, member.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.NotNull(member.SuspectTimes);
        var vote = Assert.Single(member.SuspectTimes);
        Assert.Equal(voter, vote.Item1);
        Assert.Equal(voteTime, vote.Item2, TimeSpan.FromMilliseconds(1));
        Assert.Equal(before.Version.Version + 1, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task Deleting_a_clusters_entries_removes_its_rows_and_version_only()
    {
        var (table, clusterId) = await NewTableAsync();
        var (other, otherClusterId) = await NewTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(11111, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await other.InsertRowAsync(Entry(11111, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(clusterId);

        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM public.orleans_membership WHERE deployment_id = $1", clusterId));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM public.orleans_membership_version WHERE deployment_id = $1", clusterId));
        Assert.Single((await other.ReadAllAsync()).Members);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM public.orleans_membership WHERE deployment_id = $1", otherClusterId));
    }

    [Fact]
    public async Task The_bulk_cleanup_query_removes_only_dead_silos_silent_since_the_cut_off()
    {
        var (table, clusterId) = await NewTableAsync();
        var old = DateTime.UtcNow.AddHours(-2);
        foreach (var (port, status, aliveAt) in new[] { (11111, SiloStatus.Dead, old), (22222, SiloStatus.Active, old), (33333, SiloStatus.Dead, DateTime.UtcNow) })
        {
            var entry = Entry(port, status);
            entry.StartTime = old.AddMinutes(-1);
            entry.IAmAliveTime = aliveAt;
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        // Run the stored text as the provider does when it has no single-row cleanup query: typed like its parameters.
        var text = await fixture.Database.ScalarAsync<string>("SELECT querytext FROM public.orleansquery WHERE querykey = 'CleanupDefunctSiloEntriesKey'");
        await using var command = fixture.Database.DataSource.CreateCommand(text);
        command.Parameters.Add(new NpgsqlParameter("DeploymentId", DbType.String) { Value = clusterId });
        command.Parameters.Add(new NpgsqlParameter("IAmAliveTime", DbType.DateTime) { Value = DateTime.UtcNow.AddHours(-1) });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());

        Assert.Equal([22222, 33333], (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order());
    }

    [Fact]
    public async Task The_provider_cleanup_removes_dead_silos_older_than_the_cut_off()
    {
        var (table, _) = await NewTableAsync();
        var old = DateTime.UtcNow.AddHours(-2);
        foreach (var (port, status) in new[] { (11111, SiloStatus.Dead), (22222, SiloStatus.Active) })
        {
            var entry = Entry(port, status);
            entry.StartTime = old.AddMinutes(-1);
            entry.IAmAliveTime = old;
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1));

        Assert.Equal([22222], (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port));
    }

    private async Task<(IMembershipTable Table, string ClusterId)> NewTableAsync()
    {
        var clusterId = $"table-{Guid.NewGuid():N}";
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).BuildServiceProvider();
        var table = new AdoNetClusteringTable(
            services,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-table" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = OrleansAdoNet.Invariant, ConnectionString = fixture.Database.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (table, clusterId);
    }

    private async Task<int> VersionAsync(string clusterId) =>
        await fixture.Database.ScalarAsync<int>("SELECT version FROM public.orleans_membership_version WHERE deployment_id = $1", clusterId);

    private static MembershipEntry Entry(int port, SiloStatus status, MembershipEntry? like = null) => new()
    {
        SiloAddress = like?.SiloAddress.Endpoint.Port == port ? like.SiloAddress : SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
        SiloName = $"silo-{port}",
        HostName = "localhost",
        Status = status,
        ProxyPort = port + 1,
        StartTime = like?.StartTime ?? DateTime.UtcNow.AddMinutes(-1),
        IAmAliveTime = DateTime.UtcNow,
    };
}
