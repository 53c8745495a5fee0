using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Subscriptions.Runtime.Bench;

/// <summary>One silo started in-process from DI, as the host starts it: system clock, background loops on, migrations applied.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly Silo silo;

    private BenchSilo(ServiceProvider services, Silo silo)
    {
        this.services = services;
        this.silo = silo;
    }

    public IGrainFactory Grains => silo.Runtime;

    public static async Task<BenchSilo> StartAsync(string connectionString)
    {
        var options = new GrainRuntimeOptions { ConnectionString = connectionString, SiloId = "bench-silo", StartupAttempts = 1 };
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        collection.AddGrainRuntime(options, grains => grains.Add<IBenchGrain, BenchGrain>());
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

        return new BenchSilo(provider, silo);
    }

    public async ValueTask DisposeAsync()
    {
        await silo.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}
