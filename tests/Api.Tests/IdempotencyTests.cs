using Google.Rpc;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Retried requests (IDEM-1).</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiServer server)
{
    [Fact]
    public async Task IDEM_1_the_same_request_twice_has_one_effect_and_the_same_response()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        var request = Requests.AddRecipient(id, "finance@acme.example");

        var first = await server.Client.AccountAsync("AddInvoiceRecipient", request, holder);
        var version = (await server.Client.InspectAsync("account", id, server.Tokens.Ops())).Version;
        var retry = await server.Client.AccountAsync("AddInvoiceRecipient", request, holder);

        Assert.Equal(first, retry);
        Assert.Equal(["finance@acme.example"], (await server.Client.GetAccountAsync(id, holder)).InvoiceRecipients);
        Assert.Equal(version, (await server.Client.InspectAsync("account", id, server.Tokens.Ops())).Version);
    }

    [Fact]
    public async Task IDEM_1_a_retried_create_returns_the_first_account_even_after_later_changes()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        var create = Requests.CreateAccount(id);
        var first = await server.Client.AccountAsync("CreateAccount", create, holder);
        await server.Client.AccountAsync("AddCard", Requests.AddCard(id, 1), holder);

        var retry = await server.Client.AccountAsync("CreateAccount", create, holder);

        Assert.Equal(first, retry);
        Assert.Single((await server.Client.GetAccountAsync(id, holder)).PaymentMethods);
    }

    [Fact]
    public async Task IDEM_1_a_new_request_for_a_taken_account_id_is_ALREADY_EXISTS_naming_it_and_changes_nothing()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        var again = Requests.CreateAccount(id, "EUR");
        again.CompanyName = "Other Company";

        var error = await Api.FailsWithAsync(StatusCode.AlreadyExists, () => server.Client.AccountAsync("CreateAccount", again, holder));

        Assert.Equal(("Account", id), error.GetRpcStatus()?.GetDetail<ResourceInfo>() is { } info ? (info.ResourceType, info.ResourceName) : default);
        var account = await server.Client.GetAccountAsync(id, holder);
        Assert.Equal(("Acme Widgets", "USD"), (account.CompanyName, account.Currency));
    }

    [Fact]
    public async Task IDEM_1_a_request_id_reused_for_another_method_is_refused_on_field_request_id()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        var card = Requests.AddCard(id, 1);
        await server.Client.AccountAsync("AddCard", card, holder);
        var autopay = new Proto.SetAutopayRequest { RequestId = card.RequestId, AccountId = id, Enabled = false };

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.AccountAsync("SetAutopay", autopay, holder));

        Assert.Equal(["request_id"], error.BadFields());
        Assert.Equal(
            $"request_id \"{card.RequestId}\" was already used for AccountService/AddCard; it cannot be reused for AccountService/SetAutopay. Use a new request id for a new change.",
            error.Status.Detail);
        Assert.True((await server.Client.GetAccountAsync(id, holder)).AutopayEnabled);
    }
}
