using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class PaymentMethodTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;
    private static readonly Actor Holder = AccountBuilder.Holder;

    private static AddCard Visa(string id, int expiryMonth = 12, int expiryYear = 2030) =>
        new(id, CardBrand.Visa, $"tok_{id}", "4242", expiryMonth, expiryYear);

    [Fact]
    public void ACC_3_a_fifth_card_is_refused()
    {
        var account = new AccountBuilder().WithCard("c1").WithCard("c2").WithCard("c3").WithCard("c4").Build();

        var error = Assert.Throws<RuleViolationException>(() => account.Decide(Holder, Visa("c5"), Now));

        Assert.Equal(Rules.Acc3, error.RuleId);
        Assert.Equal("Account \"acc-1\" already has 4 cards, the most allowed; remove one before adding another.", error.Reason);
    }

    [Fact]
    public void ACC_3_a_third_bank_account_is_refused()
    {
        var account = new AccountBuilder().WithBankAccount("b1").WithBankAccount("b2").Build();

        var error = Assert.Throws<RuleViolationException>(() =>
            account.Decide(Holder, new AddBankAccount("b3", "tok_b3", "Other Bank", "1111"), Now));

        Assert.Contains("already has 2 bank accounts", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_3_a_third_paypal_wallet_is_refused()
    {
        var account = new AccountBuilder().WithWallet("w1").WithWallet("w2").Build();

        var error = Assert.Throws<RuleViolationException>(() =>
            account.Decide(Holder, new AddPayPalWallet("w3", "tok_w3", "w3@example.com"), Now));

        Assert.Contains("already has 2 PayPal wallets", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_3_limits_are_per_kind()
    {
        var account = new AccountBuilder()
            .WithCard("c1").WithCard("c2").WithCard("c3").WithCard("c4")
            .WithBankAccount("b1").WithBankAccount("b2").WithWallet("w1").WithWallet("w2")
            .Build();

        Assert.Equal(8, account.PaymentMethods.Count);
    }

    [Fact]
    public void ACC_3_discover_is_refused_on_a_eur_account()
    {
        var account = new AccountBuilder().WithCurrency(Currency.Eur).WithBillingAddress(Addresses.Germany).Build();

        var error = Assert.Throws<RuleViolationException>(() =>
            account.Decide(Holder, new AddCard("c1", CardBrand.Discover, "tok_c1", "1117", 12, 2030), Now));

        Assert.Equal(Rules.Acc3, error.RuleId);
        Assert.Equal("Discover cards are accepted only on USD accounts; account \"acc-1\" is billed in EUR.", error.Reason);
    }

    [Fact]
    public void ACC_3_discover_is_accepted_on_a_usd_account()
    {
        var account = new AccountBuilder().WithCard("c1", CardBrand.Discover).Build();

        Assert.Equal(CardBrand.Discover, Assert.IsType<Card>(Assert.Single(account.PaymentMethods)).Brand);
    }

    [Theory]
    [InlineData(CardBrand.Visa)]
    [InlineData(CardBrand.Mastercard)]
    [InlineData(CardBrand.AmericanExpress)]
    [InlineData(CardBrand.VisaElectron)]
    [InlineData(CardBrand.AmericanExpressUk)]
    public void ACC_3_other_brands_are_accepted_in_any_currency(CardBrand brand)
    {
        var account = new AccountBuilder().WithCurrency(Currency.Gbp).WithCard("c1", brand).Build();

        Assert.Equal(brand, Assert.IsType<Card>(account.DefaultPaymentMethod).Brand);
    }

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("tok-4111-1111-1111-1111")]
    [InlineData("378282246310005")]
    public void ACC_3_a_card_number_in_the_token_field_is_refused_without_being_echoed(string token)
    {
        var account = new AccountBuilder().Build();

        var error = Assert.Throws<ValidationException>(() =>
            account.Decide(Holder, new AddCard("c1", CardBrand.Visa, token, "1111", 12, 2030), Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("gateway_token", violation.Field);
        Assert.Contains("looks like a card number", violation.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_3_a_card_number_in_the_last_four_digits_field_is_refused_without_being_echoed()
    {
        var error = Assert.Throws<ValidationException>(() => new AccountBuilder().Build()
            .Decide(Holder, new AddCard("c1", CardBrand.Visa, "tok_c1", "5555555555554444", 12, 2030), Now));

        Assert.Equal("last4", Assert.Single(error.Violations).Field);
        Assert.DoesNotContain("5555555555554444", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_3_a_card_number_in_the_bank_name_is_refused() =>
        Assert.Equal("bank_name", Assert.Single(Assert.Throws<ValidationException>(() => new AccountBuilder().Build()
            .Decide(Holder, new AddBankAccount("b1", "tok_b1", "4000 0566 5566 5556", "6789"), Now)).Violations).Field);

    [Fact]
    public void ACC_3_malformed_card_details_are_all_reported()
    {
        var error = Assert.Throws<ValidationException>(() => new AccountBuilder().Build()
            .Decide(Holder, new AddCard("", (CardBrand)99, "", "42", 13, 30), Now));

        Assert.Equal(
            ["payment_method_id", "gateway_token", "brand", "last4", "expiry_month", "expiry_year"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ACC_3_the_first_payment_method_becomes_the_default()
    {
        var decision = new AccountBuilder().Build().Decide(Holder, new AddBankAccount("b1", "tok_b1", "First Bank", "6789"), Now);

        Assert.Equal("b1", decision.State.DefaultPaymentMethodId);
        Assert.Equal(["payment_method", "default_payment_method"], decision.Audit.Select(e => e.What));
    }

    [Fact]
    public void ACC_3_later_payment_methods_do_not_change_the_default()
    {
        var account = new AccountBuilder().WithCard("c1").WithBankAccount("b1").WithWallet("w1").Build();

        Assert.Equal("c1", account.DefaultPaymentMethodId);
    }

    [Fact]
    public void ACC_3_the_same_gateway_token_cannot_be_saved_twice()
    {
        var account = new AccountBuilder().WithCard("c1").Build();

        var error = Assert.Throws<RuleViolationException>(() =>
            account.Decide(Holder, new AddCard("c2", CardBrand.Visa, "tok_c1", "4242", 12, 2030), Now));

        Assert.Contains("already has this payment method (id \"c1\"", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_3_an_expired_card_cannot_be_made_default()
    {
        var account = new AccountBuilder().WithBankAccount("b1").WithCard("c1", expiryMonth: 7, expiryYear: 2025).Build();
        var inAugust = new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);

        var error = Assert.Throws<RuleViolationException>(() => account.Decide(Holder, new SetDefaultPaymentMethod("c1"), inAugust));

        Assert.Equal(Rules.Acc3, error.RuleId);
        Assert.Contains("Visa ending 4242 (expires 07/2025) has expired", error.Reason, StringComparison.Ordinal);
        Assert.Contains("an expired card cannot be made the default", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_3_a_card_is_valid_through_the_last_day_of_its_expiry_month()
    {
        var account = new AccountBuilder().WithBankAccount("b1").WithCard("c1", expiryMonth: 7, expiryYear: 2025).Build();
        var lastDayOfJuly = new DateTimeOffset(2025, 7, 31, 23, 59, 0, TimeSpan.Zero);

        Assert.Equal("c1", account.Decide(Holder, new SetDefaultPaymentMethod("c1"), lastDayOfJuly).State.DefaultPaymentMethodId);
    }

    [Fact]
    public void ACC_3_card_expiry_follows_the_account_time_zone()
    {
        var account = new AccountBuilder().WithTimeZone("America/Los_Angeles")
            .WithBankAccount("b1").WithCard("c1", expiryMonth: 7, expiryYear: 2025).Build();
        var augustInUtcButJulyInLosAngeles = new DateTimeOffset(2025, 8, 1, 3, 0, 0, TimeSpan.Zero);

        var decision = account.Decide(Holder, new SetDefaultPaymentMethod("c1"), augustInUtcButJulyInLosAngeles);

        Assert.Equal("c1", decision.State.DefaultPaymentMethodId);
    }

    [Fact]
    public void ACC_3_an_already_expired_card_cannot_be_saved()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            new AccountBuilder().Build().Decide(Holder, Visa("c1", expiryMonth: 5, expiryYear: 2025), Now));

        Assert.Equal(Rules.Acc3, error.RuleId);
    }

    [Fact]
    public void ACC_3_removing_the_default_promotes_the_most_recently_added_usable_method()
    {
        var account = new AccountBuilder().WithCard("c1").WithBankAccount("b1").WithCard("c2").Build();

        var decision = account.Decide(Holder, new RemovePaymentMethod("c1"), Now);

        Assert.Equal("c2", decision.State.DefaultPaymentMethodId);
        Assert.Equal(["b1", "c2"], decision.State.PaymentMethods.Select(m => m.Id));
        Assert.Equal(
            [("payment_method", "Visa ending 4242 (expires 12/2030)", null), ("default_payment_method", "Visa ending 4242 (expires 12/2030)", "Visa ending 4242 (expires 12/2030)")],
            decision.Audit.Select(e => (e.What, e.Before, e.After)));
    }

    [Fact]
    public void ACC_3_promotion_skips_expired_cards()
    {
        var account = new AccountBuilder().WithCard("c1").WithBankAccount("b1").WithCard("c2", expiryMonth: 7, expiryYear: 2025).Build();
        var inAugust = new DateTimeOffset(2025, 8, 10, 0, 0, 0, TimeSpan.Zero);

        var decision = account.Decide(Holder, new RemovePaymentMethod("c1"), inAugust);

        Assert.Equal("b1", decision.State.DefaultPaymentMethodId);
    }

    [Fact]
    public void ACC_3_when_only_expired_cards_remain_the_newest_one_is_still_the_default()
    {
        var account = new AccountBuilder().WithBankAccount("b1").WithCard("c1", expiryMonth: 6, expiryYear: 2025).WithCard("c2", expiryMonth: 7, expiryYear: 2025).Build();
        var inAugust = new DateTimeOffset(2025, 8, 10, 0, 0, 0, TimeSpan.Zero);

        var decision = account.Decide(Holder, new RemovePaymentMethod("b1"), inAugust);

        Assert.Equal("c2", decision.State.DefaultPaymentMethodId);
        Assert.False(decision.State.HasAutomaticPaymentMethod(inAugust));
    }

    [Fact]
    public void ACC_3_removing_the_last_payment_method_leaves_no_default()
    {
        var decision = new AccountBuilder().WithCard("c1").Build().Decide(Holder, new RemovePaymentMethod("c1"), Now);

        Assert.Empty(decision.State.PaymentMethods);
        Assert.Null(decision.State.DefaultPaymentMethodId);
        Assert.Null(decision.State.DefaultPaymentMethod);
    }

    [Fact]
    public void ACC_3_removing_another_method_keeps_the_default()
    {
        var decision = new AccountBuilder().WithCard("c1").WithWallet("w1").Build().Decide(Holder, new RemovePaymentMethod("w1"), Now);

        Assert.Equal("c1", decision.State.DefaultPaymentMethodId);
        Assert.Single(decision.Audit);
    }

    [Fact]
    public void ACC_3_removing_an_unknown_payment_method_is_not_found()
    {
        var error = Assert.Throws<NotFoundException>(() => new AccountBuilder().Build().Decide(Holder, new RemovePaymentMethod("nope"), Now));

        Assert.Equal("acc-1/nope", error.Id);
    }

    [Fact]
    public void ACC_3_setting_the_current_default_again_changes_nothing()
    {
        var account = new AccountBuilder().WithCard("c1").Build();

        var decision = account.Decide(Holder, new SetDefaultPaymentMethod("c1"), Now);

        Assert.False(decision.Changed);
        Assert.Same(account, decision.State);
    }

    [Fact]
    public void ACC_3_autopay_is_switched_on_and_off()
    {
        var account = new AccountBuilder().WithKind(AccountKind.Corporate).Build();

        var on = account.Decide(Holder, new SetAutopay(true), Now);
        var off = on.State.Decide(Holder, new SetAutopay(false), Now);

        Assert.True(on.State.AutopayEnabled);
        Assert.False(off.State.AutopayEnabled);
        Assert.Equal(("autopay", "off", "on"), (on.Audit[0].What, on.Audit[0].Before, on.Audit[0].After));
    }

    [Fact]
    public void QUO_4_a_saved_card_valid_that_day_or_a_bank_account_is_an_automatic_payment_method_a_wallet_or_an_expired_card_is_not()
    {
        var walletDefault = new AccountBuilder().WithWallet("paypal-1").WithCard("c1", expiryMonth: 1, expiryYear: 2026).Build();
        var inFebruary = new DateTimeOffset(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);

        Assert.True(new AccountBuilder().WithCard("c1").Build().HasAutomaticPaymentMethod(Now));
        Assert.True(new AccountBuilder().WithBankAccount("b1").Build().HasAutomaticPaymentMethod(Now));
        Assert.Equal("paypal-1", walletDefault.DefaultPaymentMethodId);
        Assert.True(walletDefault.HasAutomaticPaymentMethod(Now));
        Assert.False(walletDefault.HasAutomaticPaymentMethod(inFebruary));
        Assert.False(new AccountBuilder().WithWallet("paypal-1").Build().HasAutomaticPaymentMethod(Now));
    }

    [Fact]
    public void QUO_4_paypal_alone_or_no_payment_method_is_not_an_automatic_payment_method()
    {
        Assert.False(new AccountBuilder().WithWallet("w1").Build().HasAutomaticPaymentMethod(Now));
        Assert.False(new AccountBuilder().Build().HasAutomaticPaymentMethod(Now));
    }

    [Fact]
    public void QUO_4_an_expired_default_card_is_not_an_automatic_payment_method()
    {
        var account = new AccountBuilder().WithCard("c1", expiryMonth: 7, expiryYear: 2025).Build();

        Assert.True(account.HasAutomaticPaymentMethod(Now));
        Assert.False(account.HasAutomaticPaymentMethod(new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
