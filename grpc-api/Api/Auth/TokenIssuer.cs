using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>Mints HS256 bearer tokens with the configured issuer, audience and key (for tests and the dev token command).</summary>
public sealed class TokenIssuer
{
    private readonly TokenOptions _options;
    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _time;

    /// <summary>Creates an issuer; throws when the options are incomplete.</summary>
    public TokenIssuer(TokenOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _key = new SymmetricSecurityKey(options.GetValidatedKey());
        _time = time;
    }

    /// <summary>A token for the subject with the given role claims, valid from now for the lifetime.</summary>
    public string Issue(string subject, IEnumerable<string> roles, TimeSpan lifetime, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        // Parse before signing: a token with a role the validator rejects is of no use.
        var caller = RoleClaims.ToIdentity(subject, roles, name);
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [RoleClaims.SubjectClaimType] = subject,
            [RoleClaims.ClaimType] = RoleClaims.FromIdentity(caller).ToArray(),
        };
        if (name is not null)
        {
            claims[RoleClaims.NameClaimType] = name;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }
}
