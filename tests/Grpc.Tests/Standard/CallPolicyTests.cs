using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Subscriptions.Grpc.Transport.Errors;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class CallPolicyTests : IDisposable
{
    private readonly ManualClock _clock = new(TestTokens.Start);
    private readonly Microsoft.Extensions.DependencyInjection.ServiceProvider _services;

    public CallPolicyTests() => _services = TestTokens.Services(_clock);

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task call_without_authorization_header_is_unauthenticated_with_missing_bearer_token()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(CallPolicies.Authenticated, authorization: null));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("missing bearer token", error.Detail);
    }

    [Fact]
    public async Task call_with_a_basic_credential_is_unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(CallPolicies.Authenticated, "Basic dXNlcjpwYXNz"));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("authorization header must be \"Bearer <token>\"", error.Detail);
    }

    [Fact]
    public async Task expired_token_is_unauthenticated_naming_the_expiry()
    {
        var authorization = Bearer("user-7", "primary-holder:acc-1");
        _clock.Advance(TimeSpan.FromHours(2));

        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(CallPolicies.Authenticated, authorization));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("token expired at 2025-03-01T10:00:00Z", error.Detail);
    }

    [Fact]
    public async Task authenticated_caller_is_readable_from_the_call_context()
    {
        var context = TestTokens.Context(_services, Bearer("user-7", "user:acc-1"));

        await CallPolicies.Authenticated.AuthorizeAsync(context, request: null);

        Assert.Equal("user-7", context.GetCaller().Subject);
        Assert.Equal(AccountRole.User, context.GetCaller().RoleOn("acc-1"));
    }

    [Fact]
    public void public_call_has_no_caller_and_asking_for_one_names_the_method()
    {
        var context = TestTokens.Context(_services, authorization: null, method: "/grpc.health.v1.Health/Check");

        var error = Assert.Throws<InvalidOperationException>(() => context.GetCaller());

        Assert.Null(context.TryGetCaller());
        Assert.Contains("/grpc.health.v1.Health/Check", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("primary-holder:acc-1", AccountAccess.Read)]
    [InlineData("primary-holder:acc-1", AccountAccess.Pay)]
    [InlineData("primary-holder:acc-1", AccountAccess.ManageBilling)]
    [InlineData("billing-viewer:acc-1", AccountAccess.Read)]
    [InlineData("billing-viewer:acc-1", AccountAccess.Pay)]
    [InlineData("ops", AccountAccess.ManageBilling)]
    [InlineData("service", AccountAccess.ManageBilling)]
    public async Task ACC_2_role_on_the_account_or_ops_or_service_grants_access(string role, AccountAccess access)
    {
        var context = TestTokens.Context(_services, Bearer("user-7", role));

        await CallPolicies.Account<AccountRequest>(r => r.AccountId, access).AuthorizeAsync(context, new AccountRequest("acc-1"));

        Assert.Equal("user-7", context.GetCaller().Subject);
    }

    [Fact]
    public async Task ACC_2_billing_viewer_may_not_change_billing()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(
            CallPolicies.Account<AccountRequest>(r => r.AccountId, AccountAccess.ManageBilling),
            Bearer("viewer-1", "billing-viewer:acc-1"),
            new AccountRequest("acc-1")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(
            "ACC-2: caller \"viewer-1\" has \"billing-viewer\" on account \"acc-1\"; changing its billing needs \"primary-holder\" on the account, or \"ops\" or \"service\"",
            error.Detail);
        var info = error.GetRichStatus()?.GetDetail<Google.Rpc.ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("ACC-2", info.Reason);
        Assert.Equal("acc-1", info.Metadata["account_id"]);
    }

    [Fact]
    public async Task ACC_2_primary_holder_of_one_account_is_denied_on_another()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(
            CallPolicies.Account<AccountRequest>(r => r.AccountId, AccountAccess.Read),
            Bearer("holder-1", "primary-holder:acc-1"),
            new AccountRequest("acc-2")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith("ACC-2: caller \"holder-1\" has no role on account \"acc-2\"", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_2_plain_user_may_not_read_billing()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(
            CallPolicies.Account<AccountRequest>(r => r.AccountId, AccountAccess.Read),
            Bearer("user-1", "user:acc-1"),
            new AccountRequest("acc-1")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("has \"user\" on account \"acc-1\"", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ops_policy_admits_ops_and_denies_a_primary_holder()
    {
        await Authorize(CallPolicies.Ops, Bearer("ops-1", "ops"));

        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(CallPolicies.Ops, Bearer("holder-1", "primary-holder:acc-1")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("ACC-2: caller \"holder-1\" needs the \"ops\" or \"service\" role for /subscriptions.v1.Accounts/GetAccount", error.Detail);
    }

    [Fact]
    public async Task request_without_account_id_is_invalid_argument_for_an_account_policy()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Authorize(
            CallPolicies.Account<AccountRequest>(r => r.AccountId, AccountAccess.Read),
            Bearer("ops-1", "ops"),
            new AccountRequest(string.Empty)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private string Bearer(string subject, params string[] roles) =>
        "Bearer " + new TokenIssuer(TestTokens.Options(), _clock).Issue(subject, roles, TimeSpan.FromHours(1));

    private async Task Authorize(ICallAuthorization policy, string? authorization, object? request = null) =>
        await policy.AuthorizeAsync(TestTokens.Context(_services, authorization), request);

    private sealed record AccountRequest(string AccountId);
}
