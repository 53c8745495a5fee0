using Grpc.Core;
using Xunit;

namespace Subscriptions.Grpc.Tests.Echo;

/// <summary>The server against an independent client: Debian's python3-grpcio (grpc-core underneath).</summary>
public sealed class WireTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartOpenAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task python_grpcio_client_sees_standard_statuses_metadata_streams_and_compression()
    {
        var (exitCode, output) = await WireProcess.RunPythonAsync("wire/transport_wire.py", _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exitCode == 0, $"transport_wire.py exited with {exitCode}:\n{output}");
        string[] checks =
        [
            "echo_ok", "echo_code_ok", "metadata_echo_ascii", "metadata_echo_binary", "unimplemented_method", "unimplemented_service",
            "invalid_argument_with_message", "unknown_for_throwing_handler", "invalid_argument_for_malformed_protobuf",
            "resource_exhausted_request", "resource_exhausted_response", "deadline_exceeded", "client_cancellation",
            "server_streaming", "server_streaming_failure", "duplex_streaming", "gzip_request",
        ];
        foreach (var check in checks)
        {
            Assert.Contains($"ok {check}\n", output, StringComparison.Ordinal);
        }

        Assert.Contains("0 failed", output, StringComparison.Ordinal);

        // What the server itself concluded about the stream the Python client cancelled.
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FirstFinishedAsync(TestEchoService.PathOf("Hold")));
    }
}
