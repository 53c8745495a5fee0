using System.Buffers.Text;
using System.Text;
using Subscriptions.Grpc.Transport.Auth;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class BearerTokenTests
{
    private readonly ManualClock _clock = new(TestTokens.Start);

    [Fact]
    public void valid_token_yields_the_subject_name_global_roles_and_account_roles()
    {
        var token = new TokenIssuer(TestTokens.Options(), _clock)
            .Issue("user-7", ["ops", "primary-holder:acc-1", "billing-viewer:acc-2", "user:acc-3"], TimeSpan.FromHours(1), "Ada Lovelace");

        var caller = new TokenValidator(TestTokens.Options(), _clock).Validate(token);

        Assert.Equal("user-7", caller.Subject);
        Assert.Equal("Ada Lovelace", caller.Name);
        Assert.True(caller.IsOps);
        Assert.False(caller.IsService);
        Assert.Equal(AccountRole.PrimaryHolder, caller.RoleOn("acc-1"));
        Assert.Equal(AccountRole.BillingViewer, caller.RoleOn("acc-2"));
        Assert.Equal(AccountRole.User, caller.RoleOn("acc-3"));
        Assert.Null(caller.RoleOn("acc-4"));
    }

    [Fact]
    public void token_signed_with_another_key_is_rejected_as_invalid_signature()
    {
        var token = new TokenIssuer(TestTokens.OtherKeyOptions(), _clock).Issue("user-7", ["ops"], TimeSpan.FromHours(1));

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate(token));

        Assert.Equal("token signature is invalid", error.Message);
    }

    [Fact]
    public void payload_changed_after_signing_is_rejected_as_invalid_signature()
    {
        var token = new TokenIssuer(TestTokens.Options(), _clock).Issue("user-7", ["user:acc-1"], TimeSpan.FromHours(1));
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("user:acc-1", "ops", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate(forged));

        Assert.Equal("token signature is invalid", error.Message);
    }

    [Fact]
    public void token_is_rejected_once_the_injected_clock_passes_its_expiry_plus_clock_skew()
    {
        var token = new TokenIssuer(TestTokens.Options(), _clock).Issue("user-7", [], TimeSpan.FromHours(1));
        var validator = new TokenValidator(TestTokens.Options(), _clock);

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(30));
        Assert.Equal("user-7", validator.Validate(token).Subject);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var error = Assert.Throws<InvalidTokenException>(() => validator.Validate(token));

        Assert.Equal("token expired at 2025-03-01T10:00:00Z", error.Message);
    }

    [Fact]
    public void token_expiring_at_the_end_of_the_calendar_is_valid()
    {
        var claims = Encoding.UTF8.GetBytes(
            $$"""{"iss":"https://auth.subscriptions.test","aud":"subscriptions-api","sub":"svc-billing","roles":["service"],"exp":{{DateTimeOffset.MaxValue.ToUnixTimeSeconds()}}}""");
        var token = Hs256Jwt.Sign(claims, TestTokens.Options().GetValidatedKey());

        var caller = new TokenValidator(TestTokens.Options(), _clock).Validate(token);

        Assert.True(caller.IsService);
    }

    [Fact]
    public void token_is_rejected_before_its_not_before_time()
    {
        var future = new ManualClock(TestTokens.Start.AddHours(2));
        var token = new TokenIssuer(TestTokens.Options(), future).Issue("user-7", [], TimeSpan.FromHours(1));

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate(token));

        Assert.Equal("token is not valid before 2025-03-01T11:00:00Z", error.Message);
    }

    [Fact]
    public void unsigned_token_with_alg_none_is_rejected()
    {
        var header = Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);
        var claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $$"""{"iss":"https://auth.subscriptions.test","aud":"subscriptions-api","sub":"mallory","roles":["ops"],"exp":{{TestTokens.Start.AddHours(1).ToUnixTimeSeconds()}}}"""));

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate($"{header}.{claims}."));

        Assert.Equal("token algorithm \"none\" is not accepted; only HS256 is", error.Message);
    }

    [Fact]
    public void signed_token_whose_header_is_switched_to_another_algorithm_is_rejected()
    {
        var token = new TokenIssuer(TestTokens.Options(), _clock).Issue("user-7", [], TimeSpan.FromHours(1));
        var parts = token.Split('.');
        var header = Base64Url.EncodeToString("""{"alg":"HS512","typ":"JWT"}"""u8);

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate($"{header}.{parts[1]}.{parts[2]}"));

        Assert.Equal("token algorithm \"HS512\" is not accepted; only HS256 is", error.Message);
    }

    [Fact]
    public void token_for_another_audience_is_rejected()
    {
        var options = TestTokens.Options();
        options.Audience = "reporting-api";
        var token = new TokenIssuer(options, _clock).Issue("user-7", [], TimeSpan.FromHours(1));

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate(token));

        Assert.Equal("token audience \"reporting-api\" does not include \"subscriptions-api\"", error.Message);
    }

    [Fact]
    public void token_from_another_issuer_is_rejected()
    {
        var options = TestTokens.Options();
        options.Issuer = "https://elsewhere.test";
        var token = new TokenIssuer(options, _clock).Issue("user-7", [], TimeSpan.FromHours(1));

        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate(token));

        Assert.Equal("token issuer \"https://elsewhere.test\" is not \"https://auth.subscriptions.test\"", error.Message);
    }

    [Theory]
    [InlineData("not-a-token", "token is malformed: expected 3 dot-separated parts, found 1")]
    [InlineData("a.b", "token is malformed: expected 3 dot-separated parts, found 2")]
    [InlineData("%%%.e30.", "token header is not base64url")]
    public void malformed_tokens_are_rejected_saying_what_is_wrong(string token, string expected)
    {
        var error = Assert.Throws<InvalidTokenException>(() => new TokenValidator(TestTokens.Options(), _clock).Validate(token));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void issuer_refuses_a_role_the_validator_would_not_accept()
    {
        var issuer = new TokenIssuer(TestTokens.Options(), _clock);

        var error = Assert.Throws<FormatException>(() => issuer.Issue("user-7", ["admin"], TimeSpan.FromHours(1)));

        Assert.Contains("Role \"admin\" is not recognised", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void signing_key_shorter_than_32_bytes_is_refused_naming_the_setting()
    {
        var options = TestTokens.Options();
        options.SigningKey = Convert.ToBase64String(new byte[16]);

        var error = Assert.Throws<InvalidOperationException>(() => new TokenValidator(options, _clock));

        Assert.Equal("Configuration \"Auth:SigningKey\" decodes to 16 bytes; HS256 needs at least 32.", error.Message);
    }

    [Fact]
    public void two_roles_on_one_account_give_the_stronger_one()
    {
        var caller = RoleClaims.ToIdentity("user-7", ["user:acc-1", "primary-holder:acc-1", "billing-viewer:acc-1"]);

        Assert.Equal(AccountRole.PrimaryHolder, caller.RoleOn("acc-1"));
    }
}
