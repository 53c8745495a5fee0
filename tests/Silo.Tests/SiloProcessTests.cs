using System.Security.Claims;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.Configuration;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.TestHost;

namespace Subscriptions.Silo.Tests;

/// <summary>The silo process as an operator runs it: its commands, exit codes and messages.</summary>
public sealed class SiloProcessTests : IAsyncLifetime
{
    private const string SigningKey = "c2lsby1wcm9jZXNzLXRlc3RzLXNpZ25pbmcta2V5LTMyYnl0ZXM=";
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(SiloProcessTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private string[] Settings(string connectionString) =>
    [
        $"--ConnectionStrings:Subscriptions={connectionString}",
        "--Grpc:Address=127.0.0.1",
        "--Grpc:Port=0",
        "--Silo:StartupAttempts=1",
        .. FreePorts.SiloArguments(),
        "--Auth:Issuer=subscriptions",
        "--Auth:Audience=subscriptions-api",
        $"--Auth:SigningKey={SigningKey}",
    ];

    [Fact]
    public async Task when_the_database_is_unreachable_at_start_up_then_the_silo_exits_3_with_a_clear_message()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings("Host=127.0.0.1;Port=1;Username=postgres;Database=nowhere")], TextWriter.Null, error);

        Assert.Equal(SiloProgram.DatabaseUnreachable, exit);
        Assert.Contains("Cannot reach PostgreSQL at 127.0.0.1:1 (database \"nowhere\") after 1 attempt(s)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_migrate_runs_twice_then_it_applies_the_schema_once_and_then_reports_it_up_to_date()
    {
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.Equal(0, await SiloProgram.RunAsync(["migrate", .. Settings(_database.ConnectionString)], first, TextWriter.Null));
        Assert.Equal(0, await SiloProgram.RunAsync(["migrate", .. Settings(_database.ConnectionString)], second, TextWriter.Null));

        Assert.StartsWith("Applied ", first.ToString(), StringComparison.Ordinal);
        Assert.Contains("0001_orleans, 0002_records", first.ToString(), StringComparison.Ordinal);
        Assert.Equal("The schema is up to date.", second.ToString().Trim());
    }

    [Fact]
    public async Task when_the_schema_is_newer_than_the_release_then_the_silo_exits_4_naming_both_versions()
    {
        Assert.Equal(0, await SiloProgram.RunAsync(["migrate", .. Settings(_database.ConnectionString)], TextWriter.Null, TextWriter.Null));
        await _database.ScalarAsync<int>("INSERT INTO schema_version (version, name, checksum) VALUES (9000, 'future', 'x')");
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["migrate", .. Settings(_database.ConnectionString)], TextWriter.Null, error);

        Assert.Equal(SiloProgram.SchemaMismatch, exit);
        Assert.Contains("schema is at version 9000", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("run", "--help")]
    [InlineData("migrate", "-h")]
    [InlineData("rebuild-projections", "--help")]
    [InlineData("run", "--Grpc:Port=70000", "--help")]
    public async Task when_help_is_asked_for_then_the_usage_is_printed_the_exit_code_is_0_and_nothing_starts(params string[] args)
    {
        var output = new StringWriter();

        Assert.Equal(0, await SiloProgram.RunAsync(args, output, TextWriter.Null));
        Assert.Contains("usage: subscriptions-silo", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_the_token_command_is_asked_for_help_then_its_usage_is_printed_and_the_exit_code_is_0()
    {
        var output = new StringWriter();

        Assert.Equal(0, await SiloProgram.RunAsync(["token", "--help"], output, TextWriter.Null));
        Assert.Equal(DevTokenCommand.Usage, output.ToString().Trim());
    }

    [Fact]
    public async Task when_an_unknown_command_is_given_then_the_usage_is_printed_and_the_exit_code_is_2()
    {
        var error = new StringWriter();

        Assert.Equal(SiloProgram.BadConfiguration, await SiloProgram.RunAsync(["frobnicate"], TextWriter.Null, error));
        Assert.Contains("usage: subscriptions-silo", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_the_silo_runs_then_health_answers_serving_over_grpc_and_the_schema_is_migrated()
    {
        await using var app = SiloProgram.Build(Settings(_database.ConnectionString));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var channel = GrpcChannel.ForAddress(address);

        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM schema_version WHERE version = 1"));
        await app.StopAsync();
    }

    [Fact]
    public async Task when_a_second_silo_is_started_on_the_ports_of_a_running_one_then_it_exits_2_naming_the_setting_and_the_first_keeps_serving()
    {
        var ports = FreePorts.SiloArguments();
        await using var first = SiloProgram.Build([.. Settings(_database.ConnectionString), .. ports]);
        await first.StartAsync();
        var address = first.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), .. ports], TextWriter.Null, error);
        using var channel = GrpcChannel.ForAddress(address);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains($"Cluster:SiloPort {ports[1].Split('=')[1]} on 127.0.0.1 is in use on this machine", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Trim().Split('\n'));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await first.StopAsync();
    }

    [Fact]
    public async Task when_PostgreSQL_stops_answering_then_health_is_NOT_SERVING_and_once_it_is_back_SERVING()
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        var proxied = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, Pooling = false };
        await using var app = SiloProgram.Build(Settings(proxied.ConnectionString));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var channel = GrpcChannel.ForAddress(address);
        var health = new Health.HealthClient(channel);

        var before = (await health.CheckAsync(new HealthCheckRequest())).Status;
        proxy.Cut();
        var down = (await health.CheckAsync(new HealthCheckRequest())).Status;
        proxy.Restore();
        var back = (await health.CheckAsync(new HealthCheckRequest())).Status;

        Assert.Equal(
            (HealthCheckResponse.Types.ServingStatus.Serving, HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Types.ServingStatus.Serving),
            (before, down, back));
        await app.StopAsync();
    }

    [Fact]
    public async Task when_a_development_token_is_minted_then_it_validates_with_the_configured_key_and_carries_the_roles()
    {
        var options = new TokenOptions { Issuer = "subscriptions", Audience = "subscriptions-api", SigningKey = SigningKey };
        var output = new StringWriter();

        Assert.Equal(0, DevTokenCommand.Run(["--sub", "jane", "--role", "ops", "--role", "billing-viewer:acc-1"], options, output));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(output.ToString().Trim(), BearerTokens.ValidationParameters(options, TimeProvider.System));
        Assert.True(result.IsValid, result.Exception?.Message);
        var caller = RoleClaims.ToIdentity(new ClaimsPrincipal(result.ClaimsIdentity));
        Assert.Equal("jane", caller.Subject);
        Assert.True(caller.IsOps);
        Assert.Equal(AccountRole.BillingViewer, caller.RoleOn("acc-1"));
    }

    [Fact]
    public async Task when_the_configured_catalog_is_invalid_then_the_silo_refuses_to_start_naming_the_problem()
    {
        var catalog = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(catalog, """{ "products": [ { "id": "broken" } ] }""");
        var error = new StringWriter();
        try
        {
            var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), $"--Catalog:Path={catalog}"], TextWriter.Null, error);

            Assert.Equal(SiloProgram.BadConfiguration, exit);
            Assert.Contains("broken", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(catalog);
        }
    }

    [Fact]
    public async Task when_the_grpc_address_is_not_an_ip_address_then_the_silo_exits_2_naming_the_setting()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), "--Grpc:Address=localhost"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("Grpc:Address \"localhost\" is not an IP address", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_the_database_does_not_exist_then_the_silo_exits_2_at_once_saying_so_rather_than_retrying_a_server_it_reached()
    {
        var error = new StringWriter();
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = "no_such_database" }.ConnectionString;

        var exit = await SiloProgram.RunAsync(["run", .. Settings(missing), "--Silo:StartupAttempts=5"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("refused the connection", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"no_such_database\" does not exist (3D000)", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot reach", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("migrate")]
    public async Task when_a_setting_is_misspelt_then_the_silo_exits_2_naming_it_and_the_nearest_setting(string command)
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync([command, .. Settings(_database.ConnectionString), "--Grpc:Prot=5081"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("\"Grpc:Prot\" is not a setting of this service (did you mean \"Grpc:Port\"?); Grpc takes Address,", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Trim().Split('\n'));
    }

    [Fact]
    public async Task when_a_list_entry_or_a_nested_setting_is_unknown_then_the_silo_exits_2_naming_each()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(
            ["run", .. Settings(_database.ConnectionString), "--Notifications:Webhooks:0:Urll=http://127.0.0.1:1/", "--Notifications:Webhooks:first:Url=x", "--Ops:Port:Number=1"],
            TextWriter.Null,
            error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("\"Notifications:Webhooks:0:Urll\" is not a setting of this service (did you mean \"Notifications:Webhooks:0:Url\"?)", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("the entries of \"Notifications:Webhooks\" are numbered 0, 1, 2", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"Ops:Port:Number\" is not a setting of this service: \"Ops:Port\" is a single value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void the_settings_table_of_the_readme_names_every_setting_the_service_reads_and_no_other()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var sections = KnownSettings.Paths.Select(p => p.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(13, sections.Count);
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var row in readme.Where(line => line.StartsWith("| `", StringComparison.Ordinal)))
        {
            string? last = null;
            foreach (var name in row.Split('|')[1].Split('`').Where((_, i) => i % 2 == 1).Select(n => n.TrimEnd('…')))
            {
                // "`Section:Key`, `Other`" names Section:Other; "`Section:List:0:Key`, `:Other`" names Section:List:0:Other.
                var previous = last ?? "";
                last = name.StartsWith(':') ? $"{previous[..previous.LastIndexOf(':')]}{name}"
                    : sections.Contains(name.Split(':')[0]) || name.Split(':')[0] is "ConnectionStrings" or "Logging" ? name
                    : $"{previous.Split(':')[0]}:{name}";
                if (sections.Contains(last.Split(':')[0]) && !last.EndsWith(":1", StringComparison.Ordinal))
                {
                    documented.Add(last);
                }
            }
        }

        var undocumented = KnownSettings.Paths.Except(documented).ToList();
        var unread = documented.Except(KnownSettings.Paths).ToList();
        Assert.True(undocumented.Count == 0, $"Read by the service, not in the README's settings table: {string.Join(", ", undocumented)}");
        Assert.True(unread.Count == 0, $"In the README's settings table, not read by the service: {string.Join(", ", unread)}");
    }

    [Fact]
    public async Task when_the_grpc_port_is_out_of_range_then_the_silo_exits_2_naming_the_setting()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), "--Grpc:Port=70000"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("\"Grpc:Port\" is 70000; it must be a TCP port", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_the_connection_string_is_malformed_then_the_silo_exits_2_naming_the_setting_and_the_form_expected()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings("Host=127.0.0.1;Port"), "--Grpc:Port=0"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("ConnectionStrings:Subscriptions is not a PostgreSQL connection string", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Host=...;Port=5432", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_cluster_timing_settings_reach_orleans_membership_and_messaging()
    {
        await using var app = SiloProgram.Build(
        [
            .. Settings(_database.ConnectionString),
            "--Cluster:ProbeTimeout=00:00:03", "--Cluster:MissedProbesLimit=4", "--Cluster:DeathVotes=2", "--Cluster:ResponseTimeout=00:01:00",
            "--Cluster:IdleActivationAge=00:05:00",
        ]);

        var membership = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var messaging = app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;

        // The probe timeout also caps Orleans' connection-liveness window (docs/runtime.md, "Failover").
        Assert.Equal(
            (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), 4, 2, TimeSpan.FromSeconds(5)),
            (membership.ProbeTimeout, membership.MaxProbeTimeout, membership.NumMissedProbesLimit, membership.NumVotesForDeathDeclaration, membership.TableRefreshTimeout));
        Assert.Equal(TimeSpan.FromMinutes(1), messaging.ResponseTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), app.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);
    }

    [Fact]
    public async Task when_the_idle_activation_age_is_a_minute_or_less_then_the_silo_exits_2_naming_the_setting()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), "--Cluster:IdleActivationAge=00:00:30"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("Cluster:IdleActivationAge", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_the_notification_retention_is_under_an_hour_then_the_silo_exits_2_naming_the_setting()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), "--Notifications:Retention=00:10:00"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("Notifications:Retention", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_the_probe_timeout_is_zero_then_the_silo_exits_2_naming_the_setting()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["run", .. Settings(_database.ConnectionString), "--Cluster:ProbeTimeout=00:00:00"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("Cluster:ProbeTimeout", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_migrate_has_no_connection_string_then_it_says_which_setting_is_missing()
    {
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["migrate", "--ConnectionStrings:Subscriptions="], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("ConnectionStrings:Subscriptions", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_a_token_is_minted_outside_development_without_a_signing_key_then_the_command_refuses()
    {
        Assert.Null(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"));
        var error = new StringWriter();

        var exit = await SiloProgram.RunAsync(["token", "--sub", "jane", "--role", "ops"], TextWriter.Null, error);

        Assert.Equal(SiloProgram.BadConfiguration, exit);
        Assert.Contains("Auth:SigningKey", error.ToString(), StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Subscriptions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Subscriptions.sln above {AppContext.BaseDirectory}.");
    }
}
