namespace Subscriptions.Domain.Catalog;

/// <summary>A product's trial: its length in days and what follows it (SUB-1).</summary>
public sealed record TrialTerms(int Days, TrialPolicy Policy);
