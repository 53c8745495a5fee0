using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Auth;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>
/// A subscription authorizes reads with the account's members as it last read them, without asking the account again
/// (ACC-2): every change of members takes effect on the very next read, whoever read the subscription before it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReadAccessTests(ApiServer server)
{
    [Fact]
    public async Task ACC_2_a_member_removed_after_reading_a_subscription_is_denied_the_next_read()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1", kit.Viewer)).SubscriptionId);
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1", kit.Viewer)).SubscriptionId);

        await server.Client.AccountAsync("RemoveMember", new Proto.RemoveMemberRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubjectId = TestTokens.ViewerOf(kit.AccountId),
        }, kit.Holder);

        var denied = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.GetAsync("meeting-1", kit.Viewer));
        Assert.Equal(Rules.Acc2, denied.RuleId());
        Assert.Contains("not a member", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1", kit.Holder)).SubscriptionId);
    }

    [Fact]
    public async Task ACC_2_a_member_added_after_the_subscription_was_read_may_read_it_at_once()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        var newcomer = server.Tokens.As("newcomer", $"{RoleClaims.BillingViewer}:{kit.AccountId}");
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1", kit.Holder)).SubscriptionId);
        var before = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.GetAsync("meeting-1", newcomer));

        await server.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubjectId = "newcomer", Email = "newcomer@acme.example",
            Role = Proto.MemberRole.BillingViewer,
        }, kit.Holder);

        Assert.Equal(Rules.Acc2, before.RuleId());
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1", newcomer)).SubscriptionId);
    }
}
