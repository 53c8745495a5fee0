using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Bench;
using Subscriptions.Silo;
using Proto = Subscriptions.Grpc.Api.V1;

// Usage: Subscriptions.Grpc.Bench [--seconds N] [--warmup N] [--concurrency 1,16,64] [--outage SECONDS [--writers N]] [--busy-account CHANGES]
// (server: SUBSCRIPTIONS_BENCH_PG; --outage stops and restarts the private PostgreSQL of scripts/bench-grpc.sh)
var seconds = 10;
var warmup = 2;
int[] concurrency = [1, 16, 64];
int? outage = null;
int? busy = null;
var writers = 8;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = [.. args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]; break;
        case "--outage": outage = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--writers": writers = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--busy-account": busy = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine("usage: Subscriptions.Grpc.Bench [--seconds N] [--warmup N] [--concurrency 1,16,64] [--outage SECONDS [--writers N]] [--busy-account CHANGES]"); return 2;
    }
}

var admin = Environment.GetEnvironmentVariable("SUBSCRIPTIONS_BENCH_PG")
    ?? throw new InvalidOperationException("SUBSCRIPTIONS_BENCH_PG is not set (scripts/bench-grpc.sh starts a private PostgreSQL).");
var database = $"bench_grpc_{Guid.NewGuid():N}";
await using (var connection = new NpgsqlConnection(admin))
{
    await connection.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection).ExecuteNonQueryAsync();
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
var plain = new PlainResponses();
await using var app = SiloProgram.Build(
[
    $"--ConnectionStrings:Subscriptions={connectionString}",
    "--Grpc:Address=127.0.0.1",
    "--Grpc:Port=0",
    "--Auth:Issuer=subscriptions",
    "--Auth:Audience=subscriptions-api",
    "--Auth:SigningKey=YmVuY2htYXJrLW9ubHktc2lnbmluZy1rZXktMzItYnl0ZXMtbG9uZw==",
    "--Logging:LogLevel:Default=Warning",
], builder => builder.Services.AddSingleton(plain));
app.MapGrpcService<PlainService>();
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
var token = app.Services.GetRequiredService<TokenIssuer>().Issue("bench-ops", [RoleClaims.Ops], TimeSpan.FromHours(12));
var options = new CallOptions(new Metadata { { "authorization", $"Bearer {token}" } });
using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
});
var accounts = new Proto.AccountService.AccountServiceClient(channel);
var subscriptions = new Proto.SubscriptionService.SubscriptionServiceClient(channel);
var control = new Subscriptions.Grpc.Bench.V1.Plain.PlainClient(channel);

// A pool of accounts, each with one paid subscription. Every AddSeats issues a prorated invoice on its account, so
// writes go round-robin over the pool: each account issues a few invoices, not thousands.
const int Pool = 1000;
var ids = new (string Account, string Subscription)[Pool];
await Parallel.ForEachAsync(Enumerable.Range(0, Pool), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (w, _) =>
{
    var account = $"bench-{w}";
    await accounts.CreateAccountAsync(new Proto.CreateAccountRequest
    {
        RequestId = $"create-{w}",
        AccountId = account,
        CompanyName = "Bench Widgets",
        PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@bench.example", Phone = "+1 217 555 0100" },
        BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        Currency = "USD",
        Kind = Proto.AccountKind.SelfService,
        PrimaryHolderSubjectId = $"holder-{w}",
    }, options);
    await accounts.AddCardAsync(new Proto.AddCardRequest
    {
        RequestId = $"card-{w}",
        AccountId = account,
        PaymentMethodId = "card-1",
        Brand = Proto.CardBrand.Visa,
        GatewayToken = $"tok_{w}",
        Last4 = "4242",
        ExpiryMonth = 12,
        ExpiryYear = 2035,
    }, options);
    await subscriptions.CreateSubscriptionAsync(new Proto.CreateSubscriptionRequest
    {
        RequestId = $"buy-{w}",
        AccountId = account,
        SubscriptionId = "sub-1",
        ProductId = "meeting",
        PlanId = "professional",
        Seats = 1,
        Frequency = Proto.BillingFrequency.Monthly,
    }, options);
    ids[w] = (account, "sub-1");
});

// Each purchase's invoice is charged by its autopay in a turn of its own, after CreateSubscription has answered: the
// measurements start once every one is paid, so they do not share the machine with the set-up's tail.
await using (var connection = new NpgsqlConnection(connectionString))
{
    await connection.OpenAsync();
    await using var paid = new NpgsqlCommand("SELECT count(*) FROM public.grain_history WHERE grain_type = 'invoice' AND change = 'paid-in-full'", connection);
    var waited = Stopwatch.StartNew();
    while ((long)(await paid.ExecuteScalarAsync())! < Pool)
    {
        if (waited.Elapsed > TimeSpan.FromMinutes(2))
        {
            Console.Error.WriteLine($"bench: the {Pool:N0} purchase invoices were not all paid within 2 minutes; measuring anyway");
            break;
        }

        await Task.Delay(100);
    }
}

if (busy is { } changes)
{
    var result = await BusyAccountRun.RunAsync(accounts, options, ids[0].Account, changes, connectionString);
    await app.StopAsync();
    return result;
}

if (outage is { } down)
{
    if (Environment.GetEnvironmentVariable("PGLOCAL_DIR") is null)
    {
        Console.Error.WriteLine("bench: --outage stops the private PostgreSQL scripts/bench-grpc.sh starts; unset SUBSCRIPTIONS_BENCH_PG and run it through the script.");
        return 2;
    }

    var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
    var port = new NpgsqlConnectionStringBuilder(admin).Port;
    var result = await OutageRun.RunAsync(subscriptions, new Proto.InvoiceService.InvoiceServiceClient(channel), options, ids, writers, TimeSpan.FromSeconds(down), repo, port);
    await app.StopAsync();
    return result;
}

