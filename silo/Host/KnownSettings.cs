using System.Globalization;
using System.Reflection;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Payments;
using Subscriptions.Grpc.Api;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Documents;
using Subscriptions.Silo.Notifications;

namespace Subscriptions.Silo;

/// <summary>
/// The settings the service reads in its own sections (Silo, Cluster, Grpc…). At start-up a key in one of these
/// sections that the service does not read is refused, with the nearest one it does read: a misspelt setting
/// (<c>Grpc:Prot</c>) would otherwise be ignored without a word, and the silo run on a default. The sections of the
/// libraries (Logging, Kestrel, ConnectionStrings…) are theirs to read and are not checked.
/// </summary>
public static class KnownSettings
{
    private const int MostProblemsNamed = 5;

    private static readonly Branch Sections = new(new Dictionary<string, Node>(StringComparer.OrdinalIgnoreCase)
    {
        ["Silo"] = Of(typeof(SiloSettings), only: [nameof(SiloSettings.StartupAttempts), nameof(SiloSettings.MigrateOnStart)]),
        ["Cluster"] = Of(typeof(SiloSettings), except: [nameof(SiloSettings.ConnectionString), nameof(SiloSettings.StartupAttempts), nameof(SiloSettings.MigrateOnStart)]),
        ["Grpc"] = Of(typeof(GrpcEndpointOptions), values: ["Address", "Port", "CertificatePath", "CertificatePassword"]),
        [GrainRecordOptions.SectionName] = Of(typeof(GrainRecordOptions)),
        [TokenOptions.SectionName] = Of(typeof(TokenOptions)),
        [PaymentOptions.SectionName] = Of(typeof(PaymentOptions)),
        [NotificationOptions.SectionName] = Of(typeof(NotificationOptions)),
        [DocumentOptions.SectionName] = Of(typeof(DocumentOptions)),
        [SubscriptionsApiOptions.SectionName] = Of(typeof(SubscriptionsApiOptions)),
        ["Ops"] = Values("Port", "Address"),
        ["OpenTelemetry"] = Values("OtlpEndpoint", "OtlpProtocol"),
        ["Health"] = Values("DatabaseCheckInterval"),
        ["Catalog"] = Values("Path"),
    });

    /// <summary>Every setting the service reads in its own sections, a list's entries written as its first (<c>:0</c>).</summary>
    public static IReadOnlyList<string> Paths { get; } = [.. Leaves(Sections, prefix: null).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Throws an <see cref="InvalidOperationException"/> naming each key (up to five) of the service's sections that is
    /// not one of its settings, with the nearest setting by spelling and the settings of its section.
    /// </summary>
    public static void Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (Sections.Keys.TryGetValue(section.Key, out var node))
            {
                Walk(section, node, problems);
            }
        }

        if (problems.Count > 0)
        {
            var named = problems.Take(MostProblemsNamed).ToList();
            throw new InvalidOperationException(
                string.Join("; ", named)
                + (problems.Count > named.Count ? $"; and {problems.Count - named.Count} more" : "")
                + ". The settings table of README.md lists every setting.");
        }
    }

    private static void Walk(IConfigurationSection section, Node node, List<string> problems)
    {
        foreach (var child in section.GetChildren())
        {
            switch (node)
            {
                case Branch branch when branch.Keys.TryGetValue(child.Key, out var known):
                    Walk(child, known, problems);
                    break;
                case Branch branch:
                    problems.Add(Unknown(section.Path, child.Key, branch));
                    break;
                case Entries entries when int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _):
                    Walk(child, entries.Entry, problems);
                    break;
                case Entries:
                    problems.Add($"Configuration \"{child.Path}\" is not a setting of this service: the entries of \"{section.Path}\" are numbered 0, 1, 2…");
                    break;
                default:
                    problems.Add($"Configuration \"{child.Path}\" is not a setting of this service: \"{section.Path}\" is a single value");
                    break;
            }
        }
    }

    private static string Unknown(string parent, string key, Branch branch)
    {
        var nearest = branch.Keys.Keys
            .Select(name => (Name: name, Distance: Distance(key.ToUpperInvariant(), name.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(2, key.Length / 3))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
        return $"Configuration \"{parent}:{key}\" is not a setting of this service"
            + (nearest is null ? "" : $" (did you mean \"{parent}:{nearest}\"?)")
            + $"; {parent} takes {string.Join(", ", branch.Keys.Keys.Order(StringComparer.Ordinal))}";
    }

    /// <summary>The Levenshtein distance: single-character insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static IEnumerable<string> Leaves(Node node, string? prefix) => node switch
    {
        Branch branch => branch.Keys.SelectMany(k => Leaves(k.Value, prefix is null ? k.Key : $"{prefix}:{k.Key}")),
        Entries entries => Leaves(entries.Entry, $"{prefix}:0"),
        _ => [prefix!],
    };

    /// <summary>The settings a bound options type takes: its public properties the binder sets or fills.</summary>
    private static Branch Of(Type type, string[]? only = null, string[]? except = null, string[]? values = null)
    {
        var keys = new Dictionary<string, Node>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var bound = property.GetIndexParameters().Length == 0 && (property.SetMethod?.IsPublic == true || ItemOf(property.PropertyType) is not null);
            if (bound && (only is null || only.Contains(property.Name)) && (except is null || !except.Contains(property.Name)))
            {
                keys[property.Name] = NodeOf(property.PropertyType);
            }
        }

        foreach (var name in values ?? [])
        {
            keys[name] = Value.Instance;
        }

        return new Branch(keys);
    }

    private static Branch Values(params string[] names) =>
        new(names.ToDictionary(name => name, Node (_) => Value.Instance, StringComparer.OrdinalIgnoreCase));

    private static Node NodeOf(Type type) =>
        type == typeof(string) || type.IsValueType ? Value.Instance
        : ItemOf(type) is { } item ? new Entries(NodeOf(item))
        : Of(type);

    private static Type? ItemOf(Type type) =>
        type == typeof(string) ? null
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>) ? type.GetGenericArguments()[0]
        : null;

    private abstract record Node;

    /// <summary>A single value: nothing is read under it.</summary>
    private sealed record Value : Node
    {
        public static readonly Value Instance = new();
    }

    /// <summary>Named settings.</summary>
    private sealed record Branch(IReadOnlyDictionary<string, Node> Keys) : Node;

    /// <summary>A list: entries numbered 0, 1, 2…, each of the same shape.</summary>
    private sealed record Entries(Node Entry) : Node;
}
