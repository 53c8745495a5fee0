using System.CommandLine;
using System.Text.Json;
using Subscriptions.Grpc.Api.Auth;

namespace Subscriptions.OpsCli;

/// <summary>
/// <c>subs token</c> (development only): mints a bearer token signed with the Development key, which a silo accepts only
/// in Development (a production silo has a key of its own; whoever holds that key can mint its tokens anyway). The key comes from <c>SUBS_SIGNING_KEY</c> (base64, a silo's Auth:SigningKey) or from the settings file
/// <c>SUBS_DEV_SETTINGS</c> names (scripts/subs.sh points it at the repository's appsettings.Development.json).
/// </summary>
internal static class TokenCommand
{
    /// <summary>Adds <c>token</c> to <paramref name="root"/>.</summary>
    public static void Add(RootCommand root, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var sub = new Option<string>("--sub") { Description = "The subject (who the token is for)", Required = true };
        var roles = new Option<string[]>("--role")
        {
            Description = "ops, service, primary-holder:<account>, billing-viewer:<account>, user:<account> or administrator:<account> (repeat for several)",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "A display name" };
        var ttl = new Option<string>("--ttl") { Description = "How long it is valid: <n>s, m, h or d (default 8h)", DefaultValueFactory = _ => "8h" };
        var command = new Command("token", "Development only: mints a bearer token signed with the Development key (SUBS_SIGNING_KEY or SUBS_DEV_SETTINGS)") { sub, roles, name, ttl };
        command.SetAction(parse =>
        {
            string? key;
            try
            {
                key = environment("SUBS_SIGNING_KEY") is { Length: > 0 } given ? given : DevelopmentKey(environment("SUBS_DEV_SETTINGS"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
            {
                error.WriteLine($"subs: cannot read Auth:SigningKey from {environment("SUBS_DEV_SETTINGS")}: {e.Message}");
                return SubsCli.UsageError;
            }

            if (key is null)
            {
                error.WriteLine("subs: token mints development tokens only and needs the Development signing key: run it through scripts/subs.sh, or set SUBS_SIGNING_KEY to the silo's Auth:SigningKey (base64)");
                return SubsCli.UsageError;
            }

            List<string> args = ["--sub", parse.GetValue(sub)!, "--ttl", parse.GetValue(ttl)!];
            foreach (var role in parse.GetValue(roles) ?? [])
            {
                args.AddRange(["--role", role]);
            }

            if (parse.GetValue(name) is { Length: > 0 } display)
            {
                args.AddRange(["--name", display]);
            }

            try
            {
                // The issuer and audience every silo's appsettings.json sets (SUBS_TOKEN_ISSUER and SUBS_TOKEN_AUDIENCE override them).
                var options = new TokenOptions
                {
                    SigningKey = key,
                    Issuer = environment("SUBS_TOKEN_ISSUER") is { Length: > 0 } issuer ? issuer : "subscriptions",
                    Audience = environment("SUBS_TOKEN_AUDIENCE") is { Length: > 0 } audience ? audience : "subscriptions-api",
                };
                options.GetValidatedKey();
                var minted = new StringWriter();
                var code = DevTokenCommand.Run([.. args], options, minted);
                (code == 0 ? output : error).Write(minted.ToString());
                return code == 0 ? SubsCli.Ok : SubsCli.UsageError;
            }
            catch (InvalidOperationException e)
            {
                error.WriteLine($"subs: {e.Message}");
                return SubsCli.UsageError;
            }
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Auth:SigningKey of a settings file, or null when there is none.</summary>
    private static string? DevelopmentKey(string? settingsPath)
    {
        if (string.IsNullOrEmpty(settingsPath) || !File.Exists(settingsPath))
        {
            return null;
        }

        using var settings = JsonDocument.Parse(File.ReadAllText(settingsPath));
        return settings.RootElement.TryGetProperty("Auth", out var auth) && auth.TryGetProperty("SigningKey", out var key) && key.GetString() is { Length: > 0 } value
            ? value
            : null;
    }
}
