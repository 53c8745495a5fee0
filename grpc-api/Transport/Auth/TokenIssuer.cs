using System.Text.Json;

namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>Mints HS256 bearer tokens with the configured issuer, audience and key (for tests and the dev token command).</summary>
public sealed class TokenIssuer
{
    private readonly TokenOptions _options;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates an issuer; throws when the options are incomplete.</summary>
    public TokenIssuer(TokenOptions options, TimeProvider time)
    {
        _options = options;
        _key = options.GetValidatedKey();
        _time = time;
    }

    /// <summary>A token for the subject with the given role claims, valid from now for the lifetime.</summary>
    public string Issue(string subject, IEnumerable<string> roles, TimeSpan lifetime, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        // Parse before signing: a token with a role the validator rejects is of no use.
        var caller = RoleClaims.ToIdentity(subject, roles, name);
        var now = _time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = _options.Issuer,
            ["aud"] = _options.Audience,
            ["sub"] = subject,
            ["roles"] = RoleClaims.FromIdentity(caller),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        };
        if (name is not null)
        {
            claims["name"] = name;
        }

        return Hs256Jwt.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), _key);
    }
}
