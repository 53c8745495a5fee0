using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class ContactValidationTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;

    private static ValidationException RefusedContact(ContactPerson contact) =>
        Assert.Throws<ValidationException>(() =>
            Account.Create(AccountBuilder.Holder, AccountBuilder.ValidCreate() with { PrimaryContact = contact }, Now));

    [Theory]
    [InlineData("jane.example.com", "exactly one \"@\"")]
    [InlineData("jane@@example.com", "exactly one \"@\"")]
    [InlineData("jane doe@example.com", "spaces")]
    [InlineData("jane@example", "no dot")]
    [InlineData("@example.com", "before \"@\"")]
    [InlineData("jane@.example.com", "not a valid email")]
    [InlineData("jane..doe@example.com", "not a valid email")]
    [InlineData("", "required")]
    public void ACC_1_a_malformed_email_is_refused_naming_the_field(string email, string why)
    {
        var violation = Assert.Single(RefusedContact(new ContactPerson("Jane", email, "+14155550123")).Violations);

        Assert.Equal("primary_contact.email", violation.Field);
        Assert.Contains(why, violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jane@example.com")]
    [InlineData("jane.o'neil+billing@mail.example.co.uk")]
    [InlineData("AP_team@sub-domain.example.ie")]
    public void ACC_1_ordinary_email_addresses_are_accepted(string email) =>
        Assert.Equal(email, Account.Create(
            AccountBuilder.Holder,
            AccountBuilder.ValidCreate() with { PrimaryContact = new ContactPerson("Jane", email, "+14155550123") },
            Now).State.PrimaryContact.Email);

    [Theory]
    [InlineData("555-0123")]
    [InlineData("4155550123")]
    [InlineData("+1 415 CALL NOW")]
    [InlineData("+0 415 555 0123")]
    [InlineData("+1234567")]
    public void ACC_1_a_phone_number_without_country_code_is_refused(string phone) =>
        Assert.Equal("primary_contact.phone", Assert.Single(RefusedContact(new ContactPerson("Jane", "jane@example.com", phone)).Violations).Field);

    [Theory]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+1 (415) 555-0123", "+14155550123")]
    [InlineData("+33.1.23.45.67.89", "+33123456789")]
    public void ACC_1_phone_numbers_are_stored_in_e164_form(string given, string stored) =>
        Assert.Equal(stored, Account.Create(
            AccountBuilder.Holder,
            AccountBuilder.ValidCreate() with { PrimaryContact = new ContactPerson("Jane", "jane@example.com", given) },
            Now).State.PrimaryContact.Phone);

    [Fact]
    public void ACC_1_a_missing_contact_name_is_refused() =>
        Assert.Equal("primary_contact.name", Assert.Single(RefusedContact(new ContactPerson(" ", "jane@example.com", "+14155550123")).Violations).Field);
}
