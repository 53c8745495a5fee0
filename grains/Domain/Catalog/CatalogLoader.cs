using System.Text.Json;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Catalog;

/// <summary>Loads and validates the product catalog from JSON (CAT); the default catalog ships embedded in this assembly.</summary>
public static class CatalogLoader
{
    /// <summary>Manifest name of the embedded default catalog.</summary>
    public const string DefaultResourceName = "Subscriptions.Domain.Catalog.catalog.json";

    /// <summary>Parses and validates the catalog shipped with the service.</summary>
    public static ProductCatalog LoadDefault()
    {
        using var stream = typeof(CatalogLoader).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"Embedded resource \"{DefaultResourceName}\" is missing from {typeof(CatalogLoader).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses and validates a catalog; throws <see cref="CatalogFormatException"/> listing every problem found.</summary>
    public static ProductCatalog Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CatalogFormatException([$"catalog: not valid JSON ({e.Message})"], e);
        }

        using (document)
        {
            var problems = new List<string>();
            var catalog = Read(document.RootElement, new JsonFields(problems));
            return problems.Count == 0 ? catalog : throw new CatalogFormatException(problems);
        }
    }

    private static ProductCatalog Read(JsonElement root, JsonFields fields)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            fields.Problem("catalog", "the document must be a JSON object");
            return new ProductCatalog("", []);
        }

        var version = fields.String(root, "version", "catalog") ?? "";
        var products = fields.Array(root, "products", "catalog").Select(p => ReadProduct(p, fields)).OfType<Product>().ToList();
        if (products.Count == 0)
        {
            fields.Problem("catalog", "\"products\" must list at least one product");
        }

        foreach (var duplicate in products.GroupBy(p => p.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            fields.Problem($"product \"{duplicate.Key}\"", "the id is used by more than one product");
        }

        return new ProductCatalog(version, products);
    }

    private static Product? ReadProduct(JsonElement element, JsonFields fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            fields.Problem("catalog", "every entry of \"products\" must be an object");
            return null;
        }

        var id = fields.String(element, "id", "product (no id)");
        var where = $"product \"{id ?? "?"}\"";
        var name = fields.String(element, "name", where);
        var model = ReadModel(element, where, fields);
        var frequencies = ReadFrequencies(element, where, fields);
        var cancellation = ReadCancellation(element, where, fields);
        var addSeats = fields.Bool(element, "add_seats_eligible", where);
        var grace = fields.Int(element, "grace_period_days", where, required: false) ?? Product.DefaultGracePeriodDays;
        var maxFreeMonths = fields.Int(element, "max_free_months", where, required: false) ?? 0;
        var maxSeats = fields.Int(element, "max_seats", where, required: false) ?? Limits.MaxSeats;
        var terms = ReadContractTerms(element, where, fields);
        var retries = ReadAutopayRetryDays(element, where, fields);
        var trial = ReadTrial(element, where, fields);
        if (grace < 0)
        {
            fields.Problem(where, $"\"grace_period_days\" must be 0 or more (got {grace})");
        }

        if (maxFreeMonths is < 0 or > Limits.MaxFreeMonths)
        {
            fields.Problem(where, $"\"max_free_months\" must be 0 to {Limits.MaxFreeMonths} (got {maxFreeMonths})");
        }

        if (maxSeats is < 1 or > Limits.MaxSeats)
        {
            fields.Problem(where, $"\"max_seats\" must be 1 to {Limits.MaxSeats} (got {maxSeats})");
        }

        if (model == BillingModel.Calendar && frequencies.Any(f => f != BillingFrequency.Monthly))
        {
            fields.Problem(where, "a calendar-model product is billed monthly only; remove \"annual\" from \"frequencies\"");
        }

        var plans = PlanReader.ReadPlans(element, where, frequencies, fields);
        if (id is null || name is null || model is null || cancellation is null || addSeats is null)
        {
            return null;
        }

        return new Product
        {
            Id = id,
            Name = name,
            BillingModel = model.Value,
            Trial = trial,
            Cancellation = cancellation.Value,
            AddSeatsEligible = addSeats.Value,
            GracePeriodDays = grace,
            AutopayRetryDays = retries,
            Frequencies = frequencies,
            ContractTermsMonths = terms,
            MaxFreeMonths = maxFreeMonths,
            MaxSeats = maxSeats,
            Plans = plans,
        };
    }

    private static BillingModel? ReadModel(JsonElement element, string where, JsonFields fields)
    {
        var text = fields.String(element, "billing_model", where);
        if (text is null)
        {
            return null;
        }

        if (WireNames.TryParseModel(text, out var model))
        {
            return model;
        }

        fields.Problem(where, $"\"billing_model\" must be \"anniversary\" or \"calendar\" (got \"{text}\")");
        return null;
    }

    private static CancellationPolicy? ReadCancellation(JsonElement element, string where, JsonFields fields)
    {
        var text = fields.String(element, "cancellation", where);
        switch (text)
        {
            case null:
                return null;
            case "self-service":
                return CancellationPolicy.SelfService;
            case "support-only":
                return CancellationPolicy.SupportOnly;
            default:
                fields.Problem(where, $"\"cancellation\" must be \"self-service\" or \"support-only\" (got \"{text}\")");
                return null;
        }
    }

    private static List<BillingFrequency> ReadFrequencies(JsonElement element, string where, JsonFields fields)
    {
        var frequencies = new List<BillingFrequency>();
        foreach (var item in fields.Array(element, "frequencies", where))
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString() : item.ToString();
            if (!WireNames.TryParseFrequency(text, out var frequency))
            {
                fields.Problem(where, $"\"frequencies\" may only hold \"monthly\" and \"annual\" (got \"{text}\")");
            }
            else if (frequencies.Contains(frequency))
            {
                fields.Problem(where, $"\"frequencies\" lists \"{text}\" twice");
            }
            else
            {
                frequencies.Add(frequency);
            }
        }

        if (frequencies.Count == 0)
        {
            fields.Problem(where, "\"frequencies\" must list at least one of \"monthly\", \"annual\"");
        }

        return frequencies;
    }

    private static List<int> ReadContractTerms(JsonElement element, string where, JsonFields fields)
    {
        var terms = new List<int>();
        foreach (var item in fields.Array(element, "contract_terms_months", where, required: false))
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var months) || months is <= 0 or > Limits.MaxContractTermMonths)
            {
                fields.Problem(where, $"\"contract_terms_months\" must hold whole numbers of months from 1 to {Limits.MaxContractTermMonths} (got {item})");
            }
            else if (!terms.Contains(months))
            {
                terms.Add(months);
            }
        }

        return terms;
    }

    /// <summary>Days after the first autopay attempt on which a declined autopay is retried (INV-6): increasing, positive; [1, 3, 7] when absent.</summary>
    private static IReadOnlyList<int> ReadAutopayRetryDays(JsonElement element, string where, JsonFields fields)
    {
        if (element.ValueKind == JsonValueKind.Object && !element.TryGetProperty("autopay_retry_days", out _))
        {
            return Product.DefaultAutopayRetryDays;
        }

        var days = new List<int>();
        foreach (var item in fields.Array(element, "autopay_retry_days", where, required: false))
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var day) || day <= 0 || (days.Count > 0 && day <= days[^1]))
            {
                fields.Problem(where, $"\"autopay_retry_days\" must hold increasing positive whole numbers of days (got {item})");
            }
            else
            {
                days.Add(day);
            }
        }

        return days;
    }

    private static TrialTerms? ReadTrial(JsonElement element, string where, JsonFields fields)
    {
        if (fields.Object(element, "trial", where) is not { } trial)
        {
            return null;
        }

        var days = fields.Int(trial, "days", $"{where} trial");
        var policyText = fields.String(trial, "policy", $"{where} trial");
        TrialPolicy? policy = policyText switch
        {
            "to-free" => TrialPolicy.ToFree,
            "to-paid" => TrialPolicy.ToPaid,
            _ => null,
        };
        if (policyText is not null && policy is null)
        {
            fields.Problem($"{where} trial", $"\"policy\" must be \"to-free\" or \"to-paid\" (got \"{policyText}\")");
        }

        if (days is <= 0)
        {
            fields.Problem($"{where} trial", $"\"days\" must be positive (got {days})");
        }

        return days is > 0 && policy is not null ? new TrialTerms(days.Value, policy.Value) : null;
    }
}
