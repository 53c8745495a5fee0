using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.TestHost;
using Xunit.Abstractions;

namespace Subscriptions.Silo.Tests.EndToEnd;

/// <summary>
/// The real silo (Kestrel, PostgreSQL, default catalog) driven by an independent client, Debian's python3-grpcio, the
/// way a billing portal and an ops tool use it: messages built from reflection, tokens signed with the silo's key.
/// </summary>
public sealed class BillingPortalEndToEndTests(ITestOutputHelper log) : IAsyncLifetime
{
    private const string Python = "/usr/bin/python3";
    private const string SigningKey = "ZW5kLXRvLWVuZC1iaWxsaW5nLXBvcnRhbC1zaWduaW5nLWtleQ==";
    private const string AccountId = "acme-e2e";

    // A guard against a hung client, not a timing expectation.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    private TestDatabase _database = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(BillingPortalEndToEndTests));

    /// <inheritdoc />
    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task a_billing_portal_and_an_ops_tool_run_a_sandbox_account_from_trial_to_invoice_through_the_real_silo()
    {
        await using var silo = SiloProgram.Build(
        [
            $"--ConnectionStrings:Subscriptions={_database.ConnectionString}",
            "--Grpc:Address=127.0.0.1",
            "--Grpc:Port=0",
            "--Silo:StartupAttempts=1",
            .. FreePorts.SiloArguments(),
            "--Auth:Issuer=subscriptions",
            "--Auth:Audience=subscriptions-api",
            $"--Auth:SigningKey={SigningKey}",
        ]);
        await silo.StartAsync();
        var address = new Uri(silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var issuer = new TokenIssuer(new TokenOptions { Issuer = "subscriptions", Audience = "subscriptions-api", SigningKey = SigningKey }, TimeProvider.System);
        var ops = issuer.Issue("ops-e2e", [RoleClaims.Ops], TimeSpan.FromHours(1));
        var holder = issuer.Issue("holder-1", [$"{RoleClaims.PrimaryHolder}:{AccountId}"], TimeSpan.FromHours(1));
        var viewer = issuer.Issue("viewer-1", [$"{RoleClaims.BillingViewer}:{AccountId}"], TimeSpan.FromHours(1));

        var (exitCode, output) = await RunScenarioAsync(address.Authority, AccountId, ops, holder, viewer);
        await silo.StopAsync();
        log.WriteLine(output);

        Assert.True(exitCode == 0, $"the scenario exited {exitCode}:\n{output}");
        string[] expected =
        [
            "reflection services: grpc.health.v1.Health,grpc.reflection.v1.ServerReflection,grpc.reflection.v1alpha.ServerReflection,"
                + "subscriptions.v1.AccountService,subscriptions.v1.InvoiceService,subscriptions.v1.OpsService,"
                + "subscriptions.v1.QuoteService,subscriptions.v1.SubscriptionService,subscriptions.v1.TestClockService",
            $"{Rules.Clock1} test clock: clock-acme-e2e at 2026-03-01T00:00:00Z",
            $"{Rules.Clock1} sandbox account: acme-e2e ACCOUNT_KIND_SELF_SERVICE USD clock=clock-acme-e2e primary holder=holder-1 created 2026-03-01T00:00:00Z",
            $"{Rules.Acc3} card: card-1 CARD_BRAND_VISA ****4242 12/2030 default",
            $"{Rules.Sub1} trial: pro-1 pro/personal SUBSCRIPTION_STATUS_TRIAL until 2026-03-15T00:00:00Z",
            $"{Rules.Clock1} advanced: 2026-03-01T00:00:00Z -> 2026-03-16T00:00:00Z",
            $"{Rules.Sub1} trial ended: pro-1 SUBSCRIPTION_STATUS_ACTIVE from 2026-03-15T00:00:00Z",
            $"{Rules.Inv1} invoice: ACME-E2E-000001 INVOICE_STATUS_PAID issued 2026-03-15T00:00:00Z due 2026-03-30T00:00:00Z (+15 days) total 30.00 USD",
            $"{Rules.Idem1} retried purchase: same answer, subscriptions=2 invoices=2",
            $"{Rules.Inv3} paid ACME-E2E-000002 in two parts: 10.00, 26.00 USD; account balance 0.00",
            $"{Rules.Quo5} cart: ACME-E2E-O000001 ORDER_STATUS_FULFILLED quotes=ACME-E2E-Q000001,ACME-E2E-Q000002 invoice ACME-E2E-000003 "
                + "lines=3 charged 73.00 succeeded; meeting-1 seats=5; new acme-e2e-q000002-1 SUBSCRIPTION_STATUS_ACTIVE",
            "refusal without a token: UNAUTHENTICATED missing bearer token",
            $"refusal billing viewer adds a card: PERMISSION_DENIED reason={Rules.Acc2} account_id=acme-e2e payment methods=1",
            "refusal malformed email: INVALID_ARGUMENT fields=email",
            $"refusal holder cancels support-only pro-1: FAILED_PRECONDITION reason={Rules.Sub6} violation={Rules.Sub6} still SUBSCRIPTION_STATUS_ACTIVE",
            $"{Rules.Ops1} history: trial-started (call StartTrialAsync by holder-1) -> trial-ended-to-paid (reminder trial-end)",
            "all checks passed",
        ];
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.All(expected, line => Assert.True(lines.Contains(line), $"missing line \"{line}\" in:\n{output}"));
    }

    private static async Task<(int ExitCode, string Output)> RunScenarioAsync(params string[] args)
    {
        Assert.True(File.Exists(Python), $"The end-to-end test needs Debian's {Python} with python3-grpcio and python3-protobuf (apt-get install python3-grpcio).");
        var script = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "e2e", "billing_portal_client.py");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} {script} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within the guard; output so far:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}
