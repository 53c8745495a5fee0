using Microsoft.Extensions.DependencyInjection;

namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>Authenticates a call's bearer token once and keeps the caller in the call's Items.</summary>
public static class CallerContext
{
    private static readonly object CallerKey = new();

    /// <summary>The authenticated caller; throws when the method's policy does not authenticate (for example a public method).</summary>
    public static CallerIdentity GetCaller(this ServerCallContext context) =>
        context.TryGetCaller() ?? throw new InvalidOperationException(
            $"Method {context.Method} has no authenticated caller: its authorization policy does not authenticate.");

    /// <summary>The authenticated caller, or null when the call was not authenticated.</summary>
    public static CallerIdentity? TryGetCaller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(CallerKey, out var caller) ? (CallerIdentity?)caller : null;
    }

    /// <summary>Validates the "authorization: Bearer &lt;token&gt;" header and stores the caller; throws UNAUTHENTICATED.</summary>
    public static CallerIdentity Authenticate(ServerCallContext context)
    {
        if (context.TryGetCaller() is { } known)
        {
            return known;
        }

        var token = ReadBearerToken(context.RequestHeaders.GetValue("authorization"));
        var validator = context.Services.GetRequiredService<TokenValidator>();
        CallerIdentity caller;
        try
        {
            caller = validator.Validate(token);
        }
        catch (InvalidTokenException e)
        {
            throw new RpcException(StatusCode.Unauthenticated, e.Message);
        }

        context.Items[CallerKey] = caller;
        return caller;
    }

    private static string ReadBearerToken(string? header)
    {
        const string Scheme = "Bearer ";
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new RpcException(StatusCode.Unauthenticated, "missing bearer token");
        }

        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            throw new RpcException(StatusCode.Unauthenticated, "authorization header must be \"Bearer <token>\"");
        }

        return header[Scheme.Length..].Trim();
    }
}
