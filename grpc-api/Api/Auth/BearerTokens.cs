using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>
/// Bearer tokens the ASP.NET Core way: JwtBearer validates HS256 tokens (signature, algorithm, issuer, audience, expiry
/// and not-before against the injected clock with <see cref="TokenOptions.ClockSkew"/>); the "roles" claims become a
/// <see cref="CallerIdentity"/>. Authentication runs only for methods that need a caller (see <see cref="EdgeInterceptor"/>),
/// so health and reflection stay anonymous.
/// </summary>
public static class BearerTokens
{
    /// <summary>Registers JwtBearer with the options of the "Auth" configuration section; throws naming a bad setting.</summary>
    public static IServiceCollection AddBearerTokens(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddBearerTokens(configuration.GetSection(TokenOptions.SectionName).Get<TokenOptions>() ?? new TokenOptions());
    }

    /// <summary>Registers JwtBearer with <paramref name="options"/>; throws naming a bad setting.</summary>
    public static IServiceCollection AddBearerTokens(this IServiceCollection services, TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.GetValidatedKey();
        services.AddSingleton(options);
        services.AddSingleton(provider => new TokenIssuer(options, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IServiceProvider>((jwt, provider) =>
        {
            jwt.MapInboundClaims = false;
            jwt.RequireHttpsMetadata = false;
            jwt.TokenValidationParameters = ValidationParameters(options, provider.GetService<TimeProvider>() ?? TimeProvider.System);
        });
        return services;
    }

    /// <summary>
    /// What a token must be: HS256-signed with the configured key, from the configured issuer for the configured
    /// audience, with an expiry, and current on <paramref name="clock"/> give or take <see cref="TokenOptions.ClockSkew"/>.
    /// </summary>
    public static TokenValidationParameters ValidationParameters(TokenOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        return new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(options.GetValidatedKey()),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = RoleClaims.SubjectClaimType,
            RoleClaimType = RoleClaims.ClaimType,
            LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, clock.GetUtcNow(), options.ClockSkew),
        };
    }

    /// <summary>Authenticates the call's bearer token; throws UNAUTHENTICATED saying what is wrong, without token internals.</summary>
    public static async Task<CallerIdentity> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Unauthenticated("missing bearer token");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Trim().Length <= "Bearer".Length)
        {
            throw Unauthenticated("authorization header must be \"Bearer <token>\"");
        }

        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            throw Unauthenticated(Describe(result.Failure));
        }

        try
        {
            return RoleClaims.ToIdentity(result.Principal);
        }
        catch (FormatException e)
        {
            throw Unauthenticated($"token claim \"roles\" is invalid: {e.Message}");
        }
    }

    /// <summary>A short reason for a refused token, in the service's words (the library's messages carry internals).</summary>
    public static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException => failure.Message,
        SecurityTokenInvalidIssuerException => "token issuer is not accepted",
        SecurityTokenInvalidAudienceException => "token audience is not accepted",
        SecurityTokenInvalidAlgorithmException => "token is not signed with HS256",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "token is not a well-formed JWT",
        null => "missing bearer token",
        _ => "token is invalid",
    };

    private static bool CheckLifetime(DateTime? notBefore, DateTime? expires, DateTimeOffset now, TimeSpan skew)
    {
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("token has no \"exp\" claim");
        }

        // Skew is applied to the clock, not to the claims: "exp" may be as late as the largest time a token can carry.
        if (now - skew > new DateTimeOffset(DateTime.SpecifyKind(expires.Value, DateTimeKind.Utc)))
        {
            throw new SecurityTokenExpiredException($"token expired at {Format(expires.Value)}");
        }

        if (notBefore is { } start && now + skew < new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)))
        {
            throw new SecurityTokenNotYetValidException($"token is not valid before {Format(start)}");
        }

        return true;
    }

    private static string Format(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static RpcException Unauthenticated(string message) =>
        new(new Status(StatusCode.Unauthenticated, message));
}
