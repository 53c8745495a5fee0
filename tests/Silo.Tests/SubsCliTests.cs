using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.OpsCli;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Silo.Tests;

/// <summary>
/// The <c>subs</c> command line against a silo the test starts, as billing ops use it: its output and exit codes for
/// success, not found, permission denied, refused and unreachable, JSON that parses, and help.
/// </summary>
public sealed class SubsCliTests : IAsyncLifetime
{
    private const string SigningKey = "c3Vicy1jbGktdGVzdHMtc2lnbmluZy1rZXktb2YtMzItYnl0ZXM=";
    private static readonly TokenOptions Tokens = new() { Issuer = "subscriptions", Audience = "subscriptions-api", SigningKey = SigningKey };
    private TestDatabase _database = null!;
    private WebApplication _silo = null!;
    private string _address = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(SubsCliTests));
        _silo = SiloProgram.Build(
        [
            $"--ConnectionStrings:Subscriptions={_database.ConnectionString}", "--Grpc:Address=127.0.0.1", "--Grpc:Port=0", "--Silo:StartupAttempts=1",
            .. FreePorts.SiloArguments(), "--Auth:Issuer=subscriptions", "--Auth:Audience=subscriptions-api", $"--Auth:SigningKey={SigningKey}",
        ]);
        await _silo.StartAsync();
        _address = _silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        await _silo.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task lifecycle_prints_the_quote_table_and_its_dot_graph_and_json_that_parses()
    {
        var table = await RunAsync(Ops, "lifecycle", "quote");
        var dot = await RunAsync(Ops, "lifecycle", "order", "--dot");
        var json = await RunAsync(Ops, "lifecycle", "invoice", "--json");

        Assert.Equal(SubsCli.Ok, table.Exit);
        Assert.Contains("superseded", table.Output, StringComparison.Ordinal);
        Assert.Contains(Subscriptions.Domain.Rules.Quo3, table.Output, StringComparison.Ordinal);
        Assert.StartsWith("digraph \"Service order lifecycle\"", dot.Output, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(json.Output);
        Assert.Equal("invoice", parsed.RootElement.GetProperty("kind").GetString());
        Assert.True(parsed.RootElement.GetProperty("transitions").GetArrayLength() > 10);
    }

    [Fact]
    public async Task products_lists_the_catalog_priced_in_the_currency_asked()
    {
        var result = await RunAsync(Ops, "products", "--currency", "EUR");

        Assert.Equal(SubsCli.Ok, result.Exit);
        Assert.Contains("meeting (GoTo Meeting)", result.Output, StringComparison.Ordinal);
        Assert.Contains("EUR/month", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("USD", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task inspect_of_a_grain_never_written_exits_4_and_of_an_unknown_type_exits_6_naming_the_known_ones()
    {
        var missing = await RunAsync(Ops, "inspect", "account/nobody-here");
        var unknown = await RunAsync(Ops, "inspect", "acount/acme-1");

        Assert.Equal((SubsCli.NotFound, ""), (missing.Exit, missing.Output));
        Assert.Contains("NotFound", missing.Error, StringComparison.Ordinal);
        Assert.Equal(SubsCli.Refused, unknown.Exit);
        Assert.Contains("account, subscription, invoice, quote, order, testclock", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_caller_without_the_ops_role_exits_5_and_no_token_exits_2_saying_how_to_get_one()
    {
        var denied = await RunAsync(Token("someone", "user:acme-1"), "inspect", "account/acme-1");
        var noToken = await RunAsync(null, "lifecycle", "quote");

        Assert.Equal(SubsCli.PermissionDenied, denied.Exit);
        Assert.Contains("PermissionDenied", denied.Error, StringComparison.Ordinal);
        Assert.Equal(SubsCli.UsageError, noToken.Exit);
        Assert.Contains("SUBS_TOKEN", noToken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unreachable_service_exits_3_naming_the_address()
    {
        var address = $"http://127.0.0.1:{FreePorts.Next()}";

        var result = await RunAsync(Ops, "--address", address, "lifecycle", "quote");

        Assert.Equal(SubsCli.Unreachable, result.Exit);
        Assert.Contains($"cannot reach the service at {address}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task clock_advance_moves_a_test_clock_and_says_how_many_wake_ups_it_delivered_and_going_back_is_refused()
    {
        using (var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(_address))
        {
            await new Subscriptions.Grpc.Api.V1.TestClockService.TestClockServiceClient(channel).CreateTestClockAsync(
                new Subscriptions.Grpc.Api.V1.CreateTestClockRequest
                {
                    RequestId = "cli-clock-1", ClockId = "cli-clock", StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
                },
                new global::Grpc.Core.Metadata { { "authorization", $"Bearer {Ops}" } });
        }

        var advanced = await RunAsync(Ops, "clock", "advance", "cli-clock", "--to", "2026-03-15");
        var back = await RunAsync(Ops, "clock", "advance", "cli-clock", "--to", "2026-03-02");
        var bad = await RunAsync(Ops, "clock", "advance", "cli-clock", "--to", "next tuesday");

        Assert.Equal(SubsCli.Ok, advanced.Exit);
        Assert.Contains("2026-03-15 00:00:00Z", advanced.Output, StringComparison.Ordinal);
        Assert.Contains("wake-ups delivered", advanced.Output, StringComparison.Ordinal);
        Assert.Equal(SubsCli.Refused, back.Exit);
        Assert.Equal(SubsCli.UsageError, bad.Exit);
        Assert.Contains("is not a date and time", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task deliveries_lists_dead_letters_as_json_that_parses()
    {
        var result = await RunAsync(Ops, "deliveries", "--dead", "--json");

        Assert.Equal(SubsCli.Ok, result.Exit);
        using var parsed = JsonDocument.Parse(result.Output);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
    }

    [Fact]
    public async Task find_reminders_wake_and_audit_work_on_what_the_api_did()
    {
        await ArrangeSandboxAsync("cli-find", "cli-find-clock");

        var table = await RunAsync(Ops, "find", "subscriptions", "--state", "active", "--account", "cli-find");
        var json = await RunAsync(Ops, "find", "subscriptions", "--product", "meeting", "--json");
        var overdue = await RunAsync(Ops, "invoices", "--overdue", "--older-than", "10d", "--at", "2026-03-01");
        var open = await RunAsync(Ops, "find", "invoices", "--status", "open", "--account", "cli-find", "--json");
        var reminders = await RunAsync(Ops, "reminders", "--grain", "subscription/cli-find/meeting-1");
        var early = await RunAsync(Ops, "wake", "fire", "subscription/cli-find/meeting-1", "--reason", "try it");
        var moved = await RunAsync(Ops, "wake", "reschedule", "subscription/cli-find/meeting-1", "--reason", "customer asked", "--to", "2026-04-03T00:00:00Z", "--json");
        var noReason = await RunAsync(Ops, "wake", "cancel", "subscription/cli-find/meeting-1");
        var paged = await RunAsync(Ops, "inspect", "subscription/cli-find/meeting-1", "--history", "1");
        var audit = await RunAsync(Ops, "audit", "--account", "cli-find");
        var badWindow = await RunAsync(Ops, "find", "subscriptions", "--renews-within", "soon");
        var redeliver = await RunAsync(Ops, "deliveries", "redeliver", "evt_000000999999", "--sink", "webhook:none", "--reason", "receiver fixed");

        Assert.Equal(SubsCli.Ok, table.Exit);
        Assert.Contains("meeting-1", table.Output, StringComparison.Ordinal);
        Assert.Contains("1 found.", table.Output, StringComparison.Ordinal);
        using (var parsed = JsonDocument.Parse(json.Output))
        {
            Assert.Contains(parsed.RootElement.GetProperty("subscriptions").EnumerateArray(), s => s.GetProperty("accountId").GetString() == "cli-find");
        }

        Assert.Equal((SubsCli.Ok, true), (overdue.Exit, overdue.Output.Contains("0 found.", StringComparison.Ordinal)));
        using (var parsed = JsonDocument.Parse(open.Output))
        {
            Assert.Equal("open", Assert.Single(parsed.RootElement.GetProperty("invoices").EnumerateArray()).GetProperty("status").GetString());
        }

        Assert.Equal(SubsCli.Ok, reminders.Exit);
        Assert.Contains("renewal", reminders.Output, StringComparison.Ordinal);
        Assert.Contains("cli-find-clock", reminders.Output, StringComparison.Ordinal);
        Assert.Equal(SubsCli.Refused, early.Exit);
        Assert.Contains("Firing runs only due events", early.Error, StringComparison.Ordinal);
        Assert.Equal(SubsCli.Ok, moved.Exit);
        using (var parsed = JsonDocument.Parse(moved.Output))
        {
            Assert.Equal("2026-04-03T00:00:00Z", parsed.RootElement.GetProperty("dueAt").GetString());
        }

        Assert.Equal(SubsCli.UsageError, noReason.Exit);
        Assert.Equal(SubsCli.Ok, paged.Exit);
        Assert.Contains("Earlier entries: subs inspect subscription/cli-find/meeting-1 --before", paged.Output, StringComparison.Ordinal);
        Assert.Contains("--reason", noReason.Error, StringComparison.Ordinal);
        Assert.Equal(SubsCli.Ok, audit.Exit);
        Assert.Contains("SearchSubscriptions", audit.Output, StringComparison.Ordinal);
        Assert.Contains("ops-1", audit.Output, StringComparison.Ordinal);
        Assert.Equal(SubsCli.UsageError, badWindow.Exit);
        Assert.Contains("is not a length of time", badWindow.Error, StringComparison.Ordinal);
        Assert.Equal(SubsCli.NotFound, redeliver.Exit);
    }

    [Fact]
    public async Task the_silo_rebuilds_the_projection_while_a_silo_serves_and_search_still_finds_what_the_api_did()
    {
        await ArrangeSandboxAsync("cli-rebuild", "cli-rebuild-clock");
        var output = new StringWriter();

        var exit = await SiloProgram.RunAsync(["rebuild-projections", $"--ConnectionStrings:Subscriptions={_database.ConnectionString}"], output, TextWriter.Null);
        var found = await RunAsync(Ops, "find", "subscriptions", "--account", "cli-rebuild");

        Assert.Equal(0, exit);
        Assert.Contains("subscription", output.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"Rebuilt [0-9]+ projection row\(s\)", output.ToString());
        Assert.Contains("meeting-1", found.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task token_mints_a_development_token_the_service_accepts_and_without_a_key_says_how_to_get_one()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SubsCli.RunAsync(["token", "--sub", "jane", "--role", "ops"], output, error, name => name == "SUBS_SIGNING_KEY" ? SigningKey : null);
        var minted = output.ToString().Trim();
        var refused = new StringWriter();
        var noKey = await SubsCli.RunAsync(["token", "--sub", "jane", "--role", "ops"], new StringWriter(), refused, _ => null);
        var used = await RunAsync(minted, "lifecycle", "quote");

        Assert.Equal(SubsCli.Ok, exit);
        Assert.Equal(SubsCli.Ok, used.Exit);
        Assert.Equal(SubsCli.UsageError, noKey);
        Assert.Contains("scripts/subs.sh", refused.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("find", "subscriptions", "--help")]
    [InlineData("find", "invoices", "--help")]
    [InlineData("find", "quotes", "--help")]
    [InlineData("find", "orders", "--help")]
    [InlineData("invoices", "--help")]
    [InlineData("reminders", "--help")]
    [InlineData("audit", "--help")]
    [InlineData("wake", "fire", "--help")]
    [InlineData("wake", "reschedule", "--help")]
    [InlineData("wake", "cancel", "--help")]
    [InlineData("token", "--help")]
    [InlineData("watch", "--help")]
    [InlineData("deliveries", "redeliver", "--help")]
    [InlineData("--help")]
    [InlineData("deliveries", "--help")]
    [InlineData("clock", "advance", "--help")]
    [InlineData("inspect", "--help")]
    [InlineData("lifecycle", "--help")]
    [InlineData("products", "--help")]
    [InlineData("quotes", "--help")]
    [InlineData("orders", "--help")]
    public async Task every_command_has_help_that_exits_0(params string[] args)
    {
        var result = await RunAsync(Ops, args);

        Assert.Equal(SubsCli.Ok, result.Exit);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_wrong_command_line_exits_2()
    {
        var result = await RunAsync(Ops, "inspect");

        Assert.Equal(SubsCli.UsageError, result.Exit);
        Assert.Contains("subs --help", result.Error, StringComparison.Ordinal);
    }

    private static string Ops => Token("ops-1", RoleClaims.Ops);

    /// <summary>A sandbox account on its own test clock (at 2026-03-01) with a card, autopay off and one monthly subscription: its invoice is open.</summary>
    private async Task ArrangeSandboxAsync(string accountId, string clockId)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(_address);
        var ops = new global::Grpc.Core.Metadata { { "authorization", $"Bearer {Ops}" } };
        var holder = new global::Grpc.Core.Metadata { { "authorization", $"Bearer {Token("holder-" + accountId, "primary-holder:" + accountId)}" } };
        await new Proto.TestClockService.TestClockServiceClient(channel).CreateTestClockAsync(new Proto.CreateTestClockRequest
        {
            RequestId = $"{clockId}-create", ClockId = clockId, StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
        }, ops);
        var accounts = new Proto.AccountService.AccountServiceClient(channel);
        await accounts.CreateAccountAsync(new Proto.CreateAccountRequest
        {
            RequestId = $"{accountId}-create", AccountId = accountId, CompanyName = "Acme Widgets", Currency = "USD", Kind = Proto.AccountKind.SelfService,
            PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@acme.example", Phone = "+1 217 555 0100" },
            BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
            PrimaryHolderSubjectId = "holder-" + accountId, Sandbox = true, TestClockId = clockId,
        }, holder);
        await accounts.AddCardAsync(new Proto.AddCardRequest
        {
            RequestId = $"{accountId}-card", AccountId = accountId, PaymentMethodId = "card-1", Brand = Proto.CardBrand.Visa, GatewayToken = $"tok_card_1_{accountId}",
            Last4 = "4241", ExpiryMonth = 12, ExpiryYear = 2030,
        }, holder);
        await accounts.SetAutopayAsync(new Proto.SetAutopayRequest { RequestId = $"{accountId}-autopay", AccountId = accountId, Enabled = false }, holder);
        await new Proto.SubscriptionService.SubscriptionServiceClient(channel).CreateSubscriptionAsync(new Proto.CreateSubscriptionRequest
        {
            RequestId = $"{accountId}-buy", AccountId = accountId, SubscriptionId = "meeting-1", ProductId = "meeting", PlanId = "professional", Seats = 1,
            Frequency = Proto.BillingFrequency.Monthly,
        }, holder);
    }

    private static string Token(string subject, params string[] roles) => new TokenIssuer(Tokens, TimeProvider.System).Issue(subject, roles, TimeSpan.FromHours(1), null);

    private async Task<(int Exit, string Output, string Error)> RunAsync(string? token, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SubsCli.RunAsync(args, output, error, name => name switch
        {
            "SUBS_TOKEN" => token,
            "SUBS_ADDRESS" => _address,
            _ => null,
        });
        return (exit, output.ToString(), error.ToString());
    }
}
