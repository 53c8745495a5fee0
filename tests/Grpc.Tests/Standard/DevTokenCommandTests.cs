using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grpc.Api.Auth;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class DevTokenCommandTests
{
    private readonly ManualClock _clock = new(TestTokens.Start);

    [Fact]
    public async Task token_command_prints_a_token_with_the_subject_roles_and_lifetime_asked_for()
    {
        using var output = new StringWriter();

        var exitCode = DevTokenCommand.Run(
            ["--sub", "ops-1", "--role", "ops", "--role", "billing-viewer:acc-9", "--ttl", "30m"], TestTokens.Options(), output, _clock);

        Assert.Equal(0, exitCode);
        var parameters = BearerTokens.ValidationParameters(TestTokens.Options(), _clock);
        var valid = await new JsonWebTokenHandler().ValidateTokenAsync(output.ToString().Trim(), parameters);
        Assert.True(valid.IsValid, valid.Exception?.Message);
        var caller = RoleClaims.ToIdentity(new ClaimsPrincipal(valid.ClaimsIdentity));
        Assert.Equal("ops-1", caller.Subject);
        Assert.True(caller.IsOps);
        Assert.Equal(AccountRole.BillingViewer, caller.RoleOn("acc-9"));
        _clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await new JsonWebTokenHandler().ValidateTokenAsync(output.ToString().Trim(), parameters);
        Assert.False(expired.IsValid);
    }

    [Theory]
    [InlineData(new[] { "--role", "ops" }, "token: --sub is required")]
    [InlineData(new[] { "--sub", "u", "--ttl", "8 hours" }, "token: --ttl \"8 hours\" must be a positive whole number followed by s, m, h or d")]
    [InlineData(new[] { "--sub", "u", "--role", "admin" }, "token: Role \"admin\" is not recognised")]
    [InlineData(new[] { "--sub" }, "token: option --sub needs a value")]
    [InlineData(new[] { "--subject", "u" }, "token: unknown option \"--subject\"")]
    [InlineData(new[] { "--sub", "u" }, "token: at least one --role is required")]
    public void token_command_explains_wrong_arguments_and_exits_with_2(string[] args, string expected)
    {
        using var output = new StringWriter();

        var exitCode = DevTokenCommand.Run(args, TestTokens.Options(), output, _clock);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Contains(DevTokenCommand.Usage, output.ToString(), StringComparison.Ordinal);
    }
}
