using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Tests.Invoices;


public sealed class MoneyDisplayTests
{
    [Theory]
    [InlineData("USD", "1234.5", "$1,234.50")]
    [InlineData("EUR", "1234567.891", "1.234.567,89 €")]
    [InlineData("JPY", "1200", "¥1,200")]
    [InlineData("CHF", "1234.5", "CHF 1'234.50")]
    [InlineData("GBP", "-3.33", "−£3.33")]
    [InlineData("CAD", "0", "CA$0.00")]
    public void INV_8_amounts_read_in_the_format_of_the_invoice_currency(string currency, string amount, string shown) =>
        Assert.Equal(shown, MoneyDisplay.Format(new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), Currency.Parse(currency))));

    [Fact]
    public void INV_9_the_local_amount_is_the_invoice_amount_times_the_rate_rounded_to_the_local_minor_unit()
    {
        Assert.Equal(new Money(11.04m, Currency.Eur), MoneyDisplay.Local(new Money(12.00m, Currency.Usd), Currency.Eur, 0.92m));
        Assert.Equal(new Money(1797m, Currency.Jpy), MoneyDisplay.Local(new Money(12.00m, Currency.Usd), Currency.Jpy, 149.75m));
        Assert.Equal(new Money(0.01m, Currency.Gbp), MoneyDisplay.Local(new Money(0.01m, Currency.Usd), Currency.Gbp, 0.505m));
        Assert.Equal("exchange_rate", Assert.Throws<ValidationException>(() => MoneyDisplay.Local(new Money(1m, Currency.Usd), Currency.Eur, 0m)).Violations.Single().Field);
    }
}
