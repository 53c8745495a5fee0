using System.Globalization;

namespace Subscriptions.Runtime.Bench;

/// <summary>Command-line settings of one benchmark run (whole seconds, as pgbench -T takes them).</summary>
internal sealed record BenchOptions(int Seconds, int WarmUpSeconds, string? PgBenchPath)
{
    /// <summary>The environment variable holding the admin connection string of the PostgreSQL server to measure.</summary>
    public const string ServerVariable = "SUBSCRIPTIONS_BENCH_PG";

    public const string Usage = "usage: Subscriptions.Runtime.Bench [--seconds N] [--warmup N] [--pgbench PATH]   (server: " + ServerVariable + ")";

    /// <summary>Reads <c>--seconds N</c> per cell (default 10), <c>--warmup N</c> before each cell (default 2) and <c>--pgbench PATH</c>.</summary>
    public static BenchOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var seconds = 10;
        var warmUp = 2;
        string? pgbench = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Option {args[i]} needs a value. {Usage}", nameof(args));
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--seconds":
                    seconds = WholeSeconds(args[i], value, minimum: 1);
                    break;
                case "--warmup":
                    warmUp = WholeSeconds(args[i], value, minimum: 0);
                    break;
                case "--pgbench":
                    pgbench = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. {Usage}", nameof(args));
            }
        }

        return new BenchOptions(seconds, warmUp, pgbench);
    }

    /// <summary>The admin connection string from <see cref="ServerVariable"/>, or a clear failure.</summary>
    public static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set: run scripts/bench.sh, which starts a private PostgreSQL, or set it to an admin connection string.");

    private static int WholeSeconds(string option, string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= minimum
            ? parsed
            : throw new ArgumentException($"Option {option} takes a whole number of seconds, at least {minimum}; got \"{value}\".", nameof(value));
}
