namespace Subscriptions.Domain.Tax;

/// <summary>
/// The tax facts of an account (ACC-5): billing address country and region, a VAT id the account has validated
/// (null when none), and whether billing ops approved a US exemption certificate.
/// </summary>
public sealed record TaxProfile(string Country, string? Region, string? VatId = null, bool UsExemptionApproved = false);
