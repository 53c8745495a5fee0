using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Fuzz;

/// <summary>What to fuzz and for how long.</summary>
public sealed class FuzzOptions
{
    /// <summary>The gRPC endpoint (h2c or TLS), e.g. http://127.0.0.1:5080.</summary>
    public required Uri Address { get; init; }

    /// <summary>Mints a bearer token the service accepts for a subject with role claims ("ops", "primary-holder:acme-1").</summary>
    public required Func<string, IReadOnlyList<string>, string> MintToken { get; init; }

    /// <summary>Decides every request and every id the run makes.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The most calls to make.</summary>
    public long Calls { get; init; } = 3000;

    /// <summary>Stop making calls after this long, if set.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Calls in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Each call's deadline.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where a progress line goes every <see cref="ProgressEvery"/> calls; none when null.</summary>
    public TextWriter? Progress { get; init; }

    public long ProgressEvery { get; init; } = 10_000;
}

/// <summary>
/// Runs a fuzz campaign against a running service: sets up a world of real ids (<see cref="FuzzWorld"/>), makes the
/// planned calls (<see cref="CallPlanner"/>) with a few in flight, checks every answer (<see cref="Checks"/>), then
/// asks grpc.health.v1.Health/Check and reads the setup accounts' subscriptions back.
/// </summary>
public sealed class Fuzzer : IDisposable
{
    /// <summary>After this many calls in a row got no answer from the server, the run stops: it is down.</summary>
    private const int MaxConsecutiveTransportFailures = 200;

    private readonly FuzzOptions _options;
    private readonly GrpcChannel _channel;
    private readonly HttpClient _http;
    private readonly CallInvoker _invoker;

    public Fuzzer(FuzzOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        _options = options;
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        _invoker = _channel.CreateCallInvoker();
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Waits until Health/Check answers SERVING; false if it does not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            if (await HealthAsync(cancellationToken) == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return true;
            }

            // Polling a server that is starting; the one wait of the fuzzer.
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return false;
    }

