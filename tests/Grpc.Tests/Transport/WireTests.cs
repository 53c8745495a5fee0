using System.Diagnostics;
using Subscriptions.Grpc.Transport;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>The transport against an independent client: Debian's python3-grpcio (grpc-core underneath).</summary>
public sealed class WireTests : IAsyncLifetime
{
    private const string Python = "/usr/bin/python3";
    private GrpcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task python_grpcio_client_sees_standard_statuses_metadata_streams_and_compression()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "wire", "transport_wire.py");
        Assert.True(File.Exists(Python), $"{Python} is missing: the wire tests need Debian's python3 with python3-grpcio (apt-get install -y python3-grpcio python3-protobuf).");

        var (exitCode, output) = await RunAsync(Python, script, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exitCode == 0, $"transport_wire.py exited with {exitCode}:\n{output}");
        string[] checks =
        [
            "echo_ok", "echo_code_ok", "metadata_echo_ascii", "metadata_echo_binary", "unimplemented_method", "unimplemented_service",
            "invalid_argument_with_message", "unknown_for_throwing_handler", "internal_for_malformed_protobuf",
            "resource_exhausted_request", "resource_exhausted_response", "deadline_exceeded", "client_cancellation",
            "server_streaming", "server_streaming_failure", "duplex_streaming", "gzip_request",
        ];
        foreach (var check in checks)
        {
            Assert.Contains($"ok {check}\n", output, StringComparison.Ordinal);
        }

        Assert.Contains("0 failed", output, StringComparison.Ordinal);

        // What the server itself concluded about the stream the Python client cancelled. (At a deadline both sides
        // act at once, so which one ends the call is a race; the server's own deadline is proven on a manual clock.)
        Assert.Equal(StatusCode.Cancelled, await _server.Log.FirstFinishedAsync(TestEchoService.PathOf("Hold")));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, (await stdout).ReplaceLineEndings("\n") + await stderr);
    }
}
