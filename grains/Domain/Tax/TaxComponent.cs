namespace Subscriptions.Domain.Tax;

/// <summary>One named tax of a jurisdiction and its rate as a fraction (0.05 = 5 %).</summary>
public sealed record TaxComponent(string Name, decimal Rate);
