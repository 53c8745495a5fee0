using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Tax;

namespace Subscriptions.Domain.Tests.Tax;


public sealed class TaxCalculatorTests
{
    private static readonly TaxCalculator Calculator = new(TaxTableLoader.LoadDefault());

    private static IEnumerable<(string, decimal)> Taxes(TaxProfile profile, decimal subtotal = 100m, Currency? currency = null) =>
        Calculator.Assess(new Money(subtotal, currency ?? Currency.Usd), profile).Amounts.Select(a => (a.Name, a.Amount.Amount));

    [Theory]
    [InlineData("CA", "ON", "HST", 13.00)]
    [InlineData("CA", "NS", "HST", 15.00)]
    [InlineData("CA", "NB", "HST", 15.00)]
    [InlineData("CA", "NL", "HST", 15.00)]
    [InlineData("CA", "PE", "HST", 15.00)]
    [InlineData("CA", "AB", "GST", 5.00)]
    [InlineData("AU", null, "GST", 10.00)]
    [InlineData("DE", null, "VAT", 19.00)]
    [InlineData("FR", null, "VAT", 20.00)]
    [InlineData("IE", null, "VAT", 23.00)]
    [InlineData("GB", null, "VAT", 20.00)]
    [InlineData("ES", null, "VAT", 21.00)]
    public void TAX_1_single_rate_jurisdictions(string country, string? region, string name, decimal amount)
    {
        Assert.Equal([(name, amount)], Taxes(new TaxProfile(country, region)));
    }

    [Fact]
    public void TAX_1_quebec_charges_gst_and_qst_both_on_the_price_before_gst()
    {
        Assert.Equal([("GST", 5.00m), ("QST", 9.98m)], Taxes(new TaxProfile("CA", "QC")));
    }

    [Fact]
    public void TAX_1_yen_tax_is_rounded_half_away_from_zero_to_whole_yen()
    {
        Assert.Equal([("GST", 451m)], Taxes(new TaxProfile("AU", "NSW"), 4505m, Currency.Jpy));
    }

    [Fact]
    public void TAX_1_alabama_charges_8_percent_and_other_us_states_nothing()
    {
        Assert.Equal([("Sales tax (Simplified Sellers Use Tax)", 8.00m)], Taxes(new TaxProfile("US", "AL")));
        Assert.Empty(Taxes(new TaxProfile("US", "OR")));
    }

    [Fact]
    public void TAX_2_an_eu_business_with_a_vat_id_outside_the_sellers_country_is_reverse_charged()
    {
        var assessment = Calculator.Assess(new Money(100m, Currency.Eur), new TaxProfile("DE", null, "DE123456789"));

        Assert.True(assessment.ReverseCharge);
        Assert.Empty(assessment.Amounts);
        Assert.Contains("Reverse charge", assessment.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void TAX_2_a_vat_id_in_the_sellers_own_country_or_outside_the_eu_still_pays_vat()
    {
        Assert.Equal([("VAT", 23.00m)], Taxes(new TaxProfile("IE", null, "IE1234567T")));
        Assert.Equal([("VAT", 20.00m)], Taxes(new TaxProfile("GB", null, "GB123456789")));
    }

    [Fact]
    public void TAX_2_an_approved_us_exemption_removes_sales_tax()
    {
        var assessment = Calculator.Assess(new Money(100m, Currency.Usd), new TaxProfile("US", "AL", UsExemptionApproved: true));

        Assert.Empty(assessment.Amounts);
        Assert.False(assessment.ReverseCharge);
        Assert.NotNull(assessment.Note);
    }

    [Theory]
    [InlineData("AT", 20.00)]
    [InlineData("BE", 21.00)]
    [InlineData("BG", 20.00)]
    [InlineData("CY", 19.00)]
    [InlineData("CZ", 21.00)]
    [InlineData("DK", 25.00)]
    [InlineData("EE", 24.00)]
    [InlineData("FI", 25.50)]
    [InlineData("GR", 24.00)]
    [InlineData("HR", 25.00)]
    [InlineData("HU", 27.00)]
    [InlineData("IT", 22.00)]
    [InlineData("LT", 21.00)]
    [InlineData("LU", 17.00)]
    [InlineData("LV", 21.00)]
    [InlineData("MT", 18.00)]
    [InlineData("NL", 21.00)]
    [InlineData("PL", 23.00)]
    [InlineData("PT", 23.00)]
    [InlineData("RO", 21.00)]
    [InlineData("SE", 25.00)]
    [InlineData("SI", 22.00)]
    [InlineData("SK", 23.00)]
    public void TAX_1_every_eu_country_charges_its_standard_vat_rate(string country, decimal amount)
    {
        Assert.Equal([("VAT", amount)], Taxes(new TaxProfile(country, null)));
    }

    [Fact]
    public void TAX_1_a_table_naming_an_eu_country_without_its_vat_rate_is_refused()
    {
        var json = """
            { "version": "t", "seller_country": "IE", "eu_countries": ["IE", "FI"],
              "jurisdictions": [{ "country": "IE", "components": [{ "name": "VAT", "rate": 0.23 }] }] }
            """;

        var error = Assert.Throws<TaxTableFormatException>(() => TaxTableLoader.Parse(json));

        Assert.Equal(["eu_countries \"FI\": has no jurisdiction row with its standard VAT rate"], error.Problems);
    }

    [Fact]
    public void TAX_3_rates_are_data_and_bad_rows_are_reported()
    {
        var json = """
            { "version": "t", "seller_country": "IE", "eu_countries": ["DE"],
              "jurisdictions": [{ "country": "DEU", "components": [{ "name": "VAT", "rate": 19 }] }] }
            """;

        var error = Assert.Throws<TaxTableFormatException>(() => TaxTableLoader.Parse(json));

        Assert.Contains(error.Problems, p => p.Contains("\"country\" must be an ISO 3166-1 alpha-2 country code (got \"DEU\")", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("needs a \"rate\" between 0 and 1", StringComparison.Ordinal));
    }
}
