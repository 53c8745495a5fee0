using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Tax settings, members and the billing contact through AccountService (ACC-2, ACC-5).</summary>
[Collection(ApiCollection.Name)]
public sealed class ProfileTests(ApiServer server)
{
    [Fact]
    public async Task ACC_5_a_VAT_id_is_recorded_for_an_EU_billing_address_and_refused_for_a_US_one()
    {
        var de = Requests.NewAccountId();
        var create = Requests.CreateAccount(de, "EUR");
        create.BillingAddress = new Proto.PostalAddress { Line1 = "Unter den Linden 1", City = "Berlin", PostalCode = "10117", Country = "DE" };
        await server.Client.AccountAsync("CreateAccount", create, server.Tokens.PrimaryHolder(de));
        var us = Requests.NewAccountId();
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(us), server.Tokens.PrimaryHolder(us));

        var recorded = await server.Client.AccountAsync("RecordVatId",
            new Proto.RecordVatIdRequest { RequestId = Requests.NewRequestId(), AccountId = de, VatId = "de 123456789" }, server.Tokens.PrimaryHolder(de));
        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => server.Client.AccountAsync("RecordVatId",
            new Proto.RecordVatIdRequest { RequestId = Requests.NewRequestId(), AccountId = us, VatId = "DE123456789" }, server.Tokens.PrimaryHolder(us)));

        Assert.Equal("DE123456789", recorded.VatId);
        Assert.Equal(Rules.Acc5, error.RuleId());
        Assert.Equal("", (await server.Client.GetAccountAsync(us, server.Tokens.PrimaryHolder(us))).VatId);
    }

    [Fact]
    public async Task ACC_2_the_billing_contact_is_handed_to_a_member_and_the_previous_holder_becomes_a_viewer()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        await server.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = id,
            SubjectId = "grace",
            Email = "grace@acme.example",
            Role = Proto.MemberRole.User,
        }, holder);

        var account = await server.Client.AccountAsync("ChangeBillingContact",
            new Proto.ChangeBillingContactRequest { RequestId = Requests.NewRequestId(), AccountId = id, NewHolderSubjectId = "grace" }, holder);

        Assert.Equal(
            [(TestTokens.HolderOf(id), Proto.MemberRole.BillingViewer), ("grace", Proto.MemberRole.PrimaryHolder)],
            account.Members.Select(m => (m.SubjectId, m.Role)));
    }

    [Fact]
    public async Task ACC_2_a_member_role_must_be_given()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.AccountAsync("AddMember",
            new Proto.AddMemberRequest { RequestId = Requests.NewRequestId(), AccountId = id, SubjectId = "grace", Email = "grace@acme.example" }, holder));

        Assert.Equal(["role"], error.BadFields());
        Assert.Single((await server.Client.GetAccountAsync(id, holder)).Members);
    }

    [Fact]
    public async Task ACC_2_a_call_without_a_bearer_token_is_unauthenticated()
    {
        await Api.FailsWithAsync(StatusCode.Unauthenticated, () => server.Client.GetAccountAsync(Requests.NewAccountId(), new CallOptions()));
    }
}
