using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>One test server per test class, on a manual clock that only the deadline tests move.</summary>
public sealed class ManualClockServerFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ManualClock Clock { get; } = new(Start);

    public GrpcTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GrpcTestServer.StartAsync(Clock);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
