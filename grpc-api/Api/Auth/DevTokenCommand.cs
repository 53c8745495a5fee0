using System.Globalization;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>The "token" command: mints a development bearer token, e.g. <c>token --sub ops-1 --role ops --ttl 8h</c>.</summary>
public static class DevTokenCommand
{
    /// <summary>The command's usage line.</summary>
    public const string Usage =
        "usage: token --sub <id> --role <role> [--role <role> ...] [--name <display name>] [--ttl <n>{s|m|h|d}]   " +
        "roles: ops, service, primary-holder:<accountId>, billing-viewer:<accountId>, user:<accountId>, administrator:<accountId>";

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    /// <summary>Prints a token valid from now (system clock); returns 0, or 2 with a message when the arguments are wrong.</summary>
    public static int Run(string[] args, TokenOptions options, TextWriter output) =>
        Run(args, options, output, TimeProvider.System);

    /// <summary>Prints a token valid from the clock's now; returns 0, or 2 with a message when the arguments are wrong.</summary>
    public static int Run(string[] args, TokenOptions options, TextWriter output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? subject = null;
        string? name = null;
        var roles = new List<string>();
        var lifetime = DefaultLifetime;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"option {args[i]} needs a value");
                switch (args[i])
                {
                    case "--sub": subject = value; break;
                    case "--role": roles.Add(value); break;
                    case "--name": name = value; break;
                    case "--ttl": lifetime = ParseLifetime(value); break;
                    default: throw new FormatException($"unknown option \"{args[i]}\"");
                }

                i++;
            }

            if (string.IsNullOrEmpty(subject))
            {
                throw new FormatException("--sub is required");
            }

            if (roles.Count == 0)
            {
                throw new FormatException("at least one --role is required (a token without a role may call nothing but CreateAccount)");
            }

            output.WriteLine(new TokenIssuer(options, time).Issue(subject, roles, lifetime, name));
            return 0;
        }
        catch (FormatException e)
        {
            output.WriteLine($"token: {e.Message}");
            output.WriteLine(Usage);
            return 2;
        }
    }

    private static TimeSpan ParseLifetime(string text)
    {
        var unit = text.Length > 1 ? text[^1] : ' ';
        if (!int.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw new FormatException($"--ttl \"{text}\" must be a positive whole number followed by s, m, h or d");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => throw new FormatException($"--ttl \"{text}\" must end in s, m, h or d"),
        };
    }
}
