using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Subscriptions.Bench;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Bench;

/// <summary>
/// PostgreSQL stopped under load: writers add seats through gRPC with a new request id per change; the database is
/// stopped for a while and started again. Even writers follow docs/api.md (retry ABORTED, UNAVAILABLE and
/// DEADLINE_EXCEEDED with the same request id until answered), odd writers never retry. Afterwards every subscription
/// must hold exactly one seat per invoice its account issued after the purchase (nothing half-done, nothing doubled),
/// and at least one per acknowledged change (nothing lost). Prints the status codes seen and the time until the
/// service had finished every change by itself.
/// </summary>
internal static class OutageRun
{
    public static async Task<int> RunAsync(
        Proto.SubscriptionService.SubscriptionServiceClient subscriptions, Proto.InvoiceService.InvoiceServiceClient invoices, CallOptions options,
        (string Account, string Subscription)[] ids, int writers, TimeSpan outage, string repo, int port)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<StatusCode, int>();
        var acknowledged = new int[writers];
        var attempted = new int[writers];
        var stop = new CancellationTokenSource();
        var counter = 0L;

        async Task WriteAsync(int w)
        {
            while (!stop.IsCancellationRequested)
            {
                var request = new Proto.AddSeatsRequest
                {
                    RequestId = $"outage-{w}-{Interlocked.Increment(ref counter)}", AccountId = ids[w].Account, SubscriptionId = ids[w].Subscription, Seats = 1,
                };
                Interlocked.Increment(ref attempted[w]);
                while (true)
                {
                    try
                    {
                        await subscriptions.AddSeatsAsync(request, options.WithDeadline(DateTime.UtcNow.AddSeconds(10)));
                        statuses.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                        Interlocked.Increment(ref acknowledged[w]);
                        break;
                    }
                    catch (RpcException e)
                    {
                        statuses.AddOrUpdate(e.StatusCode, 1, (_, n) => n + 1);
                        var retryable = e.StatusCode is StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded;
                        if (!retryable || w % 2 == 1)
                        {
                            break;
                        }

                        await Task.Delay(200);
                    }
                }
            }
        }

        var running = Enumerable.Range(0, writers).Select(WriteAsync).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(3));
        Console.WriteLine($"stopping PostgreSQL for {outage.TotalSeconds:F0} s under {writers} writers");
        await PgLocal.RunAsync(repo, "stop", port);
        await Task.Delay(outage);
        await PgLocal.RunAsync(repo, "start", port);
        var restarted = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Task.WhenAll(running);

        // Nobody retries now: the service must finish what the odd writers left on its own (by reminder).
        var settled = false;
        var checkedAt = TimeSpan.Zero;
        var report = new List<string>();
        while (!settled && restarted.Elapsed < TimeSpan.FromMinutes(4))
        {
            report.Clear();
            settled = true;
            for (var w = 0; w < writers; w++)
            {
                var seats = (await subscriptions.GetSubscriptionAsync(new Proto.GetSubscriptionRequest { AccountId = ids[w].Account, SubscriptionId = ids[w].Subscription }, options)).Seats;
                var issued = await CountInvoicesAsync(invoices, ids[w].Account, options);
                var added = seats - 1;
                settled &= added == issued - 1;
                report.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {w} | {(w % 2 == 0 ? "retries" : "never retries")} | {attempted[w]} | {acknowledged[w]} | {added} | {issued - 1} | {(added < acknowledged[w] ? "LOST" : added > attempted[w] ? "DOUBLED" : "ok")} |"));
            }

            checkedAt = restarted.Elapsed;
            if (!settled)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Status codes: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}."));
        Console.WriteLine(settled
            ? string.Create(CultureInfo.InvariantCulture, $"Every change was finished {checkedAt.TotalSeconds:F1} s after PostgreSQL was back (seats added = invoices issued for seats on every subscription).")
            : "NOT SETTLED: some subscription's seats and invoices still disagree 4 minutes after PostgreSQL was back.");
        Console.WriteLine();
        Console.WriteLine("| writer | policy | changes sent | acknowledged | seats added | seat invoices | lost/doubled |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---|");
        report.ForEach(Console.WriteLine);
        var bad = statuses.Keys.Any(k => k is StatusCode.Internal or StatusCode.Unknown) || !settled || report.Any(r => r.Contains("LOST", StringComparison.Ordinal) || r.Contains("DOUBLED", StringComparison.Ordinal));
        return bad ? 1 : 0;
    }

    private static async Task<int> CountInvoicesAsync(Proto.InvoiceService.InvoiceServiceClient invoices, string account, CallOptions options)
    {
        var count = 0;
        var token = "";
        do
        {
            var page = await invoices.ListInvoicesAsync(new Proto.ListInvoicesRequest { AccountId = account, PageSize = 100, PageToken = token }, options);
            count += page.Invoices.Count;
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return count;
    }
}
