using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace Subscriptions.Storage.Tests;

/// <summary>One database and one silo (storage through a shared NpgsqlDataSource) for the grain storage tests.</summary>
public sealed class StorageCluster : IAsyncLifetime
{
    /// <summary>A second storage provider on the same tables that deletes a state's row on clear.</summary>
    public const string DeletingStorage = "deleting";

    private TestDatabase? database;
    private TestSilo? silo;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Not started.");

    public TestSilo Silo => silo ?? throw new InvalidOperationException("Not started.");

    public string ServiceId { get; } = $"storage-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync("storage");
        silo = await StartSiloAsync();
    }

    /// <summary>Stops the silo and starts a fresh one on the same database: every activation and cache is gone.</summary>
    public async Task RestartAsync()
    {
        await Silo.DisposeAsync();
        silo = null;
        silo = await StartSiloAsync();
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }

    private Task<TestSilo> StartSiloAsync() =>
        TestSilo.StartAsync(Database, $"cluster-{Guid.NewGuid():N}", ServiceId, Connection.DataSource, silo =>
            silo.AddAdoNetGrainStorage(DeletingStorage, o =>
            {
                o.Invariant = OrleansAdoNet.Invariant;
                o.DataSource = Database.DataSource;
                o.DeleteStateOnClear = true;
            }));
}

public sealed class GrainStorageTests(StorageCluster cluster) : IClassFixture<StorageCluster>
{
    private IGrainStorage DefaultStorage => cluster.Silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");

