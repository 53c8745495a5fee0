namespace Subscriptions.Grpc.Api.Auth;

/// <summary>How bearer tokens are signed and checked; bound from the "Auth" configuration section.</summary>
public sealed class TokenOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Auth";

    /// <summary>The shortest accepted HMAC-SHA256 key, in bytes.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>The "iss" every token must carry and every issued token gets.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The "aud" every token must carry and every issued token gets.</summary>
    public string Audience { get; set; } = string.Empty;

    /// <summary>The HMAC-SHA256 key, base64-encoded, at least 32 bytes once decoded.</summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>Tolerance applied to "exp" and "nbf" for clocks that disagree slightly.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the options and returns the decoded signing key; throws naming the bad setting.</summary>
    public byte[] GetValidatedKey()
    {
        if (string.IsNullOrWhiteSpace(Issuer))
        {
            throw new InvalidOperationException($"Configuration \"{SectionName}:{nameof(Issuer)}\" is required for bearer tokens.");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            throw new InvalidOperationException($"Configuration \"{SectionName}:{nameof(Audience)}\" is required for bearer tokens.");
        }

        if (ClockSkew < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Configuration \"{SectionName}:{nameof(ClockSkew)}\" is {ClockSkew} and must not be negative.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(SigningKey);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Configuration \"{SectionName}:{nameof(SigningKey)}\" must be base64.", e);
        }

        if (key.Length < MinimumKeyBytes)
        {
            throw new InvalidOperationException(
                $"Configuration \"{SectionName}:{nameof(SigningKey)}\" decodes to {key.Length} bytes; HS256 needs at least {MinimumKeyBytes}.");
        }

        return key;
    }
}
