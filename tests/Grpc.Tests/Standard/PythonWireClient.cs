using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>Runs a wire check script from Standard/wire/ with Debian's python3 (python3-grpcio, python3-protobuf).</summary>
internal static class PythonWireClient
{
    public const string Python = "/usr/bin/python3";

    // A guard against a hung client, not a timing expectation: the scripts finish in well under a second.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] args)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"The wire tests need Debian's {Python} with python3-grpcio and python3-protobuf (apt-get install python3-grpcio).");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ScriptPath(script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // No __pycache__ next to the scripts in the source tree.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} {script} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish; output so far: {await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }

    private static string ScriptPath(string script, [CallerFilePath] string thisFile = "")
    {
        var besideSource = Path.Combine(Path.GetDirectoryName(thisFile)!, "wire", script);
        return File.Exists(besideSource)
            ? besideSource
            : throw new FileNotFoundException($"Wire script {script} is expected at {besideSource}.", besideSource);
    }
}
