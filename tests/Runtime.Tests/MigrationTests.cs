using Npgsql;
using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class MigrationTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(nameof(MigrationTests));
        dataSource = NpgsqlDataSource.Create(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    private static IReadOnlyList<Migration> RuntimeMigrations => Migration.FromAssembly(typeof(GrainRuntime).Assembly);

    [Fact]
    public async Task when_migrations_run_twice_then_the_second_run_applies_nothing_and_versions_are_recorded_once()
    {
        var first = await MigrationRunner.ApplyAsync(dataSource, RuntimeMigrations);
        var second = await MigrationRunner.ApplyAsync(dataSource, RuntimeMigrations);

        Assert.Equal(RuntimeMigrations.Select(m => m.Version), first.Select(m => m.Version));
        Assert.Empty(second);
        Assert.Equal((long)RuntimeMigrations.Count, await database.ScalarAsync<long>("SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public async Task when_two_silos_migrate_at_once_then_each_migration_is_applied_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => MigrationRunner.ApplyAsync(dataSource, RuntimeMigrations))));

        Assert.Equal(RuntimeMigrations.Count, results.Sum(r => r.Count));
    }

    [Fact]
    public async Task when_the_database_schema_is_newer_than_the_silo_then_it_refuses_with_a_clear_message()
    {
        var newer = RuntimeMigrations.Append(new Migration(9999, "from_the_future", "SELECT 1")).ToList();
        await MigrationRunner.ApplyAsync(dataSource, newer);

        var error = await Assert.ThrowsAsync<SchemaMismatchException>(() => MigrationRunner.ApplyAsync(dataSource, RuntimeMigrations));

        Assert.Contains("schema is at version 9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer release", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_an_applied_migration_was_edited_then_the_silo_refuses_to_start()
    {
        await MigrationRunner.ApplyAsync(dataSource, [new Migration(1, "one", "CREATE TABLE one (id int)")]);

        var error = await Assert.ThrowsAsync<SchemaMismatchException>(() =>
            MigrationRunner.ApplyAsync(dataSource, [new Migration(1, "one", "CREATE TABLE one (id bigint)")]));

        Assert.Contains("must not be edited", error.Message, StringComparison.Ordinal);
    }
}
