using Microsoft.Extensions.DependencyInjection;
using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

/// <summary>Starts a cluster of test grains; one shared instance of the test doubles serves every silo.</summary>
internal static class Clusters
{
    public static Task<TestCluster> StartAsync(
        string name,
        int silos = 1,
        Action<GrainRuntimeOptions>? configure = null,
        Latches? latches = null) =>
        TestCluster.StartAsync(
            name,
            silos,
            grains => grains
                .Add<ICounterGrain, CounterGrain>()
                .Add<IAlarmGrain, AlarmGrain>()
                .Add<IStuckGrain, StuckGrain>()
                .Add<IWalletGrain, WalletGrain>(),
            configure,
            services => services.AddSingleton(latches ?? new Latches()));
}
