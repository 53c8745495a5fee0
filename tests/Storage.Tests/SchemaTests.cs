using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;

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
        foreach (var table in new[] { "orleansquery", "orleans_membership_version", "orleans_membership", "orleans_storage", "orleans_reminders" })
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
            Port = TestSilo.FreePort(),
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
        // internal DbStoredQueries; the storage provider names its keys in its initialization query.
        var clustering = RequiredKeys(typeof(AdoNetClusteringTable).Assembly);
        var reminders = RequiredKeys(typeof(Orleans.Configuration.AdoNetReminderTableOptions).Assembly);
        var storage = QuotedKeyPattern().Matches(AdoNetGrainStorage.DefaultInitializationQuery).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(OrleansAdoNet.ClusteringQueryKeys.Order(), clustering.Order());
        Assert.Equal(OrleansAdoNet.ReminderQueryKeys.Order(), reminders.Order());
        Assert.Equal(OrleansAdoNet.StorageQueryKeys.Order(), storage.Order());
        Assert.All(clustering.Concat(reminders).Concat(storage), key => Assert.Contains(key, present));
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

    [GeneratedRegex(@"QueryKey = '(\w+)'")]
    private static partial Regex QuotedKeyPattern();

    // A table or function of ours named without its schema: "orleans_..." not preceded by "public.".
    [GeneratedRegex(@"(?<!public\.)\borleans_\w+")]
    private static partial Regex UnqualifiedObjectPattern();

    [Fact]
    public async Task Grain_state_is_found_by_index_whatever_the_number_of_grains()
    {
        await using var database = await TestDatabase.CreateMigratedAsync(nameof(Grain_state_is_found_by_index_whatever_the_number_of_grains));
        await using (var fill = database.DataSource.CreateCommand(
            """
            INSERT INTO public.orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension, version, payload)
            SELECT 'svc', 'account', 0, 0, 'k:acc-' || n, 1, NULL FROM generate_series(1, 20000) AS n
            """))
        {
            await fill.ExecuteNonQueryAsync();
        }

        await using (var analyze = database.DataSource.CreateCommand("ANALYZE public.orleans_storage"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var texts = new List<string>();
        await using (var read = database.DataSource.CreateCommand(
            "SELECT querytext FROM public.orleansquery WHERE querykey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey')"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                texts.Add(reader.GetString(0));
            }
        }

        await using var explain = database.DataSource.CreateCommand(
            """
            EXPLAIN SELECT version FROM public.orleans_storage
             WHERE service_id = 'svc' AND state_name = 'account' AND grain_id_n0 = 0 AND grain_id_n1 = 0
               AND coalesce(grain_id_extension, '') = coalesce('k:acc-777', '')
            """);
        var plan = string.Join("\n", await ReadAllAsync(explain));

        Assert.Equal(4, texts.Count);
        Assert.All(texts, t => Assert.Contains("coalesce(grain_id_extension, '') = coalesce(@GrainIdExtensionString, '')", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("IS NOT DISTINCT FROM @GrainIdExtensionString", t, StringComparison.Ordinal));
        Assert.Contains("orleans_storage_lookup", plan, StringComparison.Ordinal);
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
