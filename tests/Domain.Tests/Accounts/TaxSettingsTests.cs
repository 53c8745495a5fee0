using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class TaxSettingsTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;
    private static readonly Actor Holder = AccountBuilder.Holder;
    private static readonly Actor Ops = AccountBuilder.Ops;

    private static Account German() => new AccountBuilder().WithCurrency(Currency.Eur).WithBillingAddress(Addresses.Germany).Build();

    [Theory]
    [InlineData("DE123456789", "DE123456789")]
    [InlineData("de 123.456.789", "DE123456789")]
    public void ACC_5_a_vat_id_is_recorded_in_compact_form(string given, string stored) =>
        Assert.Equal(stored, German().Decide(Holder, new RecordVatId(given), Now).State.VatId);

    [Theory]
    [InlineData("DE12345678")]
    [InlineData("DE12345678A")]
    [InlineData("123456789")]
    [InlineData("US123456789")]
    public void ACC_5_a_malformed_vat_id_is_refused_naming_the_field(string vatId)
    {
        var error = Assert.Throws<ValidationException>(() => German().Decide(Holder, new RecordVatId(vatId), Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("vat_id", violation.Field);
        Assert.Contains(vatId, violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GB", "GB123456789", "2 King Edward Street", "London", "EC1A 1HQ")]
    [InlineData("IE", "IE6388047V", "2 Park Place", "Dublin", "D02 X285")]
    [InlineData("FR", "FRXX123456789", "1 rue de Rivoli", "Paris", "75001")]
    [InlineData("NL", "NL123456789B01", "Damrak 1", "Amsterdam", "1012 LG")]
    [InlineData("GR", "EL123456789", "Ermou 10", "Athens", "105 63")]
    public void ACC_5_eu_and_uk_vat_ids_follow_their_country_format(string country, string vatId, string line1, string city, string postalCode)
    {
        var account = new AccountBuilder().WithBillingAddress(new PostalAddress(line1, null, city, null, postalCode, country)).Build();

        Assert.Equal(vatId, account.Decide(Holder, new RecordVatId(vatId), Now).State.VatId);
    }

    [Fact]
    public void ACC_5_a_vat_id_is_refused_for_a_billing_address_outside_the_eu_and_uk()
    {
        var error = Assert.Throws<RuleViolationException>(() => new AccountBuilder().Build().Decide(Holder, new RecordVatId("DE123456789"), Now));

        Assert.Equal(Rules.Acc5, error.RuleId);
        Assert.Contains("billed in US", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_5_a_vat_id_of_another_country_than_the_billing_address_is_refused()
    {
        var error = Assert.Throws<RuleViolationException>(() => German().Decide(Holder, new RecordVatId("FRXX123456789"), Now));

        Assert.Contains("is not a Germany VAT id", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_5_moving_the_billing_address_to_another_country_clears_the_vat_id()
    {
        var account = German().Decide(Holder, new RecordVatId("DE123456789"), Now).State;

        var decision = account.Decide(Holder, new ChangeBillingAddress(Addresses.France), Now);

        Assert.Null(decision.State.VatId);
        Assert.Equal(["billing_address", "vat_id"], decision.Audit.Select(e => e.What));
        Assert.Equal(("DE123456789", (string?)null), (decision.Audit[1].Before, decision.Audit[1].After));
    }

    [Fact]
    public void ACC_5_a_blank_vat_id_clears_it()
    {
        var account = German().Decide(Holder, new RecordVatId("DE123456789"), Now).State;

        Assert.Null(account.Decide(Holder, new RecordVatId(" "), Now).State.VatId);
    }

    [Fact]
    public void ACC_5_a_tax_exemption_request_stays_pending_until_ops_approve_it()
    {
        var requested = new AccountBuilder().Build().Decide(Holder, new RequestTaxExemption("IL-EX-2025-001"), Now).State;
        var later = Now.AddDays(2);

        var approved = requested.Decide(Ops, new ApproveTaxExemption("certificate checked"), later);

        Assert.Equal(TaxExemptionStatus.Pending, requested.TaxExemption!.Status);
        Assert.False(requested.IsTaxExempt);
        Assert.Equal(
            new TaxExemption("IL-EX-2025-001", TaxExemptionStatus.Approved, Now, AccountBuilder.HolderId, later, "ops-ann", "certificate checked"),
            approved.State.TaxExemption);
        Assert.True(approved.State.IsTaxExempt);
        var entry = Assert.Single(approved.Audit);
        Assert.Equal(
            ("tax_exemption", "pending (certificate IL-EX-2025-001)", "approved (certificate IL-EX-2025-001): certificate checked", true),
            (entry.What, entry.Before, entry.After, entry.ActorIsOps));
    }

    [Fact]
    public void ACC_5_only_billing_ops_decide_a_tax_exemption()
    {
        var requested = new AccountBuilder().Build().Decide(Holder, new RequestTaxExemption("IL-EX-2025-001"), Now).State;

        var error = Assert.Throws<PermissionDeniedException>(() => requested.Decide(Holder, new ApproveTaxExemption(null), Now));

        Assert.Equal(Rules.Acc2, error.RuleId);
        Assert.Contains("only billing ops may", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_5_ops_reject_a_tax_exemption_with_a_reason()
    {
        var requested = new AccountBuilder().Build().Decide(Holder, new RequestTaxExemption("IL-EX-2025-001"), Now).State;

        var missingReason = Assert.Throws<ValidationException>(() => requested.Decide(Ops, new RejectTaxExemption(""), Now));
        var rejected = requested.Decide(Ops, new RejectTaxExemption("certificate expired"), Now).State;

        Assert.Equal("reason", Assert.Single(missingReason.Violations).Field);
        Assert.Equal(TaxExemptionStatus.Rejected, rejected.TaxExemption!.Status);
        Assert.Equal("certificate expired", rejected.TaxExemption.DecisionNote);
        Assert.False(rejected.IsTaxExempt);
    }

    [Fact]
    public void ACC_5_a_second_exemption_request_while_one_is_pending_is_refused()
    {
        var requested = new AccountBuilder().Build().Decide(Holder, new RequestTaxExemption("IL-EX-2025-001"), Now).State;

        var error = Assert.Throws<RuleViolationException>(() => requested.Decide(Holder, new RequestTaxExemption("IL-EX-2025-002"), Now));

        Assert.Equal(Rules.Acc5, error.RuleId);
        Assert.Contains("IL-EX-2025-001", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_5_a_new_exemption_request_may_follow_a_rejection()
    {
        var rejected = new AccountBuilder().Build()
            .Decide(Holder, new RequestTaxExemption("IL-EX-2025-001"), Now).State
            .Decide(Ops, new RejectTaxExemption("unreadable"), Now).State;

        var again = rejected.Decide(Holder, new RequestTaxExemption("IL-EX-2025-002"), Now);

        Assert.Equal(("IL-EX-2025-002", TaxExemptionStatus.Pending), (again.State.TaxExemption!.CertificateReference, again.State.TaxExemption.Status));
    }

    [Fact]
    public void ACC_5_a_decision_needs_a_pending_request() =>
        Assert.Equal(Rules.Acc5, Assert.Throws<RuleViolationException>(() =>
            new AccountBuilder().Build().Decide(Ops, new ApproveTaxExemption(null), Now)).RuleId);

    [Fact]
    public void ACC_5_a_tax_exemption_is_only_for_us_billing_addresses()
    {
        var error = Assert.Throws<RuleViolationException>(() => German().Decide(Holder, new RequestTaxExemption("X-1"), Now));

        Assert.Contains("billed in DE", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_5_a_tax_exemption_needs_a_certificate_reference() =>
        Assert.Equal("certificate_reference", Assert.Single(Assert.Throws<ValidationException>(() =>
            new AccountBuilder().Build().Decide(Holder, new RequestTaxExemption(" "), Now)).Violations).Field);
}
