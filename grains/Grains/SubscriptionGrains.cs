using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Tax;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Subscriptions.Runtime;

namespace Subscriptions.Grains;

/// <summary>What a silo needs to host this project's grains: the grain classes and the domain services they take.</summary>
public static class SubscriptionGrains
{
    /// <summary>Registers every grain class of this project (pass to AddGrainRuntime or TestCluster.StartAsync).</summary>
    public static GrainTypeRegistry Register(GrainTypeRegistry grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains
            .Add<IAccountGrain, AccountGrain>()
            .Add<IInvoiceGrain, InvoiceGrain>()
            .Add<ITestClockGrain, TestClockGrain>()
            .Add<ISubscriptionGrain, SubscriptionGrain>();
    }

    /// <summary>Adds the data the grains decide with: the product catalog (CAT) and the tax table (TAX-3), loaded once.</summary>
    public static IServiceCollection AddSubscriptionGrains(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => CatalogLoader.LoadDefault());
        services.TryAddSingleton(_ => TaxTableLoader.LoadDefault());
        services.TryAddSingleton<TaxCalculator>();
        return services;
    }
}
