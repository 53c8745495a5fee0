using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Bench;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Quotes;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Silo;
using Subscriptions.Storage;
using Subscriptions.Testing;

// Usage: Subscriptions.Grains.Bench [--seconds N] [--concurrency 1,8,64] [--renewals N] [--autopay N] [--reminders N] [--orders N] [--pgbench PATH] [--parts writes,projection,search,costs,orders,renewals,autopay,reminders,eviction] [--keep-databases]
var seconds = 10;
int[] concurrency = [1, 8, 64];
var renewals = 10_000;
var autopay = 10_000;
var reminders = 1_000_000;
var orders = 400;
var pgbench = "pgbench";
var parts = "writes,projection,search,costs,orders,renewals,autopay,reminders,eviction";
for (var i = 0; i < args.Length; i += 2)
{
    if (args[i] == "--keep-databases")
    {
        // Each part's database is left on the server after the run, for inspection (pg_waldump, table statistics).
        BenchDatabase.Keep = true;
        i--;
        continue;
    }

    switch (i + 1 < args.Length ? args[i] : "")
    {
        case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = [.. args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]; break;
        case "--renewals": renewals = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--autopay": autopay = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--reminders": reminders = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--orders": orders = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--pgbench": pgbench = args[i + 1]; break;
        case "--parts": parts = args[i + 1]; break;
        default: Console.Error.WriteLine("usage: Subscriptions.Grains.Bench [--seconds N] [--concurrency 1,8,64] [--renewals N] [--autopay N] [--reminders N] [--orders N] [--pgbench PATH] [--parts writes,projection,search,costs,orders,renewals,autopay,reminders,eviction] [--keep-databases]"); return 2;
    }
}

var admin = Environment.GetEnvironmentVariable("SUBSCRIPTIONS_BENCH_PG")
    ?? throw new InvalidOperationException("SUBSCRIPTIONS_BENCH_PG is not set (scripts/bench-grains.sh starts a private PostgreSQL).");
var ops = Actor.Ops("bench");

Console.WriteLine($"# Grains benchmark: {Environment.ProcessorCount} CPUs, {await SettingsAsync(admin)}");
Console.WriteLine();