    [Fact]
    public async Task A_new_activation_reads_back_what_the_last_one_wrote()
    {
        var grain = cluster.Silo.Grains.GetGrain<IProfileGrain>($"ada-{Guid.NewGuid():N}");
        var written = await grain.Rename("Ada");
        Assert.Equal("1", written.ETag);

        await grain.Deactivate();
        var read = await grain.Get();

        Assert.NotEqual(written.ActivationId, read.ActivationId);
        Assert.Equal(("Ada", 1, "1", true), (read.Name, read.Writes, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task State_survives_a_cluster_restart()
    {
        var key = $"grace-{Guid.NewGuid():N}";
        await cluster.Silo.Grains.GetGrain<IProfileGrain>(key).Rename("Grace");
        await cluster.Silo.Grains.GetGrain<IProfileGrain>(key).Rename("Grace Hopper");

        await cluster.RestartAsync();
        var read = await cluster.Silo.Grains.GetGrain<IProfileGrain>(key).Get();

        Assert.Equal(("Grace Hopper", 2, "2", true), (read.Name, read.Writes, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_with_InconsistentStateException_and_changes_nothing()
    {
        var grainId = GrainId.Create("profile", $"stale-{Guid.NewGuid():N}");
        var first = new GrainState<ProfileState>(new ProfileState { Name = "first" });
        await DefaultStorage.WriteStateAsync("profile", grainId, first);
        var second = new GrainState<ProfileState>(new ProfileState { Name = "second" }) { ETag = first.ETag };
        await DefaultStorage.WriteStateAsync("profile", grainId, second);
        Assert.Equal(("1", "2"), (first.ETag, second.ETag));

        first.State!.Name = "lost update";
        await Assert.ThrowsAsync<InconsistentStateException>(() => DefaultStorage.WriteStateAsync("profile", grainId, first));

        var stored = new GrainState<ProfileState>();
        await DefaultStorage.ReadStateAsync("profile", grainId, stored);
        Assert.Equal(("second", "2"), (stored.State!.Name, stored.ETag));
    }

    [Fact]
    public async Task A_write_without_etag_over_an_existing_state_fails_with_InconsistentStateException()
    {
        var grainId = GrainId.Create("profile", $"duplicate-{Guid.NewGuid():N}");
        await DefaultStorage.WriteStateAsync("profile", grainId, new GrainState<ProfileState>(new ProfileState { Name = "winner" }));

        var duplicate = new GrainState<ProfileState>(new ProfileState { Name = "duplicate activation" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => DefaultStorage.WriteStateAsync("profile", grainId, duplicate));

        var stored = new GrainState<ProfileState>();
        await DefaultStorage.ReadStateAsync("profile", grainId, stored);
        Assert.Equal("winner", stored.State!.Name);
    }

    [Fact]
    public async Task A_grain_whose_state_changed_behind_its_back_gets_InconsistentStateException()
    {
        var grain = cluster.Silo.Grains.GetGrain<IProfileGrain>($"raced-{Guid.NewGuid():N}");
        var mine = await grain.Rename("mine");

        // Another writer (a duplicate activation, say) moves the stored version on.
        var theirs = new GrainState<ProfileState>(new ProfileState { Name = "theirs" }) { ETag = mine.ETag };
        await DefaultStorage.WriteStateAsync("profile", grain.GetGrainId(), theirs);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Rename("mine again"));
        var reread = await grain.Get();
        Assert.Equal(("theirs", "2"), (reread.Name, reread.ETag));
    }

    [Fact]
    public async Task ClearState_empties_the_state_keeps_the_row_and_moves_the_etag_on()
    {
        var key = $"cleared-{Guid.NewGuid():N}";
        var grain = cluster.Silo.Grains.GetGrain<IProfileGrain>(key);
        await grain.Rename("to be cleared");

        var cleared = await grain.Clear();

        Assert.Equal(("", 0, "2", false), (cleared.Name, cleared.Writes, cleared.ETag, cleared.RecordExists));
        var row = Assert.Single(await cluster.Database.RowsAsync(
            "SELECT version, payload, payload_json FROM public.orleans_storage WHERE state_name = 'profile' AND grain_id_extension = $1", key));
        Assert.Equal(2, row[0]);
        Assert.Null(row[1]);
        Assert.Null(row[2]);

        await grain.Deactivate();
        var reread = await grain.Get();
        Assert.Equal(("", "2", false), (reread.Name, reread.ETag, reread.RecordExists));
        var rewritten = await grain.Rename("back");
        Assert.Equal(("back", "3", true), (rewritten.Name, rewritten.ETag, rewritten.RecordExists));
    }

    [Fact]
    public async Task ClearState_with_a_stale_etag_fails_with_InconsistentStateException()
    {
        var grainId = GrainId.Create("profile", $"stale-clear-{Guid.NewGuid():N}");
        var first = new GrainState<ProfileState>(new ProfileState { Name = "first" });
        await DefaultStorage.WriteStateAsync("profile", grainId, first);
        var second = new GrainState<ProfileState>(new ProfileState { Name = "second" }) { ETag = first.ETag };
        await DefaultStorage.WriteStateAsync("profile", grainId, second);

        await Assert.ThrowsAsync<InconsistentStateException>(() => DefaultStorage.ClearStateAsync("profile", grainId, first));

        var stored = new GrainState<ProfileState>();
        await DefaultStorage.ReadStateAsync("profile", grainId, stored);
        Assert.Equal(("second", "2", true), (stored.State!.Name, stored.ETag, stored.RecordExists));
    }

    [Fact]
    public async Task ClearState_deletes_the_row_when_the_provider_deletes_on_clear()
    {
        var deleting = cluster.Silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageCluster.DeletingStorage);
        var key = $"deleted-{Guid.NewGuid():N}";
        var grainId = GrainId.Create("profile", key);
        var state = new GrainState<ProfileState>(new ProfileState { Name = "short-lived" });
        await deleting.WriteStateAsync("deleted", grainId, state);
        var stale = new GrainState<ProfileState>(new ProfileState()) { ETag = state.ETag, RecordExists = true };
        await deleting.WriteStateAsync("deleted", grainId, new GrainState<ProfileState>(new ProfileState { Name = "newer" }) { ETag = state.ETag });

        await Assert.ThrowsAsync<InconsistentStateException>(() => deleting.ClearStateAsync("deleted", grainId, stale));
        var current = new GrainState<ProfileState>();
        await deleting.ReadStateAsync("deleted", grainId, current);
        await deleting.ClearStateAsync("deleted", grainId, current);

        Assert.Null(current.ETag);
        Assert.False(current.RecordExists);
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM public.orleans_storage WHERE state_name = 'deleted' AND grain_id_extension = $1", key));
        var again = new GrainState<ProfileState>(new ProfileState { Name = "reborn" });
        await deleting.WriteStateAsync("deleted", grainId, again);
        Assert.Equal("1", again.ETag);
    }

    [Fact]
    public async Task State_is_readable_as_json_from_sql()
    {
        var key = $"json-{Guid.NewGuid():N}";
        var grain = cluster.Silo.Grains.GetGrain<IProfileGrain>(key);
        await grain.Rename("Lovelace");
        await grain.Rename("Ada Lovelace");

        var row = Assert.Single(await cluster.Database.RowsAsync(
            """
            SELECT payload_json ->> 'Name', (payload_json ->> 'Writes')::int, payload_json -> 'History' ->> 0, payload, version
              FROM public.orleans_storage
             WHERE service_id = $1 AND state_name = 'profile' AND grain_id_extension = $2
            """,
            cluster.ServiceId, key));

        Assert.Equal("Ada Lovelace", row[0]);
        Assert.Equal(2, row[1]);
        Assert.Equal("Lovelace", row[2]);
        Assert.Equal(2, row[4]);
        using var payload = JsonDocument.Parse(Encoding.UTF8.GetString((byte[])row[3]!));
        Assert.Equal("Ada Lovelace", payload.RootElement.GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Grains_of_two_types_sharing_a_key_keep_their_own_states()
    {
        var key = $"shared-{Guid.NewGuid():N}";
        await cluster.Silo.Grains.GetGrain<IProfileGrain>(key).Rename("a profile");
        await cluster.Silo.Grains.GetGrain<INoteGrain>(key).Write("a note");

        await cluster.RestartAsync();

        Assert.Equal("a profile", (await cluster.Silo.Grains.GetGrain<IProfileGrain>(key).Get()).Name);
        Assert.Equal("a note", await cluster.Silo.Grains.GetGrain<INoteGrain>(key).Read());
        Assert.Equal(["note", "profile"], (await cluster.Database.RowsAsync(
            "SELECT state_name FROM public.orleans_storage WHERE grain_id_extension = $1 ORDER BY state_name", key)).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Every_grain_key_shape_is_stored_under_its_own_row()
    {
        var guid = Guid.NewGuid();
        var number = Random.Shared.NextInt64(1, long.MaxValue);
        var keys = new Dictionary<string, GrainId>
        {
            ["string"] = GrainId.Create("shape", $"key-{guid:N}"),
            ["guid"] = GrainId.Create(GrainType.Create("shape"), GrainIdKeyExtensions.CreateGuidKey(guid)),
            ["guid+ext"] = GrainId.Create(GrainType.Create("shape"), GrainIdKeyExtensions.CreateGuidKey(guid, "ext")),
            ["long"] = GrainId.Create(GrainType.Create("shape"), GrainIdKeyExtensions.CreateIntegerKey(number)),
            ["long+ext"] = GrainId.Create(GrainType.Create("shape"), GrainIdKeyExtensions.CreateIntegerKey(number, "ext")),
        };

        foreach (var (shape, grainId) in keys)
        {
            await DefaultStorage.WriteStateAsync("shape", grainId, new GrainState<ProfileState>(new ProfileState { Name = shape }));
        }

        foreach (var (shape, grainId) in keys)
        {
            var read = new GrainState<ProfileState>();
            await DefaultStorage.ReadStateAsync("shape", grainId, read);
            Assert.Equal((shape, "1", true), (read.State!.Name, read.ETag, read.RecordExists));
        }

        var missing = new GrainState<ProfileState>();
        await DefaultStorage.ReadStateAsync("shape", GrainId.Create(GrainType.Create("shape"), GrainIdKeyExtensions.CreateIntegerKey(number, "other")), missing);
        Assert.Equal(("", null, false), (missing.State!.Name, missing.ETag, missing.RecordExists));
    }
}
