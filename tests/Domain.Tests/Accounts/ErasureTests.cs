using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Errors;
using static Subscriptions.Domain.Tests.Accounts.AccountBuilder;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class ErasureTests
{
    [Fact]
    public void ACC_8_erasure_keeps_the_financial_identity_and_erases_every_personal_field()
    {
        var account = Account.Decide(new AccountBuilder().Build(), new AddCard("card-1", CardBrand.Visa, "tok_1", "4242", 12, 2030), new AccountContext(Holder, Now)).State;

        var decision = Account.Decide(account, new ErasePersonalData("GDPR request 7"), new AccountContext(Ops, Now));
        var erased = decision.State;

        Assert.Equal((account.Id, account.Currency, account.Kind, account.BillingAddress.Country, account.BillingAddress.Region), (erased.Id, erased.Currency, erased.Kind, erased.BillingAddress.Country, erased.BillingAddress.Region));
        Assert.Equal(Now, erased.PersonalDataErasedAt);
        Assert.Equal((Account.ErasedMarker, Account.ErasedMarker, Account.ErasedMarker), (erased.CompanyName, erased.PrimaryContact.Email, erased.BillingAddress.Line1));
        Assert.Empty(erased.PaymentMethods);
        Assert.Empty(erased.InvoiceRecipientEmails);
        Assert.Null(erased.RoleOf(HolderId));
        var audit = Assert.Single(decision.Audit);
        Assert.Equal(("personal_data_erased", null, "reason: GDPR request 7"), (audit.What, audit.Before, audit.After));
    }

    [Fact]
    public void ACC_8_only_billing_ops_erase_a_reason_is_required_and_an_erased_account_takes_no_change()
    {
        var account = new AccountBuilder().Build();

        var denied = Assert.Throws<PermissionDeniedException>(() => Account.Decide(account, new ErasePersonalData("please"), new AccountContext(Holder, Now)));
        var noReason = Assert.Throws<ValidationException>(() => Account.Decide(account, new ErasePersonalData(" "), new AccountContext(Ops, Now)));
        var erased = Account.Decide(account, new ErasePersonalData("GDPR"), new AccountContext(Ops, Now)).State;
        var change = Assert.Throws<RuleViolationException>(() => Account.Decide(erased, new SetAutopay(true), new AccountContext(Ops, Now)));

        Assert.Equal(Rules.Acc2, denied.RuleId);
        Assert.Equal("reason", noReason.Violations.Single().Field);
        Assert.Equal(Rules.Acc8, change.RuleId);
        Assert.False(Account.Decide(erased, new ErasePersonalData("again"), new AccountContext(Ops, Now)).Changed);
    }

    [Fact]
    public void ACC_8_an_account_with_a_live_subscription_is_not_erased_one_whose_subscriptions_all_ended_is()
    {
        var account = new AccountBuilder().Build();
        var live = new AccountContext(Ops, Now) { SubscriptionIds = ["sub-1", "sub-2"], LiveSubscriptionIds = ["sub-2"] };
        var ended = live with { LiveSubscriptionIds = [] };

        var refused = Assert.Throws<RuleViolationException>(() => Account.Decide(account, new ErasePersonalData("GDPR"), live));
        var erased = Account.Decide(account, new ErasePersonalData("GDPR"), ended);

        Assert.Equal(Rules.Acc8, refused.RuleId);
        Assert.Contains("\"sub-2\"", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("sub-1", refused.Reason, StringComparison.Ordinal);
        Assert.True(erased.Changed);
    }
}
