using System.Text;
using System.Text.RegularExpressions;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>The one log line a committed change writes (docs/runtime.md, "Logs"): what changed, and the rule behind it.</summary>
internal static partial class ChangeLog
{
    /// <summary>The most characters the changes of one line take.</summary>
    private const int MaxLength = 300;

    /// <summary>
    /// "status active→limited; invoice_issued →ACME-1-000002", cut to <see cref="MaxLength"/> characters; only the change
    /// names when <paramref name="withValues"/> is false (an account's values are personal data, which logs must not keep: ACC-8).
    /// </summary>
    public static string Describe(IReadOnlyList<HistoryEntry> history, bool withValues)
    {
        var text = new StringBuilder();
        foreach (var entry in history)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(entry.Change);
            if (withValues && (entry.From is not null || entry.To is not null))
            {
                text.Append(' ').Append(entry.From).Append('→').Append(entry.To);
            }

            if (text.Length > MaxLength)
            {
                return text.ToString(0, MaxLength) + "…";
            }
        }

        return text.ToString();
    }

    /// <summary>The first rule id the change's history names (its payloads quote the rule that decided it), or null.</summary>
    public static string? RuleOf(IReadOnlyList<HistoryEntry> history)
    {
        foreach (var entry in history)
        {
            if (entry.PayloadJson is { } payload && RuleId().Match(payload) is { Success: true } match)
            {
                return match.Value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\b(?:SUB|INV|ACC|QUO|NOT|IDEM|OPS|CLOCK)-[0-9]{1,2}\b")]
    private static partial Regex RuleId();
}
