using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Invoice and receipt recipients through AccountService (ACC-4).</summary>
[Collection(ApiCollection.Name)]
public sealed class RecipientTests(ApiServer server)
{
    [Fact]
    public async Task ACC_4_a_sixth_invoice_recipient_is_refused_and_nothing_changes()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        Proto.Account? before = null;
        for (var n = 1; n <= 5; n++)
        {
            before = await server.Client.AccountAsync("AddInvoiceRecipient", Requests.AddRecipient(id, $"finance{n}@acme.example"), holder);
        }

        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition,
            () => server.Client.AccountAsync("AddInvoiceRecipient", Requests.AddRecipient(id, "finance6@acme.example"), holder));

        Assert.Equal(Rules.Acc4, error.RuleId());
        var after = await server.Client.GetAccountAsync(id, holder);
        Assert.Equal(before, after);
        Assert.Equal(5, after.InvoiceRecipients.Count);
    }

    [Fact]
    public async Task ACC_4_a_malformed_recipient_email_is_refused_on_field_email()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("AddInvoiceRecipient", Requests.AddRecipient(id, "finance at acme"), holder));

        Assert.Equal(["email"], error.BadFields());
        Assert.Empty((await server.Client.GetAccountAsync(id, holder)).InvoiceRecipients);
    }

    [Fact]
    public async Task ACC_4_the_receipt_recipient_is_replaced_and_a_billing_viewer_may_set_it()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        await server.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = id,
            SubjectId = TestTokens.ViewerOf(id),
            Email = "viewer@acme.example",
            Role = Proto.MemberRole.BillingViewer,
        }, holder);

        var account = await server.Client.AccountAsync("SetReceiptRecipient",
            new Proto.SetReceiptRecipientRequest { RequestId = Requests.NewRequestId(), AccountId = id, Email = "receipts@acme.example" },
            server.Tokens.BillingViewer(id));

        Assert.Equal("receipts@acme.example", account.ReceiptRecipient);
    }
}
