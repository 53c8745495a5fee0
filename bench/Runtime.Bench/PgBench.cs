using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Subscriptions.Runtime.Bench;

/// <summary>One pgbench run as pgbench reports it.</summary>
internal sealed record PgBenchResult(int Clients, int Threads, long Transactions, double LatencyAverageMilliseconds, double Tps);

/// <summary>Runs PostgreSQL's own pgbench (built-in scripts only) against a bench database.</summary>
internal sealed partial class PgBench(string path)
{
    public string Path { get; } = path;

    /// <summary>The given path, else the newest /usr/lib/postgresql/*/bin/pgbench, else pgbench on PATH.</summary>
    public static PgBench Locate(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath)
                ? new PgBench(explicitPath)
                : throw new FileNotFoundException($"--pgbench {explicitPath}: no such file.", explicitPath);
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Version: int.TryParse(System.IO.Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0, Binary: System.IO.Path.Combine(d, "bin", "pgbench")))
                .Where(c => File.Exists(c.Binary))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Binary)
            : [];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "pgbench"))
            .Where(File.Exists);
        return debian.Concat(onPath).FirstOrDefault() is { } found
            ? new PgBench(found)
            : throw new FileNotFoundException("pgbench was found neither under /usr/lib/postgresql/*/bin nor on PATH; install postgresql-contrib or pass --pgbench PATH.");
    }

    /// <summary>pgbench's version line, e.g. "pgbench (PostgreSQL) 15.18".</summary>
    public async Task<string> VersionAsync() => (await RunAsync(null, ["--version"])).Trim();

    /// <summary><c>pgbench -i -s <paramref name="scale"/></c>: creates and fills the pgbench tables.</summary>
    public Task InitializeAsync(string connectionString, int scale) =>
        RunAsync(connectionString, ["-i", "-q", "-s", scale.ToString(CultureInfo.InvariantCulture)]);

    /// <summary><c>pgbench -N -c clients -j threads -T seconds</c>: the built-in simple-update script.</summary>
    public async Task<PgBenchResult> RunSimpleUpdateAsync(string connectionString, int clients, int threads, int seconds)
    {
        var output = await RunAsync(connectionString,
        [
            "-N",
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-j", threads.ToString(CultureInfo.InvariantCulture),
            "-T", seconds.ToString(CultureInfo.InvariantCulture),
        ]);
        return new PgBenchResult(
            clients,
            (int)Number(ThreadsLine(), output),
            (long)Number(TransactionsLine(), output),
            Number(LatencyLine(), output),
            Number(TpsLine(), output));
    }

    private async Task<string> RunAsync(string? connectionString, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (connectionString is not null)
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            start.ArgumentList.Add("-h");
            start.ArgumentList.Add(target.Host ?? "localhost");
            start.ArgumentList.Add("-p");
            start.ArgumentList.Add(target.Port.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("-U");
            start.ArgumentList.Add(target.Username ?? "postgres");
            start.ArgumentList.Add(target.Database ?? throw new ArgumentException("The pgbench connection string names no database.", nameof(connectionString)));
            if (target.Password is { Length: > 0 } password)
            {
                start.Environment["PGPASSWORD"] = password;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout;
        var errors = await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{Path} {string.Join(' ', arguments)} exited with code {process.ExitCode}: {errors.Trim()}");
    }

    private static double Number(Regex line, string output)
    {
        var match = line.Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new FormatException($"pgbench output has no line matching /{line}/:\n{output}");
    }

    [GeneratedRegex(@"^number of threads: (\d+)", RegexOptions.Multiline)]
    private static partial Regex ThreadsLine();

    [GeneratedRegex(@"^number of transactions actually processed: (\d+)", RegexOptions.Multiline)]
    private static partial Regex TransactionsLine();

    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"^tps = ([0-9.]+) \(without initial connection time\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();
}
