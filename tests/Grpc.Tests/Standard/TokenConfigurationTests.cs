using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Subscriptions.Grpc.Api.Auth;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class TokenConfigurationTests
{
    [Fact]
    public async Task the_Auth_section_configures_issuer_audience_key_and_clock_skew()
    {
        var configuration = Configuration(new()
        {
            ["Auth:Issuer"] = TestTokens.Options().Issuer,
            ["Auth:Audience"] = TestTokens.Options().Audience,
            ["Auth:SigningKey"] = TestTokens.Options().SigningKey,
            ["Auth:ClockSkew"] = "00:00:30",
        });
        var clock = new ManualClock(TestTokens.Start);
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddBearerTokens(configuration).BuildServiceProvider();

        var token = services.GetRequiredService<TokenIssuer>().Issue("ops-1", ["ops"], TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromSeconds(30), services.GetRequiredService<TokenOptions>().ClockSkew);
        var options = services.GetRequiredService<TokenOptions>();
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(token, BearerTokens.ValidationParameters(options, clock))).IsValid);
    }

    [Fact]
    public void missing_token_settings_fail_at_registration_naming_the_key()
    {
        var configuration = Configuration(new() { ["Auth:Issuer"] = "https://auth.subscriptions.test" });

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddBearerTokens(configuration));

        Assert.Equal("Configuration \"Auth:Audience\" is required for bearer tokens.", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
