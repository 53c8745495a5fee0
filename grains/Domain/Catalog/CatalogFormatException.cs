namespace Subscriptions.Domain.Catalog;

/// <summary>The catalog data is invalid; every problem names the product, plan and field at fault.</summary>
public sealed class CatalogFormatException : Exception
{
    /// <summary>Creates the exception from the list of problems found.</summary>
    public CatalogFormatException(IReadOnlyList<string> problems, Exception? inner = null)
        : base($"The catalog is invalid: {string.Join("; ", problems)}", inner)
    {
        Problems = problems;
    }

    /// <summary>Each problem, e.g. "product \"pro\" plan \"personal\": prices.annual has no JPY price".</summary>
    public IReadOnlyList<string> Problems { get; }
}