// 1. State-writing grain calls next to pgbench -N at the same client counts.
if (parts.Contains("writes", StringComparison.Ordinal))
await using (var bench = await Bench.StartAsync(admin, "writes"))
{
    var grains = bench.Grains;
    var callers = concurrency.Max();
    for (var w = 0; w < callers; w++)
    {
        await grains.OpenAsync($"w-{w}", ops);
    }

    Console.WriteLine("## State-writing grain calls (SetAutopay, one write + one hand-off each) next to pgbench -N");
    Console.WriteLine();
    Console.WriteLine("| callers | grain calls/s | p50 ms | p99 ms | pgbench -N tps | ratio |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
    foreach (var c in concurrency)
    {
        var counters = new long[c];
        var result = await Bench.LoopAsync(c, TimeSpan.FromSeconds(seconds), async w =>
        {
            var enabled = (Interlocked.Increment(ref counters[w]) & 1) == 0;
            await grains.GetGrain<IAccountGrain>($"w-{w}").ChangeAsync(ops, new SetAutopay(enabled));
        });
        var tps = await PgBenchAsync(pgbench, bench.ConnectionString, c, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {c} | {result.Rate:N0} | {result.P50:F2} | {result.P99:F2} | {tps:N0} | {result.Rate / tps:F2} |"));
    }

    Console.WriteLine();
}

// 1c. What the ops projection costs the write path: state-writing calls with the projection row written in the same
// statement and without it. A draft quote's edit changes its projected total every time, so its row is rewritten by
// every edit; SetAutopay changes nothing an account is searched by, so its row is not rewritten at all.
if (parts.Contains("projection", StringComparison.Ordinal))
await using (var bench = await Bench.StartAsync(admin, "projection"))
{
    var grains = bench.Grains;
    var options = bench.Services.GetRequiredService<GrainRecordOptions>();
    var callers = concurrency.Max();
    var quotes = new string[callers];
    for (var w = 0; w < callers; w++)
    {
        await grains.OpenAsync($"pj-{w}", ops);
        using (CallContext.Enter(ops.SubjectId, $"pj-quote-{w}"))
        {
            var number = await grains.GetGrain<IAccountGrain>($"pj-{w}").NumberQuoteAsync(ops);
            quotes[w] = QuoteKey.Of($"pj-{w}", number);
            await grains.GetGrain<IQuoteGrain>(quotes[w]).DraftAsync(ops, [new(QuoteLineKind.NewSubscription, null, "webinar", "lite", 1, BillingFrequency.Monthly)]);
        }
    }

    Console.WriteLine("## What the ops projection costs the write path");
    Console.WriteLine();
    long warm = 0;
    Console.WriteLine("| call | callers | projection | grain calls/s | p50 ms | p99 ms | projection rows written |");
    Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
    foreach (var c in concurrency)
    {
        foreach (var (call, work) in new (string, Func<int, long, Task>)[]
        {
            ("EditQuote (row changes)", (w, n) => grains.GetGrain<IQuoteGrain>(quotes[w]).EditAsync(ops, [new(QuoteLineKind.NewSubscription, null, "webinar", "lite", 1 + (int)(n % 2), BillingFrequency.Monthly)])),
            ("SetAutopay (row unchanged)", (w, n) => grains.GetGrain<IAccountGrain>($"pj-{w}").ChangeAsync(ops, new SetAutopay((n & 1) == 0))),
        })
        {
            // Warmed up first, then off, on, off, on: each mode twice, so neither gains from running second.
            options.OpsProjection = true;
            await Bench.LoopAsync(c, TimeSpan.FromSeconds(2), w => work(w, Interlocked.Increment(ref warm)));
            foreach (var on in new[] { false, true, false, true })
            {
                options.OpsProjection = on;
                var counters = new long[c];
                var before = await bench.CountAsync("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'ops_projection'");
                var result = await Bench.LoopAsync(c, TimeSpan.FromSeconds(seconds), w => work(w, Interlocked.Increment(ref counters[w])));
                await Task.Delay(1500); // backends report table counters to the statistics at most once a second
                var after = await bench.CountAsync("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'ops_projection'");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {call} | {c} | {(on ? "on" : "off")} | {result.Rate:N0} | {result.P50:F2} | {result.P99:F2} | {after - before:N0} |"));
            }
        }
    }

    options.OpsProjection = true;
    Console.WriteLine();
}

// 1d. Ops search over 1,000,000 subscription rows of the ops projection (synthetic rows, inserted by SQL: 100,000
// accounts of 10 subscriptions, states, products and renewal dates spread as a fleet's would be), each query's first
// page of 20 and a page deep into the results through its cursor.
if (parts.Contains("search", StringComparison.Ordinal))
await using (var database = await Bench.CreateDatabaseAsync(admin, "search"))
{
    await Subscriptions.Storage.MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);
    var fill = Stopwatch.StartNew();
    await using (var insert = database.DataSource.CreateCommand(
        """
        INSERT INTO public.ops_projection (grain_type, grain_key, version, account_id, entity_id, state, wake_at, wake_name, product_id, plan_id, seats, period_end, grace_end)
        SELECT 'subscription', a || '/' || s, 1, a, s,
               (ARRAY['active','active','active','active','active','active','trial','pending-cancellation','limited','suspended','cancelled','free'])[1 + (i % 12)],
               timestamptz '2026-08-01' + (i % 30) * interval '1 day', 'renewal',
               (ARRAY['meeting','webinar','central','pro'])[1 + (i / 7 % 4)], 'professional', 1 + i % 50,
               timestamptz '2026-08-01' + (i % 30) * interval '1 day' + (i % 1440) * interval '1 minute',
               CASE WHEN i % 12 = 8 THEN timestamptz '2026-08-01' + (i % 15) * interval '1 day' END
          FROM generate_series(0, 999999) AS i,
               LATERAL (SELECT 'acct-' || lpad((i / 10)::text, 6, '0') AS a, 'sub-' || (i % 10) AS s) AS k
        """))
    {
        insert.CommandTimeout = 600;
        await insert.ExecuteNonQueryAsync();
    }

    await using (var analyze = database.DataSource.CreateCommand("ANALYZE public.ops_projection"))
    {
        await analyze.ExecuteNonQueryAsync();
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## Ops search over 1,000,000 subscription rows (filled in {fill.Elapsed.TotalSeconds:F0} s)"));
    Console.WriteLine();
    Console.WriteLine("| search | rows matching | p50 ms | p99 ms |");
    Console.WriteLine("|---|---:|---:|---:|");
    var projection = new Subscriptions.Storage.Grains.OpsProjectionTable(database.DataSource, TimeSpan.FromMinutes(1));
    var from = new DateTimeOffset(2026, 8, 10, 0, 0, 0, TimeSpan.Zero);
    var searches = new (string Name, Subscriptions.Grains.Ops.ProjectionQuery Query)[]
    {
        ("suspended, first page", new() { GrainType = "subscription", States = ["suspended"] }),
        ("active and meeting, first page", new() { GrainType = "subscription", States = ["active"], ProductId = "meeting" }),
        ("one account", new() { GrainType = "subscription", AccountId = "acct-054321" }),
        ("active, renewing within a day", new() { GrainType = "subscription", States = ["active"], PeriodEnd = new(from, from.AddDays(1)) }),
        ("limited, grace ending within 3 days", new() { GrainType = "subscription", States = ["limited"], GraceEnd = new(from, from.AddDays(3)) }),
        ("any state, product pro, plan professional", new() { GrainType = "subscription", ProductId = "pro", PlanId = "professional" }),
        ("wake-ups due within an hour", new() { Wake = new(from, from.AddHours(1)), Order = Subscriptions.Grains.Ops.ProjectionOrder.WakeAt }),
    };
    foreach (var (name, query) in searches)
    {
        var where = await database.CountAsync(name switch
        {
            "suspended, first page" => "SELECT count(*) FROM public.ops_projection WHERE state = 'suspended'",
            "active and meeting, first page" => "SELECT count(*) FROM public.ops_projection WHERE state = 'active' AND product_id = 'meeting'",
            "one account" => "SELECT count(*) FROM public.ops_projection WHERE account_id = 'acct-054321'",
            "active, renewing within a day" => "SELECT count(*) FROM public.ops_projection WHERE state = 'active' AND period_end >= '2026-08-10' AND period_end < '2026-08-11'",
            "limited, grace ending within 3 days" => "SELECT count(*) FROM public.ops_projection WHERE state = 'limited' AND grace_end >= '2026-08-10' AND grace_end < '2026-08-13'",
            "any state, product pro, plan professional" => "SELECT count(*) FROM public.ops_projection WHERE product_id = 'pro' AND plan_id = 'professional'",
            _ => "SELECT count(*) FROM public.ops_projection WHERE wake_at >= '2026-08-10' AND wake_at < '2026-08-10 01:00'",
        });
        var first = await TimeAsync(() => projection.SearchAsync(query, CancellationToken.None));

        // 50 pages in, through the cursor of the 50th page.
        var cursor = query;
        for (var p = 0; p < 50; p++)
        {
            var page = await projection.SearchAsync(cursor, CancellationToken.None);
            if (page.Next is null)
            {
                break;
            }

            cursor = cursor with { After = page.Next };
        }

        var deep = await TimeAsync(() => projection.SearchAsync(cursor, CancellationToken.None));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {where:N0} | {first.P50:F2} | {first.P99:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name}, page 51 | | {deep.P50:F2} | {deep.P99:F2} |"));
    }

    Console.WriteLine();

    static async Task<(double P50, double P99)> TimeAsync(Func<Task> search)
    {
        var times = new List<double>();
        for (var i = 0; i < 220; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await search();
            if (i >= 20)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.99)]);
    }
}

