using System.Text.RegularExpressions;

namespace Subscriptions.Domain.Tests;

/// <summary>Each SPEC rule is named once, in <see cref="Rules"/>; code and tests refer to the constant.</summary>
public sealed partial class RuleCatalogueTests
{
    [Fact]
    public void The_catalogue_lists_every_rule_of_the_SPEC_once_in_order_each_under_its_own_section()
    {
        var ids = Rules.Catalogue.Select(r => r.Id).ToList();

        Assert.Equal(42, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal([Rules.Acc1, Rules.Sub1, Rules.Quo1, Rules.Inv1, Rules.Tax1, Rules.Not1], ids.Where(id => id.EndsWith("-1", StringComparison.Ordinal)).Take(6));
        Assert.All(Rules.Catalogue, r => Assert.Matches(@"^[A-Z]+-[1-9][0-9]?$", r.Id));
        Assert.All(Rules.Catalogue.GroupBy(r => r.Id[..r.Id.IndexOf('-', StringComparison.Ordinal)]), family => Assert.Single(family.Select(r => r.Section).Distinct()));
        Assert.All(Rules.Catalogue, r => Assert.False(string.IsNullOrWhiteSpace(r.Summary), r.Id));
    }

    [Fact]
    public void No_source_file_spells_a_rule_id_in_a_string_outside_the_catalogue()
    {
        var root = RepositoryRoot();
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith(Path.Combine("grains", "Domain", "Rules.cs"), StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && StringLiterals().Matches(l.Text).Any(m => RuleId().IsMatch(m.Value)))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();

        Assert.True(Directory.Exists(Path.Combine(root, "grains")), $"no sources under {root}");
        Assert.Empty(offenders);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Subscriptions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Subscriptions.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiterals();

    [GeneratedRegex(@"\b(ACC|SUB|QUO|INV|TAX|NOT|IDEM|OPS|CLOCK)-[0-9]+\b(?!-)")]
    private static partial Regex RuleId();
}
