using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class AddressValidationTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;

    private static FieldViolation SingleViolation(PostalAddress address)
    {
        var account = new AccountBuilder().Build();
        var error = Assert.Throws<ValidationException>(() => account.Decide(AccountBuilder.Holder, new ChangeBillingAddress(address), Now));
        return Assert.Single(error.Violations);
    }

    private static PostalAddress Accepted(PostalAddress address) =>
        new AccountBuilder().Build().Decide(AccountBuilder.Holder, new ChangeBillingAddress(address), Now).State.BillingAddress;

    [Theory]
    [InlineData("6270")]
    [InlineData("ABCDE")]
    [InlineData("62701-12")]
    public void ACC_5_a_malformed_us_zip_code_is_refused_naming_the_postal_code_field(string postalCode)
    {
        var violation = SingleViolation(Addresses.Us with { PostalCode = postalCode });

        Assert.Equal("billing_address.postal_code", violation.Field);
        Assert.Contains(postalCode, violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("62701", "62701")]
    [InlineData("62701-1234", "62701-1234")]
    [InlineData("627011234", "62701-1234")]
    public void ACC_5_us_zip_codes_are_five_digits_or_zip_plus_four(string given, string stored) =>
        Assert.Equal(stored, Accepted(Addresses.Us with { PostalCode = given }).PostalCode);

    [Theory]
    [InlineData("m5h2n2", "M5H 2N2")]
    [InlineData("K1A 0B1", "K1A 0B1")]
    public void ACC_5_canadian_postal_codes_are_stored_as_A1A_1A1(string given, string stored) =>
        Assert.Equal(stored, Accepted(Addresses.Ontario with { PostalCode = given }).PostalCode);

    [Theory]
    [InlineData("M5H2N")]
    [InlineData("12345")]
    [InlineData("D5H 2N2")]
    public void ACC_5_a_malformed_canadian_postal_code_is_refused(string postalCode) =>
        Assert.Equal("billing_address.postal_code", SingleViolation(Addresses.Ontario with { PostalCode = postalCode }).Field);

    [Theory]
    [InlineData("sw1a1aa", "SW1A 1AA")]
    [InlineData("M1 1AE", "M1 1AE")]
    [InlineData("EC1A 1HQ", "EC1A 1HQ")]
    public void ACC_5_uk_postcodes_are_checked_pragmatically(string given, string stored) =>
        Assert.Equal(stored, Accepted(new PostalAddress("2 King Edward Street", null, "London", null, given, "GB")).PostalCode);

    [Fact]
    public void ACC_5_a_malformed_uk_postcode_is_refused() =>
        Assert.Equal("billing_address.postal_code", SingleViolation(new PostalAddress("1 High St", null, "London", null, "12345", "GB")).Field);

    [Fact]
    public void ACC_5_a_us_address_needs_a_state()
    {
        var violation = SingleViolation(Addresses.Us with { Region = null });

        Assert.Equal("billing_address.region", violation.Field);
        Assert.Contains("US state code", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US", "Illinois", "62701")]
    [InlineData("US", "XX", "62701")]
    [InlineData("CA", "TX", "M5H 2N2")]
    [InlineData("AU", "ON", "2000")]
    public void ACC_5_a_region_that_is_not_a_state_or_province_code_is_refused(string country, string region, string postalCode)
    {
        var violation = SingleViolation(new PostalAddress("1 Main Street", null, "Somewhere", region, postalCode, country));

        Assert.Equal("billing_address.region", violation.Field);
        Assert.Contains(region, violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_5_region_codes_are_stored_upper_case() =>
        Assert.Equal("NSW", Accepted(new PostalAddress("1 Farrer Place", null, "Sydney", "nsw", "2000", "AU")).Region);

    [Fact]
    public void ACC_5_outside_the_us_canada_and_australia_the_region_is_optional() =>
        Assert.Null(Accepted(Addresses.Germany).Region);

    [Theory]
    [InlineData("XX")]
    [InlineData("USA")]
    [InlineData("")]
    public void ACC_5_an_unknown_country_code_is_refused(string country) =>
        Assert.Equal("billing_address.country", SingleViolation(Addresses.Us with { Country = country }).Field);

    [Fact]
    public void ACC_5_country_codes_are_stored_upper_case() =>
        Assert.Equal("DE", Accepted(Addresses.Germany with { Country = "de" }).Country);

    [Fact]
    public void ACC_5_an_empty_first_line_or_city_is_refused()
    {
        var account = new AccountBuilder().Build();

        var error = Assert.Throws<ValidationException>(() =>
            account.Decide(AccountBuilder.Holder, new ChangeBillingAddress(Addresses.Us with { Line1 = "", City = " " }), Now));

        Assert.Equal(["billing_address.line1", "billing_address.city"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ACC_5_other_countries_need_a_postal_code_but_accept_any_form()
    {
        var missing = SingleViolation(new PostalAddress("Via del Corso 1", null, "Roma", null, "", "IT"));
        var accepted = Accepted(new PostalAddress("1 Orchard Road", null, "Singapore", null, "238824", "SG"));

        Assert.Equal("billing_address.postal_code", missing.Field);
        Assert.Equal("238824", accepted.PostalCode);
    }

    [Fact]
    public void ACC_1_an_invalid_shipping_address_names_the_shipping_fields()
    {
        var account = new AccountBuilder().Build();

        var error = Assert.Throws<ValidationException>(() =>
            account.Decide(AccountBuilder.Holder, new ChangeShippingAddress(Addresses.France with { PostalCode = "7500" }), Now));

        Assert.Equal("shipping_address.postal_code", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void ACC_1_the_shipping_address_can_be_set_and_removed()
    {
        var account = new AccountBuilder().Build();

        var withShipping = account.Decide(AccountBuilder.Holder, new ChangeShippingAddress(Addresses.Alabama), Now).State;
        var removed = withShipping.Decide(AccountBuilder.Holder, new ChangeShippingAddress(null), Now);

        Assert.Equal(Addresses.Alabama, withShipping.ShippingAddress);
        Assert.Null(removed.State.ShippingAddress);
        Assert.Equal(("shipping_address", "200 Dexter Avenue, Montgomery, AL 36104, US", (string?)null),
            (removed.Audit[0].What, removed.Audit[0].Before, removed.Audit[0].After));
    }

    [Theory]
    [InlineData("GB", "AB")]
    [InlineData("CA", "K1")]
    [InlineData("JP", "12")]
    [InlineData("SE", "1")]
    [InlineData("NL", "1")]
    [InlineData("SE", "½")]
    [InlineData("US", "١٢٣٤٥")]
    [InlineData("GB", "-")]
    public void ACC_5_a_postal_code_too_short_for_its_country_format_is_refused_not_laid_out(string country, string postalCode)
    {
        var address = new PostalAddress("1 High Street", null, "Town", country switch { "CA" => "ON", "US" => "IL", _ => null }, postalCode, country);

        var violation = SingleViolation(address);

        Assert.Equal("billing_address.postal_code", violation.Field);
    }
}