// 1b. What setting up an account, adding a seat, one renewal and one payment cost: write transactions (durable commits)
// and grain calls, over a few hundred of each on a quiet silo.
if (parts.Contains("costs", StringComparison.Ordinal))
await using (var bench = await Bench.StartAsync(admin, "costs"))
{
    const int N = 200;
    var grains = bench.Grains;
    const string Charged = "SELECT count(*) FROM public.payment_simulator_charges WHERE status = 'succeeded'";

    async Task<(double Commits, IReadOnlyList<(string Method, long Calls)> Calls)> MeasureAsync(Func<Task> work)
    {
        var calls = bench.Calls.Snapshot();
        var before = await bench.WriteTransactionsAsync();
        await work();
        var after = await bench.WriteTransactionsAsync();
        return ((after - before - 1) / (double)N, bench.Calls.Since(calls));
    }

    // Each measure below waits past the intent recovery delay, so whatever a change leaves to happen after it (a
    // recovery tick, in releases that armed one; a sweep of its stored intent) is counted as part of its cost.
    var recoveryTicks = new GrainRecordOptions().IntentRecoveryDelay + TimeSpan.FromSeconds(10);

    // Setting up an account: the account, its card, a purchase and that purchase's autopay charge.
    var setUp = await MeasureAsync(async () =>
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            await grains.OpenAsync($"c-{i}", ops);
            using (CallContext.Enter(ops.SubjectId, $"buy-c-{i}"))
            {
                await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"c-{i}", "sub-1"))
                    .CreateAsync(ops, new CreatePaid("sub-1", $"c-{i}", "meeting", "professional", 1, BillingFrequency.Monthly), null, token);
            }
        });
        await WaitForAsync(bench, Charged, N, TimeSpan.FromMinutes(5));
        await Task.Delay(recoveryTicks);
    });

    await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
    {
        await grains.OpenAsync($"p-{i}", ops, autopay: false);
        using (CallContext.Enter(ops.SubjectId, $"buy-p-{i}"))
        {
            await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"p-{i}", "sub-1"))
                .CreateAsync(ops, new CreatePaid("sub-1", $"p-{i}", "meeting", "professional", 1, BillingFrequency.Monthly), null, token);
        }
    });
    await Task.Delay(recoveryTicks);

    // A seat added: a prorated invoice issued with its grain's record, and its due-date reminder armed (autopay off, so it stays to be paid).
    var seats = await MeasureAsync(async () =>
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            using (CallContext.Enter(ops.SubjectId, $"seats-p-{i}"))
            {
                await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"p-{i}", "sub-1")).AddSeatsAsync(ops, new AddSeats(1), token);
            }
        });
        await Task.Delay(recoveryTicks);
    });

    bench.Clock.Offset = TimeSpan.FromDays(32);
    var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow);

    // A renewal with autopay: the tick, the invoice issued with its grain's record, the charge at once, the ledger.
    var renewal = await MeasureAsync(async () =>
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
            await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"c-{i}", "sub-1")).AsReference<IRemindable>()
                .ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick, token));
        await WaitForAsync(bench, Charged, 2L * N, TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(2));
    });

    // Renewals without autopay leave invoices to pay; each is then paid through the invoice grain.
    await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"p-{i}", "sub-1")).AsReference<IRemindable>()
            .ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick, token));
    var unpaid = new string[N];
    await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
    {
        var account = await grains.GetGrain<IAccountGrain>($"p-{i}").GetAsync(ops, token);
        unpaid[i] = account.Invoices.First(v => v.Balance.Amount > 0m).Number;
    });
    var payment = await MeasureAsync(async () =>
        await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            using (CallContext.Enter(ops.SubjectId, $"pay-{i}"))
            {
                await grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of($"p-{i}", unpaid[i])).PayAsync(ops, new PayInvoice(null, null, null), token);
            }
        }));

    Console.WriteLine($"## What a set-up, an AddSeats, a renewal and a payment cost ({N} of each, averaged)");
    Console.WriteLine();
    Console.WriteLine("Write transactions counted on the server (each a durable commit), grain calls counted by the silo.");
    Console.WriteLine();
    foreach (var (name, cost) in new[]
    {
        ("setting up an account (account, card, purchase, its autopay charge)", setUp), ("AddSeats (a prorated invoice, autopay off)", seats),
        ("renewal with autopay (tick to paid invoice)", renewal), ("payment (PayInvoice of an issued invoice, default card)", payment),
    })
    {
        var calls = string.Join(", ", cost.Calls.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Method} {c.Calls / (double)N:0.##}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {name}: {cost.Commits:F1} commits, {cost.Calls.Sum(c => c.Calls) / (double)N:F1} grain calls: {calls}"));
    }

    Console.WriteLine();
}

