using System.Globalization;
using System.Text.Json;

namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>Checks HS256 bearer tokens (signature, alg, iss, aud, exp, nbf) against the injected clock and yields the caller.</summary>
public sealed class TokenValidator
{
    private readonly TokenOptions _options;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates a validator; throws when the options are incomplete.</summary>
    public TokenValidator(TokenOptions options, TimeProvider time)
    {
        _options = options;
        _key = options.GetValidatedKey();
        _time = time;
    }

    /// <summary>The caller the token identifies; throws InvalidTokenException saying what is wrong with it.</summary>
    public CallerIdentity Validate(string token)
    {
        var payload = Hs256Jwt.Verify(token, _key);
        try
        {
            using var document = JsonDocument.Parse(payload);
            var claims = document.RootElement;
            if (claims.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidTokenException("token payload is not a JSON object");
            }

            CheckIssuer(claims);
            CheckAudience(claims);
            CheckLifetime(claims);
            var subject = OptionalString(claims, "sub");
            if (string.IsNullOrEmpty(subject))
            {
                throw new InvalidTokenException("token has no \"sub\" claim");
            }

            return ToIdentity(claims, subject);
        }
        catch (JsonException e)
        {
            throw new InvalidTokenException($"token payload is not JSON: {e.Message}");
        }
    }

    private void CheckIssuer(JsonElement claims)
    {
        var issuer = OptionalString(claims, "iss");
        if (issuer != _options.Issuer)
        {
            throw new InvalidTokenException($"token issuer \"{issuer}\" is not \"{_options.Issuer}\"");
        }
    }

    private void CheckAudience(JsonElement claims)
    {
        string[] audiences = claims.TryGetProperty("aud", out var aud) ? aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
            _ => [],
        } : [];
        if (!audiences.Contains(_options.Audience, StringComparer.Ordinal))
        {
            throw new InvalidTokenException($"token audience \"{string.Join(",", audiences)}\" does not include \"{_options.Audience}\"");
        }
    }

    private void CheckLifetime(JsonElement claims)
    {
        var now = _time.GetUtcNow();
        var expires = OptionalTime(claims, "exp")
            ?? throw new InvalidTokenException("token has no \"exp\" claim");
        // Skew is applied to the clock, not to the claims: "exp" may be as late as DateTimeOffset.MaxValue.
        if (now - _options.ClockSkew > expires)
        {
            throw new InvalidTokenException($"token expired at {Format(expires)}");
        }

        var notBefore = OptionalTime(claims, "nbf");
        if (notBefore is { } start && now + _options.ClockSkew < start)
        {
            throw new InvalidTokenException($"token is not valid before {Format(start)}");
        }
    }

    private static CallerIdentity ToIdentity(JsonElement claims, string subject)
    {
        var roles = new List<string>();
        if (claims.TryGetProperty("roles", out var roleArray))
        {
            if (roleArray.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidTokenException("token claim \"roles\" must be an array of strings");
            }

            foreach (var role in roleArray.EnumerateArray())
            {
                roles.Add(role.ValueKind == JsonValueKind.String
                    ? role.GetString()!
                    : throw new InvalidTokenException("token claim \"roles\" must be an array of strings"));
            }
        }

        try
        {
            return RoleClaims.ToIdentity(subject, roles, OptionalString(claims, "name"));
        }
        catch (FormatException e)
        {
            throw new InvalidTokenException($"token claim \"roles\" is invalid: {e.Message}");
        }
    }

    private static string? OptionalString(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new InvalidTokenException($"token claim \"{name}\" must be a string");
    }

    private static DateTimeOffset? OptionalTime(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            && seconds >= 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new InvalidTokenException($"token claim \"{name}\" must be whole seconds since 1970-01-01T00:00:00Z");
    }

    private static string Format(DateTimeOffset time) =>
        time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
