using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class AccountCreationTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;

    [Fact]
    public void ACC_1_a_new_account_keeps_its_details_and_makes_the_creator_primary_holder()
    {
        var decision = Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate(), Now);

        var account = decision.State;
        Assert.Equal("acc-1", account.Id);
        Assert.Equal("Acme Widgets", account.CompanyName);
        Assert.Equal(Currency.Usd, account.Currency);
        Assert.Equal(AccountKind.SelfService, account.Kind);
        Assert.Equal("+14155550123", account.PrimaryContact.Phone);
        Assert.Equal(new AccountMember(AccountBuilder.HolderId, "jane@acme.example.com", AccountRole.PrimaryHolder), Assert.Single(account.Members));
        Assert.Equal("jane@acme.example.com", account.ReceiptRecipient);
        Assert.Equal(["jane@acme.example.com"], account.InvoiceRecipientEmails);
        Assert.Null(account.ShippingAddress);
        Assert.Null(account.PersonalDataErasedAt);
        Assert.Equal(Now, account.CreatedAt);
    }

    [Fact]
    public void ACC_1_the_time_zone_defaults_to_utc()
    {
        var account = Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate(), Now).State;

        Assert.Equal("UTC", account.TimeZoneId);
        Assert.Equal(TimeSpan.Zero, account.ResolveTimeZone().BaseUtcOffset);
    }

    [Fact]
    public void ACC_1_an_iana_time_zone_is_kept()
    {
        var account = Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate() with { TimeZoneId = "Europe/Paris" }, Now).State;

        Assert.Equal("Europe/Paris", account.TimeZoneId);
        Assert.Equal(new DateOnly(2025, 7, 1), account.LocalDate(new DateTimeOffset(2025, 6, 30, 22, 30, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Local")]
    [InlineData("GMT+5")]
    public void ACC_1_an_unknown_time_zone_is_refused_naming_the_field(string timeZoneId)
    {
        var error = Assert.Throws<ValidationException>(() =>
            Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate() with { TimeZoneId = timeZoneId }, Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("time_zone", violation.Field);
        Assert.Contains(timeZoneId, violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_1_a_time_zone_is_stored_as_the_time_zone_database_spells_it() =>
        Assert.Equal("UTC", Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate() with { TimeZoneId = " utc " }, Now).State.TimeZoneId);

    [Fact]
    public void ACC_1_an_unsupported_currency_is_refused_listing_the_supported_ones()
    {
        var error = Assert.Throws<ValidationException>(() =>
            Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate() with { Currency = "SEK" }, Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("currency", violation.Field);
        Assert.Contains("USD, CAD, GBP, AUD, EUR, JPY, CHF", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_1_corporate_accounts_start_with_autopay_off_and_self_service_with_autopay_on()
    {
        var corporate = new AccountBuilder().WithKind(AccountKind.Corporate).Build();
        var selfService = new AccountBuilder().Build();

        Assert.False(corporate.AutopayEnabled);
        Assert.True(selfService.AutopayEnabled);
    }

    [Fact]
    public void ACC_1_every_invalid_field_is_reported_at_once()
    {
        var command = AccountBuilder.ValidCreate() with
        {
            CompanyName = " ",
            PrimaryContact = new ContactPerson("Jane", "jane.example.com", "555-0123"),
            BillingAddress = Addresses.Us with { PostalCode = "6270" },
        };

        var error = Assert.Throws<ValidationException>(() => Account.Create(AccountBuilder.Holder, command, Now));

        Assert.Equal(
            ["company_name", "primary_contact.email", "primary_contact.phone", "billing_address.postal_code"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ACC_2_a_customer_cannot_open_an_account_held_by_someone_else()
    {
        var error = Assert.Throws<PermissionDeniedException>(() =>
            Account.Create(Actor.Customer("u-mallory"), AccountBuilder.ValidCreate(), Now));

        Assert.Equal(Rules.Acc2, error.RuleId);
        Assert.Contains("u-mallory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_7_opening_an_account_is_audited()
    {
        var decision = Account.Create(AccountBuilder.Ops, AccountBuilder.ValidCreate(), Now);

        var entry = Assert.Single(decision.Audit);
        Assert.Equal(("ops-ann", true, "account", Now), (entry.ActorSubjectId, entry.ActorIsOps, entry.What, entry.At));
        Assert.Null(entry.Before);
        Assert.Equal("Acme Widgets (USD, self-service, UTC), primary holder u-holder", entry.After);
    }

    [Fact]
    public void CLOCK_1_a_test_clock_cannot_be_set_on_a_production_account()
    {
        var error = Assert.Throws<ValidationException>(() =>
            Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate() with { TestClockId = "clock-1" }, Now));

        Assert.Equal("test_clock_id", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void CLOCK_1_a_sandbox_account_can_be_bound_to_a_test_clock_once()
    {
        var account = new AccountBuilder().AsSandbox().Build();

        var bound = account.Decide(AccountBuilder.Holder, new AttachTestClock("clock-1"), Now);
        var again = bound.State.Decide(AccountBuilder.Holder, new AttachTestClock("clock-1"), Now);
        var other = Assert.Throws<RuleViolationException>(() => bound.State.Decide(AccountBuilder.Holder, new AttachTestClock("clock-2"), Now));

        Assert.Equal("clock-1", bound.State.TestClockId);
        Assert.False(again.Changed);
        Assert.Equal(Rules.Clock1, other.RuleId);
    }

    [Fact]
    public void CLOCK_1_a_production_account_cannot_follow_a_test_clock()
    {
        var account = new AccountBuilder().Build();

        var error = Assert.Throws<RuleViolationException>(() => account.Decide(AccountBuilder.Ops, new AttachTestClock("clock-1"), Now));

        Assert.Equal(Rules.Clock1, error.RuleId);
        Assert.Contains("acc-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CLOCK_1_a_sandbox_account_that_already_started_a_subscription_cannot_follow_a_test_clock_even_once_it_ended()
    {
        var account = new AccountBuilder().AsSandbox().Build();
        var context = new AccountContext(AccountBuilder.Holder, Now) { SubscriptionIds = ["sub-1"], LiveSubscriptionIds = [] };

        var error = Assert.Throws<RuleViolationException>(() => Account.Decide(account, new AttachTestClock("clock-1"), context));

        Assert.Equal(Rules.Clock1, error.RuleId);
        Assert.Contains("sub-1", error.Reason, StringComparison.Ordinal);
        Assert.Null(account.TestClockId);
    }
}
