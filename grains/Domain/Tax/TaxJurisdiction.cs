namespace Subscriptions.Domain.Tax;

/// <summary>The taxes due for a billing address in a country (ISO 3166-1 alpha-2) and optional region (e.g. "ON", "AL").</summary>
public sealed record TaxJurisdiction(string Country, string? Region, IReadOnlyList<TaxComponent> Components);
