using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Silo.Tests.EndToEnd;

/// <summary>
/// gRPC-Web for browser portals: the silo's HTTP/1.1 gRPC-Web port (Grpc:WebPort) read by an independent client from
/// npm (grpc-web on Node.js, in grpc-web/), in binary and text modes, and refused without a token.
/// </summary>
public sealed class GrpcWebEndToEndTests : IAsyncLifetime
{
    private const string SigningKey = "Z3JwYy13ZWItZW5kLXRvLWVuZC10ZXN0cy1zaWduaW5nLWtleQ==";
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(GrpcWebEndToEndTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task a_grpc_web_client_from_npm_reads_a_subscription_in_binary_and_text_modes()
    {
        var webPort = FreePorts.Next();
        await using var app = SiloProgram.Build(
        [
            $"--ConnectionStrings:Subscriptions={_database.ConnectionString}",
            "--Grpc:Address=127.0.0.1",
            "--Grpc:Port=0",
            $"--Grpc:WebPort={webPort}",
            "--Silo:StartupAttempts=1",
            .. FreePorts.SiloArguments(),
            "--Auth:Issuer=subscriptions",
            "--Auth:Audience=subscriptions-api",
            $"--Auth:SigningKey={SigningKey}",
        ]);
        await app.StartAsync();
        var h2c = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => !a.EndsWith($":{webPort}", StringComparison.Ordinal));
        var token = app.Services.GetRequiredService<TokenIssuer>().Issue("ops-web", [RoleClaims.Ops], TimeSpan.FromHours(1));
        var options = new CallOptions(new Metadata { { "authorization", $"Bearer {token}" } });
        using var channel = GrpcChannel.ForAddress(h2c);
        await new Proto.AccountService.AccountServiceClient(channel).CreateAccountAsync(new Proto.CreateAccountRequest
        {
            RequestId = "web-1",
            AccountId = "web-acc",
            CompanyName = "Acme Widgets",
            PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@acme.example", Phone = "+1 217 555 0100" },
            BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
            Currency = "USD",
            Kind = Proto.AccountKind.SelfService,
            PrimaryHolderSubjectId = "holder-web",
        }, options);
        await new Proto.SubscriptionService.SubscriptionServiceClient(channel).StartTrialAsync(new Proto.StartTrialRequest
        {
            RequestId = "web-2",
            AccountId = "web-acc",
            SubscriptionId = "web-sub",
            ProductId = "central",
            PlanId = "basic",
            Seats = 1,
            Frequency = Proto.BillingFrequency.Monthly,
        }, options);

        var (exit, output) = await RunNodeAsync($"http://127.0.0.1:{webPort}", token, "web-acc", "web-sub");
        await app.StopAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("ok binary_get_subscription id=web-sub account=web-acc status=SUBSCRIPTION_STATUS_TRIAL\n", output, StringComparison.Ordinal);
        Assert.Contains("ok text_get_subscription id=web-sub account=web-acc status=SUBSCRIPTION_STATUS_TRIAL\n", output, StringComparison.Ordinal);
        Assert.Contains("ok binary_unauthenticated code=16\n", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(params string[] args)
    {
        var script = Path.Combine(SourceDirectory(), "grpc-web", "grpc_web_client.js");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung client, not a timing expectation: the script finishes in about a second.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
