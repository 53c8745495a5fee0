using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>Registers bearer-token authentication (TokenOptions, TokenValidator, TokenIssuer).</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>Binds TokenOptions from the "Auth" section (Issuer, Audience, SigningKey, ClockSkew) and fails at once when they are incomplete.</summary>
    public static IServiceCollection AddBearerTokens(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(TokenOptions.SectionName).Get<TokenOptions>() ?? new TokenOptions();
        return services.AddBearerTokens(options);
    }

    /// <summary>Registers the given TokenOptions; the TimeProvider is the one already registered, else the system clock.</summary>
    public static IServiceCollection AddBearerTokens(this IServiceCollection services, TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.GetValidatedKey();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<TokenIssuer>();
        return services;
    }
}