// 1c. Service orders (QUO-5): the latency to accept a cart of three quotes (seats added to two subscriptions, one new
// subscription: one invoice, one charge, one confirmation), one holder at a time, then orders per second with 8
// holders on different accounts at once. The quotes are written and sent before the clock starts.
if (parts.Contains("orders", StringComparison.Ordinal))
await using (var bench = await Bench.StartAsync(admin, "orders"))
{
    var grains = bench.Grains;
    const int Holders = 8;
    var carts = Math.Max(orders / Holders, 1);
    var accounts = Enumerable.Range(0, Holders + 1).Select(h => $"o-{h}").ToArray();
    await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = Holders }, async (account, token) =>
    {
        await grains.OpenAsync(account, ops, autopay: false);
        foreach (var sub in new[] { "sub-1", "sub-2" })
        {
            using (CallContext.Enter(ops.SubjectId, $"buy-{account}-{sub}"))
            {
                await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of(account, sub))
                    .CreateAsync(ops, new CreatePaid(sub, account, "meeting", "professional", 1, BillingFrequency.Monthly), null, token);
            }
        }
    });

    async Task<string[]> QuotesAsync(string account, int cart)
    {
        QuoteLine[] lines =
        [
            new(QuoteLineKind.AddSeats, "sub-1", "meeting", "professional", 1, BillingFrequency.Monthly),
            new(QuoteLineKind.AddSeats, "sub-2", "meeting", "professional", 1, BillingFrequency.Monthly),
            new(QuoteLineKind.NewSubscription, null, "webinar", "lite", 1, BillingFrequency.Monthly),
        ];
        var numbers = new string[lines.Length];
        for (var q = 0; q < lines.Length; q++)
        {
            using (CallContext.Enter(ops.SubjectId, $"quote-{account}-{cart}-{q}"))
            {
                numbers[q] = await grains.GetGrain<IAccountGrain>(account).NumberQuoteAsync(ops);
                var quote = grains.GetGrain<IQuoteGrain>(QuoteKey.Of(account, numbers[q]));
                await quote.DraftAsync(ops, [lines[q]]);
            }

            using (CallContext.Enter(ops.SubjectId, $"send-{account}-{cart}-{q}"))
            {
                await grains.GetGrain<IQuoteGrain>(QuoteKey.Of(account, numbers[q])).SendAsync(ops);
            }
        }

        return numbers;
    }

    async Task<bool> AcceptAsync(string account, int cart, string[] quotes)
    {
        var holder = Actor.Customer($"holder-{account}");
        using var scope = CallContext.Enter(holder.SubjectId, $"accept-{account}-{cart}");
        var number = await grains.GetGrain<IAccountGrain>(account).NumberOrderAsync(holder);
        var order = await grains.GetGrain<IServiceOrderGrain>(QuoteKey.Of(account, number))
            .PlaceAsync(holder, quotes, new Checkout(new AdministratorContact("admin-1", "it@bench.example"), "card-1", null));
        return order.Status == OrderStatus.Fulfilled && order.Charge?.Status == "succeeded";
    }

    // One holder: each cart prepared, then its acceptance timed alone.
    var latencies = new List<double>();
    var fulfilled = 0;
    long commits = 0, calls = 0;
    for (var cart = 0; cart < carts; cart++)
    {
        var quotes = await QuotesAsync(accounts[Holders], cart);
        var snapshot = bench.Calls.Snapshot();
        var before = await bench.WriteTransactionsAsync();
        var started = Stopwatch.GetTimestamp();
        fulfilled += await AcceptAsync(accounts[Holders], cart, quotes) ? 1 : 0;
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        commits += await bench.WriteTransactionsAsync() - before - 1;
        calls += bench.Calls.Since(snapshot).Sum(c => c.Calls);
    }

    // 8 holders at once, on different accounts, every cart prepared first (an account has at most 50 quotes pending).
    var perHolder = Math.Min(carts, 50 / 3);
    var prepared = new string[Holders][][];
    await Parallel.ForEachAsync(Enumerable.Range(0, Holders), new ParallelOptions { MaxDegreeOfParallelism = Holders }, async (h, token) =>
    {
        prepared[h] = new string[perHolder][];
        for (var cart = 0; cart < perHolder; cart++)
        {
            prepared[h][cart] = await QuotesAsync(accounts[h], cart);
        }
    });
    var concurrentFulfilled = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Holders).Select(async h =>
    {
        for (var cart = 0; cart < perHolder; cart++)
        {
            if (await AcceptAsync(accounts[h], cart, prepared[h][cart]))
            {
                Interlocked.Increment(ref concurrentFulfilled);
            }
        }
    }));
    clock.Stop();

    latencies.Sort();
    Console.WriteLine($"## Service orders ({Subscriptions.Domain.Rules.Quo5}): a cart of three quotes, one invoice, one charge, one confirmation");
    Console.WriteLine();
    Console.WriteLine("| | carts | fulfilled and charged | p50 ms | p99 ms | orders/s | durable commits per cart | grain calls per cart |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| 1 holder, one cart at a time | {carts} | {fulfilled} | {latencies[latencies.Count / 2]:F1} | {latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]:F1} | {carts / (latencies.Sum() / 1000):F1} | {commits / (double)carts:F1} | {calls / (double)carts:F1} |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {Holders} holders on {Holders} accounts at once | {Holders * perHolder} | {concurrentFulfilled} | | | {Holders * perHolder / clock.Elapsed.TotalSeconds:F1} | | |"));
    Console.WriteLine();
}

