using System.Globalization;
using Grpc.Core;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Tests.Standard;
using Xunit;
using Xunit.Abstractions;

namespace Subscriptions.Grpc.Tests.Echo;

/// <summary>The server against a second independent client: @grpc/grpc-js on Node.js (its own HTTP/2, not grpc-core).</summary>
public sealed class GrpcJsWireTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Script = "wire-js/grpc_js_wire.js";

    private readonly ManualClock _tokenClock = new(TestTokens.Start);
    private TestServer _server = null!;
    private TestServer _standard = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartOpenAsync();
        _standard = await TestServer.StartStandardAsync(_tokenClock);
    }

    public async Task DisposeAsync()
    {
        await _standard.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task grpc_js_client_sees_standard_statuses_metadata_streams_compression_health_and_rich_errors()
    {
        var token = new TokenIssuer(TestTokens.Options(), _tokenClock).Issue("js-holder", ["primary-holder:acc-1"], TimeSpan.FromHours(1));

        var (exitCode, lines) = await WireProcess.RunNodeAsync(
            Script,
            _server.Port.ToString(CultureInfo.InvariantCulture), _standard.Address.Port.ToString(CultureInfo.InvariantCulture), token);
        output.WriteLine(lines);

        Assert.True(exitCode == 0, $"{Script} exited with {exitCode}:\n{lines}");
        string[] checks =
        [
            "echo_ok", "metadata_request_seen_by_handler", "metadata_echo_ascii", "metadata_echo_binary",
            "unimplemented_method", "unimplemented_service", "invalid_argument_percent_decoded",
            "unknown_for_throwing_handler", "no_internals_leaked", "invalid_argument_for_malformed_protobuf",
            "resource_exhausted_request", "resource_exhausted_response", "deadline_exceeded", "client_cancellation",
            "server_streaming", "server_streaming_failure", "duplex_streaming", "gzip_request", "deflate_request",
            "health_check_serving", "rich_error_details",
        ];
        foreach (var check in checks)
        {
            Assert.Contains($"ok {check}\n", lines, StringComparison.Ordinal);
        }

        Assert.Contains($"checks: {checks.Length} ok, 0 failed\n", lines, StringComparison.Ordinal);

        // What the server itself concluded about the stream grpc-js cancelled (RST_STREAM after the first message).
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FirstFinishedAsync(TestEchoService.PathOf("Hold")));
    }
}
