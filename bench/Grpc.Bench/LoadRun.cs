using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Subscriptions.Grpc.Bench;

/// <summary>The outcome of one cell: requests completed and their latencies.</summary>
internal sealed record LoadResult(string Target, int Concurrency, int Requests, TimeSpan Duration, double P50Milliseconds, double P99Milliseconds)
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;
}

/// <summary>Drives one path with N concurrent HTTP/2 streams on one connection for a fixed time.</summary>
internal static class LoadRun
{
    /// <summary>An empty protobuf message framed for gRPC: the request body of every call.</summary>
    private static readonly byte[] RequestBody = [0, 0, 0, 0, 0];

    public static async Task<LoadResult> RunAsync(Uri address, string target, string path, int concurrency, TimeSpan duration, TimeSpan warmUp)
    {
        using var client = new HttpClient(new SocketsHttpHandler()) { BaseAddress = address };
        await RunWorkersAsync(client, path, concurrency, warmUp);
        var stopwatch = Stopwatch.StartNew();
        var latencies = await RunWorkersAsync(client, path, concurrency, duration);
        stopwatch.Stop();
        latencies.Sort();
        return new LoadResult(target, concurrency, latencies.Count, stopwatch.Elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<List<long>> RunWorkersAsync(HttpClient client, string path, int concurrency, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => WorkAsync(client, path, end)));
        return [.. (await Task.WhenAll(workers)).SelectMany(l => l)];
    }

    private static async Task<List<long>> WorkAsync(HttpClient client, string path, long end)
    {
        var latencies = new List<long>();
        while (Stopwatch.GetTimestamp() < end)
        {
            var start = Stopwatch.GetTimestamp();
            await CallAsync(client, path);
            latencies.Add(Stopwatch.GetTimestamp() - start);
        }

        return latencies;
    }

    private static async Task CallAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RequestBody),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single() : "missing";
        if (body.Length != 5 || status != "0")
        {
            throw new InvalidOperationException($"{path} answered HTTP {(int)response.StatusCode} with {body.Length} bytes and grpc-status {status}; expected 5 bytes and grpc-status 0.");
        }
    }

    private static double Percentile(List<long> sortedTicks, double percentile)
    {
        if (sortedTicks.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(percentile * sortedTicks.Count) - 1;
        return sortedTicks[Math.Clamp(index, 0, sortedTicks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
