using Grpc.Core;
using Subscriptions.Grpc.Api.Auth;

namespace Subscriptions.Grpc.Tests.Standard;

/// <summary>Token settings shared by the authentication tests.</summary>
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

    /// <summary>Call options carrying "authorization: <paramref name="authorization"/>".</summary>
    public static CallOptions With(string authorization) => new(new Metadata { { "authorization", authorization } });

    /// <summary>Call options carrying a bearer token.</summary>
    public static CallOptions Bearer(string token) => With($"Bearer {token}");
}
