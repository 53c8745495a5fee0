namespace Subscriptions.Domain.Accounts;

/// <summary>A country accounts may be billed in: ISO 3166-1 alpha-2 code, name, EU membership and VAT id prefix (EU and UK only).</summary>
public sealed record Country(string Code, string Name, bool IsEu, string? VatPrefix)
{
    /// <summary>True for EU member states and the United Kingdom, where a VAT id can be recorded (ACC-5).</summary>
    public bool HasVat => VatPrefix is not null;
}
