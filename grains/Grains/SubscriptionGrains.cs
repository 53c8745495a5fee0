using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Tax;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Payments;

namespace Subscriptions.Grains;

/// <summary>What a silo needs to host this project's grains: the domain data they decide with and their records.</summary>
public static class SubscriptionGrains
{
    /// <summary>
    /// Adds the product catalog (CAT) and the tax table (TAX-3), loaded once unless the host added its own, the records'
    /// options, the business metrics (<see cref="BillingMetrics"/>) and the payment settings. The host adds the storage the grains use (<see cref="IGrainTables"/>, the grain
    /// storage) and the payment gateway (INV-3).
    /// </summary>
    public static IServiceCollection AddSubscriptionGrains(this IServiceCollection services, GrainRecordOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => CatalogLoader.LoadDefault());
        services.TryAddSingleton(_ => TaxTableLoader.LoadDefault());
        services.TryAddSingleton<TaxCalculator>();
        services.TryAddSingleton(options ?? new GrainRecordOptions());
        services.TryAddSingleton<WakeUpSlots>();
        services.TryAddSingleton<GrainServices>();
        services.AddMetrics();
        services.TryAddSingleton<BillingMetrics>();
        services.TryAddSingleton(new GrainClock(TimeProvider.System));
        services.TryAddSingleton<PaymentOptions>();
        return services;
    }
}
