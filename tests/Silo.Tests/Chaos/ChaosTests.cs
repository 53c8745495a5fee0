using Npgsql;
using Subscriptions.Chaos;
using Subscriptions.TestHost;
using Xunit.Abstractions;

namespace Subscriptions.Silo.Tests.Chaos;

/// <summary>
/// The chaos run of scripts/bench-chaos.sh, small: two silo processes, 96 sandbox subscriptions with autopay on 4 test
/// clocks advanced a month at once, one silo killed (SIGKILL) once a quarter of the invoices are charged and the
/// database cut (through a proxy) once half are. Every subscription must renew once (SUB-3), every invoice be charged
/// and paid once (INV-3, INV-6), every account's invoice numbers run 1 to n without a gap (INV-1), no change be
/// abandoned and every notification be delivered (NOT-1).
/// </summary>
public sealed class ChaosTests(ITestOutputHelper log) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(ChaosTests));

    /// <inheritdoc />
    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task SUB_3_INV_1_INV_6_a_renewal_burst_with_a_killed_silo_and_a_database_outage_renews_charges_and_numbers_everything_once()
    {
        var direct = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        var output = new StringWriter();

        ChaosReport report;
        try
        {
            report = await RunAsync(proxy, throughProxy, output);
        }
        finally
        {
            log.WriteLine(output.ToString());
        }

        log.WriteLine(report.Describe());
        Assert.Empty(report.Violations);
        Assert.Equal((192L, 192L), (report.Invoices, report.Charges));
    }

    private Task<ChaosReport> RunAsync(TcpProxy proxy, string throughProxy, StringWriter output) =>
        ChaosRun.RunAsync(new ChaosOptions
        {
            Subscriptions = 96,
            Clocks = 4,
            SiloConnectionString = throughProxy,
            CheckConnectionString = _database.ConnectionString,
            DatabaseDown = () =>
            {
                proxy.Cut();
                return Task.CompletedTask;
            },
            DatabaseUp = () =>
            {
                proxy.Restore();
                return Task.CompletedTask;
            },
            Outage = TimeSpan.FromSeconds(3),
            Parallelism = 8,
            Log = output,
            Guard = TimeSpan.FromMinutes(10),
        });
}