long requestCounter = 0;
Proto.GetSubscriptionRequest Read(int w) => new() { AccountId = ids[w].Account, SubscriptionId = ids[w].Subscription };
Proto.AddSeatsRequest Write(int w)
{
    var n = Interlocked.Increment(ref requestCounter);
    var (account, subscription) = ids[n % Pool];
    return new() { RequestId = $"seats-{n}", AccountId = account, SubscriptionId = subscription, Seats = 1 };
}
// Every call on one subscription: its changes queue behind each other in its grain.
Proto.AddSeatsRequest WriteOne(int w) => new() { RequestId = $"one-seats-{Interlocked.Increment(ref requestCounter)}", AccountId = ids[0].Account, SubscriptionId = ids[0].Subscription, Seats = 1 };
plain.Subscription = await subscriptions.GetSubscriptionAsync(Read(0), options);
plain.Change = await subscriptions.AddSeatsAsync(Write(0), options);

var settings = new List<string>();
await using (var connection = new NpgsqlConnection(connectionString))
{
    await connection.OpenAsync();
    foreach (var name in new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes" })
    {
        settings.Add($"{name}={await new NpgsqlCommand($"SHOW {name}", connection).ExecuteScalarAsync()}");
    }
}

Console.WriteLine($"# gRPC API benchmark: {Environment.ProcessorCount} CPUs, PostgreSQL {string.Join(", ", settings)}, {seconds} s per cell after {warmup} s warm-up, each call first run until the JIT settled");
Console.WriteLine();
Console.WriteLine($"Response sizes: Subscription {plain.Subscription.CalculateSize()} B, SubscriptionChange {plain.Change.CalculateSize()} B.");
Console.WriteLine();
Console.WriteLine("| call | streams | grain calls/s | p50 ms | p99 ms | plain calls/s | p50 ms | p99 ms | grain/plain |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (name, grain, control2) in new (string, Func<int, Task>, Func<int, Task>)[]
{
    ("GetSubscription", w => subscriptions.GetSubscriptionAsync(Read(w), options).ResponseAsync, w => control.GetSubscriptionAsync(Read(w), options).ResponseAsync),
    ("AddSeats", w => subscriptions.AddSeatsAsync(Write(w), options).ResponseAsync, w => control.AddSeatsAsync(Write(w), options).ResponseAsync),
    ("AddSeats, one subscription", w => subscriptions.AddSeatsAsync(WriteOne(w), options).ResponseAsync, w => control.AddSeatsAsync(WriteOne(w), options).ResponseAsync),
})
{
    var compiled = await CompileAsync(grain, control2, concurrency.Max());
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {name} and its plain twin ran {compiled.TotalSeconds:F0} s until the JIT settled"));
    foreach (var streams in concurrency)
    {
        var real = await RunAsync(grain, streams, warmup, seconds);
        var baseline = await RunAsync(control2, streams, warmup, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {streams} | {real.Rate:N0} | {real.P50:F3} | {real.P99:F3} | {baseline.Rate:N0} | {baseline.P50:F3} | {baseline.P99:F3} | {real.Rate / baseline.Rate:F2} |"));
    }
}

await app.StopAsync();
NpgsqlConnection.ClearAllPools();
await using (var connection = new NpgsqlConnection(admin))
{
    await connection.OpenAsync();
    await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection).ExecuteNonQueryAsync();
}

return 0;

// Runs a call and its plain twin in turns of a second each until the JIT compiles fewer than 100 methods in either
// (at most 60 s). A call's first seconds run code the tiered JIT is still compiling and optimizing (a third of a CPU
// spent compiling, the call at a quarter of its later rate, measured with dotnet-counters), which a per-cell warm-up
// of 2 s does not cover; the first cell would measure the JIT, not the call.
static async Task<TimeSpan> CompileAsync(Func<int, Task> call, Func<int, Task> twin, int streams)
{
    const long Settled = 100;
    var start = Stopwatch.GetTimestamp();
    while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(60))
    {
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();
        await Loop(call, streams, TimeSpan.FromSeconds(1), null);
        var middle = System.Runtime.JitInfo.GetCompiledMethodCount();
        await Loop(twin, streams, TimeSpan.FromSeconds(1), null);
        if (middle - before < Settled && System.Runtime.JitInfo.GetCompiledMethodCount() - middle < Settled)
        {
            break;
        }
    }

    return Stopwatch.GetElapsedTime(start);
}

// Closed loop: each of `streams` callers sends its next call when the previous one answers.
static async Task<(double Rate, double P50, double P99)> RunAsync(Func<int, Task> call, int streams, int warmupSeconds, int seconds)
{
    await Loop(call, streams, TimeSpan.FromSeconds(warmupSeconds), null);
    var latencies = new List<long>[streams];
    var elapsed = await Loop(call, streams, TimeSpan.FromSeconds(seconds), latencies);
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    return (all.Length / elapsed.TotalSeconds, Ms(all[all.Length / 2]), Ms(all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]));
}

static async Task<TimeSpan> Loop(Func<int, Task> call, int streams, TimeSpan duration, List<long>[]? latencies)
{
    var start = Stopwatch.GetTimestamp();
    var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, streams).Select(async w =>
    {
        var mine = new List<long>();
        if (latencies is not null)
        {
            latencies[w] = mine;
        }

        while (Stopwatch.GetTimestamp() < end)
        {
            var before = Stopwatch.GetTimestamp();
            await call(w);
            mine.Add(Stopwatch.GetTimestamp() - before);
        }
    }));
    return Stopwatch.GetElapsedTime(start);
}
