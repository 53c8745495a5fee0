using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Subscriptions.OpsCli;

/// <summary>What the commands share: the date option, and how times, cells and tables are written.</summary>
internal static class CliParts
{
    /// <summary>An option holding a date and time, UTC unless an offset is given; a bad one is a usage error naming it.</summary>
    public static Option<DateTimeOffset?> DateOption(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                return at;
            }

            result.AddError($"{name} \"{text}\" is not a date and time, e.g. 2026-08-01 or 2026-08-01T12:00:00Z");
            return null;
        },
    };

    /// <summary>"2026-08-01 12:00:00Z", or empty for none.</summary>
    public static string Time(Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A table cell of plain text (never read as markup).</summary>
    public static IRenderable Cell(string? text) => new Text(text ?? "");

    /// <summary>Adds columns named <paramref name="names"/>.</summary>
    public static Table AddColumns(this Table table, params string[] names)
    {
        foreach (var name in names)
        {
            table.AddColumn(new TableColumn(name));
        }

        return table;
    }
}
