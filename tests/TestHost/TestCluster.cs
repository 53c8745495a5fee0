using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subscriptions.Runtime;

namespace Subscriptions.TestHost;

/// <summary>
/// An in-process cluster of silos on one private database (as Orleans' TestCluster). The silos share a manual silo
/// clock; background loops are off, so tests deliver reminders and collect activations explicitly and deterministically.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TestSilo> silos = [];
    private readonly Action<GrainTypeRegistry> grains;
    private readonly Action<GrainRuntimeOptions>? configure;
    private readonly Action<IServiceCollection>? services;
    private readonly Assembly[] migrationAssemblies;
    private int started;

    private TestCluster(
        TestDatabase database,
        ManualTimeProvider clock,
        Action<GrainTypeRegistry> grains,
        Action<GrainRuntimeOptions>? configure,
        Action<IServiceCollection>? services,
        Assembly[] migrationAssemblies)
    {
        Database = database;
        Clock = clock;
        this.grains = grains;
        this.configure = configure;
        this.services = services;
        this.migrationAssemblies = migrationAssemblies;
    }

    /// <summary>The cluster's private database.</summary>
    public TestDatabase Database { get; }

    /// <summary>The silo clock shared by every silo (reminders not on a test clock, leases, collection, timeouts).</summary>
    public ManualTimeProvider Clock { get; }

    /// <summary>The running silos.</summary>
    public IReadOnlyList<TestSilo> Silos => silos;

    /// <summary>The first silo's grain factory.</summary>
    public IGrainFactory Grains => silos[0].Grains;

    /// <summary>Log lines written by every silo (level, category, message), for assertions.</summary>
    public TestLog Log { get; } = new();

    /// <summary>Starts <paramref name="siloCount"/> silos on a new database named after <paramref name="name"/>.</summary>
    public static async Task<TestCluster> StartAsync(
        string name,
        int siloCount,
        Action<GrainTypeRegistry> grains,
        Action<GrainRuntimeOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        params Assembly[] migrationAssemblies)
    {
        var database = await TestDatabase.CreateAsync(name);
        var cluster = new TestCluster(database, new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), grains, configure, services, migrationAssemblies);
        for (var i = 0; i < siloCount; i++)
        {
            await cluster.StartSiloAsync();
        }

        return cluster;
    }

    /// <summary>Starts one more silo on the cluster's database.</summary>
    public async Task<TestSilo> StartSiloAsync(Action<GrainRuntimeOptions>? configureThis = null)
    {
        var index = Interlocked.Increment(ref started);
        var options = new GrainRuntimeOptions
        {
            ConnectionString = Database.ConnectionString,
            SiloId = $"silo-{index}",
            RunBackgroundServices = false,
            StartupAttempts = 1,
        };
        configure?.Invoke(options);
        configureThis?.Invoke(options);
        var collection = new ServiceCollection();
        collection.AddLogging(builder => builder.AddProvider(new TestLogProvider(Log, options.SiloId)).SetMinimumLevel(LogLevel.Information));
        collection.AddSingleton<TimeProvider>(Clock);
        services?.Invoke(collection);
        collection.AddGrainRuntime(options, grains, migrationAssemblies);
        var provider = collection.BuildServiceProvider();
        var silo = provider.GetRequiredService<Silo>();
        try
        {
            await silo.StartAsync(CancellationToken.None);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        var testSilo = new TestSilo(options.SiloId, provider, silo);
        silos.Add(testSilo);
        return testSilo;
    }

    /// <summary>Stops every silo (activations and caches are lost; the database stays).</summary>
    public async Task StopAllAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }

        silos.Clear();
    }

    /// <summary>Stops every silo and starts the same number again on the same database.</summary>
    public async Task RestartAsync()
    {
        var count = silos.Count;
        await StopAllAsync();
        for (var i = 0; i < count; i++)
        {
            await StartSiloAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>One silo of a <see cref="TestCluster"/>.</summary>
public sealed class TestSilo(string id, ServiceProvider services, Silo silo) : IAsyncDisposable
{
    public string Id { get; } = id;

    public IServiceProvider Services => services;

    public IGrainFactory Grains => silo.Runtime;

    public GrainRuntime Runtime => silo.Runtime;

    public ReminderService Reminders => silo.Reminders;

    public GrainStorage Storage => services.GetRequiredService<GrainStorage>();

    public ClockRegistry TestClocks => services.GetRequiredService<ClockRegistry>();

    public WriteListener WriteListener => services.GetRequiredService<WriteListener>();

    public WriteNotifier WriteNotifier => services.GetRequiredService<WriteNotifier>();

    public async ValueTask DisposeAsync()
    {
        await silo.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}
