using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Silo.Tests.Observability;

/// <summary>One silo with its ops port on, and OTLP export configured (to a port nothing listens on) so that traces are made.</summary>
public sealed class OpsSilo : IAsyncLifetime
{
    private const string SigningKey = "b3BzLXBvcnQtdGVzdHMtc2lnbmluZy1rZXktb2YtMzItYnl0ZXM=";
    private static readonly TokenOptions Tokens = new() { Issuer = "subscriptions", Audience = "subscriptions-api", SigningKey = SigningKey };
    private TestDatabase _database = null!;
    private WebApplication _silo = null!;

    public int OpsPort { get; } = FreePorts.Next();

    public string GrpcAddress { get; private set; } = "";

    public GrpcChannel Channel { get; private set; } = null!;

    public HttpClient Ops { get; } = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(OpsPortTests));
        _silo = SiloProgram.Build(
        [
            $"--ConnectionStrings:Subscriptions={_database.ConnectionString}", "--Grpc:Address=127.0.0.1", "--Grpc:Port=0", "--Silo:StartupAttempts=1",
            .. FreePorts.SiloArguments(), "--Auth:Issuer=subscriptions", "--Auth:Audience=subscriptions-api", $"--Auth:SigningKey={SigningKey}",
            $"--Ops:Port={OpsPort}", $"--OpenTelemetry:OtlpEndpoint=http://127.0.0.1:{FreePorts.Next()}",
        ]);
        await _silo.StartAsync();
        GrpcAddress = _silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => !a.EndsWith($":{OpsPort}", StringComparison.Ordinal));
        Channel = GrpcChannel.ForAddress(GrpcAddress);
        Ops.BaseAddress = new Uri($"http://127.0.0.1:{OpsPort}");
    }

    public async Task DisposeAsync()
    {
        Ops.Dispose();
        Channel.Dispose();
        await _silo.StopAsync();
        await _silo.DisposeAsync();
        await _database.DisposeAsync();
    }

    public static string Token(string subject, params string[] roles) => new TokenIssuer(Tokens, TimeProvider.System).Issue(subject, roles, TimeSpan.FromHours(1), null);

    /// <summary>GET <paramref name="path"/> on the ops port, with <paramref name="token"/> as a bearer token when given.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Ops.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The ops port as operators use it: Prometheus scrapes <c>/metrics</c> with an ops token and sees the business
