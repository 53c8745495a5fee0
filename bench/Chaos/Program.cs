using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Subscriptions.Bench;
using Subscriptions.Chaos;

// Usage: subscriptions-chaos [--subscriptions N] [--clocks K] [--outage SECONDS]
// SUBSCRIPTIONS_BENCH_PG: admin connection string of the private PostgreSQL scripts/bench-chaos.sh starts (it is
// stopped and started again mid-burst through scripts/pg-local.sh, so it must be that server).
var subscriptions = 20_000;
var clocks = 0;
var outage = 5;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--subscriptions": subscriptions = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--clocks": clocks = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--outage": outage = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine("usage: subscriptions-chaos [--subscriptions N] [--clocks K (0: the real clock)] [--outage SECONDS]"); return 2;
    }
}

if (args.Length % 2 != 0 || subscriptions < 8 || clocks < 0 || outage < 1)
{
    Console.Error.WriteLine("usage: subscriptions-chaos [--subscriptions N (at least 8)] [--clocks K (0: the real clock)] [--outage SECONDS (at least 1)]");
    return 2;
}

var admin = Environment.GetEnvironmentVariable("SUBSCRIPTIONS_BENCH_PG");
var repo = Environment.GetEnvironmentVariable("SUBSCRIPTIONS_REPO");
if (admin is null || repo is null || Environment.GetEnvironmentVariable("PGLOCAL_DIR") is null)
{
    Console.Error.WriteLine("subscriptions-chaos: run it through scripts/bench-chaos.sh, which starts the private PostgreSQL it stops and starts mid-burst.");
    return 2;
}

var database = $"chaos_{Guid.NewGuid():N}"[..24];
await using (var connection = new NpgsqlConnection(admin))
{
    await connection.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection).ExecuteNonQueryAsync();
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
var port = new NpgsqlConnectionStringBuilder(admin).Port;
Console.WriteLine($"# Chaos: {subscriptions:N0} subscriptions with autopay, {(clocks == 0 ? "due at once on the real clock (Orleans reminders)" : $"on {clocks} test clocks advanced a month at once")}, two silos");
Console.WriteLine();
var report = await ChaosRun.RunAsync(new ChaosOptions
{
    Subscriptions = subscriptions,
    Clocks = clocks,
    SiloConnectionString = connectionString,
    CheckConnectionString = connectionString,
    DatabaseDown = () => PgLocal.RunAsync(repo, "stop", port),
    DatabaseUp = () => PgLocal.RunAsync(repo, "start", port),
    Outage = TimeSpan.FromSeconds(outage),
    Log = Console.Error,
});
Console.WriteLine($"PostgreSQL restarted mid-burst ({outage} s stopped); {Environment.ProcessorCount} CPUs; client, both silos and PostgreSQL on this machine.");
Console.WriteLine();
Console.WriteLine(report.Describe());
return report.Violations.Count == 0 ? 0 : 1;
