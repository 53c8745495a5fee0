using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Subscriptions.Storage;

/// <summary>One versioned SQL migration, embedded in an assembly as <c>Migrations/NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>
    /// A short digest of the SQL (line endings normalised), recorded when applied so later edits are caught. Computed
    /// from <see cref="Sql"/> on every read, so a copy made with <c>with { Sql = ... }</c> carries its own digest.
    /// </summary>
    public string Checksum => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))))[..16];

    /// <summary>The migrations embedded in <paramref name="assembly"/>, ordered by version.</summary>
    public static IReadOnlyList<Migration> FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var result = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource[..^4];
            fileName = fileName[(fileName.LastIndexOf('.') + 1)..];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName[..separator], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration resource \"{resource}\" is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource \"{resource}\" cannot be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            result.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        return [.. result.OrderBy(m => m.Version)];
    }
}

/// <summary>The migrations of this assembly: the schema this release runs on.</summary>
public static class SchemaMigrations
{
    /// <summary>Every migration embedded in Subscriptions.Storage, ordered by version.</summary>
    public static IReadOnlyList<Migration> All { get; } = Migration.FromAssembly(typeof(SchemaMigrations).Assembly);
}
