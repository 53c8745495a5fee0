using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Catalog;

/// <summary>The product catalog (CAT): products, plans and prices loaded from data.</summary>
public sealed record ProductCatalog(string Version, IReadOnlyList<Product> Products)
{
    /// <summary>Finds a product or raises a "product_id" validation error listing the catalog's products.</summary>
    public Product Product(string? productId) =>
        Products.FirstOrDefault(p => string.Equals(p.Id, productId?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ValidationException(
            "product_id", $"Product \"{productId}\" is not in the catalog; use one of {string.Join(", ", Products.Select(p => p.Id))}.");
}
