namespace Subscriptions.Domain.Accounts;

/// <summary>A billing or shipping address; country is ISO 3166-1 alpha-2, region a code where one is required (ACC-1, ACC-5).</summary>
public sealed record PostalAddress(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country)
{
    /// <summary>One-line form for audit entries, e.g. "1 Main St, Springfield, IL 62701, US".</summary>
    public override string ToString() =>
        string.Join(", ", new[] { Line1, Line2, City, $"{Region} {PostalCode}".Trim(), Country }.Where(part => !string.IsNullOrWhiteSpace(part)));
}
