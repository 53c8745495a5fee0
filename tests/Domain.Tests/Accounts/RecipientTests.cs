using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Xunit;

namespace Subscriptions.Domain.Tests.Accounts;

public sealed class RecipientTests
{
    private static readonly DateTimeOffset Now = AccountBuilder.Now;
    private static readonly Actor Holder = AccountBuilder.Holder;

    [Fact]
    public void ACC_4_up_to_five_invoice_recipients_join_the_billing_contact()
    {
        var account = new AccountBuilder().WithInvoiceRecipients(5).Build();

        Assert.Equal(6, account.InvoiceRecipientEmails.Count);
        Assert.Equal("jane@acme.example.com", account.InvoiceRecipientEmails[0]);
    }

    [Fact]
    public void ACC_4_a_sixth_invoice_recipient_is_refused()
    {
        var account = new AccountBuilder().WithInvoiceRecipients(5).Build();

        var error = Assert.Throws<RuleViolationException>(() => account.Decide(Holder, new AddInvoiceRecipient("ap6@acme.example.com"), Now));

        Assert.Equal(Rules.Acc4, error.RuleId);
        Assert.Contains("already has 5 invoice recipients", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ap1@acme.example.com")]
    [InlineData("AP1@ACME.example.com")]
    [InlineData("jane@acme.example.com")]
    public void ACC_4_a_duplicate_invoice_recipient_is_refused(string email)
    {
        var account = new AccountBuilder().WithInvoiceRecipients(1).Build();

        var error = Assert.Throws<RuleViolationException>(() => account.Decide(Holder, new AddInvoiceRecipient(email), Now));

        Assert.Equal(Rules.Acc4, error.RuleId);
        Assert.Contains("already receives the invoices", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_4_a_malformed_recipient_is_refused_naming_the_field() =>
        Assert.Equal("email", Assert.Single(Assert.Throws<ValidationException>(() =>
            new AccountBuilder().Build().Decide(Holder, new AddInvoiceRecipient("ap@acme"), Now)).Violations).Field);

    [Fact]
    public void ACC_4_an_invoice_recipient_is_removed()
    {
        var decision = new AccountBuilder().WithInvoiceRecipients(2).Build().Decide(Holder, new RemoveInvoiceRecipient("AP1@acme.example.com"), Now);

        Assert.Equal(["ap2@acme.example.com"], decision.State.InvoiceRecipients);
        Assert.Equal(("invoice_recipient", "ap1@acme.example.com", (string?)null), (decision.Audit[0].What, decision.Audit[0].Before, decision.Audit[0].After));
    }

    [Fact]
    public void ACC_4_the_billing_contact_cannot_be_removed_from_invoice_recipients()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            new AccountBuilder().Build().Decide(Holder, new RemoveInvoiceRecipient("jane@acme.example.com"), Now));

        Assert.Contains("change the billing contact instead", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ACC_4_removing_an_unknown_recipient_is_not_found() =>
        Assert.Throws<NotFoundException>(() => new AccountBuilder().Build().Decide(Holder, new RemoveInvoiceRecipient("who@example.com"), Now));

    [Fact]
    public void ACC_4_receipts_go_to_exactly_one_address_which_can_be_replaced()
    {
        var account = new AccountBuilder().Build();

        var decision = account.Decide(Holder, new SetReceiptRecipient("accounting@acme.example.com"), Now);

        Assert.Equal("jane@acme.example.com", account.ReceiptRecipient);
        Assert.Equal("accounting@acme.example.com", decision.State.ReceiptRecipient);
        Assert.Equal(("receipt_recipient", "jane@acme.example.com", "accounting@acme.example.com"),
            (decision.Audit[0].What, decision.Audit[0].Before, decision.Audit[0].After));
    }

    [Fact]
    public void ACC_4_a_billing_viewer_may_manage_recipients_but_a_user_may_not()
    {
        var account = new AccountBuilder().WithMember("u-viewer", AccountRole.BillingViewer).WithMember("u-user", AccountRole.User).Build();

        var byViewer = account.Decide(Actor.Customer("u-viewer"), new AddInvoiceRecipient("ap@acme.example.com"), Now);

        Assert.Equal(["ap@acme.example.com"], byViewer.State.InvoiceRecipients);
        Assert.Throws<PermissionDeniedException>(() => account.Decide(Actor.Customer("u-user"), new SetReceiptRecipient("me@acme.example.com"), Now));
    }
}
