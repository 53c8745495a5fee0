using Subscriptions.Domain.Accounts;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class AuditTrailTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;

    [Fact]
    public void ACC_7_a_billing_address_change_records_who_when_and_before_after()
    {
        var at = Now.AddHours(3);

        var decision = new AccountBuilder().Build().Decide(AccountBuilder.Holder, new ChangeBillingAddress(Addresses.Alabama), at);

        var entry = Assert.Single(decision.Audit);
        Assert.Equal(
            new AuditEntry(at, "u-holder", false, "billing_address", "1 Main Street, Springfield, IL 62701, US", "200 Dexter Avenue, Montgomery, AL 36104, US"),
            entry);
    }

    [Fact]
    public void ACC_7_an_ops_action_is_marked_as_such()
    {
        var decision = new AccountBuilder().Build().Decide(AccountBuilder.Ops, new ChangeBillingAddress(Addresses.Alabama), Now);

        var entry = Assert.Single(decision.Audit);
        Assert.True(entry.ActorIsOps);
        Assert.Equal("ops-ann", entry.ActorSubjectId);
        Assert.StartsWith("2025-06-15 12:00:00Z ops:ops-ann billing_address: ", entry.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_7_a_profile_update_records_one_entry_per_changed_field()
    {
        var account = new AccountBuilder().Build();

        var decision = account.Decide(AccountBuilder.Holder, new UpdateCompanyProfile("Acme Widgets Ltd", account.PrimaryContact, "America/Chicago"), Now);

        Assert.Equal(
            [("company_name", "Acme Widgets", "Acme Widgets Ltd"), ("time_zone", "UTC", "America/Chicago")],
            decision.Audit.Select(e => (e.What, e.Before, e.After)));
        Assert.Equal("America/Chicago", decision.State.TimeZoneId);
    }

    [Fact]
    public void ACC_7_a_command_that_changes_nothing_records_nothing()
    {
        var account = new AccountBuilder().Build();

        var decision = account.Decide(AccountBuilder.Holder, new ChangeBillingAddress(Addresses.Us), Now);

        Assert.False(decision.Changed);
        Assert.Empty(decision.Audit);
        Assert.Same(account, decision.State);
    }

    [Fact]
    public void ACC_7_payment_method_entries_never_hold_more_than_the_last_four_digits()
    {
        var decision = new AccountBuilder().Build()
            .Decide(AccountBuilder.Holder, new AddCard("c1", Domain.Accounts.Payments.CardBrand.Mastercard, "tok_abc", "4444", 9, 2029), Now);

        Assert.Equal(
            [(null, "Mastercard ending 4444 (expires 09/2029)"), (null, "Mastercard ending 4444 (expires 09/2029)")],
            decision.Audit.Select(e => (e.Before, e.After)));
        Assert.DoesNotContain(decision.Audit, e => e.After!.Contains("tok_abc", StringComparison.Ordinal));
    }

    [Fact]
    public void ACC_8_personal_data_is_not_marked_erased_on_a_live_account() =>
        Assert.Null(new AccountBuilder().Build().PersonalDataErasedAt);
}