    /// <summary>Sets up, makes the calls, checks health and reads back; the result holds the counts and the findings.</summary>
    public async Task<FuzzResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var world = await SetUpAsync(cancellationToken);
        var callers = new Callers(world, _options.MintToken);
        var planner = new CallPlanner(_options.Seed, world, callers, ApiSurface.Methods);
        var result = new FuzzResult(_options.Seed, _options.Address, _options.Concurrency);
        var clock = Stopwatch.StartNew();
        long next = -1;
        var consecutiveTransportFailures = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= _options.Calls || (_options.TimeBudget is { } budget && clock.Elapsed >= budget))
                {
                    return;
                }

                var call = planner.Plan(index);
                CallOutcome outcome;
                try
                {
                    outcome = await SendAsync(call, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                if (stop.IsCancellationRequested)
                {
                    // Cut short by the stop, not answered by the service.
                    return;
                }

                result.Record(call, outcome, Checks.Evaluate(call, outcome));
                if (outcome.Transport && call.Frame is null)
                {
                    if (Interlocked.Increment(ref consecutiveTransportFailures) >= MaxConsecutiveTransportFailures)
                    {
                        result.Stopped = $"stopped after {MaxConsecutiveTransportFailures} calls in a row got no answer (last: {outcome.Message})";
                        await stop.CancelAsync();
                    }
                }
                else if (call.Frame is null)
                {
                    // Frames are sent without the gRPC client; a reset stream answers them, so they neither count nor clear.
                    Interlocked.Exchange(ref consecutiveTransportFailures, 0);
                }

                if (_options.Progress is { } progress && (index + 1) % _options.ProgressEvery == 0)
                {
                    await progress.WriteLineAsync($"fuzz: {index + 1} calls, {clock.Elapsed.TotalSeconds:F0} s, {result.Findings.Count} findings");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(Worker, CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();
        result.Duration = clock.Elapsed;

        var health = await HealthAsync(cancellationToken);
        result.Health = health;
        if (health != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            result.AddFinding(new Finding("health", "grpc.health.v1.Health/Check", -1, "after", "none", "{service=\"\"}", "health check", StatusCode.OK, $"status {health}"));
        }

        await ReadBackAsync(world, callers, result, cancellationToken);
        return result;
    }

    /// <summary>Sends call <paramref name="index"/> of a seed's run again and returns it with its answer and findings.</summary>
    public async Task<(PlannedCall Call, CallOutcome Outcome, IReadOnlyList<Finding> Findings)> ReplayAsync(long index, CancellationToken cancellationToken = default)
    {
        var world = await SetUpAsync(cancellationToken);
        var planner = new CallPlanner(_options.Seed, world, new Callers(world, _options.MintToken), ApiSurface.Methods);
        var call = planner.Plan(index);
        var outcome = await SendAsync(call, cancellationToken);
        return (call, outcome, [.. Checks.Evaluate(call, outcome)]);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _http.Dispose();
    }

    private async Task<FuzzWorld> SetUpAsync(CancellationToken cancellationToken)
    {
        var plan = FuzzWorld.Plan(_options.Seed);
        var ops = _options.MintToken(plan.OpsSubject, [Grpc.Api.Auth.RoleClaims.Ops]);
        return await FuzzWorld.SetUpAsync(_invoker, _options.Seed, ops, cancellationToken);
    }

    private async Task<CallOutcome> SendAsync(PlannedCall call, CancellationToken cancellationToken)
    {
        if (call.Frame is { } frame)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.CallTimeout);
            try
            {
                return await Frames.SendAsync(_http, _options.Address, call.Method.Path, frame, call.Token, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new CallOutcome(StatusCode.DeadlineExceeded, $"no answer within {_options.CallTimeout.TotalSeconds:F0} s", [], Transport: true);
            }
        }

        var headers = new Metadata();
        if (call.Token is not null)
        {
            headers.Add("authorization", $"Bearer {call.Token}");
        }

        var options = new CallOptions(headers, DateTime.UtcNow + _options.CallTimeout, cancellationToken);
        var invoker = _invoker;
        try
        {
            if (call.Method.Raw.Type == MethodType.ServerStreaming)
            {
                using var stream = invoker.AsyncServerStreamingCall(call.Method.Raw, null, options, call.Body);
                for (var read = 0; read < 10_000 && await stream.ResponseStream.MoveNext(cancellationToken); read++)
                {
                }
            }
            else if (call.Method.Raw.Type == MethodType.Unary)
            {
                using var unary = invoker.AsyncUnaryCall(call.Method.Raw, null, options, call.Body);
                return new CallOutcome(StatusCode.OK, "", [], Transport: false, Response: await unary.ResponseAsync);
            }
            else
            {
                return new CallOutcome(StatusCode.OK, "client-streaming methods are not fuzzed", [], Transport: false);
            }

            return new CallOutcome(StatusCode.OK, "", [], Transport: false);
        }
        catch (RpcException e)
        {
            var transport = e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is not null;
            return new CallOutcome(e.StatusCode, e.Status.Detail, Checks.DetailStrings(e.Trailers.GetValueBytes("grpc-status-details-bin")), transport);
        }
    }

    private async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await new Health.HealthClient(_channel).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: cancellationToken);
            return response.Status;
        }
        catch (RpcException)
        {
            return HealthCheckResponse.Types.ServingStatus.Unknown;
        }
    }

    /// <summary>
    /// Reads the setup accounts' subscriptions back and flags a value no change may leave (<see cref="Checks.OutOfRange"/>):
    /// an out-of-range value the service applied, whichever call applied it.
    /// </summary>
    private async Task ReadBackAsync(FuzzWorld world, Callers callers, FuzzResult result, CancellationToken cancellationToken)
    {
        var client = new Proto.SubscriptionService.SubscriptionServiceClient(_channel);
        var options = new CallOptions(new Metadata { { "authorization", $"Bearer {callers.Ops}" } }, DateTime.UtcNow + _options.CallTimeout, cancellationToken);
        foreach (var account in world.Accounts)
        {
            const string Method = "SubscriptionService/ListSubscriptions";
            var request = $"{{account_id=\"{account.AccountId}\"}}";
            Proto.ListSubscriptionsResponse list;
            try
            {
                list = await client.ListSubscriptionsAsync(new Proto.ListSubscriptionsRequest { AccountId = account.AccountId }, options);
            }
            catch (RpcException e)
            {
                if (e.StatusCode is StatusCode.Internal or StatusCode.Unknown)
                {
                    result.AddFinding(new Finding(e.StatusCode == StatusCode.Internal ? "INTERNAL" : "UNKNOWN", Method, -1, "after", "ops", request, "read back", e.StatusCode, e.Status.Detail));
                }

                continue;
            }

            foreach (var subscription in list.Subscriptions)
            {
                if (Checks.OutOfRange(subscription) is { Count: > 0 } problems)
                {
                    result.AddFinding(new Finding(
                        "out-of-range value", Method, -1, "after", "ops", $"{{account_id=\"{account.AccountId}\"}}, subscription {subscription.SubscriptionId}",
                        "read back", StatusCode.OK, "", string.Join(Checks.OutOfRangeSeparator, problems)));
                }
            }
        }
    }
}