// 2. A renewal burst: every subscription due at once, each woken by its reminder tick.
if (parts.Contains("renewals", StringComparison.Ordinal))
await using (var bench = await Bench.StartAsync(admin, "renewals"))
{
    var grains = bench.Grains;
    var created = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, renewals), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
    {
        // Autopay off: this part measures renewals alone, as before autopay existed; the next part turns it on.
        await grains.OpenAsync($"r-{i}", ops, autopay: false);
        using (CallContext.Enter(ops.SubjectId, $"buy-{i}"))
        {
            var subscription = grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"r-{i}", "sub-1"));
            await subscription.CreateAsync(ops, new CreatePaid("sub-1", $"r-{i}", "meeting", "professional", 1, BillingFrequency.Monthly), null, token);
        }
    });
    var setup = created.Elapsed;
    bench.Clock.Offset = TimeSpan.FromDays(32);
    var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow);
    var burst = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, renewals), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, token) =>
    {
        var subscription = grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"r-{i}", "sub-1"));
        await subscription.AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick, token);
    });
    burst.Stop();
    var renewed = await bench.CountAsync("SELECT count(*) FROM public.grain_history WHERE grain_type = 'subscription' AND change = 'renewed'");
    var rearmed = await bench.CountAsync("SELECT count(*) FROM public.orleans_reminders");
    Console.WriteLine($"## Renewal burst: {renewals:N0} subscriptions due at once, each woken by its reminder tick (64 at a time)");
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- set-up (account, card, purchase each): {setup.TotalSeconds:F1} s\n- all renewed (invoice issued, next reminder registered): {burst.Elapsed.TotalSeconds:F1} s, {renewals / burst.Elapsed.TotalSeconds:N0} renewals/s\n- renewed: {renewed:N0}; reminders registered: {rearmed:N0}\n- peak silo working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MiB (process: client and silo together)"));
    Console.WriteLine();
}

