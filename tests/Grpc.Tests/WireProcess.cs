using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Subscriptions.Grpc.Tests;

/// <summary>Runs an independent wire client (Debian's python3 with python3-grpcio, or Node.js with @grpc/grpc-js) from the source tree.</summary>
internal static class WireProcess
{
    private const string Python = "/usr/bin/python3";

    // A guard against a hung client, not a timing expectation: the scripts finish in a few seconds.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    /// <summary>Runs a python script (path relative to this project) with Debian's python3; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunPythonAsync(string script, params string[] args)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"The wire tests need Debian's {Python} with python3-grpcio and python3-protobuf (apt-get install -y python3-grpcio python3-protobuf).");
        }

        return RunAsync(Python, SourcePath(script), args);
    }

    /// <summary>Runs a Node.js script (path relative to this project) next to its node_modules; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunNodeAsync(string script, params string[] args)
    {
        var path = SourcePath(script);
        var node = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "node"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Node.js (node) is not on PATH: the grpc-js wire test needs Node.js 20 and the packages that scripts/test.sh installs with npm ci.");
        var modules = Path.Combine(Path.GetDirectoryName(path)!, "node_modules");
        if (!File.Exists(Path.Combine(modules, "@grpc", "grpc-js", "package.json")))
        {
            throw new InvalidOperationException($"{modules} is missing: run scripts/test.sh (it runs npm ci in {Path.GetDirectoryName(path)}).");
        }

        return RunAsync(node, path, args);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string script, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Python scripts import grpc_wire from tests/WirePython; no __pycache__ next to them in the source tree.
        start.Environment["PYTHONPATH"] = Path.GetDirectoryName(SourcePath("../WirePython/grpc_wire.py"));
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} {script} did not start.");
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
            throw new TimeoutException($"{Path.GetFileName(script)} did not finish within {HangGuard}; output so far:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, (await stdout).ReplaceLineEndings("\n") + (await stderr).ReplaceLineEndings("\n"));
    }

    private static string SourcePath(string relative, [CallerFilePath] string thisFile = "")
    {
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, relative));
        return File.Exists(path) ? path : throw new FileNotFoundException($"Wire script {relative} is expected at {path}.", path);
    }
}
