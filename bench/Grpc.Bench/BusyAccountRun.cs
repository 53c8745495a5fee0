using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Npgsql;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Bench;

/// <summary>
/// One busy account, as automation or a large team would make it: sequential SetAutopay calls through gRPC, each with a
/// new request id, alternating the value so every call is a change. Prints the rate of each block of 1,000 changes and
/// the size of the account's stored record, to show whether a grain slows down as it answers more requests.
/// </summary>
internal static class BusyAccountRun
{
    public static async Task<int> RunAsync(Proto.AccountService.AccountServiceClient accounts, CallOptions options, string account, int changes, string connectionString)
    {
        const int Block = 1000;
        Console.WriteLine($"# One busy account: {changes:N0} sequential SetAutopay changes through gRPC, a new request id each");
        Console.WriteLine();
        Console.WriteLine("| changes | changes/s in the block | p50 ms | p99 ms | record bytes |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        double? first = null;
        double last = 0;
        long size = 0;
        for (var done = 0; done < changes; done += Block)
        {
            var latencies = new List<double>(Block);
            var start = Stopwatch.GetTimestamp();
            for (var i = done; i < Math.Min(changes, done + Block); i++)
            {
                var before = Stopwatch.GetTimestamp();
                await accounts.SetAutopayAsync(new Proto.SetAutopayRequest { RequestId = $"busy-{i}", AccountId = account, Enabled = i % 2 == 0 }, options);
                latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }

            var rate = latencies.Count / Stopwatch.GetElapsedTime(start).TotalSeconds;
            first ??= rate;
            last = rate;
            latencies.Sort();
            size = await RecordSizeAsync(connectionString, account);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {done + latencies.Count:N0} | {rate:N0} | {latencies[latencies.Count / 2]:F2} | {latencies[(int)(latencies.Count * 0.99)]:F2} | {size:N0} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Last block at {last / first!.Value:F2} of the first; record {size:N0} bytes."));
        return 0;
    }

    private static async Task<long> RecordSizeAsync(string connectionString, string account)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT octet_length(payload) FROM public.grain_records WHERE grain_type = 'account' AND grain_key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = account });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
