using Microsoft.Extensions.DependencyInjection;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>Token settings and call contexts shared by the authentication tests.</summary>
internal static class TestTokens
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static TokenOptions Options() => new()
    {
        Issuer = "https://auth.subscriptions.test",
        Audience = "subscriptions-api",
        SigningKey = "Tc/JpAGKCDI96CbSYdXl0Fd1oXJFw80d/pW9qalT3mk=",
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    public static TokenOptions OtherKeyOptions() => new()
    {
        Issuer = "https://auth.subscriptions.test",
        Audience = "subscriptions-api",
        SigningKey = "CwFCD4NgUnRGKbXjN7116JF/6UXpKilz81eGGuy56h8=",
    };

    public static ServiceProvider Services(TimeProvider clock) =>
        new ServiceCollection().AddSingleton(clock).AddBearerTokens(Options()).BuildServiceProvider();

    public static ServerCallContext Context(IServiceProvider services, string? authorization, string method = "/subscriptions.v1.Accounts/GetAccount")
    {
        var headers = new Metadata();
        if (authorization is not null)
        {
            headers.Add("authorization", authorization);
        }

        return new ServerCallContext(method, headers, deadline: null, "ipv4:127.0.0.1:50000", services, CancellationToken.None);
    }
}
