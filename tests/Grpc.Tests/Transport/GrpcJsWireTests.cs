using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Subscriptions.Grpc.Tests.Standard;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Xunit;
using Xunit.Abstractions;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>The transport against a second independent client: @grpc/grpc-js on Node.js (its own HTTP/2, not grpc-core).</summary>
public sealed class GrpcJsWireTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Script = "grpc_js_wire.js";

    // A guard against a hung client, not a timing expectation: the script finishes in a few seconds.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly TestClock _tokenClock = new(TestTokens.Start);
    private GrpcTestServer _server = null!;
    private StandardServicesServer _standard = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(TimeProvider.System);
        _standard = await StandardServicesServer.StartAsync(_tokenClock);
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

        var (exitCode, lines) = await RunNodeAsync(
            _server.Port.ToString(CultureInfo.InvariantCulture), _standard.Address.Port.ToString(CultureInfo.InvariantCulture), token);
        output.WriteLine(lines);

        Assert.True(exitCode == 0, $"{Script} exited with {exitCode}:\n{lines}");
        string[] checks =
        [
            "echo_ok", "metadata_request_seen_by_handler", "metadata_echo_ascii", "metadata_echo_binary",
            "unimplemented_method", "unimplemented_service", "invalid_argument_percent_decoded",
            "unknown_for_throwing_handler", "no_internals_leaked", "internal_for_malformed_protobuf",
            "resource_exhausted_request", "resource_exhausted_response", "deadline_exceeded", "client_cancellation",
            "server_streaming", "server_streaming_failure", "duplex_streaming", "gzip_request", "deflate_request_unimplemented",
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

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(params string[] args)
    {
        var directory = WireJsDirectory();
        var node = FindOnPath("node")
            ?? throw new InvalidOperationException("Node.js (node) is not on PATH: the grpc-js wire test needs Node.js 20 and the packages that scripts/test.sh installs with npm ci.");
        if (!File.Exists(Path.Combine(directory, "node_modules", "@grpc", "grpc-js", "package.json")))
        {
            throw new InvalidOperationException($"{Path.Combine(directory, "node_modules")} is missing: run scripts/test.sh (it runs npm ci in {directory}).");
        }

        var start = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        start.ArgumentList.Add(Path.Combine(directory, Script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{node} {Script} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Script} did not finish within {HangGuard}; output so far:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, (await stdout).ReplaceLineEndings("\n") + await stderr);
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    // The script runs from the source tree, next to its node_modules (which are not copied to the build output).
    private static string WireJsDirectory([CallerFilePath] string thisFile = "")
    {
        var directory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "wire-js"));
        return File.Exists(Path.Combine(directory, Script))
            ? directory
            : throw new FileNotFoundException($"Wire script {Script} is expected at {directory}.", Path.Combine(directory, Script));
    }
}
