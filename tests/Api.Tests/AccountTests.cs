using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Opening and reading accounts through AccountService (ACC-1, ACC-2, ACC-5).</summary>
[Collection(ApiCollection.Name)]
public sealed class AccountTests(ApiServer server)
{
    [Fact]
    public async Task ACC_1_an_account_is_opened_and_read_back_with_what_was_given()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);

        var created = await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id, "CAD"), holder);
        var read = await server.Client.GetAccountAsync(id, holder);

        Assert.Equal(created, read);
        Assert.Equal("Acme Widgets", read.CompanyName);
        Assert.Equal("CAD", read.Currency);
        Assert.Equal(Proto.AccountKind.SelfService, read.Kind);
        Assert.Equal("UTC", read.TimeZone);
        Assert.Equal("+12175550100", read.PrimaryContact.Phone);
        Assert.Equal("IL", read.BillingAddress.Region);
        var member = Assert.Single(read.Members);
        Assert.Equal((TestTokens.HolderOf(id), Proto.MemberRole.PrimaryHolder), (member.SubjectId, member.Role));
        Assert.Equal("ada@acme.example", read.ReceiptRecipient);
        Assert.True(read.AutopayEnabled);
        Assert.Equal(server.Cluster.Clock.GetUtcNow(), read.CreatedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task ACC_1_missing_fields_are_refused_naming_each_field()
    {
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.CompanyName = "";
        request.PrimaryContact = null;
        request.Currency = "";
        request.Kind = Proto.AccountKind.Unspecified;

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(["company_name", "primary_contact", "currency", "kind"], error.BadFields());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.GetAccountAsync(id, server.Tokens.Ops()));
    }

    [Fact]
    public async Task IDEM_1_a_change_without_request_id_is_refused_on_field_request_id()
    {
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.RequestId = "";

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(["request_id"], error.BadFields());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.GetAccountAsync(id, server.Tokens.Ops()));
    }

    [Fact]
    public async Task ACC_1_a_malformed_account_id_is_refused_on_field_account_id()
    {
        var request = Requests.CreateAccount("acme/../root");

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.Ops()));

        Assert.Equal(["account_id"], error.BadFields());
    }

    [Fact]
    public async Task ACC_5_an_invalid_address_and_a_malformed_email_are_refused_naming_the_fields()
    {
        var id = Requests.NewAccountId();
        var request = Requests.CreateAccount(id);
        request.BillingAddress.PostalCode = "ABCDE";
        request.PrimaryContact.Email = "ada.acme.example";

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(["billing_address.postal_code", "primary_contact.email"], error.BadFields().Order().ToArray());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.GetAccountAsync(id, server.Tokens.Ops()));
    }

    [Fact]
    public async Task ACC_5_changing_to_an_invalid_billing_address_is_refused_and_keeps_the_old_one()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        var before = await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        var change = new Proto.ChangeBillingAddressRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = id,
            BillingAddress = new Proto.PostalAddress { Line1 = "2 Oak Ave", City = "Chicago", Region = "ZZ", PostalCode = "6060", Country = "US" },
        };

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.AccountAsync("ChangeBillingAddress", change, holder));

        Assert.Equal(["billing_address.postal_code", "billing_address.region"], error.BadFields().Order().ToArray());
        Assert.Equal(before, await server.Client.GetAccountAsync(id, holder));
    }

    [Fact]
    public async Task ACC_2_a_customer_cannot_open_an_account_held_by_someone_else()
    {
        var id = Requests.NewAccountId();

        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied,
            () => server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), server.Tokens.Customer("mallory")));

        Assert.Equal(Rules.Acc2, error.RuleId());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.GetAccountAsync(id, server.Tokens.Ops()));
    }

    [Fact]
    public async Task ACC_1_an_account_id_cannot_be_opened_twice()
    {
        var id = Requests.NewAccountId();
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), server.Tokens.PrimaryHolder(id));

        await Api.FailsWithAsync(StatusCode.AlreadyExists,
            () => server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id, "EUR"), server.Tokens.PrimaryHolder(id)));

        Assert.Equal("USD", (await server.Client.GetAccountAsync(id, server.Tokens.Ops())).Currency);
    }

    [Fact]
    public async Task ACC_2_reading_needs_a_role_on_the_account()
    {
        var id = Requests.NewAccountId();
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), server.Tokens.PrimaryHolder(id));

        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied,
            () => server.Client.GetAccountAsync(id, server.Tokens.PrimaryHolder(Requests.NewAccountId())));

        Assert.Equal(Rules.Acc2, error.RuleId());
        Assert.Equal(id, (await server.Client.GetAccountAsync(id, server.Tokens.Ops())).AccountId);
    }

    [Fact]
    public async Task ACC_2_reading_without_an_account_id_names_the_field()
    {
        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.GetAccountAsync("", server.Tokens.Ops()));

        Assert.Equal(["account_id"], error.BadFields());
    }
}
