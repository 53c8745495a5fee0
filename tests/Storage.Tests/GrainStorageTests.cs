using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Storage.Grains;

namespace Subscriptions.Storage.Tests;

/// <summary>One database and one silo (storage through a shared NpgsqlDataSource) for the grain storage tests.</summary>
public sealed class StorageCluster : IAsyncLifetime
{
    private TestDatabase? _database;
    private TestSilo? _silo;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public TestSilo Silo => _silo ?? throw new InvalidOperationException("Not started.");

    public string ServiceId { get; } = $"storage-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("storage");
        _silo = await StartSiloAsync();
    }

    /// <summary>Stops the silo and starts a fresh one on the same database: every activation and cache is gone.</summary>
    public async Task RestartAsync()
    {
        await Silo.DisposeAsync();
        _silo = null;
        _silo = await StartSiloAsync();
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private Task<TestSilo> StartSiloAsync() => TestSilo.StartAsync(Database, $"cluster-{Guid.NewGuid():N}", ServiceId, Connection.DataSource);
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
    public async Task ClearState_deletes_the_record_and_a_later_write_starts_it_again()
    {
        var key = $"cleared-{Guid.NewGuid():N}";
        var grain = cluster.Silo.Grains.GetGrain<IProfileGrain>(key);
        await grain.Rename("to be cleared");

        var cleared = await grain.Clear();

        Assert.Equal(("", 0, null, false), (cleared.Name, cleared.Writes, cleared.ETag, cleared.RecordExists));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM public.grain_records WHERE grain_type = 'profile' AND grain_key = $1", key));

        await grain.Deactivate();
        var reread = await grain.Get();
        Assert.Equal(("", null, false), (reread.Name, reread.ETag, reread.RecordExists));
        var rewritten = await grain.Rename("back");
        Assert.Equal(("back", "1", true), (rewritten.Name, rewritten.ETag, rewritten.RecordExists));
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
    public async Task State_is_readable_as_json_from_sql()
    {
        var key = $"json-{Guid.NewGuid():N}";
        var grain = cluster.Silo.Grains.GetGrain<IProfileGrain>(key);
        await grain.Rename("Lovelace");
        await grain.Rename("Ada Lovelace");

        var row = Assert.Single(await cluster.Database.RowsAsync(
            """
            SELECT convert_from(payload, 'UTF8')::jsonb ->> 'Name', (convert_from(payload, 'UTF8')::jsonb ->> 'Writes')::int,
                   convert_from(payload, 'UTF8')::jsonb -> 'History' ->> 0, payload, version
              FROM public.grain_records
             WHERE grain_type = 'profile' AND grain_key = $1
            """,
            key));

        Assert.Equal("Ada Lovelace", row[0]);
        Assert.Equal(2, row[1]);
        Assert.Equal("Lovelace", row[2]);
        Assert.Equal(2L, row[4]);
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
            "SELECT grain_type FROM public.grain_records WHERE grain_key = $1 ORDER BY grain_type", key)).Select(r => (string)r[0]!));
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

    [Fact]
    public async Task Keys_that_read_as_numbers_or_differ_only_in_case_keep_their_own_rows()
    {
        var suffix = Random.Shared.Next(0x1000, 0xFFFF).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        string[] keys = [$"cafe{suffix}", $"CAFE{suffix}", $"0cafe{suffix}", "12", "012", "00000000-0000-0000-0000-000000000012"];
        foreach (var key in keys)
        {
            await DefaultStorage.WriteStateAsync("hexlike", GrainId.Create("hexlike", key), new GrainState<ProfileState>(new ProfileState { Name = key }));
        }

        foreach (var key in keys)
        {
            var read = new GrainState<ProfileState>();
            await DefaultStorage.ReadStateAsync("hexlike", GrainId.Create("hexlike", key), read);
            Assert.Equal((key, "1"), (read.State!.Name, read.ETag));
        }
    }

    [Fact]
    public async Task A_change_commits_its_history_outbox_invoice_answer_and_wake_up_with_the_record_or_none_of_them()
    {
        var key = $"acc-{Guid.NewGuid():N}";
        var grainId = GrainId.Create("account", key);
        var first = new GrainState<GrainRecord<ProfileState>>(Record(key, 1, "first"));
        await DefaultStorage.WriteStateAsync("account", grainId, first);

        // A write on a stale version (another activation won the race) stores none of its rows.
        var stale = new GrainState<GrainRecord<ProfileState>>(Record(key, 2, "stale")) { ETag = "0" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => DefaultStorage.WriteStateAsync("account", grainId, stale));
        var second = new GrainState<GrainRecord<ProfileState>>(Record(key, 2, "second")) { ETag = first.ETag };
        await DefaultStorage.WriteStateAsync("account", grainId, second);

        Assert.Equal(("1", "2"), (first.ETag, second.ETag));
        Assert.Equal(["first", "second"], (await cluster.Database.RowsAsync(
            "SELECT change FROM public.grain_history WHERE grain_type = 'account' AND grain_key = $1 ORDER BY seq", key)).Select(r => (string)r[0]!));
        Assert.Equal([1L, 2L], (await cluster.Database.RowsAsync(
            "SELECT version FROM public.outbox WHERE grain_type = 'account' AND grain_key = $1 ORDER BY id", key)).Select(r => (long)r[0]!));
        Assert.Equal(["INV-first", "INV-second"], (await cluster.Database.RowsAsync(
            "SELECT number FROM public.issued_invoices WHERE account_id = $1 ORDER BY number", key)).Select(r => (string)r[0]!));
        Assert.Equal(["call first", "call second"], (await cluster.Database.RowsAsync(
            "SELECT answer_key FROM public.answered_requests WHERE grain_type = 'account' AND grain_key = $1 ORDER BY answer_key", key)).Select(r => (string)r[0]!));
        Assert.Equal(new DateTime(2026, 2, 2, 0, 0, 0, DateTimeKind.Utc), await cluster.Database.ScalarAsync<DateTime>(
            "SELECT due_at FROM public.test_clock_events WHERE grain_type = 'account' AND grain_key = $1", key));

        // The record itself holds none of it.
        var stored = new GrainState<GrainRecord<ProfileState>>();
        await DefaultStorage.ReadStateAsync("account", grainId, stored);
        Assert.Equal(("second", 2L, null), (stored.State!.Value.Name, stored.State.Version, stored.State.Change));
    }

    [Fact]
    public async Task A_write_is_planned_once_per_connection_and_leaves_the_connection_to_plan_other_statements_as_PostgreSQL_chooses()
    {
        // One connection, so every write and the questions after them share it.
        await using var dataSource = ServiceDataSource.Create(
            new Npgsql.NpgsqlConnectionStringBuilder(cluster.Database.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        var storage = new GrainRecordStorage(dataSource, cluster.Silo.Services.GetRequiredService<IGrainStorageSerializer>());
        var key = $"acc-{Guid.NewGuid():N}";
        var grainId = GrainId.Create("account", key);
        var state = new GrainState<GrainRecord<ProfileState>>(Record(key, 1, "v1"));
        await storage.WriteStateAsync("account", grainId, state);
        for (var version = 2; version <= 12; version++)
        {
            state.State = Record(key, version, $"v{version}");
            await storage.WriteStateAsync("account", grainId, state);
        }

        // Npgsql prepares a statement run often; each prepared write was planned for any parameters, never for its own.
        var plans = await RowAsync(dataSource,
            "SELECT count(*), coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements WHERE statement LIKE 'WITH written AS%'");
        Assert.Equal((1L, 0L), ((long)plans[0], (long)(decimal)plans[2]));
        Assert.True((decimal)plans[1] >= 1, $"the prepared write was planned generically {plans[1]} times");
        Assert.Equal("auto", (await RowAsync(dataSource, "SELECT current_setting('plan_cache_mode')"))[0]);
        Assert.Equal(12L, await cluster.Database.ScalarAsync<long>("SELECT version FROM public.grain_records WHERE grain_type = 'account' AND grain_key = $1", key));
    }

    private static async Task<object[]> RowAsync(Npgsql.NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var row = new object[reader.FieldCount];
        reader.GetValues(row);
        return row;
    }

    [Fact]
    public async Task INV_1_an_invoice_record_born_with_its_accounts_change_is_stored_with_its_history_reminder_and_projection_or_not_at_all()
    {
        var account = $"acc-{Guid.NewGuid():N}";
        var accountId = GrainId.Create("account", account);
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cause = new Subscriptions.Grains.Ops.TurnCause("call", "IssueInvoiceAsync", "sub", "buy-1");
        BornRecord Invoice(string number) => new(
            "invoice",
            $"{account}/{number}",
            new GrainRecord<ProfileState> { Value = new ProfileState { Name = number }, Version = 1, LastSeq = 1, WakeAt = at.AddDays(15) },
            new Subscriptions.Grains.Ops.HistoryEntry(1, 1, at, cause, "issued", null, "open", """{"n":1}"""),
            new ProjectionRow(new Subscriptions.Grains.Ops.ProjectedFields(account, number, "open"), null, at.AddDays(15), null),
            new ReminderRow(cluster.ServiceId, $"invoice/{account}/{number}", 42, "wake", at.AddDays(15), TimeSpan.FromMinutes(1)),
            null);
        GrainRecord<ProfileState> Issuing(long version, string number) => new()
        {
            Value = new ProfileState { Name = $"v{version}" },
            Version = version,
            Change = ChangeRows.None with { Born = Invoice(number) },
        };
        async Task<long> CountAsync(string table, string number) =>
            await cluster.Database.ScalarAsync<long>($"SELECT count(*) FROM public.{table} WHERE grain_key = $1", $"{account}/{number}");

        var first = new GrainState<GrainRecord<ProfileState>>(Issuing(1, "N-1"));
        await DefaultStorage.WriteStateAsync("account", accountId, first);

        // A write that loses its race creates nothing; one whose invoice is stored already fails whole.
        var stale = new GrainState<GrainRecord<ProfileState>>(Issuing(1, "N-2"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => DefaultStorage.WriteStateAsync("account", accountId, stale));
        var again = new GrainState<GrainRecord<ProfileState>>(Issuing(2, "N-1")) { ETag = first.ETag };
        await Assert.ThrowsAnyAsync<Exception>(() => DefaultStorage.WriteStateAsync("account", accountId, again));

        var invoice = new GrainState<GrainRecord<ProfileState>>();
        await DefaultStorage.ReadStateAsync("invoice", GrainId.Create("invoice", $"{account}/N-1"), invoice);
        Assert.Equal((true, "1", "N-1", 1L), (invoice.RecordExists, invoice.ETag, invoice.State!.Value.Name, invoice.State.LastSeq));
        Assert.Equal(["issued"], (await cluster.Database.RowsAsync(
            "SELECT change FROM public.grain_history WHERE grain_type = 'invoice' AND grain_key = $1 AND request_id = 'buy-1'", $"{account}/N-1")).Select(r => (string)r[0]!));
        Assert.Equal(new DateTime(2026, 1, 16, 0, 0, 0, DateTimeKind.Utc), await cluster.Database.ScalarAsync<DateTime>(
            "SELECT start_time FROM public.orleans_reminders WHERE grain_id = $1", $"invoice/{account}/N-1"));
        Assert.Equal("open at 1", await cluster.Database.ScalarAsync<string>(
            "SELECT state || ' at ' || version FROM public.ops_projection WHERE grain_type = 'invoice' AND grain_key = $1", $"{account}/N-1"));
        Assert.Equal(1L, await cluster.Database.ScalarAsync<long>("SELECT version FROM public.grain_records WHERE grain_type = 'account' AND grain_key = $1", account));
        Assert.Equal((0L, 0L, 0L), (await CountAsync("grain_records", "N-2"), await CountAsync("grain_history", "N-2"), await CountAsync("ops_projection", "N-2")));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM public.orleans_reminders WHERE grain_id = $1", $"invoice/{account}/N-2"));
    }

    [Fact]
    public async Task A_carried_intent_is_stored_with_the_write_read_with_its_grain_refused_twice_and_cleared_by_its_grain()
    {
        var account = $"acc-{Guid.NewGuid():N}";
        var subscription = $"{account}/sub-1";
        var accountId = GrainId.Create("account", account);
        var subscriptionId = GrainId.Create("subscription", subscription);
        var cause = new Subscriptions.Grains.Ops.TurnCause("call", "AddSeatsAsync", "ops", "seats-1");
        var intent = new PendingIntent(cause, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), """{"decision":1}""", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 0);
        GrainRecord<ProfileState> Carrying(long version) => new()
        {
            Value = new ProfileState { Name = $"v{version}" },
            Version = version,
            Change = ChangeRows.None with { CarriedIntent = new CarriedIntent("subscription", subscription, intent) },
        };

        // The account's change carries the subscription's intent: the subscription, never written, reads it back.
        var first = new GrainState<GrainRecord<ProfileState>>(Carrying(1));
        await DefaultStorage.WriteStateAsync("account", accountId, first);
        var pending = new GrainState<GrainRecord<ProfileState>>();
        await DefaultStorage.ReadStateAsync("subscription", subscriptionId, pending);

        // A second intent of the same grain breaks the key: the account's second write stores nothing at all.
        var second = new GrainState<GrainRecord<ProfileState>>(Carrying(2)) { ETag = first.ETag };
        await Assert.ThrowsAsync<InconsistentStateException>(() => DefaultStorage.WriteStateAsync("account", accountId, second));
        var account1 = await cluster.Database.ScalarAsync<long>("SELECT version FROM public.grain_records WHERE grain_type = 'account' AND grain_key = $1", account);

        // The subscription's own write that finishes the change deletes it.
        var finished = new GrainState<GrainRecord<ProfileState>>(new GrainRecord<ProfileState>
        {
            Value = new ProfileState { Name = "done" },
            Version = 1,
            Change = ChangeRows.None with { ClearsIntent = true },
        });
        await DefaultStorage.WriteStateAsync("subscription", subscriptionId, finished);
        var after = new GrainState<GrainRecord<ProfileState>>();
        await DefaultStorage.ReadStateAsync("subscription", subscriptionId, after);

        Assert.Equal((false, null, "seats-1", 0L), (pending.RecordExists, pending.ETag, pending.State!.Intent?.Cause.RequestId, pending.State.Intent?.BaseVersion));
        Assert.Equal(1, account1);
        Assert.Equal(("done", (PendingIntent?)null), (after.State!.Value.Name, after.State.Intent));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM public.pending_intents WHERE grain_key = $1", subscription));
    }

    [Fact]
    public async Task NOT_1_a_changes_messages_take_the_next_numbers_of_their_accounts_stream_and_a_delivery_per_enabled_sink_in_its_commit()
    {
        var account = $"acc-{Guid.NewGuid():N}";
        var sinks = new[] { $"webhook:on-{account}", $"webhook:off-{account}" };
        await cluster.Database.ExecuteAsync(
            "INSERT INTO public.notification_sinks (sink, enabled) VALUES ($1, true), ($2, false)", sinks[0], sinks[1]);
        GrainRecord<ProfileState> Notifying(long version, params string[] kinds) => new()
        {
            Value = new ProfileState { Name = $"v{version}" },
            Version = version,
            Change = ChangeRows.None with
            {
                Notifications = [.. kinds.Select((kind, i) => new PendingNotification(version * 10 + i, version, kind, "{}", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))],
            },
        };

        // Two grains of one account share its stream: two messages from the account, one from its subscription, two more
        // from the account; a stale write takes no number.
        var accountId = GrainId.Create("account", account);
        var first = new GrainState<GrainRecord<ProfileState>>(Notifying(1, "a1", "a2"));
        await DefaultStorage.WriteStateAsync("account", accountId, first);
        await DefaultStorage.WriteStateAsync("subscription", GrainId.Create("subscription", $"{account}/sub-1"), new GrainState<GrainRecord<ProfileState>>(Notifying(1, "s1")));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            DefaultStorage.WriteStateAsync("account", accountId, new GrainState<GrainRecord<ProfileState>>(Notifying(2, "stale")) { ETag = "0" }));
        await DefaultStorage.WriteStateAsync("account", accountId, new GrainState<GrainRecord<ProfileState>>(Notifying(2, "a3", "a4")) { ETag = first.ETag });

        var messages = await cluster.Database.RowsAsync(
            "SELECT kind, account_seq FROM public.outbox WHERE account_id = $1 ORDER BY id", account);
        Assert.Equal([("a1", 1L), ("a2", 2L), ("s1", 3L), ("a3", 4L), ("a4", 5L)], messages.Select(r => ((string)r[0]!, (long)r[1]!)));
        Assert.Equal(5L, await cluster.Database.ScalarAsync<long>("SELECT last_seq FROM public.notification_streams WHERE account_id = $1", account));

        // Every message is queued for the log sink and the enabled webhook, in stream order; none for the retired one.
        var queued = await cluster.Database.RowsAsync(
            "SELECT sink, account_seq, state FROM public.notification_deliveries WHERE account_id = $1 AND sink = ANY($2) ORDER BY sink, account_seq", account, sinks);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], queued.Select(r => (long)r[1]!));
        Assert.All(queued, r => Assert.Equal((sinks[0], "pending"), ((string)r[0]!, (string)r[2]!)));
        Assert.Equal(5L, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM public.notification_deliveries WHERE account_id = $1 AND sink = 'log'", account));
    }

    [Fact]
    public async Task NOT_1_a_message_delivered_to_every_sink_is_pruned_past_the_retention_with_its_deliveries_and_one_still_owed_is_kept()
    {
        var account = $"acc-{Guid.NewGuid():N}";
        var old = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        GrainRecord<ProfileState> Notifying(long version, DateTimeOffset at, params string[] kinds) => new()
        {
            Value = new ProfileState { Name = $"v{version}" },
            Version = version,
            Change = ChangeRows.None with { Notifications = [.. kinds.Select((kind, i) => new PendingNotification(version * 10 + i, version, kind, "{}", at))] },
        };
        var grainId = GrainId.Create("account", account);
        var first = new GrainState<GrainRecord<ProfileState>>(Notifying(1, old, "delivered", "dead", "pending"));
        await DefaultStorage.WriteStateAsync("account", grainId, first);
        await DefaultStorage.WriteStateAsync("account", grainId, new GrainState<GrainRecord<ProfileState>>(Notifying(2, old.AddYears(6), "recent")) { ETag = first.ETag });

        // "delivered" reached every sink, "dead" reached all but one, "pending" none yet; "recent" was delivered too.
        await cluster.Database.ExecuteAsync(
            "UPDATE public.notification_deliveries d SET state = 'delivered' FROM public.outbox o WHERE o.id = d.outbox_id AND o.account_id = $1 AND o.kind IN ('delivered', 'dead', 'recent')", account);
        await cluster.Database.ExecuteAsync(
            "UPDATE public.notification_deliveries d SET state = 'dead' FROM public.outbox o WHERE o.id = d.outbox_id AND o.account_id = $1 AND o.kind = 'dead' AND d.sink = 'log'", account);

        const string Kept = "SELECT count(*) FROM public.notification_deliveries d JOIN public.outbox o ON o.id = d.outbox_id WHERE o.account_id = $1 AND o.kind <> 'delivered'";
        var keptBefore = await cluster.Database.ScalarAsync<long>(Kept, account);
        var tables = new Subscriptions.Storage.Notifications.NotificationTables(cluster.Database.DataSource);
        var pruned = await tables.PruneDeliveredAsync(old.AddYears(1), 100, CancellationToken.None);
        var again = await tables.PruneDeliveredAsync(old.AddYears(1), 100, CancellationToken.None);

        Assert.Equal((1, 0), (pruned, again));
        Assert.Equal(["dead", "pending", "recent"], (await cluster.Database.RowsAsync(
            "SELECT kind FROM public.outbox WHERE account_id = $1 ORDER BY id", account)).Select(r => (string)r[0]!));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM public.notification_deliveries d WHERE d.account_id = $1 AND NOT EXISTS (SELECT 1 FROM public.outbox o WHERE o.id = d.outbox_id)", account));
        Assert.Equal(keptBefore, await cluster.Database.ScalarAsync<long>(Kept, account));
        Assert.True(keptBefore >= 3);
    }

    private static GrainRecord<ProfileState> Record(string key, long version, string name)
    {
        var at = new DateTimeOffset(2026, 1, (int)version, 0, 0, 0, TimeSpan.Zero);
        var cause = new Subscriptions.Grains.Ops.TurnCause("call", "Change", "call", name);
        return new GrainRecord<ProfileState>
        {
            Value = new ProfileState { Name = name },
            Version = version,
            LastSeq = version * 2,
            ClockId = "clk",
            WakeAt = at.AddMonths(1),
            Change = new ChangeRows(
                [new Subscriptions.Grains.Ops.HistoryEntry(version * 2 - 1, version, at, cause, name, null, name, """{"n":1}""")],
                [new PendingNotification(version * 2, version, "kind", """{"n":2}""", at)],
                [new PendingInvoice(key, $"INV-{name}", "clk", """{"number":1}""", at)],
                new StoredAnswer($"call {name}", "Change", "true", at),
                new ClockWakeUp("clk", at.AddMonths(1))),
        };
    }
}
