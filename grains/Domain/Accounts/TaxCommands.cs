namespace Subscriptions.Domain.Accounts;

/// <summary>Records the account's EU/UK VAT id, or clears it when blank (ACC-5).</summary>
public sealed record RecordVatId(string? VatId) : AccountCommand;

/// <summary>Asks for a US sales tax exemption with the exemption certificate's reference (ACC-5).</summary>
public sealed record RequestTaxExemption(string CertificateReference) : AccountCommand;

/// <summary>Billing ops approve the pending exemption request (ACC-5).</summary>
public sealed record ApproveTaxExemption(string? Note) : AccountCommand;

/// <summary>Billing ops reject the pending exemption request, saying why (ACC-5).</summary>
public sealed record RejectTaxExemption(string Reason) : AccountCommand;
