using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Grains;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Silo;
using Subscriptions.Storage;
using Subscriptions.Testing;

namespace Subscriptions.Grains.Bench;

/// <summary>One silo, configured as the host configures it, on its own database; its grains' clock can be moved forward.</summary>
internal sealed class Bench : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly BenchDatabase? _ownDatabase;

    private Bench(IHost host, BenchDatabase? ownDatabase, string connectionString, OffsetClock clock, NpgsqlDataSource dataSource, SiloSettings settings)
    {
        ClusterId = settings.ClusterId;
        ServiceId = settings.ServiceId;
        _host = host;
        _ownDatabase = ownDatabase;
        ConnectionString = connectionString;
        Clock = clock;
        DataSource = dataSource;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services (its options, to change them between runs).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The grain calls the silo received so far.</summary>
    public GrainCallCounter Calls => _host.Services.GetRequiredService<GrainCallCounter>();

    /// <summary>
    /// Write transactions committed by the whole server so far (only a transaction that writes gets a transaction id;
    /// the private benchmark server runs nothing else). Reading it takes one id, which the caller subtracts.
    /// </summary>
    public Task<long> WriteTransactionsAsync() => CountAsync("SELECT pg_current_xact_id()::text::bigint");

    public string ConnectionString { get; }

    public string ClusterId { get; }

    public string ServiceId { get; }

    public OffsetClock Clock { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<BenchDatabase> CreateDatabaseAsync(string admin, string name)
    {
        var database = $"bench_grains_{name.Replace('-', '_')}_{Guid.NewGuid():N}"[..48];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection).ExecuteNonQueryAsync();
        }

        return new BenchDatabase(admin, database, new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString);
    }

    public static async Task<Bench> StartAsync(string admin, string name, BenchDatabase? database = null, string serviceId = "subscriptions")
    {
        var own = database is null ? await CreateDatabaseAsync(admin, name) : null;
        var db = database ?? own!;
        var dataSource = ServiceDataSource.Create(db.ConnectionString);
        await MigrationRunner.ApplyAsync(dataSource, SchemaMigrations.All);
        var clock = new OffsetClock();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var settings = new SiloSettings
        {
            ConnectionString = db.ConnectionString,
            ServiceId = serviceId,
            ClusterId = $"bench-{name}",
            SiloPort = LoopbackPorts.Next(),
            GatewayPort = LoopbackPorts.Next(),
        };
        builder.UseOrleans(silo =>
        {
            silo.UseSubscriptionsCluster(dataSource, settings);
            silo.Services.AddSingleton(new GrainClock(clock));
            silo.Services.AddSingleton<GrainCallCounter>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(services => services.GetRequiredService<GrainCallCounter>());
        });
        var host = builder.Build();
        await host.StartAsync();
        return new Bench(host, own, db.ConnectionString, clock, dataSource, settings);
    }

    public static async Task<(double Rate, double P50, double P99)> LoopAsync(int callers, TimeSpan duration, Func<int, Task> call)
    {
        var latencies = new List<long>[callers];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async w =>
        {
            var mine = latencies[w] = [];
            while (Stopwatch.GetTimestamp() < end)
            {
                var before = Stopwatch.GetTimestamp();
                await call(w);
                mine.Add(Stopwatch.GetTimestamp() - before);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return (all.Length / elapsed.TotalSeconds, Ms(all[all.Length / 2]), Ms(all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]));
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await DataSource.DisposeAsync();
        if (_ownDatabase is not null)
        {
            await _ownDatabase.DisposeAsync();
        }
    }
}

/// <summary>A database of its own, dropped at the end.</summary>
internal sealed class BenchDatabase(string admin, string name, string connectionString) : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    /// <summary>True to leave every database on the server when its part ends (<c>--keep-databases</c>), named on standard error.</summary>
    public static bool Keep { get; set; }

    public string ConnectionString { get; } = connectionString;

    /// <summary>A data source on the database, for benchmarks that use its tables without a silo.</summary>
    public NpgsqlDataSource DataSource => _dataSource ??= NpgsqlDataSource.Create(ConnectionString);

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        if (Keep)
        {
            await Console.Error.WriteLineAsync($"bench: database {name} kept");
            return;
        }

        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }
}

/// <summary>The real clock moved forward by <see cref="Offset"/>: subscriptions bought now fall due when the offset passes their renewal.</summary>
internal sealed class OffsetClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>Arranges accounts through the grains as the API would.</summary>
internal static class Arrange
{
    public static async Task OpenAsync(this IGrainFactory grains, string accountId, Actor ops, bool autopay = true)
    {
        using (CallContext.Enter(ops.SubjectId, $"open-{accountId}"))
        {
            await grains.GetGrain<IAccountGrain>(accountId).CreateAsync(ops, new CreateAccount(
                accountId, "Bench Widgets", new ContactPerson("Ada Lovelace", "ada@bench.example", "+12175550100"),
                new PostalAddress("1 Main St", null, "Springfield", "IL", "62701", "US"), null, "USD", AccountKind.SelfService, null, $"holder-{accountId}"));
        }

        using (CallContext.Enter(ops.SubjectId, $"card-{accountId}"))
        {
            await grains.GetGrain<IAccountGrain>(accountId).ChangeAsync(ops, new AddCard("card-1", CardBrand.Visa, $"tok-{accountId}", "4242", 12, 2035));
        }

        if (!autopay)
        {
            using (CallContext.Enter(ops.SubjectId, $"autopay-{accountId}"))
            {
                await grains.GetGrain<IAccountGrain>(accountId).ChangeAsync(ops, new SetAutopay(false));
            }
        }
    }
}
