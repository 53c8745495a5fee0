using Subscriptions.Runtime.Bench;

// Usage: SUBSCRIPTIONS_BENCH_PG=<admin connection string> dotnet run -c Release --project bench/Runtime.Bench -- [--seconds 10] [--warmup 2] [--pgbench PATH]
// scripts/bench.sh sets everything up (a private durable PostgreSQL unless SUBSCRIPTIONS_BENCH_PG is set).
BenchOptions options;
string server;
try
{
    options = BenchOptions.Parse(args);
    server = BenchOptions.ServerConnectionString();
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"runtime-bench: {e.Message}");
    return 2;
}

var report = await new BenchRun(options, server, Console.Error).RunAsync();
report.Print(Console.Out);
return 0;