// 2b. The renewal burst with autopay on (INV-6): every renewal invoice is charged through the simulated gateway when
// its Orleans reminder fires, as in production; drained when every invoice is paid.
if (parts.Contains("autopay", StringComparison.Ordinal))
await using (var bench = await Bench.StartAsync(admin, "autopay"))
{
    var grains = bench.Grains;
    const string Charged = "SELECT count(*) FROM public.payment_simulator_charges WHERE status = 'succeeded'";
    const string Paid = "SELECT count(*) FROM public.grain_history WHERE grain_type = 'invoice' AND change = 'paid-in-full'";
    var created = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, autopay), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
    {
        await grains.OpenAsync($"a-{i}", ops);
        using (CallContext.Enter(ops.SubjectId, $"buy-{i}"))
        {
            var subscription = grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"a-{i}", "sub-1"));
            await subscription.CreateAsync(ops, new CreatePaid("sub-1", $"a-{i}", "meeting", "professional", 1, BillingFrequency.Monthly), null, token);
        }
    });
    await WaitForAsync(bench, Charged, autopay, TimeSpan.FromMinutes(30));
    var setup = created.Elapsed;
    bench.Clock.Offset = TimeSpan.FromDays(32);
    var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow);
    var burst = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, autopay), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, token) =>
    {
        var subscription = grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of($"a-{i}", "sub-1"));
        await subscription.AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick, token);
    });
    var renewedIn = burst.Elapsed;
    // Drained when every invoice is paid, not when the gateway has taken every charge: a charge succeeds at the gateway
    // a moment before its invoice commits it.
    var drained = await WaitForAsync(bench, Paid, 2L * autopay, TimeSpan.FromMinutes(60));
    var drainedIn = burst.Elapsed;
    var renewed = await bench.CountAsync("SELECT count(*) FROM public.grain_history WHERE grain_type = 'subscription' AND change = 'renewed'");
    var paid = await bench.CountAsync(Paid);
    var charges = await bench.CountAsync("SELECT count(*) FROM public.payment_simulator_charges");
    var succeeded = await bench.CountAsync(Charged);
    Console.WriteLine($"## Renewal burst with autopay: {autopay:N0} subscriptions due at once, each renewal invoice charged when its reminder fires");
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- set-up (account, card, purchase and its autopay charge each): {setup.TotalSeconds:F1} s\n"
        + $"- all renewed (renewal ticks sent 64 at a time; invoice issued, its autopay reminder registered): {renewedIn.TotalSeconds:F1} s, {autopay / renewedIn.TotalSeconds:N0} renewals/s\n"
        + $"- drained (every renewal invoice charged and paid, through Orleans reminders): {drainedIn.TotalSeconds:F1} s after the first tick, {autopay / drainedIn.TotalSeconds:N0} renewals charged/s{(drained ? "" : " (NOT DRAINED within the timeout)")}\n"
        + $"- renewed: {renewed:N0}; invoices paid in full: {paid:N0} (purchases and renewals); gateway charges: {charges:N0}, of which succeeded {succeeded:N0}\n"
        + $"- peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MiB (process: client and silo together)"));
    Console.WriteLine();
}

