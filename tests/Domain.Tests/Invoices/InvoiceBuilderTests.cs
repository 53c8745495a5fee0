using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Tax;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Invoices;


public sealed class InvoiceBuilderTests
{
    private static ChargeLine Line(InvoiceLineKind kind, decimal quantity, decimal unit, Currency? currency = null, ProrationFactor? proration = null) =>
        new(kind, $"{kind} line", quantity, new Money(unit, currency ?? Currency.Usd), proration);

    [Fact]
    public void INV_1_invoice_is_open_due_15_days_after_issue_with_subtotal_total_and_balance()
    {
        var invoice = new InvoiceBuilder("acc-1", InvoiceNumber.Format("ACME", 42), Utc(2025, 8, 1), Currency.Usd)
            .Add([Line(InvoiceLineKind.SubscriptionCharge, 10, 27.00m), Line(InvoiceLineKind.ProrationCharge, 10, 27.00m, proration: new ProrationFactor(16, 31))])
            .Build();

        Assert.Equal("ACME-000042", invoice.Number);
        Assert.Equal(Utc(2025, 8, 16), invoice.DueAt);
        Assert.Equal(InvoiceStatus.Open, invoice.Status);
        Assert.Equal([270.00m, 139.35m], invoice.Lines.Select(l => l.Amount.Amount));
        Assert.Equal(409.35m, invoice.Subtotal.Amount);
        Assert.Equal(409.35m, invoice.Total.Amount);
        Assert.Equal(0m, invoice.AmountPaid.Amount);
        Assert.Equal(409.35m, invoice.Balance.Amount);
    }

    [Fact]
    public void INV_1_each_line_is_rounded_half_away_from_zero_once_at_finalisation()
    {
        var invoice = new InvoiceBuilder("acc-1", "ACME-000001", Utc(2025, 8, 1), Currency.Usd)
            .Add([Line(InvoiceLineKind.Fee, 1, 0.125m), Line(InvoiceLineKind.SubscriptionCharge, 1, 10m), Line(InvoiceLineKind.ProrationCredit, 1, 0.125m)])
            .Build();

        Assert.Equal([0.13m, 10.00m, -0.13m], invoice.Lines.Select(l => l.Amount.Amount));
        Assert.Equal(10.00m, invoice.Total.Amount);
    }

    [Fact]
    public void INV_1_yen_lines_round_to_whole_yen()
    {
        var invoice = new InvoiceBuilder("acc-1", "ACME-000001", Utc(2025, 8, 1), Currency.Jpy)
            .Add([Line(InvoiceLineKind.ProrationCharge, 1, 18000m, Currency.Jpy, new ProrationFactor(100, 365))])
            .Build();

        Assert.Equal(4932m, invoice.Total.Amount);
    }

    [Fact]
    public void INV_2_tax_lines_are_computed_on_the_subtotal_and_added_to_the_total()
    {
        var calculator = new TaxCalculator(TaxTableLoader.LoadDefault());

        var invoice = new InvoiceBuilder("acc-1", "ACME-000001", Utc(2025, 8, 1), Currency.Cad)
            .Add([Line(InvoiceLineKind.SubscriptionCharge, 1, 100m, Currency.Cad)])
            .Build(subtotal => calculator.Assess(subtotal, new TaxProfile("CA", "QC")));

        Assert.Equal(100.00m, invoice.Subtotal.Amount);
        Assert.Equal(14.98m, invoice.Tax.Amount);
        Assert.Equal(114.98m, invoice.Total.Amount);
        Assert.Equal(2, invoice.Lines.Count(l => l.Kind == InvoiceLineKind.Tax));
    }

    [Fact]
    public void INV_1_an_empty_or_negative_invoice_is_refused()
    {
        var empty = new InvoiceBuilder("acc-1", "ACME-000001", Utc(2025, 8, 1), Currency.Usd);
        var negative = new InvoiceBuilder("acc-1", "ACME-000002", Utc(2025, 8, 1), Currency.Usd).Add([Line(InvoiceLineKind.ProrationCredit, 1, 5m)]);

        Assert.Equal(Rules.Inv1, Assert.Throws<RuleViolationException>(() => empty.Build()).RuleId);
        Assert.Contains("-5.00 USD", Assert.Throws<RuleViolationException>(() => negative.Build()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INV_1_a_line_in_another_currency_is_refused()
    {
        var builder = new InvoiceBuilder("acc-1", "ACME-000001", Utc(2025, 8, 1), Currency.Eur);

        var error = Assert.Throws<ValidationException>(() => builder.Add([Line(InvoiceLineKind.Fee, 1, 5m)]));

        Assert.Equal("currency", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void INV_1_invoice_numbers_need_a_prefix_and_a_positive_sequence()
    {
        Assert.Equal("INV-7-000123", InvoiceNumber.Format(Rules.Inv7, 123));
        Assert.Equal("sequence", Assert.Single(Assert.Throws<ValidationException>(() => InvoiceNumber.Format("INV", 0)).Violations).Field);
        Assert.Equal("invoice_prefix", Assert.Single(Assert.Throws<ValidationException>(() => InvoiceNumber.Format("a b", 1)).Violations).Field);
    }

    [Fact]
    public void INV_1_an_invoice_above_the_largest_total_is_refused()
    {
        var builder = new InvoiceBuilder("acc-1", "ACME-000001", Utc(2025, 8, 1), Currency.Usd)
            .Add([Line(InvoiceLineKind.SubscriptionCharge, 100_000, 10_000_000.01m)]);

        var error = Assert.Throws<RuleViolationException>(() => builder.Build());

        Assert.Equal(Rules.Inv1, error.RuleId);
        Assert.Contains("above the largest invoice total", error.Message, StringComparison.Ordinal);
    }
}
