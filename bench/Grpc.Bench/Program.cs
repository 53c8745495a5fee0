using System.Globalization;
using Subscriptions.Grpc.Bench;

// Usage: dotnet run -c Release --project bench/Grpc.Bench -- [--seconds 5] [--concurrency 1,16,64]
var seconds = 5.0;
int[] concurrencies = [1, 16, 64];
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--seconds":
            seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--concurrency":
            concurrencies = [.. args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
            break;
        default:
            throw new ArgumentException($"Unknown option {args[i]}; use --seconds N and --concurrency 1,16,64.");
    }
}

await using var server = await BenchServer.StartAsync();
var duration = TimeSpan.FromSeconds(seconds);
var warmUp = TimeSpan.FromSeconds(Math.Min(3, seconds));
Console.WriteLine($"Empty unary call over h2c on loopback, {seconds.ToString(CultureInfo.InvariantCulture)} s per cell, one HTTP/2 connection per cell ({Environment.ProcessorCount} CPUs, .NET {Environment.Version}).");
// Both paths are JIT-compiled and tiered up before any cell is measured.
foreach (var path in new[] { BenchServer.GrpcPath, BenchServer.PlainPath })
{
    await LoadRun.RunAsync(server.Address, "warm-up", path, concurrency: 16, warmUp, TimeSpan.Zero);
}

Console.WriteLine();
Console.WriteLine("| target | streams | requests | req/s | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var concurrency in concurrencies)
{
    foreach (var (target, path) in new[] { ("grpc transport", BenchServer.GrpcPath), ("plain kestrel", BenchServer.PlainPath) })
    {
        var result = await LoadRun.RunAsync(server.Address, target, path, concurrency, duration, warmUp);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {result.Target} | {result.Concurrency} | {result.Requests} | {result.RequestsPerSecond:F0} | {result.P50Milliseconds:F3} | {result.P99Milliseconds:F3} |"));
    }
}
