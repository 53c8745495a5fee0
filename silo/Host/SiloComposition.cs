using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Tax;
using Subscriptions.Grains;
using Subscriptions.Grpc.Api;

namespace Subscriptions.Silo;

/// <summary>What this silo hosts: the subscription grains, their migrations, and the subscriptions.v1 services in front of them.</summary>
internal static class SiloComposition
{
    /// <summary>
    /// Adds the grains' data and the API. The catalog is the one shipped with the service unless <c>Catalog:Path</c>
    /// names a JSON file; it and the tax table are loaded and validated when the silo is built, so bad data stops start-up.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var catalog = configuration["Catalog:Path"] is { Length: > 0 } path
            ? CatalogLoader.Parse(File.ReadAllText(path))
            : CatalogLoader.LoadDefault();
        services.AddSingleton(catalog);
        services.AddSingleton(TaxTableLoader.LoadDefault());
        services.AddSubscriptionGrains();
        services.AddSubscriptionsApi(configuration);
    }

    public static void MapServices(WebApplication app) => app.MapSubscriptionsApi();
}
