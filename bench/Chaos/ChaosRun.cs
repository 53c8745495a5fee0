using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Subscriptions.Grpc.Api.Auth;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Chaos;

/// <summary>What a chaos run does and against what.</summary>
public sealed record ChaosOptions
{
    /// <summary>How many accounts, each with one monthly subscription with autopay on a card.</summary>
    public int Subscriptions { get; init; } = 20_000;

    /// <summary>
    /// 0: the subscriptions fall due on the real clock (billing starting at one instant, woken by Orleans reminders);
    /// otherwise the number of test clocks the sandbox accounts are spread over, advanced a month at once (CLOCK-1).
    /// </summary>
    public int Clocks { get; init; }

    /// <summary>The silos' connection string (through a proxy when the outage is a cut connection).</summary>
    public required string SiloConnectionString { get; init; }

    /// <summary>The checks' own connection string, straight to the database.</summary>
    public required string CheckConnectionString { get; init; }

    /// <summary>Takes the database away (stop the server, cut the proxy).</summary>
    public required Func<Task> DatabaseDown { get; init; }

    /// <summary>Gives it back.</summary>
    public required Func<Task> DatabaseUp { get; init; }

    /// <summary>How long the database stays away.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many set-up calls run at once.</summary>
    public int Parallelism { get; init; } = 32;

