using System.Diagnostics;
using System.Globalization;

namespace Subscriptions.Bench;

/// <summary>Stops and starts a benchmark's private PostgreSQL through scripts/pg-local.sh, for the outages the benchmarks cause.</summary>
internal static class PgLocal
{
    /// <summary>Runs <c>scripts/pg-local.sh <paramref name="command"/></c> for the server on <paramref name="port"/>; throws with its error output when it fails.</summary>
    public static async Task RunAsync(string repo, string command, int port)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(repo, "scripts", "pg-local.sh"), command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGLOCAL_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg-local.sh {command} failed: {await error}");
        }
    }
}