// 3. A silo over a million reminders.
if (parts.Contains("reminders", StringComparison.Ordinal))
await using (var database = await Bench.CreateDatabaseAsync(admin, "reminders"))
{
    await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
    {
        await MigrationRunner.ApplyAsync(dataSource, SchemaMigrations.All);
        var insert = Stopwatch.StartNew();
        await using (var command = dataSource.CreateCommand(
            """
            INSERT INTO public.orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
            SELECT 'bench', 'subscription/m-' || n || '/sub-1', 'wake', (random() * 4294967295 - 2147483648)::bigint::int,
                   now() + interval '30 days', 300000, 0
            FROM generate_series(1, $1) AS n
            """))
        {
            command.CommandTimeout = 0;
            command.Parameters.Add(new() { Value = reminders });
            await command.ExecuteNonQueryAsync();
        }

        insert.Stop();
        var range = Stopwatch.StartNew();
        await using (var command = dataSource.CreateCommand(
            "SELECT count(*) FROM public.orleans_reminders WHERE service_id = 'bench' AND grain_hash > -2147483648 AND grain_hash <= 2147483647"))
        {
            command.CommandTimeout = 0;
            await command.ExecuteScalarAsync();
        }

        range.Stop();
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        var start = Stopwatch.StartNew();
        await using var silo = await Bench.StartAsync(admin, "reminders-silo", database, serviceId: "bench");
        var serving = start.Elapsed;
        await silo.Grains.GetGrain<IAccountGrain>("m-probe").GetAsync(ops).ContinueWith(_ => { }, TaskScheduler.Default);
        var firstCall = start.Elapsed;

        // Orleans loads the reminders of the silo's range in the background after start-up: watch the working set until
        // it stops growing (sampled every second, for at most two minutes).
        var peak = Process.GetCurrentProcess().WorkingSet64;
        var settled = TimeSpan.Zero;
        for (var quiet = 0; quiet < 10 && start.Elapsed < TimeSpan.FromMinutes(2);)
        {
            await Task.Delay(1000);
            var now = Process.GetCurrentProcess().WorkingSet64;
            if (now > peak + (16L << 20))
            {
                peak = now;
                settled = start.Elapsed;
                quiet = 0;
            }
            else
            {
                quiet++;
            }
        }

        GC.Collect();
        var after = Process.GetCurrentProcess().WorkingSet64;
        Console.WriteLine($"## One silo over {reminders:N0} registered reminders");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"- rows inserted in {insert.Elapsed.TotalSeconds:F1} s; reading the whole range once (what a refresh asks for): {range.Elapsed.TotalMilliseconds:N0} ms\n- silo start to serving: {serving.TotalSeconds:F1} s (first grain call answered at {firstCall.TotalSeconds:F1} s)\n- working set before the silo: {before / (1024 * 1024):N0} MiB; peak while it loaded its reminders: {peak / (1024 * 1024):N0} MiB (last growth {settled.TotalSeconds:F0} s after start); after a collection: {after / (1024 * 1024):N0} MiB"));
        Console.WriteLine();
    }
}

