using Npgsql;

namespace Subscriptions.Storage.Tests;

/// <summary>
/// A silo's data source opens a bounded number of connections, and the silo says at start-up whether its cluster's
/// silos together fit in what PostgreSQL takes.
/// </summary>
public sealed class ConnectionBudgetTests
{
    [Theory]
    [InlineData("Host=db;Username=u", ServiceDataSource.DefaultMaxPoolSize)]
    [InlineData("Host=db;Username=u;Maximum Pool Size=7", 7)]
    [InlineData("Host=db;Username=u;MaxPoolSize=7", 7)]
    [InlineData("Host=db;Username=u;maximum pool size=100", 100)]
    public void A_silos_pool_is_bounded_unless_its_connection_string_names_a_size(string connectionString, int expected)
    {
        using var dataSource = ServiceDataSource.Create(connectionString);

        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=db;Username=u", true, 50)]
    [InlineData("Host=db;Username=u;No Reset On Close=false;Max Auto Prepare=0", false, 0)]
    [InlineData("Host=db;Username=u;NoResetOnClose=false;MaxAutoPrepare=0", false, 0)]
    public void The_data_sources_other_defaults_give_way_to_the_connection_string(string connectionString, bool noReset, int autoPrepare)
    {
        using var dataSource = ServiceDataSource.Create(connectionString);
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        Assert.Equal((noReset, autoPrepare), (settings.NoResetOnClose, settings.MaxAutoPrepare));
    }

    [Fact]
    public async Task A_pool_larger_than_the_server_takes_is_named_with_the_setting_to_change()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(A_pool_larger_than_the_server_takes_is_named_with_the_setting_to_change));
        await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);
        await using var fits = ServiceDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 10 }.ConnectionString);
        var allowed = await ServerTakesAsync(database);
        await using var tooLarge = ServiceDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = allowed }.ConnectionString);

        var fitting = await ConnectionBudget.ReadAsync(fits, "c", 4, CancellationToken.None);
        var exceeding = await ConnectionBudget.ReadAsync(tooLarge, "c", 4, CancellationToken.None);

        Assert.Equal((allowed, 14, 10, 0, false), (fitting.ServerAllows, fitting.SiloMaximum, fitting.PoolSize, fitting.OtherSilos, fitting.Exceeded));
        Assert.DoesNotContain("UNAVAILABLE", fitting.Describe(), StringComparison.Ordinal);
        Assert.Equal((allowed + 4, true), (exceeding.SiloMaximum, exceeding.Exceeded));
        Assert.Contains($"PostgreSQL takes {allowed} connections", exceeding.Describe(), StringComparison.Ordinal);
        Assert.Contains($"'Maximum Pool Size' {allowed} in ConnectionStrings:Subscriptions", exceeding.Describe(), StringComparison.Ordinal);
        Assert.Contains("lower 'Maximum Pool Size' or raise max_connections", exceeding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cluster_s_other_active_silos_count_against_the_server_s_connections()
    {
        await using var database = await TestDatabase.CreateAsync(nameof(The_cluster_s_other_active_silos_count_against_the_server_s_connections));
        await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);
        var allowed = await ServerTakesAsync(database);
        await database.ExecuteAsync("INSERT INTO public.orleans_membership_version (deployment_id) VALUES ('c'), ('other')");
        // Two active silos of cluster c, one dead one, and an active silo of another cluster on the same database.
        foreach (var (cluster, port, status) in new[] { ("c", 1, 3), ("c", 2, 3), ("c", 3, 6), ("other", 4, 3) })
        {
            await database.ExecuteAsync(
                $"INSERT INTO public.orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time) VALUES ('{cluster}', '10.0.0.1', {port}, 1, 's', 'h', {status}, 0, now(), now())");
        }

        // Each silo may open a little over a third of what the server takes: this one and the two others do not fit.
        var third = allowed / 3 + 1;
        await using var dataSource = ServiceDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = third }.ConnectionString);

        var budget = await ConnectionBudget.ReadAsync(dataSource, "c", 0, CancellationToken.None);

        Assert.Equal((2, 3 * third, true), (budget.OtherSilos, budget.ClusterMaximum, budget.Exceeded));
        Assert.Contains($"this silo and the 2 other active silo(s) of its cluster may open up to {3 * third} ({third} each)", budget.Describe(), StringComparison.Ordinal);
    }

    /// <summary>What the server takes, read here as an operator would: max_connections less the reserved ones (PostgreSQL 16 adds reserved_connections).</summary>
    private static async Task<int> ServerTakesAsync(TestDatabase database) =>
        await database.ScalarAsync<int>(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - coalesce(current_setting('reserved_connections', true)::int, 0)");
}
