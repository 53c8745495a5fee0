using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Subscriptions.Grpc.Transport.Client;
using Subscriptions.Grpc.Transport.Errors;
using Subscriptions.Grpc.Transport.Health;
using Xunit;
using ProtoStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>Health, reflection, bearer tokens and rich errors through the transport and its C# client.</summary>
public sealed class StandardServicesEndToEndTests : IAsyncLifetime
{
    private const string CheckPath = "/grpc.health.v1.Health/Check";
    private const string WatchPath = "/grpc.health.v1.Health/Watch";
    private const string ReflectionPath = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";

    private readonly ManualClock _clock = new(TestTokens.Start);
    private StandardServicesServer _server = null!;

    public async Task InitializeAsync() => _server = await StandardServicesServer.StartAsync(_clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task health_check_answers_serving_then_not_serving_once_the_host_flips_the_overall_status()
    {
        var before = await _server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(CheckPath, new HealthCheckRequest());
        _server.Health.SetStatus(HealthStatusRegistry.Overall, ServingStatus.NotServing);
        var after = await _server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(CheckPath, new HealthCheckRequest());

        Assert.Equal(ProtoStatus.Serving, before.Status);
        Assert.Equal(ProtoStatus.NotServing, after.Status);
    }

    [Fact]
    public async Task health_check_of_an_unknown_service_ends_with_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(CheckPath, new HealthCheckRequest { Service = "subscriptions.v1.Nowhere" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("health status of service \"subscriptions.v1.Nowhere\" is unknown", error.Detail);
    }

    [Fact]
    public async Task health_watch_receives_the_current_status_and_then_the_flip()
    {
        await using var watch = await _server.Client.ServerStreamingAsync<HealthCheckRequest, HealthCheckResponse>(WatchPath, new HealthCheckRequest());
        await using var messages = watch.ReadAllAsync().GetAsyncEnumerator();

        Assert.True(await messages.MoveNextAsync());
        Assert.Equal(ProtoStatus.Serving, messages.Current.Status);
        _server.Health.SetStatus(HealthStatusRegistry.Overall, ServingStatus.NotServing);
        Assert.True(await messages.MoveNextAsync());
        Assert.Equal(ProtoStatus.NotServing, messages.Current.Status);
    }

    [Fact]
    public async Task reflection_lists_every_registered_service()
    {
        var response = await ReflectAsync(new ServerReflectionRequest { ListServices = string.Empty });

        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "subscriptions.testing.v1.TestEcho"],
            response.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task reflection_returns_the_file_containing_a_message_symbol()
    {
        var response = await ReflectAsync(new ServerReflectionRequest { FileContainingSymbol = "subscriptions.testing.v1.FailRequest" });

        var file = FileDescriptorProto.Parser.ParseFrom(Assert.Single(response.FileDescriptorResponse.FileDescriptorProto));
        Assert.Equal("test_echo.proto", file.Name);
        Assert.Contains(file.MessageType, m => m.Name == "FailRequest");
    }

    [Fact]
    public async Task call_without_a_token_is_unauthenticated_with_missing_bearer_token()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => EchoAsync("acc-1", authorization: null));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("missing bearer token", error.Detail);
    }

    [Fact]
    public async Task call_with_a_token_signed_by_another_key_is_unauthenticated()
    {
        var forged = new TokenIssuer(TestTokens.OtherKeyOptions(), _clock).Issue("mallory", ["ops"], TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => EchoAsync("acc-1", $"Bearer {forged}"));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("token signature is invalid", error.Detail);
    }

    [Fact]
    public async Task call_with_a_token_expired_by_the_server_clock_is_unauthenticated()
    {
        var token = Bearer("holder-1", "primary-holder:acc-1");
        _clock.Advance(TimeSpan.FromHours(2));

        var error = await Assert.ThrowsAsync<RpcException>(() => EchoAsync("acc-1", token));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("token expired at 2025-03-01T10:00:00Z", error.Detail);
    }

    [Fact]
    public async Task ACC_2_billing_viewer_changing_billing_is_permission_denied_with_the_rule_in_the_details_trailer()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => EchoAsync("acc-1", Bearer("viewer-1", "billing-viewer:acc-1")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith("ACC-2: caller \"viewer-1\" has \"billing-viewer\" on account \"acc-1\"", error.Detail, StringComparison.Ordinal);
        var info = error.GetRichStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal("ACC-2", info?.Reason);
        Assert.Equal("acc-1", info?.Metadata["account_id"]);
    }

    [Fact]
    public async Task primary_holder_and_ops_reach_the_handler_which_reads_the_caller_from_the_context()
    {
        var holder = await EchoAsync("acc-1", Bearer("holder-1", "primary-holder:acc-1"));
        var ops = await EchoAsync("acc-1", Bearer("ops-1", "ops"));

        Assert.Equal("holder-1", holder.Text);
        Assert.Equal("ops-1", ops.Text);
    }

    [Fact]
    public async Task rich_error_details_are_decoded_from_the_trailer_and_match_the_status()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client.UnaryAsync<FailRequest, EchoReply>(
            StandardServicesServer.FailPath,
            new FailRequest { Detail = "SUB-6: subscription \"sub-1\" cannot be cancelled while account \"acc-1\" is overdue" },
            new CallOptions { Headers = Headers(Bearer("holder-1", "primary-holder:acc-1")) }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var status = error.GetRichStatus();
        Assert.NotNull(status);
        Assert.Equal((int)StatusCode.FailedPrecondition, status.Code);
        Assert.Equal(error.Detail, status.Message);
        Assert.Equal("SUB-6", Assert.Single(status.GetDetail<PreconditionFailure>()!.Violations).Type);
    }

    private async Task<ServerReflectionResponse> ReflectAsync(ServerReflectionRequest request)
    {
        // One request on the duplex stream, then the end of the request stream: one answer, then OK.
        await using var call = await _server.Client.ServerStreamingAsync<ServerReflectionRequest, ServerReflectionResponse>(ReflectionPath, request);
        var responses = new List<ServerReflectionResponse>();
        await foreach (var response in call.ReadAllAsync())
        {
            responses.Add(response);
        }

        return Assert.Single(responses);
    }

    private Task<EchoReply> EchoAsync(string accountId, string? authorization) =>
        _server.Client.UnaryAsync<EchoRequest, EchoReply>(
            StandardServicesServer.EchoPath,
            new EchoRequest { Text = accountId },
            new CallOptions { Headers = Headers(authorization) });

    private string Bearer(string subject, params string[] roles) =>
        "Bearer " + new TokenIssuer(TestTokens.Options(), _clock).Issue(subject, roles, TimeSpan.FromHours(1));

    private static Metadata Headers(string? authorization)
    {
        var headers = new Metadata();
        if (authorization is not null)
        {
            headers.Add("authorization", authorization);
        }

        return headers;
    }
}
