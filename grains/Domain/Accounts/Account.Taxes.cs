using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>VAT id and US tax exemption (ACC-5).</summary>
public sealed partial record Account
{
    /// <summary>Records the VAT id (or clears it when blank); it must be well-formed and belong to the billing address's EU/UK country.</summary>
    private AccountDecision Decide(Actor actor, RecordVatId command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageTaxSettings);
        if (string.IsNullOrWhiteSpace(command.VatId))
        {
            return VatId is null
                ? AccountDecision.Unchanged(this)
                : AccountDecision.Of(this with { VatId = null }, AuditEntry.Of(actor, now, "vat_id", VatId, null));
        }

        var violations = new ViolationList();
        violations.Check("vat_id", VatIdRules.Problem(command.VatId));
        violations.ThrowIfAny();

        var vatId = VatIdRules.Normalize(command.VatId);
        Countries.TryFind(BillingAddress.Country, out var country);
        if (country is not { HasVat: true })
        {
            throw new RuleViolationException(
                Rules.Acc5, $"A VAT id can only be recorded for an EU or UK billing address; account {Quoted.Of(Id)} is billed in {BillingAddress.Country}.");
        }

        if (!VatIdMatchesCountry(vatId, country.Code))
        {
            throw new RuleViolationException(
                Rules.Acc5, $"VAT id {Quoted.Of(vatId)} is not a {country.Name} VAT id (prefix {country.VatPrefix}), but account {Quoted.Of(Id)} is billed in {country.Code}.");
        }

        return vatId == VatId
            ? AccountDecision.Unchanged(this)
            : AccountDecision.Of(this with { VatId = vatId }, AuditEntry.Of(actor, now, "vat_id", VatId, vatId));
    }

    /// <summary>Requests a US tax exemption; it stays pending until billing ops decide, and a second request meanwhile is refused.</summary>
    private AccountDecision Decide(Actor actor, RequestTaxExemption command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageTaxSettings);
        var violations = new ViolationList();
        violations.Check("certificate_reference", TextRules.Required(command.CertificateReference, 100));
        violations.ThrowIfAny();

        if (BillingAddress.Country != "US")
        {
            throw new RuleViolationException(
                Rules.Acc5, $"A tax exemption can only be requested for a US billing address; account {Quoted.Of(Id)} is billed in {BillingAddress.Country}.");
        }

        if (TaxExemption is { Status: TaxExemptionStatus.Pending } pending)
        {
            throw new RuleViolationException(
                Rules.Acc5, $"Account {Quoted.Of(Id)} already has a tax exemption request pending since {pending.RequestedAt:u} (certificate {pending.CertificateReference}); billing ops must decide it first.");
        }

        var request = new TaxExemption(command.CertificateReference.Trim(), TaxExemptionStatus.Pending, now, actor.SubjectId);
        return AccountDecision.Of(this with { TaxExemption = request }, AuditEntry.Of(actor, now, "tax_exemption", TaxExemption?.ToString(), request.ToString()));
    }

    /// <summary>Billing ops approve the pending exemption request.</summary>
    private AccountDecision Decide(Actor actor, ApproveTaxExemption command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.DecideTaxExemption);
        var violations = new ViolationList();
        violations.Check("note", TextRules.Optional(command.Note, 500));
        violations.ThrowIfAny();
        return DecideExemption(actor, now, TaxExemptionStatus.Approved, TextRules.TrimToNull(command.Note));
    }

    /// <summary>Billing ops reject the pending exemption request, giving a reason.</summary>
    private AccountDecision Decide(Actor actor, RejectTaxExemption command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.DecideTaxExemption);
        var violations = new ViolationList();
        violations.Check("reason", TextRules.Required(command.Reason, 500));
        violations.ThrowIfAny();
        return DecideExemption(actor, now, TaxExemptionStatus.Rejected, command.Reason.Trim());
    }

    private AccountDecision DecideExemption(Actor actor, DateTimeOffset now, TaxExemptionStatus decision, string? note)
    {
        if (TaxExemption is not { Status: TaxExemptionStatus.Pending } pending)
        {
            throw new RuleViolationException(
                Rules.Acc5, $"Account {Quoted.Of(Id)} has no pending tax exemption request to {(decision == TaxExemptionStatus.Approved ? "approve" : "reject")} (current: {TaxExemption?.ToString() ?? "none"}).");
        }

        var decided = pending with { Status = decision, DecidedAt = now, DecidedBy = actor.SubjectId, DecisionNote = note };
        return AccountDecision.Of(this with { TaxExemption = decided }, AuditEntry.Of(actor, now, "tax_exemption", pending.ToString(), decided.ToString()));
    }

    private static bool VatIdMatchesCountry(string vatId, string countryCode) =>
        Countries.TryFind(countryCode, out var country) && country.VatPrefix is { } prefix && vatId.StartsWith(prefix, StringComparison.Ordinal);
}