// 4. How long a silo that dies or freezes takes to be evicted: a second silo in a child process, killed (SIGKILL: its
// sockets close) or frozen (SIGSTOP: its sockets stay open and it answers nothing), timed until the survivor declares it
// dead in the membership table.
if (parts.Contains("eviction", StringComparison.Ordinal))
await using (var survivor = await Bench.StartAsync(admin, "eviction"))
{
    Console.WriteLine("## Eviction of a killed or frozen silo");
    Console.WriteLine();
    foreach (var signal in new[] { "KILL", "STOP" })
    {
        var siloPort = LoopbackPorts.Next();
        var silo = Path.Combine(AppContext.BaseDirectory, "subscriptions-silo.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            silo, "run", $"--ConnectionStrings:Subscriptions={survivor.ConnectionString}", "--Grpc:Address=127.0.0.1", "--Grpc:Port=0",
            $"--Cluster:ClusterId={survivor.ClusterId}", $"--Cluster:ServiceId={survivor.ServiceId}", $"--Cluster:SiloPort={siloPort}",
            $"--Cluster:GatewayPort={LoopbackPorts.Next()}", "--Silo:MigrateOnStart=false", "--Auth:Issuer=bench", "--Auth:Audience=bench",
            "--Auth:SigningKey=YmVuY2htYXJrLW9ubHktc2lnbmluZy1rZXktMzItYnl0ZXMtbG9uZw==", "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var statusOf = $"SELECT coalesce(max(status), 0) FROM public.orleans_membership WHERE port = {siloPort}";
        var joined = Stopwatch.StartNew();
        while (await survivor.CountAsync(statusOf) != 3 && joined.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100);
        }

        var signalled = Stopwatch.StartNew();
        await SignalAsync(process, signal);
        while (await survivor.CountAsync(statusOf) != 6 && signalled.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(100);
        }

        var dead = signalled.Elapsed;
        if (signal == "STOP")
        {
            await SignalAsync(process, "CONT");
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"- second silo active after {joined.Elapsed.TotalSeconds:F1} s; {(signal == "KILL" ? "killed (SIGKILL)" : "frozen (SIGSTOP)")}; declared dead in the membership table {dead.TotalSeconds:F1} s later"));
    }

    Console.WriteLine();
}

return 0;

static async Task<double> PgBenchAsync(string pgbench, string connectionString, int clients, int seconds)
{
    var builder = new NpgsqlConnectionStringBuilder(connectionString);
    var environment = new Dictionary<string, string?> { ["PGHOST"] = builder.Host, ["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture), ["PGUSER"] = builder.Username, ["PGDATABASE"] = builder.Database };
    await RunAsync(pgbench, ["-i", "-q", "-s", "10"], environment);
    var output = await RunAsync(pgbench, ["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, 2).ToString(CultureInfo.InvariantCulture), "-T", seconds.ToString(CultureInfo.InvariantCulture)], environment);
    var line = output.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal));
    return double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
}

static async Task<string> RunAsync(string file, string[] arguments, Dictionary<string, string?> environment)
{
    var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    foreach (var (key, value) in environment)
    {
        start.Environment[key] = value;
    }

    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} failed: {error}");
}

static async Task<string> SettingsAsync(string admin)
{
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    var settings = new List<string>();
    foreach (var name in new[] { "server_version", "fsync", "synchronous_commit" })
    {
        settings.Add($"{name}={await new NpgsqlCommand($"SHOW {name}", connection).ExecuteScalarAsync()}");
    }

    return "PostgreSQL " + string.Join(", ", settings);
}

// Polls a count until it reaches the target (benchmarks wait on the database, tests never do); false on timeout.
static async Task<bool> WaitForAsync(Bench bench, string sql, long target, TimeSpan timeout)
{
    var waited = Stopwatch.StartNew();
    while (await bench.CountAsync(sql) < target)
    {
        if (waited.Elapsed > timeout)
        {
            return false;
        }

        await Task.Delay(250);
    }

    return true;
}

// Sends a signal to a process with kill(1): KILL, STOP or CONT.
static async Task SignalAsync(Process process, string signal)
{
    using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!;
    await kill.WaitForExitAsync();
}
