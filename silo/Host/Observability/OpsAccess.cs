using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Subscriptions.Grpc.Api.Auth;

namespace Subscriptions.Silo.Observability;

/// <summary>
/// Who may read the ops pages: a caller with a bearer token the gRPC API accepts (the same key, issuer, audience and
/// lifetime checks, <see cref="BearerTokens.ValidationParameters"/>) that holds the ops role. The token comes in the
/// <c>authorization: Bearer</c> header (Prometheus, curl) or in the HttpOnly cookie <see cref="CookieName"/> that
/// <c>/login</c> sets for a browser.
/// </summary>
public sealed class OpsAccess(TokenOptions tokens, TimeProvider time)
{
    /// <summary>The cookie a browser carries its ops token in (HttpOnly, SameSite=Strict, path /).</summary>
    public const string CookieName = "subscriptions-ops";

    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>The token a request carries: its bearer header first, then its cookie; null when it has neither.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } bearer)
        {
            return bearer;
        }

        return request.Cookies.TryGetValue(CookieName, out var cookie) && !string.IsNullOrWhiteSpace(cookie) ? cookie : null;
    }

    /// <summary>Checks <paramref name="token"/>: <see cref="OpsCheck.Allowed"/> with its expiry, or why not (401: not a valid token; 403: no ops role).</summary>
    public async Task<OpsCheck> CheckAsync(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var result = await _handler.ValidateTokenAsync(token, BearerTokens.ValidationParameters(tokens, time));
        if (!result.IsValid)
        {
            return new OpsCheck(StatusCodes.Status401Unauthorized, BearerTokens.Describe(result.Exception), null);
        }

        CallerIdentity caller;
        try
        {
            caller = RoleClaims.ToIdentity(new ClaimsPrincipal(result.ClaimsIdentity));
        }
        catch (FormatException e)
        {
            return new OpsCheck(StatusCodes.Status401Unauthorized, $"token claim \"roles\" is invalid: {e.Message}", null);
        }

        return caller.IsOps
            ? new OpsCheck(StatusCodes.Status200OK, $"{caller.Subject} holds the ops role", result.SecurityToken.ValidTo)
            : new OpsCheck(StatusCodes.Status403Forbidden, $"{caller.Subject} does not hold the \"{RoleClaims.Ops}\" role the ops pages need", null);
    }
}

/// <summary>The outcome of an ops token check: an HTTP status (200 allowed, 401 or 403), the reason, and the token's expiry when allowed.</summary>
public sealed record OpsCheck(int Status, string Reason, DateTime? ExpiresUtc)
{
    /// <summary>True when the token may read the ops pages.</summary>
    public bool Allowed => Status == StatusCodes.Status200OK;
}
