using System.Text.Json;
using Subscriptions.Domain.Catalog;

namespace Subscriptions.Domain.Tax;

/// <summary>Loads and validates tax rates from JSON (TAX-3); the default table ships embedded in this assembly.</summary>
public static class TaxTableLoader
{
    /// <summary>Manifest name of the embedded default tax table.</summary>
    public const string DefaultResourceName = "Subscriptions.Domain.Tax.tax-rates.json";

    /// <summary>Parses and validates the tax table shipped with the service.</summary>
    public static TaxTable LoadDefault()
    {
        using var stream = typeof(TaxTableLoader).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"Embedded resource \"{DefaultResourceName}\" is missing from {typeof(TaxTableLoader).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses and validates a tax table; throws <see cref="TaxTableFormatException"/> listing every problem found.</summary>
    public static TaxTable Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TaxTableFormatException([$"tax table: not valid JSON ({e.Message})"], e);
        }

        using (document)
        {
            var problems = new List<string>();
            var fields = new JsonFields(problems);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TaxTableFormatException(["tax table: the document must be a JSON object"]);
            }

            var version = fields.String(root, "version", "tax table") ?? "";
            var seller = ReadCountry(fields.String(root, "seller_country", "tax table"), "tax table", "seller_country", fields);
            var eu = fields.Array(root, "eu_countries", "tax table")
                .Select(e => ReadCountry(e.ValueKind == JsonValueKind.String ? e.GetString() : e.ToString(), "tax table", "eu_countries", fields))
                .OfType<string>()
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var jurisdictions = fields.Array(root, "jurisdictions", "tax table").Select(j => ReadJurisdiction(j, fields)).OfType<TaxJurisdiction>().ToList();
            foreach (var duplicate in jurisdictions.GroupBy(j => $"{j.Country}/{j.Region}").Where(g => g.Count() > 1))
            {
                fields.Problem($"jurisdiction \"{duplicate.Key.TrimEnd('/')}\"", "is listed more than once");
            }

            // An EU country without its rate would be invoiced no VAT at all, without a word (TAX-1).
            foreach (var country in eu.Where(c => !jurisdictions.Any(j => j.Region is null && string.Equals(j.Country, c, StringComparison.OrdinalIgnoreCase))).Order(StringComparer.Ordinal))
            {
                fields.Problem($"eu_countries \"{country}\"", "has no jurisdiction row with its standard VAT rate");
            }

            return problems.Count == 0
                ? new TaxTable(version, seller ?? "", eu, jurisdictions)
                : throw new TaxTableFormatException(problems);
        }
    }

    private static TaxJurisdiction? ReadJurisdiction(JsonElement element, JsonFields fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            fields.Problem("tax table", "every entry of \"jurisdictions\" must be an object");
            return null;
        }

        var country = ReadCountry(fields.String(element, "country", "jurisdiction (no country)"), "jurisdiction", "country", fields);
        var region = fields.String(element, "region", "jurisdiction", required: false)?.ToUpperInvariant();
        var where = $"jurisdiction \"{country}{(region is null ? "" : "/" + region)}\"";
        var components = new List<TaxComponent>();
        foreach (var item in fields.Array(element, "components", where))
        {
            var name = fields.String(item, "name", where);
            if (!item.TryGetProperty("rate", out var rateElement) || !rateElement.TryGetDecimal(out var rate) || rate < 0m || rate >= 1m)
            {
                fields.Problem(where, $"component \"{name}\" needs a \"rate\" between 0 and 1 (e.g. 0.2 for 20 %)");
            }
            else if (name is not null)
            {
                components.Add(new TaxComponent(name, rate));
            }
        }

        return country is null ? null : new TaxJurisdiction(country, region, components);
    }

    private static string? ReadCountry(string? value, string where, string field, JsonFields fields)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length != 2 || !value.All(char.IsAsciiLetter))
        {
            fields.Problem(where, $"\"{field}\" must be an ISO 3166-1 alpha-2 country code (got \"{value}\")");
            return null;
        }

        return value.ToUpperInvariant();
    }
}