/// counters move; a browser signs in and reads the Orleans Dashboard; nothing of the API is served there, and the ops
/// pages are not served on the API's port; a gRPC call is one trace through its grain call to its SQL.
/// </summary>
[Collection(OpsPortCollection.Name)]
public sealed class OpsPortTests(OpsSilo silo) : IClassFixture<OpsSilo>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string OpsToken = OpsSilo.Token("ops-1", RoleClaims.Ops);
    private static readonly Metadata OpsCall = new() { { "authorization", $"Bearer {OpsToken}" } };

    [Fact]
    public async Task a_sandbox_subscription_renewed_through_the_api_moves_the_renewal_counter_in_the_metrics_scrape()
    {
        var clockId = $"obs-clock-{Guid.NewGuid():N}"[..24];
        var accountId = $"obs-{Guid.NewGuid():N}"[..16];
        await OpenSandboxSubscriptionAsync(clockId, accountId);
        var (_, before) = await silo.GetAsync("/metrics", OpsToken);

        await new Proto.TestClockService.TestClockServiceClient(silo.Channel).AdvanceTestClockAsync(
            new Proto.AdvanceTestClockRequest { RequestId = $"req-{Guid.NewGuid():N}", ClockId = clockId, TargetTime = Timestamp.FromDateTimeOffset(Start.AddMonths(1).AddHours(1)) },
            OpsCall);
        var (status, after) = await silo.GetAsync("/metrics", OpsToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(
            Sum(after, "subscriptions_renewals_total", "sandbox=\"true\"") >= Sum(before, "subscriptions_renewals_total", "sandbox=\"true\"") + 1,
            $"the renewal counter did not move:\n{Lines(after, "subscriptions_")}");
        Assert.True(
            Sum(after, "subscriptions_invoices_issued_total", "kind=\"renewal\"") >= Sum(before, "subscriptions_invoices_issued_total", "kind=\"renewal\"") + 1,
            $"no renewal invoice was counted:\n{Lines(after, "subscriptions_")}");
        Assert.Contains("orleans_", after, StringComparison.Ordinal);
        Assert.Contains("db_client_operation_duration_seconds", after, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/subscriptions.v1.TestClockService/AdvanceTestClock\"", after, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task metrics_without_a_token_are_refused_401_and_with_a_token_without_the_ops_role_403()
    {
        var anonymous = await silo.GetAsync("/metrics", null);
        var holder = await silo.GetAsync("/metrics", OpsSilo.Token("holder-1", $"{RoleClaims.PrimaryHolder}:acme-1"));
        var forged = await silo.GetAsync("/metrics", OpsToken[..^4] + "AAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Forbidden, holder.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, "token signature is invalid"), (forged.Status, forged.Body.Trim()));
        Assert.DoesNotContain("subscriptions_", anonymous.Body + holder.Body + forged.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_ops_pages_are_not_served_on_the_grpc_port_and_the_api_is_not_served_on_the_ops_port()
    {
        using var h2c = new HttpClient();
        using var metricsOnGrpc = new HttpRequestMessage(HttpMethod.Get, $"{silo.GrpcAddress}/metrics")
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Headers = { Authorization = new AuthenticationHeaderValue("Bearer", OpsToken) },
        };
        using var grpcWebOnOps = new HttpRequestMessage(HttpMethod.Post, "/subscriptions.v1.TestClockService/GetTestClock")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", OpsToken) },
            Content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc-web") } },
        };

        using var metrics = await h2c.SendAsync(metricsOnGrpc);
        using var grpcWeb = await silo.Ops.SendAsync(grpcWebOnOps);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (metrics.StatusCode, grpcWeb.StatusCode));
    }

    [Fact]
    public async Task the_dashboard_in_headless_chromium_asks_for_a_sign_in_and_after_it_shows_the_service_grain_types()
    {
        var chromium = Chromium.Path
            ?? throw new InvalidOperationException("Chromium is not installed: scripts/test.sh installs Debian's chromium package (apt-get install chromium); the dashboard test needs it.");
        var profile = Directory.CreateTempSubdirectory("ops-chromium-");
        try
        {
            var dashboard = $"http://127.0.0.1:{silo.OpsPort}/dashboard/";
            var signedOut = await Chromium.DumpDomAsync(chromium, profile.FullName, dashboard);
            var signedIn = await Chromium.DumpDomAsync(chromium, profile.FullName, $"http://127.0.0.1:{silo.OpsPort}/login?token={OpsToken}");
            var grainDetails = await Chromium.DumpDomAsync(chromium, profile.FullName, $"{dashboard}#/grainDetails");

            Assert.Contains("Ops token", signedOut, StringComparison.Ordinal);
            Assert.DoesNotContain("Orleans Dashboard", signedOut, StringComparison.Ordinal);
            Assert.Contains("Orleans Dashboard", signedIn, StringComparison.Ordinal);
            Assert.Contains("Total Activations", signedIn, StringComparison.Ordinal);
            Assert.Contains("SubscriptionGrain", grainDetails, StringComparison.Ordinal);
            Assert.Contains("InvoiceGrain", grainDetails, StringComparison.Ordinal);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task a_grpc_call_is_one_trace_through_its_grain_call_to_its_sql_commands()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var started = new ConcurrentBag<(string Source, string Name)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Npgsql" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    started.Add((activity.Source.Name, activity.DisplayName));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var call = new Metadata { { "authorization", $"Bearer {OpsToken}" }, { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" } };

        await new Proto.TestClockService.TestClockServiceClient(silo.Channel).CreateTestClockAsync(
            new Proto.CreateTestClockRequest { RequestId = $"req-{Guid.NewGuid():N}", ClockId = $"trace-{Guid.NewGuid():N}"[..20], StartTime = Timestamp.FromDateTimeOffset(Start) }, call);

        var sources = started.Select(s => s.Source).ToHashSet();
        Assert.True(
            sources.IsSupersetOf(["Microsoft.AspNetCore", "Microsoft.Orleans.Application", "Npgsql"]),
            $"the trace has: {string.Join(", ", started.Select(s => $"{s.Source} {s.Name}"))}");
    }

    private async Task OpenSandboxSubscriptionAsync(string clockId, string accountId)
    {
        var holder = new Metadata { { "authorization", $"Bearer {OpsSilo.Token("holder-obs", $"{RoleClaims.PrimaryHolder}:{accountId}")}" } };
        await new Proto.TestClockService.TestClockServiceClient(silo.Channel).CreateTestClockAsync(
            new Proto.CreateTestClockRequest { RequestId = $"req-{Guid.NewGuid():N}", ClockId = clockId, StartTime = Timestamp.FromDateTimeOffset(Start) }, OpsCall);
        var accounts = new Proto.AccountService.AccountServiceClient(silo.Channel);
        await accounts.CreateAccountAsync(new Proto.CreateAccountRequest
        {
            RequestId = $"req-{Guid.NewGuid():N}",
            AccountId = accountId,
            CompanyName = "Observability Sandbox Ltd",
            PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@observability.example", Phone = "+1 217 555 0100" },
            BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
            Currency = "USD",
            Kind = Proto.AccountKind.SelfService,
            PrimaryHolderSubjectId = "holder-obs",
            Sandbox = true,
            TestClockId = clockId,
        }, holder);
        await accounts.AddCardAsync(new Proto.AddCardRequest
        {
            RequestId = $"req-{Guid.NewGuid():N}", AccountId = accountId, PaymentMethodId = "card-1", Brand = Proto.CardBrand.Visa,
            GatewayToken = "tok_card_observability", Last4 = "4242", ExpiryMonth = 12, ExpiryYear = 2030,
        }, holder);
        await new Proto.SubscriptionService.SubscriptionServiceClient(silo.Channel).CreateSubscriptionAsync(new Proto.CreateSubscriptionRequest
        {
            RequestId = $"req-{Guid.NewGuid():N}", AccountId = accountId, SubscriptionId = "sub-1", ProductId = "meeting", PlanId = "professional",
            Seats = 1, Frequency = Proto.BillingFrequency.Monthly,
        }, holder);
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> in a Prometheus text scrape whose labels include <paramref name="label"/>.</summary>
    private static double Sum(string scrape, string metric, string label) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static string Lines(string scrape, string prefix) =>
        string.Join('\n', scrape.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal)));
}

