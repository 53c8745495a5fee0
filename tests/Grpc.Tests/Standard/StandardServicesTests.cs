using System.Text;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Tests.Echo;
using Subscriptions.Grpc.Tests.Testing;
using Xunit;
using ProtoStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>
/// Health, reflection, bearer tokens (JwtBearer), the ACC-2 edge rules and rich errors on the server wired as the host
/// wires it, through Grpc.Net.Client. Token lifetimes are checked against the server's injected clock.
/// </summary>
public sealed class StandardServicesTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new(TestTokens.Start);
    private TestServer _server = null!;
    private TestEcho.TestEchoClient _echo = null!;
    private TokenIssuer _issuer = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartStandardAsync(_clock);
        _echo = new TestEcho.TestEchoClient(_server.Channel);
        _issuer = new TokenIssuer(TestTokens.Options(), _clock);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task health_check_answers_serving_then_not_serving_while_a_health_check_fails()
    {
        var health = new Health.HealthClient(_server.Channel);

        var before = (await health.CheckAsync(new HealthCheckRequest())).Status;
        _server.Health.Healthy = false;
        var after = (await health.CheckAsync(new HealthCheckRequest())).Status;

        Assert.Equal((ProtoStatus.Serving, ProtoStatus.NotServing), (before, after));
    }

    [Fact]
    public async Task health_check_of_an_unknown_service_ends_with_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(_server.Channel).CheckAsync(new HealthCheckRequest { Service = "subscriptions.v1.Nowhere" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task reflection_lists_every_mapped_service_and_returns_the_file_of_a_symbol()
    {
        using var call = new ServerReflection.ServerReflectionClient(_server.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "subscriptions.testing.v1.FailRequest" });
        await call.RequestStream.CompleteAsync();
        var responses = new List<ServerReflectionResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            responses.Add(call.ResponseStream.Current);
        }

        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "subscriptions.testing.v1.TestEcho"],
            responses[0].ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
        var file = FileDescriptorProto.Parser.ParseFrom(responses[1].FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("test_echo.proto", file.Name);
    }

    [Fact]
    public async Task ACC_2_call_without_a_token_is_unauthenticated_with_missing_bearer_token()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _echo.EchoAsync(new EchoRequest { Text = "acc-1" }).ResponseAsync);

        Assert.Equal((StatusCode.Unauthenticated, "missing bearer token"), (error.StatusCode, error.Status.Detail));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "authorization header must be \"Bearer <token>\"")]
    [InlineData("Bearer not-a-jwt", "token is not a well-formed JWT")]
    [InlineData("Bearer a.b.c", "token is not a well-formed JWT")]
    public async Task ACC_2_malformed_credentials_are_unauthenticated_saying_what_is_wrong(string authorization, string expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.With(authorization)).ResponseAsync);

        Assert.Equal((StatusCode.Unauthenticated, expected), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task ACC_2_tokens_signed_by_another_key_for_another_audience_or_issuer_or_unsigned_are_unauthenticated()
    {
        var otherKey = new TokenIssuer(TestTokens.OtherKeyOptions(), _clock).Issue("h", ["primary-holder:acc-1"], TimeSpan.FromHours(1));
        var options = TestTokens.Options();
        options.Audience = "someone-else";
        var otherAudience = new TokenIssuer(options, _clock).Issue("h", ["primary-holder:acc-1"], TimeSpan.FromHours(1));
        options = TestTokens.Options();
        options.Issuer = "https://elsewhere.test";
        var otherIssuer = new TokenIssuer(options, _clock).Issue("h", ["primary-holder:acc-1"], TimeSpan.FromHours(1));
        var valid = _issuer.Issue("h", ["primary-holder:acc-1"], TimeSpan.FromHours(1));
        var unsigned = Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + valid.Split('.')[1] + ".";

        var messages = new List<string>();
        foreach (var token in new[] { otherKey, otherAudience, otherIssuer, unsigned })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(token)).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            messages.Add(error.Status.Detail);
        }

        Assert.Equal(["token signature is invalid", "token audience is not accepted", "token issuer is not accepted"], messages.Take(3));
        Assert.StartsWith("token", messages[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_2_a_token_is_refused_once_the_server_clock_passes_its_expiry_plus_skew_and_before_its_start()
    {
        var token = _issuer.Issue("holder-1", ["primary-holder:acc-1"], TimeSpan.FromMinutes(10));

        var fresh = await _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(token));
        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(29));
        var withinSkew = await _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(token));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await Assert.ThrowsAsync<RpcException>(() => _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(token)).ResponseAsync);
        var future = new TokenIssuer(TestTokens.Options(), new ManualClock(_clock.GetUtcNow().AddHours(1))).Issue("holder-1", ["primary-holder:acc-1"], TimeSpan.FromHours(1));
        var early = await Assert.ThrowsAsync<RpcException>(() => _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(future)).ResponseAsync);

        Assert.Equal(("holder-1", "holder-1"), (fresh.Text, withinSkew.Text));
        Assert.Equal(StatusCode.Unauthenticated, expired.StatusCode);
        Assert.StartsWith("token expired at 2025-03-01T09:10:00Z", expired.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, early.StatusCode);
        Assert.StartsWith("token is not valid before", early.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_2_a_role_the_service_does_not_know_makes_the_token_unauthenticated()
    {
        var claims = _issuer.Issue("x", ["ops"], TimeSpan.FromHours(1)).Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(claims[1]))).Replace("\"ops\"", "\"admin\"", StringComparison.Ordinal);
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(TestTokens.Options().SigningKey));
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(
            payload, new Microsoft.IdentityModel.Tokens.SigningCredentials(key, "HS256"));

        var error = await Assert.ThrowsAsync<RpcException>(() => _echo.FailAsync(new FailRequest { Detail = "x" }, TestTokens.Bearer(token)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("Role \"admin\" is not recognised", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("billing-viewer:acc-1")]
    [InlineData("user:acc-1")]
    [InlineData("primary-holder:acc-2")]
    public async Task ACC_2_a_role_that_may_not_change_the_accounts_billing_is_permission_denied_with_the_rule(string role)
    {
        var token = _issuer.Issue("someone", [role], TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(token)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal((Rules.Acc2, "acc-1"), (info?.Reason, info?.Metadata["account_id"]));
    }

    [Theory]
    [InlineData("primary-holder:acc-1")]
    [InlineData("ops")]
    [InlineData("service")]
    [InlineData("user:acc-1", "primary-holder:acc-1")]
    public async Task ACC_2_the_primary_holder_ops_and_services_reach_the_method_which_reads_the_caller(params string[] roles)
    {
        var reply = await _echo.EchoAsync(new EchoRequest { Text = "acc-1" }, TestTokens.Bearer(_issuer.Issue("caller-1", roles, TimeSpan.FromHours(1))));

        Assert.Equal("caller-1", reply.Text);
    }

    [Fact]
    public async Task ACC_2_a_request_naming_no_account_is_invalid_argument_naming_account_id()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _echo.EchoAsync(new EchoRequest(), TestTokens.Bearer(_issuer.Issue("ops-1", ["ops"], TimeSpan.FromHours(1)))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("account_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task a_method_without_an_access_rule_is_refused_even_with_a_valid_token()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _echo.BigAsync(new BigRequest { Size = 1 }, TestTokens.Bearer(_issuer.Issue("ops-1", ["ops"], TimeSpan.FromHours(1)))).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("has no access rule", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task rich_error_details_travel_in_the_trailer_and_match_the_status()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _echo.FailAsync(new FailRequest { Detail = "cancel after the effective date" }, TestTokens.Bearer(_issuer.Issue("u", ["user:acc-1"], TimeSpan.FromHours(1)))).ResponseAsync);

        var status = error.GetRpcStatus()!;
        Assert.Equal((StatusCode.FailedPrecondition, (int)StatusCode.FailedPrecondition, "cancel after the effective date"), (error.StatusCode, status.Code, status.Message));
        Assert.Equal(Rules.Sub6, status.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(Rules.Sub6, Assert.Single(status.GetDetail<PreconditionFailure>()!.Violations).Type);
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
