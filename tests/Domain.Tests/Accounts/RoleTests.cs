using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class RoleTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;
    private static readonly Actor Viewer = Actor.Customer("u-viewer");
    private static readonly Actor User = Actor.Customer("u-user");

    private static Account AccountWithMembers() =>
        new AccountBuilder().WithMember("u-viewer", AccountRole.BillingViewer).WithMember("u-user", AccountRole.User).Build();

    [Fact]
    public void ACC_2_a_billing_viewer_cannot_change_payment_methods()
    {
        var account = AccountWithMembers();

        var error = Assert.Throws<PermissionDeniedException>(() =>
            account.Decide(Viewer, new AddCard("pm-1", CardBrand.Visa, "tok_1", "4242", 12, 2030), Now));

        Assert.Equal(Rules.Acc2, error.RuleId);
        Assert.Contains("\"u-viewer\" (billing-viewer) may not change payment methods on account \"acc-1\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_2_a_billing_viewer_cannot_change_the_billing_address() =>
        Assert.Throws<PermissionDeniedException>(() =>
            AccountWithMembers().Decide(Viewer, new ChangeBillingAddress(Addresses.Alabama), Now));

    [Theory]
    [InlineData(AccountAction.ViewBillingInfo)]
    [InlineData(AccountAction.ViewInvoices)]
    [InlineData(AccountAction.PayInvoices)]
    [InlineData(AccountAction.ManageRecipients)]
    public void ACC_2_a_billing_viewer_may_view_and_pay_invoices_and_manage_recipients(AccountAction action) =>
        Assert.True(AccountWithMembers().Allows(Viewer, action));

    [Theory]
    [InlineData(AccountAction.ChangeBillingInfo)]
    [InlineData(AccountAction.ManagePaymentMethods)]
    [InlineData(AccountAction.ManageSubscriptions)]
    [InlineData(AccountAction.ManageMembers)]
    [InlineData(AccountAction.ChangeBillingContact)]
    [InlineData(AccountAction.ManageTaxSettings)]
    public void ACC_2_only_the_primary_holder_changes_billing_info_payment_methods_and_subscriptions(AccountAction action)
    {
        var account = AccountWithMembers();

        Assert.True(account.Allows(AccountBuilder.Holder, action));
        Assert.False(account.Allows(Viewer, action));
        Assert.False(account.Allows(User, action));
        Assert.Equal(Rules.Acc2, Assert.Throws<PermissionDeniedException>(() => account.Authorize(Viewer, action)).RuleId);
    }

    [Fact]
    public void ACC_2_a_user_has_no_access_to_billing()
    {
        var account = AccountWithMembers();

        Assert.All(Enum.GetValues<AccountAction>(), action => Assert.False(account.Allows(User, action)));
    }

    [Fact]
    public void ACC_2_a_stranger_is_refused_and_told_they_are_not_a_member()
    {
        var error = Assert.Throws<PermissionDeniedException>(() =>
            AccountWithMembers().Authorize(Actor.Customer("u-stranger"), AccountAction.ViewInvoices));

        Assert.Contains("\"u-stranger\", who is not a member,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_2_billing_ops_act_on_any_account()
    {
        var account = AccountWithMembers();

        Assert.All(Enum.GetValues<AccountAction>(), action => Assert.True(account.Allows(AccountBuilder.Ops, action)));
    }

    [Theory]
    [InlineData(AccountAction.DecideTaxExemption)]
    [InlineData(AccountAction.ViewAuditTrail)]
    public void ACC_2_some_actions_are_for_billing_ops_only(AccountAction action)
    {
        var error = Assert.Throws<PermissionDeniedException>(() => AccountWithMembers().Authorize(AccountBuilder.Holder, action));

        Assert.Contains("only billing ops may", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_2_the_primary_holder_adds_a_billing_viewer()
    {
        var decision = new AccountBuilder().Build()
            .Decide(AccountBuilder.Holder, new AddMember("u-kim", "kim@acme.example.com", AccountRole.BillingViewer), Now);

        Assert.Equal(AccountRole.BillingViewer, decision.State.RoleOf("u-kim"));
        Assert.Equal(("member", (string?)null, "u-kim <kim@acme.example.com> billing-viewer"),
            (decision.Audit[0].What, decision.Audit[0].Before, decision.Audit[0].After));
    }

    [Fact]
    public void ACC_2_a_second_primary_holder_cannot_be_added()
    {
        var error = Assert.Throws<ValidationException>(() => new AccountBuilder().Build()
            .Decide(AccountBuilder.Holder, new AddMember("u-kim", "kim@acme.example.com", AccountRole.PrimaryHolder), Now));

        Assert.Equal("role", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void ACC_2_a_member_cannot_be_added_twice()
    {
        var error = Assert.Throws<RuleViolationException>(() => AccountWithMembers()
            .Decide(AccountBuilder.Holder, new AddMember("u-user", "other@acme.example.com", AccountRole.BillingViewer), Now));

        Assert.Equal(Rules.Acc2, error.RuleId);
        Assert.Contains("already a member", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_2_a_member_is_removed_but_never_the_primary_holder()
    {
        var account = AccountWithMembers();

        var removed = account.Decide(AccountBuilder.Holder, new RemoveMember("u-user"), Now).State;
        var error = Assert.Throws<RuleViolationException>(() => account.Decide(AccountBuilder.Ops, new RemoveMember(AccountBuilder.HolderId), Now));

        Assert.Null(removed.RoleOf("u-user"));
        Assert.Equal(Rules.Acc2, error.RuleId);
    }

    [Fact]
    public void ACC_2_removing_an_unknown_member_is_not_found() =>
        Assert.Throws<NotFoundException>(() => AccountWithMembers().Decide(AccountBuilder.Holder, new RemoveMember("u-ghost"), Now));

    [Fact]
    public void ACC_2_a_member_switches_between_billing_viewer_and_user()
    {
        var decision = AccountWithMembers().Decide(AccountBuilder.Holder, new ChangeMemberRole("u-user", AccountRole.BillingViewer), Now);

        Assert.Equal(AccountRole.BillingViewer, decision.State.RoleOf("u-user"));
        Assert.Equal("u-user <u-user@acme.example.com> user", decision.Audit[0].Before);
    }

    [Fact]
    public void ACC_2_the_primary_holder_hands_the_billing_contact_to_another_member_and_stays_a_viewer()
    {
        var decision = AccountWithMembers().Decide(AccountBuilder.Holder, new ChangeBillingContact("u-viewer"), Now);

        Assert.Equal("u-viewer", decision.State.PrimaryHolder.SubjectId);
        Assert.Equal(AccountRole.BillingViewer, decision.State.RoleOf(AccountBuilder.HolderId));
        Assert.Single(decision.State.Members, m => m.Role == AccountRole.PrimaryHolder);
        Assert.Equal("u-viewer@acme.example.com", decision.State.InvoiceRecipientEmails[0]);
        var entry = Assert.Single(decision.Audit);
        Assert.Equal(("billing_contact", "u-holder <jane@acme.example.com>", "u-viewer <u-viewer@acme.example.com>"), (entry.What, entry.Before, entry.After));
    }

    [Fact]
    public void ACC_2_billing_ops_change_the_billing_contact_and_the_entry_says_so()
    {
        var decision = AccountWithMembers().Decide(AccountBuilder.Ops, new ChangeBillingContact("u-user"), Now);

        Assert.Equal("u-user", decision.State.PrimaryHolder.SubjectId);
        Assert.True(Assert.Single(decision.Audit).ActorIsOps);
    }

    [Fact]
    public void ACC_2_a_billing_viewer_cannot_make_themselves_billing_contact()
    {
        var error = Assert.Throws<PermissionDeniedException>(() => AccountWithMembers().Decide(Viewer, new ChangeBillingContact("u-viewer"), Now));

        Assert.Contains("change the billing contact", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_2_the_billing_contact_must_be_a_member() =>
        Assert.Throws<NotFoundException>(() => AccountWithMembers().Decide(AccountBuilder.Holder, new ChangeBillingContact("u-ghost"), Now));
}