/// <summary>Debian's chromium, headless, as a person's browser: it keeps its cookies in the profile folder between runs.</summary>
internal static partial class Chromium
{
    /// <summary>The chromium program on the PATH, or null when it is not installed.</summary>
    public static string? Path =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { System.IO.Path.Combine(dir, "chromium"), System.IO.Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);

    /// <summary>Loads <paramref name="url"/>, lets its scripts run for a budget of virtual time, and returns the page's text (the DOM without its markup).</summary>
    public static async Task<string> DumpDomAsync(string chromium, string profile, string url)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
                "--virtual-time-budget=3000", "--dump-dom", url,
            },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{chromium} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var dom = await output;
        if (process.ExitCode != 0 || dom.Length == 0)
        {
            throw new InvalidOperationException($"chromium exited {process.ExitCode} on {url}: {await error}");
        }

        return Whitespace().Replace(Markup().Replace(Hidden().Replace(dom, " "), " "), " ");
    }

    [GeneratedRegex("<(script|style|svg)[^>]*>.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Markup();

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}

/// <summary>The ops port's settings as the silo process reads them.</summary>
public sealed class OpsPortSettingsTests
{
    [Theory]
    [InlineData("70000", "\"Ops:Port\" is 70000; it must be a TCP port, 1 to 65535")]
    [InlineData("0", "\"Ops:Port\" is 0; it must be a TCP port, 1 to 65535")]
    [InlineData("metrics", "\"Ops:Port\" is \"metrics\"; it must be a TCP port, 1 to 65535")]
    public async Task an_ops_port_out_of_range_exits_2_with_one_line_naming_the_setting(string port, string expected)
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(
            ["run", "--ConnectionStrings:Subscriptions=Host=127.0.0.1;Port=1;Username=postgres;Database=nowhere", "--Grpc:Port=0", .. FreePorts.SiloArguments(), $"--Ops:Port={port}"],
            TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Trim().Split('\n'));
    }

    [Fact]
    public async Task the_silo_help_lists_the_ops_port_and_telemetry_settings()
    {
        var output = new StringWriter();

        Assert.Equal(0, await SiloProgram.RunAsync(["--help"], output, TextWriter.Null));
        Assert.Contains("--Ops:Port=", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--Ops:Address=", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--OpenTelemetry:OtlpEndpoint=", output.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>
/// The ops port tests run alone: the metrics they scrape are the process's meters by name, and another silo of this test
/// process, started meanwhile, creates instruments of the same names that the scrape would see, or conflict with.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpsPortCollection
{
    public const string Name = "ops-port";
}
