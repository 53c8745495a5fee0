using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Tests.Echo;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>Health, reflection, token refusals and rich errors as an independent client (Debian python3-grpcio) sees them.</summary>
public sealed class PythonWireTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new(TestTokens.Start);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartStandardAsync(_clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task python_grpcio_lists_services_by_reflection_and_checks_and_watches_health()
    {
        var (exitCode, output) = await WireProcess.RunPythonAsync("Standard/wire/health_reflection_client.py", _server.Target);

        Assert.True(exitCode == 0, output);
        var services = "grpc.health.v1.Health,grpc.reflection.v1.ServerReflection,grpc.reflection.v1alpha.ServerReflection,subscriptions.testing.v1.TestEcho";
        Assert.Contains($"grpc.reflection.v1 list_services: {services}\n", output, StringComparison.Ordinal);
        Assert.Contains($"grpc.reflection.v1alpha list_services: {services}\n", output, StringComparison.Ordinal);
        Assert.Contains("grpc.reflection.v1 file_containing_symbol: health.proto\n", output, StringComparison.Ordinal);
        Assert.Contains("reflection unknown symbol: error_code=5\n", output, StringComparison.Ordinal);
        Assert.Contains("health check: SERVING\n", output, StringComparison.Ordinal);
        Assert.Contains("health check unknown: NOT_FOUND\n", output, StringComparison.Ordinal);
        Assert.Contains("health watch first: SERVING\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task python_grpcio_sees_token_refusals_and_decodes_rich_error_details()
    {
        var issuer = new TokenIssuer(TestTokens.Options(), _clock);
        var holder = issuer.Issue("holder-1", ["primary-holder:acc-1"], TimeSpan.FromHours(1));
        var viewer = issuer.Issue("viewer-1", ["billing-viewer:acc-1"], TimeSpan.FromHours(1));

        var (exitCode, output) = await WireProcess.RunPythonAsync("Standard/wire/auth_errors_client.py", _server.Target, holder, viewer);

        Assert.True(exitCode == 0, output);
        Assert.Contains("no token: UNAUTHENTICATED missing bearer token\n", output, StringComparison.Ordinal);
        Assert.Contains("garbage token: UNAUTHENTICATED token is not a well-formed JWT\n", output, StringComparison.Ordinal);
        Assert.Contains($"viewer: PERMISSION_DENIED reason={Rules.Acc2} account_id=acc-1\n", output, StringComparison.Ordinal);
        Assert.Contains("holder: OK caller=holder-1\n", output, StringComparison.Ordinal);
        Assert.Contains($"rich error: FAILED_PRECONDITION details=google.rpc.ErrorInfo,google.rpc.PreconditionFailure violation={Rules.Sub6} reason={Rules.Sub6}\n", output, StringComparison.Ordinal);
    }
}
