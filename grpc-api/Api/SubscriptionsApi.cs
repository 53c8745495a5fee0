using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Subscriptions.Domain.Catalog;
using Subscriptions.Grpc.Api.Accounts;
using Subscriptions.Grpc.Api.Errors;
using Subscriptions.Grpc.Api.Invoices;
using Subscriptions.Grpc.Api.Ops;
using Subscriptions.Grpc.Api.SubscriptionLifecycle;
using Subscriptions.Grpc.Transport;

namespace Subscriptions.Grpc.Api;

/// <summary>The host's entry points: register the API's services, then map its methods into the gRPC registry.</summary>
public static class SubscriptionsApi
{
    /// <summary>
    /// Adds the exception mapper, the product catalog and the service classes. The grain factory and grain storage come
    /// from the grain runtime (AddGrainRuntime), the transport and bearer tokens from their own registrations.
    /// </summary>
    public static IServiceCollection AddSubscriptionsApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SubscriptionsApiOptions.SectionName).Get<SubscriptionsApiOptions>() ?? new SubscriptionsApiOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<IExceptionMapper, SubscriptionsExceptionMapper>();
        services.TryAddSingleton(_ => CatalogLoader.LoadDefault());
        services.AddSingleton<AccountService>();
        services.AddSingleton<InvoiceService>();
        services.AddSingleton<OpsService>();
        services.AddSingleton<TestClockService>();
        services.AddSingleton<SubscriptionService>();
        return services;
    }

    /// <summary>Registers every subscriptions.v1 method (AccountService, InvoiceService, OpsService, TestClockService, SubscriptionService) with its policy.</summary>
    public static IServiceProvider MapSubscriptionsApi(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registry = services.GetRequiredService<GrpcServiceRegistry>();
        AccountService.Register(registry, services.GetRequiredService<AccountService>());
        InvoiceService.Register(registry, services.GetRequiredService<InvoiceService>());
        OpsService.Register(registry, services.GetRequiredService<OpsService>());
        TestClockService.Register(registry, services.GetRequiredService<TestClockService>());
        SubscriptionService.Register(registry, services.GetRequiredService<SubscriptionService>());
        return services;
    }
}
