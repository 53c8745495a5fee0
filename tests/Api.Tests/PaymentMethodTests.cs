using System.Text.Json;
using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Payment methods through AccountService (ACC-3) and who may change them (ACC-2).</summary>
[Collection(ApiCollection.Name)]
public sealed class PaymentMethodTests(ApiServer server)
{
    [Fact]
    public async Task ACC_3_a_fifth_card_is_refused_and_nothing_changes()
    {
        var id = await OpenAsync();
        var holder = server.Tokens.PrimaryHolder(id);
        for (var n = 1; n <= 4; n++)
        {
            await server.Client.AccountAsync("AddCard", Requests.AddCard(id, n), holder);
        }

        var before = await server.Client.InspectAsync("account", id, server.Tokens.Ops());

        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition,
            () => server.Client.AccountAsync("AddCard", Requests.AddCard(id, 5), holder));

        Assert.Equal(Rules.Acc3, error.RuleId());
        var after = await server.Client.InspectAsync("account", id, server.Tokens.Ops());
        Assert.Equal(before.Version, after.Version);
        var account = await server.Client.GetAccountAsync(id, holder);
        Assert.Equal(["card-1", "card-2", "card-3", "card-4"], account.PaymentMethods.Select(m => m.PaymentMethodId));
        Assert.Equal("card-1", account.DefaultPaymentMethodId);
    }

    [Fact]
    public async Task ACC_3_a_third_bank_account_is_refused_and_nothing_changes()
    {
        var id = await OpenAsync();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("AddBankAccount", Requests.AddBankAccount(id, 1), holder);
        var before = await server.Client.AccountAsync("AddBankAccount", Requests.AddBankAccount(id, 2), holder);

        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition,
            () => server.Client.AccountAsync("AddBankAccount", Requests.AddBankAccount(id, 3), holder));

        Assert.Equal(Rules.Acc3, error.RuleId());
        Assert.Equal(before, await server.Client.GetAccountAsync(id, holder));
    }

    [Fact]
    public async Task ACC_3_Discover_is_refused_on_a_EUR_account_and_accepted_on_a_USD_account()
    {
        var eur = await OpenAsync("EUR");
        var usd = await OpenAsync("USD");

        var error = await Api.FailsWithAsync(StatusCode.FailedPrecondition,
            () => server.Client.AccountAsync("AddCard", Requests.AddCard(eur, 1, Proto.CardBrand.Discover), server.Tokens.PrimaryHolder(eur)));
        var accepted = await server.Client.AccountAsync("AddCard", Requests.AddCard(usd, 1, Proto.CardBrand.Discover), server.Tokens.PrimaryHolder(usd));

        Assert.Equal(Rules.Acc3, error.RuleId());
        Assert.Contains("Discover", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await server.Client.GetAccountAsync(eur, server.Tokens.PrimaryHolder(eur))).PaymentMethods);
        Assert.Equal(Proto.CardBrand.Discover, Assert.Single(accepted.PaymentMethods).Card.Brand);
    }

    [Fact]
    public async Task ACC_3_a_card_without_brand_token_or_valid_last4_is_refused_naming_the_fields()
    {
        var id = await OpenAsync();
        var holder = server.Tokens.PrimaryHolder(id);
        var request = Requests.AddCard(id, 1);
        request.Brand = Proto.CardBrand.Unspecified;
        request.GatewayToken = "";
        request.Last4 = "42";

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.AccountAsync("AddCard", request, holder));

        Assert.Equal(["brand", "gateway_token", "last4"], error.BadFields().Order().ToArray());
        Assert.Empty((await server.Client.GetAccountAsync(id, holder)).PaymentMethods);
    }

    [Fact]
    public async Task ACC_3_a_card_number_is_never_accepted_as_a_token()
    {
        var id = await OpenAsync();
        var request = Requests.AddCard(id, 1);
        request.GatewayToken = "4242 4242 4242 4242";

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument,
            () => server.Client.AccountAsync("AddCard", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(["gateway_token"], error.BadFields());
        Assert.DoesNotContain("4242 4242", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_2_a_billing_viewer_cannot_change_payment_methods()
    {
        var id = await OpenAsync();
        await AddViewerAsync(id);

        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied,
            () => server.Client.AccountAsync("AddCard", Requests.AddCard(id, 1), server.Tokens.BillingViewer(id)));

        Assert.Equal(Rules.Acc2, error.RuleId());
        var read = await server.Client.GetAccountAsync(id, server.Tokens.BillingViewer(id));
        Assert.Empty(read.PaymentMethods);
    }

    [Fact]
    public async Task ACC_2_billing_ops_can_change_payment_methods_and_the_change_is_audited_as_ops()
    {
        var id = await OpenAsync();

        var account = await server.Client.AccountAsync("AddCard", Requests.AddCard(id, 1), server.Tokens.Ops());

        Assert.Equal("card-1", account.DefaultPaymentMethodId);
        var history = (await server.Client.InspectAsync("account", id, server.Tokens.Ops())).History;
        var added = Assert.Single(history, h => h.Change == "payment_method");
        Assert.Equal(TestTokens.OpsSubject, added.Cause.Caller);
        using var audit = JsonDocument.Parse(added.PayloadJson);
        Assert.True(audit.RootElement.GetProperty("actorIsOps").GetBoolean());
    }

    [Fact]
    public async Task ACC_3_removing_the_default_promotes_another_and_autopay_can_be_switched_off()
    {
        var id = await OpenAsync();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("AddCard", Requests.AddCard(id, 1), holder);
        await server.Client.AccountAsync("AddBankAccount", Requests.AddBankAccount(id, 1), holder);

        var removed = await server.Client.AccountAsync("RemovePaymentMethod",
            new Proto.RemovePaymentMethodRequest { RequestId = Requests.NewRequestId(), AccountId = id, PaymentMethodId = "card-1" }, holder);
        var autopayOff = await server.Client.AccountAsync("SetAutopay",
            new Proto.SetAutopayRequest { RequestId = Requests.NewRequestId(), AccountId = id, Enabled = false }, holder);

        Assert.Equal("bank-1", removed.DefaultPaymentMethodId);
        Assert.True(Assert.Single(removed.PaymentMethods).IsDefault);
        Assert.False(autopayOff.AutopayEnabled);
    }

    [Fact]
    public async Task ACC_3_removing_an_unknown_payment_method_is_not_found()
    {
        var id = await OpenAsync();

        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.AccountAsync("RemovePaymentMethod",
            new Proto.RemovePaymentMethodRequest { RequestId = Requests.NewRequestId(), AccountId = id, PaymentMethodId = "card-9" },
            server.Tokens.PrimaryHolder(id)));
    }

    private async Task<string> OpenAsync(string currency = "USD")
    {
        var id = Requests.NewAccountId();
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id, currency), server.Tokens.PrimaryHolder(id));
        return id;
    }

    private Task<Proto.Account> AddViewerAsync(string id) => server.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
    {
        RequestId = Requests.NewRequestId(),
        AccountId = id,
        SubjectId = TestTokens.ViewerOf(id),
        Email = "viewer@acme.example",
        Role = Proto.MemberRole.BillingViewer,
    }, server.Tokens.PrimaryHolder(id));
}
