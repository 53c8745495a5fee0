using Subscriptions.Domain.Accounts;

namespace Subscriptions.Domain.Tests.Accounts;

/// <summary>ACC-2: one permission table, the same answer for a member's role and for the authority a call carries.</summary>
public sealed class PermissionTests
{
    [Fact]
    public void ACC_2_every_action_has_a_row_and_ops_may_take_each_while_the_service_and_users_take_none()
    {
        Assert.Equal(Enum.GetValues<AccountAction>().Order(), Permissions.Table.Keys.Order());
        Assert.All(Enum.GetValues<AccountAction>(), action =>
        {
            Assert.True(Permissions.Allows(CallerAuthority.BillingOps, action));
            Assert.False(Permissions.Allows(CallerAuthority.System, action));
            Assert.False(Permissions.Allows(CallerAuthority.User, action));
        });
    }

    [Theory]
    [InlineData(AccountAction.ViewInvoices, true, true)]
    [InlineData(AccountAction.ViewSubscriptions, true, true)]
    [InlineData(AccountAction.PayInvoices, true, true)]
    [InlineData(AccountAction.ManageRecipients, true, true)]
    [InlineData(AccountAction.ManageSubscriptions, true, false)]
    [InlineData(AccountAction.ManagePaymentMethods, true, false)]
    [InlineData(AccountAction.DisputeInvoices, true, false)]
    [InlineData(AccountAction.VoidInvoices, false, false)]
    [InlineData(AccountAction.EraseData, false, false)]
    public void ACC_2_the_holder_and_a_billing_viewer_may_take_what_the_table_says_and_the_account_agrees(AccountAction action, bool holder, bool viewer)
    {
        var account = new AccountBuilder().WithMember("viewer-1", AccountRole.BillingViewer).Build();

        Assert.Equal((holder, viewer), (Permissions.Allows(CallerAuthority.PrimaryHolder, action), Permissions.Allows(CallerAuthority.BillingViewer, action)));
        Assert.Equal((holder, viewer), (account.Allows(AccountBuilder.Holder, action), account.Allows(Actor.Customer("viewer-1"), action)));
        Assert.Equal(
            (CallerAuthority.PrimaryHolder, CallerAuthority.BillingViewer, CallerAuthority.BillingOps),
            (account.AuthorityOf(AccountBuilder.Holder), account.AuthorityOf(Actor.Customer("viewer-1")), account.AuthorityOf(AccountBuilder.Ops)));
    }
}
