using Grpc.Health.V1;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Silo;
using Subscriptions.TestHost;
using Xunit.Abstractions;

namespace Subscriptions.Fuzz.Tests;

/// <summary>
/// A bounded fuzz run (docs/fuzzing.md) against the silo as it runs in production, started in process on a test
/// database: every method of every subscriptions.v1 service gets well-typed random requests, mutated valid requests,
/// malformed protobuf bodies and bad gRPC frames, and no answer may be INTERNAL or UNKNOWN, carry a message or detail
/// over 1 KiB, or echo more than 64 characters of a request string; the service stays SERVING and leaves no
/// out-of-range value in the setup accounts' subscriptions.
/// </summary>
public sealed class BoundedFuzzRunTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string SigningKey = "ZnV6ei10ZXN0cy1vbmx5LXNpZ25pbmcta2V5LTMyLWJ5dGVzLWxvbmchIQ==";

    /// <summary>
    /// The run's seed: the same calls on every run, so a failure is reproduced by running the test again. Its calls reach
    /// every kind of finding longer runs of the fuzzer have made (an out-of-range timestamp, a short postal code of a
    /// fixed-format country, a malformed body, a seat count that overflows).
    /// </summary>
    private const int Seed = 21;

    private const int Calls = 4000;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(BoundedFuzzRunTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task a_bounded_fuzz_run_gets_no_INTERNAL_or_UNKNOWN_no_long_message_no_echo_and_health_stays_SERVING()
    {
        await using var app = SiloProgram.Build(
        [
            $"--ConnectionStrings:Subscriptions={_database.ConnectionString}",
            "--Grpc:Address=127.0.0.1",
            "--Grpc:Port=0",
            "--Silo:StartupAttempts=1",
            .. FreePorts.SiloArguments(),
            "--Auth:Issuer=subscriptions",
            "--Auth:Audience=subscriptions-api",
            $"--Auth:SigningKey={SigningKey}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var issuer = app.Services.GetRequiredService<TokenIssuer>();
        using var fuzzer = new Fuzzer(new FuzzOptions
        {
            Address = new Uri(address),
            MintToken = (subject, roles) => issuer.Issue(subject, roles, TimeSpan.FromHours(1)),
            Seed = Seed,
            Calls = Calls,
            Concurrency = 4,
        });

        var result = await fuzzer.RunAsync();
        await app.StopAsync();

        var report = result.Report();
        if (result.Findings.Count == 0)
        {
            // A failure prints the report as its message.
            output.WriteLine(report);
        }

        Assert.True(result.Calls == Calls, report);
        Assert.Equal(ApiSurface.Methods.Select(m => m.Name).Order(StringComparer.Ordinal), result.CallsPerMethod.Keys.Order(StringComparer.Ordinal));
        Assert.True(result.Findings.Count == 0, report);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, result.Health);
    }
}
