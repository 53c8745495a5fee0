using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

/// <summary>The one place a payment's method is chosen (INV-3, ACC-3, INV-6).</summary>
public sealed class ChargeSourceTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;

    [Fact]
    public void INV_3_a_payment_naming_no_method_is_charged_to_the_default_one_and_autopay_uses_it_too()
    {
        var account = new AccountBuilder().WithCard("c1").WithCard("c2").Build();

        var paid = account.ChargeSourceFor(null, null, Now);
        var (autopay, skipped) = account.AutopaySource(Now);

        Assert.Equal(account.DefaultPaymentMethod!.Id, paid.PaymentMethodId);
        Assert.Equal(paid, autopay);
        Assert.Null(skipped);
    }

    [Fact]
    public void INV_3_a_named_saved_method_or_a_one_time_card_is_charged_as_given()
    {
        var account = new AccountBuilder().WithCard("c1").WithCard("c2").Build();

        Assert.Equal("c2", account.ChargeSourceFor(" c2 ", null, Now).PaymentMethodId);
        Assert.Equal(new ChargeSource("tok_once", "one-time card", null), account.ChargeSourceFor(null, " tok_once ", Now));
    }

    [Fact]
    public void INV_3_without_a_default_method_a_payment_must_name_one_and_autopay_skips()
    {
        var account = new AccountBuilder().Build();

        var error = Assert.Throws<RuleViolationException>(() => account.ChargeSourceFor(null, null, Now));

        Assert.Equal(Rules.Inv3, error.RuleId);
        Assert.Equal((null, "no chargeable default payment method"), account.AutopaySource(Now));
    }

    [Fact]
    public void ACC_3_an_expired_card_is_refused_for_a_payment_and_skipped_by_autopay()
    {
        var account = new AccountBuilder().WithCard("c1", expiryMonth: 6, expiryYear: 2025).Build();
        var july = Now.AddMonths(1);

        var error = Assert.Throws<RuleViolationException>(() => account.ChargeSourceFor(null, null, july));

        Assert.Equal(Rules.Acc3, error.RuleId);
        Assert.Equal((null, "no chargeable default payment method"), account.AutopaySource(july));
        Assert.Equal("c1", account.ChargeSourceFor(null, null, Now).PaymentMethodId);
    }

    [Fact]
    public void INV_3_a_saved_method_and_a_one_time_card_together_or_an_unknown_method_are_bad_fields()
    {
        var account = new AccountBuilder().WithCard("c1").Build();

        Assert.Equal("payment_method_id", Assert.Single(Assert.Throws<ValidationException>(() => account.ChargeSourceFor("c1", "tok_once", Now)).Violations).Field);
        Assert.Equal("payment_method_id", Assert.Single(Assert.Throws<ValidationException>(() => account.ChargeSourceFor("nope", null, Now)).Violations).Field);
    }
}
