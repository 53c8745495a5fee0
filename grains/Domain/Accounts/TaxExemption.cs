namespace Subscriptions.Domain.Accounts;

/// <summary>Where a US tax exemption request stands (ACC-5).</summary>
public enum TaxExemptionStatus
{
    /// <summary>Requested, waiting for billing ops.</summary>
    Pending = 1,

    /// <summary>Approved by billing ops: no sales tax while the billing address is in the US (TAX-2).</summary>
    Approved,

    /// <summary>Rejected by billing ops, with a reason.</summary>
    Rejected,
}

/// <summary>A US tax exemption request with its certificate reference and, once decided, who decided, when and why (ACC-5).</summary>
public sealed record TaxExemption(
    string CertificateReference,
    TaxExemptionStatus Status,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null,
    string? DecisionNote = null)
{
    /// <summary>Short form for audit entries, e.g. "pending (certificate TX-123)".</summary>
    public override string ToString() =>
        $"{Status.ToString().ToLowerInvariant()} (certificate {CertificateReference})" + (DecisionNote is null ? "" : $": {DecisionNote}");
}
