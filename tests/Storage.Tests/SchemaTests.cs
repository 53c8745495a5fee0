using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;
using Subscriptions.Testing;

namespace Subscriptions.Storage.Tests;

/// <summary>The migrations apply, are recorded once, and protect the database from edited or foreign schemas.</summary>
public sealed partial class SchemaTests
{
    [Fact]
    public async Task Schema_applies_to_an_empty_database()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(Schema_applies_to_an_empty_database));

        var applied = await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);

        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), applied.Select(m => m.Version));
        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), await MigrationRunner.AppliedVersionsAsync(database.DataSource));
        foreach (var table in new[] { "orleansquery", "orleans_membership_version", "orleans_membership", "grain_records", "orleans_reminders" })
        {
            Assert.Equal(table, await database.ScalarAsync<string>("SELECT to_regclass($1)::text", $"public.{table}"));
        }
    }

    [Fact]
    public async Task Applying_the_schema_twice_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(Applying_the_schema_twice_changes_nothing));
        await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);
        var before = await SchemaFingerprintAsync(database);

        var second = await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);

        Assert.Empty(second);
        Assert.Equal(before, await SchemaFingerprintAsync(database));
        Assert.Equal((long)SchemaMigrations.All.Count, await database.ScalarAsync<long>("SELECT count(*) FROM public.schema_version"));
    }

    [Fact]
    public async Task Silos_starting_together_apply_each_migration_once()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(Silos_starting_together_apply_each_migration_once));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All)));

        Assert.Equal(SchemaMigrations.All.Count, runs.Sum(r => r.Count));
        Assert.Equal(SchemaMigrations.All.Count, (int)await database.ScalarAsync<long>("SELECT count(*) FROM public.schema_version"));
    }

    [Fact]
    public async Task An_edited_migration_is_refused()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(nameof(An_edited_migration_is_refused));
        var original = SchemaMigrations.All[0];
        var edited = original with { Sql = original.Sql + "\n-- an afterthought\n" };

        var refused = await Assert.ThrowsAsync<SchemaMismatchException>(() => MigrationRunner.ApplyAsync(database.DataSource, [edited, .. SchemaMigrations.All.Skip(1)]));

        Assert.Contains("must not be edited", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_schema_is_refused()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(nameof(A_newer_schema_is_refused));
        var newer = new Migration(SchemaMigrations.All[^1].Version + 1, "from_the_future", "CREATE TABLE public.from_the_future (id integer)");
        await MigrationRunner.ApplyAsync(database.DataSource, [.. SchemaMigrations.All, newer]);

        var refused = await Assert.ThrowsAsync<SchemaMismatchException>(() => MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All));

        Assert.Contains("newer release", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(A_failing_migration_leaves_no_trace));
        var broken = new Migration(SchemaMigrations.All[^1].Version + 1, "broken", "CREATE TABLE public.half_done (id integer); SELECT no_such_function();");

        await Assert.ThrowsAsync<PostgresException>(() => MigrationRunner.ApplyAsync(database.DataSource, [.. SchemaMigrations.All, broken]));

        Assert.Null(await database.ScalarAsync<string>("SELECT to_regclass('public.orleansquery')::text"));
        Assert.Null(await database.ScalarAsync<string>("SELECT to_regclass('public.half_done')::text"));
    }

    [Fact]
    public async Task An_unreachable_database_is_reported_as_unavailable()
    {
        var builder = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString)
        {
            Host = "127.0.0.1",
            Port = LoopbackPorts.Next(),
            Timeout = 5,
            Pooling = false,
        };
        await using var unreachable = NpgsqlDataSource.Create(builder.ConnectionString);

        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => MigrationRunner.ApplyAsync(unreachable, SchemaMigrations.All));

        Assert.IsType<NpgsqlException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task Every_query_key_the_providers_look_up_is_present()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(nameof(Every_query_key_the_providers_look_up_is_present));
        var present = (await database.RowsAsync("SELECT querykey FROM public.orleansquery")).Select(r => (string)r[0]!).ToHashSet();

        // The keys the installed providers demand: the clustering and reminder providers check the properties of their
        // internal DbStoredQueries. Grain state is this service's own storage (GrainRecordStorage), with no query keys.
        var clustering = RequiredKeys(typeof(AdoNetClusteringTable).Assembly);
        var reminders = RequiredKeys(typeof(Orleans.Configuration.AdoNetReminderTableOptions).Assembly);

        Assert.Equal(OrleansAdoNet.ClusteringQueryKeys.Order(), clustering.Order());
        Assert.Equal(OrleansAdoNet.ReminderQueryKeys.Order(), reminders.Order());
        Assert.All(clustering.Concat(reminders), key => Assert.Contains(key, present));
        Assert.Equal(OrleansAdoNet.AllQueryKeys.Order(), present.Order());
    }

    [Fact]
    public async Task Every_table_and_function_is_schema_qualified_in_the_query_texts()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(nameof(Every_table_and_function_is_schema_qualified_in_the_query_texts));
        var texts = (await database.RowsAsync("SELECT querykey, querytext FROM public.orleansquery")).Select(r => ((string)r[0]!, (string)r[1]!));

        foreach (var (key, text) in texts)
        {
            var unqualified = UnqualifiedObjectPattern().Matches(text).Select(m => m.Value).ToList();
            Assert.True(unqualified.Count == 0, $"{key} names {string.Join(", ", unqualified)} without a schema");
            Assert.Contains("public.orleans_", text, StringComparison.Ordinal);
        }
    }

    private static List<string> RequiredKeys(Assembly providerAssembly)
    {
        var queries = providerAssembly.GetTypes().Single(t => t.Name == "DbStoredQueries");
        return [.. queries.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name)];
    }

    private static async Task<string> SchemaFingerprintAsync(TestDatabase database) =>
        await database.ScalarAsync<string>(
            """
            SELECT string_agg(item, ',' ORDER BY item) FROM (
                SELECT table_name || '.' || column_name || ':' || data_type AS item FROM information_schema.columns WHERE table_schema = 'public'
                UNION ALL SELECT 'query:' || querykey || ':' || md5(querytext) FROM public.orleansquery
                UNION ALL SELECT 'function:' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
                UNION ALL SELECT 'migration:' || version || ':' || checksum || ':' || applied_at FROM public.schema_version
            ) AS items
            """) ?? "";

    // A table or function of ours named without its schema: "orleans_..." not preceded by "public.".
    [GeneratedRegex(@"(?<!public\.)\borleans_\w+")]
    private static partial Regex UnqualifiedObjectPattern();

    [Fact]
    public async Task Records_of_the_ADO_NET_storage_move_to_grain_records_with_the_entries_they_had_not_handed_on()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(Records_of_the_ADO_NET_storage_move_to_grain_records_with_the_entries_they_had_not_handed_on));
        await MigrationRunner.ApplyAsync(database.DataSource, [.. SchemaMigrations.All.Where(m => m.Version < 9)]);
        const string Legacy = """
            {"value":{"name":"acme"},"version":3,"lastSeq":3,
             "pendingHistory":[{"seq":3,"version":3,"at":"2026-05-01T00:00:00+00:00","cause":{"kind":"call","name":"IssueInvoiceAsync","caller":"billing","requestId":"r-1"},
                                "change":"invoice_issued","from":null,"to":"ACME-000001","payloadJson":"{\"number\":\"ACME-000001\"}"}],
             "pendingNotifications":[{"seq":4,"version":3,"kind":"invoice-issued","payloadJson":"{\"accountId\":\"acme\"}","createdAt":"2026-05-01T00:00:00+00:00"}],
             "pendingInvoices":[{"accountId":"acme","number":"ACME-000001","clockId":null,"invoiceJson":"{\"number\":\"ACME-000001\"}","issuedAt":"2026-05-01T00:00:00+00:00"}],
             "answered":{},"clockId":null,"wakeAt":null}
            """;
        await using (var legacy = database.DataSource.CreateCommand(
            """
            INSERT INTO public.orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension, version, payload)
            VALUES ('svc', 'account', 0, 0, 'k:acme', 3, convert_to($1, 'UTF8')),
                   ('svc', 'account', 0, 0, 'k:cleared', 4, NULL)
            """))
        {
            legacy.Parameters.Add(new() { Value = Legacy });
            await legacy.ExecuteNonQueryAsync();
        }

        var applied = await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);

        Assert.Contains(applied, m => m.Version == 9);
        var record = Assert.Single(await database.RowsAsync("SELECT grain_type, grain_key, version, convert_from(payload, 'UTF8') FROM public.grain_records"));
        Assert.Equal(("account", "acme", 3L, Legacy), ((string)record[0]!, (string)record[1]!, (long)record[2]!, (string)record[3]!));
        Assert.Equal("invoice_issued", await database.ScalarAsync<string>("SELECT change FROM public.grain_history WHERE grain_key = 'acme' AND seq = 3 AND request_id = 'r-1'"));
        Assert.Equal("acme", await database.ScalarAsync<string>("SELECT payload ->> 'accountId' FROM public.outbox WHERE grain_key = 'acme' AND seq = 4"));
        Assert.Equal("ACME-000001", await database.ScalarAsync<string>("SELECT invoice ->> 'number' FROM public.issued_invoices WHERE account_id = 'acme'"));
        Assert.Null(await database.ScalarAsync<string>("SELECT to_regclass('public.orleans_storage')::text"));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM public.orleansquery WHERE querykey LIKE '%StorageKey'"));
    }

    private static async Task<List<string>> ReadAllAsync(Npgsql.NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