    /// <summary>Where progress goes.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Guards against a run that never drains; not a timing expectation.</summary>
    public TimeSpan Guard { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>What a chaos run measured and what it found wrong (nothing, when every invariant held).</summary>
public sealed record ChaosReport(
    int Subscriptions, TimeSpan SetUp, TimeSpan KilledAt, TimeSpan DatabaseBackAt, TimeSpan Drained, TimeSpan DrainAfterRecovery,
    long Charges, long Invoices, long Notifications, IReadOnlyDictionary<string, int> Refusals, IReadOnlyList<string> Violations)
{
    /// <summary>The report as Markdown lines.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"""
        - subscriptions: {Subscriptions:N0}; set-up (account, card, subscription each, through both silos): {SetUp.TotalSeconds:F1} s
        - silo b killed (SIGKILL) {KilledAt.TotalSeconds:F1} s after the burst began; the database back {DatabaseBackAt.TotalSeconds:F1} s after it
        - drained (every invoice charged and paid, every notification delivered) {Drained.TotalSeconds:F1} s after the burst began, {DrainAfterRecovery.TotalSeconds:F1} s after the database came back
        - invoices issued: {Invoices:N0}; gateway charges succeeded: {Charges:N0}; notifications delivered: {Notifications:N0}
        - refusals the clients retried: {(Refusals.Count == 0 ? "none" : string.Join(", ", Refusals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} x{r.Value}")))}
        - invariants: {(Violations.Count == 0 ? "all held" : string.Join("; ", Violations))}
        """);
}

/// <summary>
/// The renewal burst under faults: two silo processes on one database; every subscription falls due at once with
/// autopay; once a quarter of the invoices are charged one silo is killed (SIGKILL), once half are the database goes
/// away for a while. Clients retry UNAVAILABLE, ABORTED and DEADLINE_EXCEEDED with the same request id, on the other
/// silo once one is gone. When everything has drained, the run checks that every subscription renewed once, every
/// invoice was charged and paid once, no invoice number is missing or doubled, no change was abandoned and every
/// notification was delivered.
/// </summary>
public static class ChaosRun
{
    private const string SigningKey = "Y2hhb3MtcnVuLW9ubHktc2lnbmluZy1rZXktMzItYnl0ZXMtbG9uZw==";
    private static readonly DateTimeOffset SandboxStart = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly StatusCode[] Retryable = [StatusCode.Unavailable, StatusCode.Aborted, StatusCode.DeadlineExceeded];

    /// <summary>Runs the burst; the report says what held.</summary>
    public static async Task<ChaosReport> RunAsync(ChaosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var issuer = new TokenIssuer(new TokenOptions { Issuer = "subscriptions", Audience = "subscriptions-api", SigningKey = SigningKey }, TimeProvider.System);
        var ops = Bearer(issuer.Issue("ops-chaos", [RoleClaims.Ops], TimeSpan.FromHours(6)));
        string[] settings =
        [
            $"--ConnectionStrings:Subscriptions={options.SiloConnectionString}",
            "--Silo:StartupAttempts=5",
            "--Auth:Issuer=subscriptions",
            "--Auth:Audience=subscriptions-api",
            $"--Auth:SigningKey={SigningKey}",
            "--Notifications:Log=true",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Subscriptions=Error",
        ];
        await using var a = SiloProcess.Start("a", settings);
        await using var b = SiloProcess.Start("b", settings);
        var silos = new Silos([a, b]);
        try
        {
            await Task.WhenAll(a.WaitUntilServingAsync(TimeSpan.FromMinutes(3)), b.WaitUntilServingAsync(TimeSpan.FromMinutes(3)));
            return await BurstAsync(options, issuer, ops, silos, b);
        }
        catch
        {
            options.Log.WriteLine($"--- silo a ---\n{Tail(a.Output())}\n--- silo b ---\n{Tail(b.Output())}");
            throw;
        }
    }

    private static async Task<ChaosReport> BurstAsync(ChaosOptions options, TokenIssuer issuer, Metadata ops, Silos silos, SiloProcess doomed)
    {
        var n = options.Subscriptions;
        var sandbox = options.Clocks > 0;
        var invoicesEach = sandbox ? 2 : 1; // a sandbox purchase is invoiced at once, then renewed; a real-clock one bills from its start
        var target = (long)n * invoicesEach;
        await using var check = NpgsqlDataSource.Create(options.CheckConnectionString);

        // Set-up: the clocks, then accounts with a card and a monthly subscription, through both silos.
        var setUp = Stopwatch.StartNew();
        for (var c = 0; c < options.Clocks; c++)
        {
            var clock = new Proto.CreateTestClockRequest { RequestId = $"clock-{c}", ClockId = ClockId(c), StartTime = Timestamp.FromDateTimeOffset(SandboxStart) };
            await silos.CallAsync(c, channel => new Proto.TestClockService.TestClockServiceClient(channel).CreateTestClockAsync(clock, ops, Deadline()).ResponseAsync);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, async (i, _) =>
        {
            var id = AccountId(i);
            var holder = Bearer(issuer.Issue($"holder-{id}", [$"{RoleClaims.PrimaryHolder}:{id}"], TimeSpan.FromHours(6)));
            var create = new Proto.CreateAccountRequest
            {
                RequestId = $"open-{id}",
                AccountId = id,
                CompanyName = "Chaos Widgets",
                PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@chaos.example", Phone = "+1 217 555 0100" },
                BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
                Currency = "USD",
                Kind = Proto.AccountKind.SelfService,
                PrimaryHolderSubjectId = $"holder-{id}",
                Sandbox = sandbox,
                TestClockId = sandbox ? ClockId(i % options.Clocks) : "",
            };
            await silos.CallAsync(i, channel => new Proto.AccountService.AccountServiceClient(channel).CreateAccountAsync(create, holder, Deadline()).ResponseAsync);
            var card = new Proto.AddCardRequest
            {
                RequestId = $"card-{id}", AccountId = id, PaymentMethodId = "card-1", Brand = Proto.CardBrand.Visa,
                GatewayToken = $"tok_chaos_{i}", Last4 = "4242", ExpiryMonth = 12, ExpiryYear = 2035,
            };
            await silos.CallAsync(i + 1, channel => new Proto.AccountService.AccountServiceClient(channel).AddCardAsync(card, holder, Deadline()).ResponseAsync);
        });

        // On the real clock every subscription's billing starts at one instant, after the last one is created: twice the
        // accounts' time, and half a minute more, is past the subscriptions' (a start already passed would be refused).
        var billingStart = sandbox ? (DateTimeOffset?)null : DateTimeOffset.UtcNow + (setUp.Elapsed * 2) + TimeSpan.FromSeconds(30);
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, async (i, _) =>
        {
            var buy = new Proto.CreateSubscriptionRequest
            {
                RequestId = $"buy-{AccountId(i)}", AccountId = AccountId(i), SubscriptionId = "sub-1", ProductId = "meeting", PlanId = "professional",
                Seats = 1, Frequency = Proto.BillingFrequency.Monthly,
                BillingStart = billingStart is { } start ? Timestamp.FromDateTimeOffset(start) : null,
            };
            await silos.CallAsync(i, channel => new Proto.SubscriptionService.SubscriptionServiceClient(channel).CreateSubscriptionAsync(buy, ops, Deadline()).ResponseAsync);
        });
        var setUpTime = setUp.Elapsed;
        options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: {n:N0} subscriptions set up in {setUpTime.TotalSeconds:F1} s"));
        if (billingStart is { } due && due > DateTimeOffset.UtcNow)
        {
            await Task.Delay(due - DateTimeOffset.UtcNow);
        }

        // The burst: test clocks advanced a month (each retried with its request id until answered), or the real clock.
        var burst = Stopwatch.StartNew();
        var advances = Enumerable.Range(0, options.Clocks).Select(c =>
        {
            var advance = new Proto.AdvanceTestClockRequest
            {
                RequestId = $"advance-{c}", ClockId = ClockId(c), TargetTime = Timestamp.FromDateTimeOffset(SandboxStart.AddMonths(1).AddHours(1)),
            };
            return silos.CallAsync(c, channel => new Proto.TestClockService.TestClockServiceClient(channel).AdvanceTestClockAsync(advance, ops, DateTime.UtcNow.AddMinutes(5)).ResponseAsync);
        }).ToList();

        await WaitForAsync(check, Charged, target / 4, options.Guard, burst, silos);
        await doomed.KillAsync();
        silos.Kill(doomed);
        var killedAt = burst.Elapsed;
        options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: silo b killed at {killedAt.TotalSeconds:F1} s"));

        await WaitForAsync(check, Charged, target / 2, options.Guard, burst, silos);
        await options.DatabaseDown();
        options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: database away at {burst.Elapsed.TotalSeconds:F1} s for {options.Outage.TotalSeconds:F0} s"));
        await Task.Delay(options.Outage);
        await options.DatabaseUp();
        var backAt = burst.Elapsed;
        var recovered = Stopwatch.StartNew();

        await Task.WhenAll(advances);
        await WaitForAsync(check, Charged, target, options.Guard, burst, silos);
        await WaitForAsync(check, "SELECT count(*) FROM public.grain_history WHERE grain_type = 'invoice' AND change = 'paid-in-full'", target, options.Guard, burst, silos);
        await WaitForAsync(check, "SELECT -count(*) FROM public.notification_deliveries WHERE state = 'pending'", 0, options.Guard, burst, silos);
        var drained = burst.Elapsed;
        var drainAfterRecovery = recovered.Elapsed;

        var violations = new List<string>();
        async Task ExpectAsync(string what, string sql, long expected)
        {
            var found = await CountAsync(check, sql);
            if (found != expected)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {found:N0}, expected {expected:N0}"));
            }
        }

        await ExpectAsync("subscriptions renewed", "SELECT count(DISTINCT grain_key) FROM public.grain_history WHERE grain_type = 'subscription' AND change = 'renewed'", n);
        await ExpectAsync("subscriptions renewed more than once",
            "SELECT count(*) FROM (SELECT grain_key FROM public.grain_history WHERE grain_type = 'subscription' AND change = 'renewed' GROUP BY grain_key HAVING count(*) > 1) AS twice", 0);
        await ExpectAsync("invoices issued", "SELECT count(*) FROM public.issued_invoices", target);
        await ExpectAsync("accounts whose invoice numbers are not 1 to n",
            $"SELECT count(*) FROM (SELECT account_id FROM public.issued_invoices GROUP BY account_id HAVING count(*) <> {invoicesEach} OR max(right(number, 6)::int) <> {invoicesEach}) AS gaps", 0);
        await ExpectAsync("gateway charges succeeded", Charged, target);
        await ExpectAsync("invoices charged more than once",
            "SELECT count(*) FROM (SELECT invoice_key FROM public.payment_simulator_charges WHERE status = 'succeeded' GROUP BY invoice_key HAVING count(*) > 1) AS twice", 0);
        await ExpectAsync("invoices paid", "SELECT count(DISTINCT grain_key) FROM public.grain_history WHERE grain_type = 'invoice' AND change = 'paid-in-full'", target);
        await ExpectAsync("changes abandoned", "SELECT count(*) FROM public.grain_history WHERE change = 'change-abandoned'", 0);
        await ExpectAsync("notifications not delivered", "SELECT count(*) FROM public.notification_deliveries WHERE state <> 'delivered'", 0);
        return new ChaosReport(
            n, setUpTime, killedAt, backAt, drained, drainAfterRecovery, await CountAsync(check, Charged), await CountAsync(check, "SELECT count(*) FROM public.issued_invoices"),
            await CountAsync(check, "SELECT count(*) FROM public.notification_deliveries WHERE state = 'delivered'"), silos.Refusals(), violations);
    }

    private const string Charged = "SELECT count(*) FROM public.payment_simulator_charges WHERE status = 'succeeded'";

    private static string AccountId(int i) => $"chaos-{i}";

    private static string ClockId(int c) => $"chaos-clock-{c}";

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    private static string Tail(string output) => output.Length > 200_000 ? output[^200_000..] : output;

    /// <summary>Polls <paramref name="sql"/> until it reaches <paramref name="target"/>; a database away meanwhile is waited out.</summary>
    private static async Task WaitForAsync(NpgsqlDataSource check, string sql, long target, TimeSpan guard, Stopwatch since, Silos silos)
    {
        while (true)
        {
            silos.ThrowIfOneDied();
            try
            {
                if (await CountAsync(check, sql) >= target)
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
                // The database is away: wait for it like the silos do.
            }

            if (since.Elapsed > guard)
            {
                throw new TimeoutException($"Not reached within {guard}: {sql} >= {target}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource check, string sql)
    {
        await using var command = check.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The silos the clients call, in turn; one killed is no longer called. Retryable refusals are counted and retried.</summary>
    private sealed class Silos(IReadOnlyList<SiloProcess> all)
    {
        private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);
        private volatile SiloProcess? _killed;

        public void Kill(SiloProcess silo) => _killed = silo;

        /// <summary>Throws, with its output, when a silo that was not killed has exited.</summary>
        public void ThrowIfOneDied()
        {
            if (all.FirstOrDefault(s => s.HasExited && !ReferenceEquals(s, _killed)) is { } dead)
            {
                throw new InvalidOperationException($"Silo {dead.Name} exited with code {dead.ExitCode} without being killed:\n{Tail(dead.Output())}");
            }
        }

        public IReadOnlyDictionary<string, int> Refusals() => new Dictionary<string, int>(_refusals, StringComparer.Ordinal);

        public async Task<T> CallAsync<T>(int turn, Func<GrpcChannel, Task<T>> call)
        {
            for (var attempt = 0; ; attempt++)
            {
                var silo = all[(turn + attempt) % all.Count];
                if (ReferenceEquals(silo, _killed))
                {
                    silo = all.First(s => !ReferenceEquals(s, _killed));
                }

                try
                {
                    return await call(silo.Channel);
                }
                catch (RpcException e) when (Retryable.Contains(e.StatusCode) && attempt < 10_000)
                {
                    ThrowIfOneDied();
                    _refusals.AddOrUpdate(e.StatusCode.ToString(), 1, (_, count) => count + 1);
                    await Task.Delay(TimeSpan.FromMilliseconds(200));
                }
            }
        }
    }
}
