using System.Text.Json;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Catalog;

/// <summary>Reads and validates the plans of one catalog product: ids, ranks and a price for every frequency and currency.</summary>
internal static class PlanReader
{
    /// <summary>Reads the "plans" array of a product, checking that a higher rank never costs less than a lower one.</summary>
    public static List<Plan> ReadPlans(JsonElement product, string where, IReadOnlyList<BillingFrequency> frequencies, JsonFields fields)
    {
        var plans = fields.Array(product, "plans", where).Select(p => ReadPlan(p, where, frequencies, fields)).OfType<Plan>().ToList();
        if (plans.Count == 0)
        {
            fields.Problem(where, "\"plans\" must list at least one plan");
        }

        foreach (var duplicate in plans.GroupBy(p => p.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            fields.Problem($"{where} plan \"{duplicate.Key}\"", "the id is used by more than one plan");
        }

        foreach (var duplicate in plans.GroupBy(p => p.Rank).Where(g => g.Count() > 1))
        {
            fields.Problem(where, $"plans {string.Join(", ", duplicate.Select(p => $"\"{p.Id}\""))} share rank {duplicate.Key}; ranks must be distinct");
        }

        CheckRankOrder(plans, where, fields);
        return plans;
    }

    private static Plan? ReadPlan(JsonElement element, string productWhere, IReadOnlyList<BillingFrequency> frequencies, JsonFields fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            fields.Problem(productWhere, "every entry of \"plans\" must be an object");
            return null;
        }

        var id = fields.String(element, "id", $"{productWhere} plan (no id)");
        var where = $"{productWhere} plan \"{id ?? "?"}\"";
        var name = fields.String(element, "name", where);
        var rank = fields.Int(element, "rank", where);
        if (rank is <= 0)
        {
            fields.Problem(where, $"\"rank\" must be 1 or more (got {rank})");
        }

        var prices = ReadPrices(element, where, frequencies, fields);
        return id is null || name is null || rank is null ? null : new Plan(id, name, rank.Value, prices);
    }

    private static PriceList ReadPrices(JsonElement plan, string where, IReadOnlyList<BillingFrequency> frequencies, JsonFields fields)
    {
        var result = new Dictionary<BillingFrequency, IReadOnlyDictionary<string, decimal>>();
        if (fields.Object(plan, "prices", where, required: true) is not { } prices)
        {
            return new PriceList(result);
        }

        foreach (var frequency in frequencies)
        {
            var key = frequency.ToWireName();
            if (fields.Object(prices, key, where) is { } byCurrency)
            {
                result[frequency] = ReadCurrencyPrices(byCurrency, $"prices.{key}", where, fields);
            }
            else
            {
                fields.Problem(where, $"prices.{key} is missing (the product is billed {key})");
            }
        }

        return new PriceList(result);
    }

    /// <summary>The largest per-seat price of one period: <see cref="Limits.MaxSeats"/> seats at it stay within <see cref="Limits.MaxAmount"/>.</summary>
    public const decimal MaxSeatPrice = Limits.MaxAmount / Limits.MaxSeats;

    private static Dictionary<string, decimal> ReadCurrencyPrices(JsonElement byCurrency, string field, string where, JsonFields fields)
    {
        var amounts = new Dictionary<string, decimal>();
        foreach (var property in byCurrency.EnumerateObject())
        {
            if (!Currency.TryParse(property.Name, out var currency))
            {
                fields.Problem(where, $"{field} has unsupported currency \"{property.Name}\"");
            }
            else if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDecimal(out var amount) || amount <= 0m)
            {
                fields.Problem(where, $"{field}.{currency.Code} must be a positive number (got {property.Value})");
            }
            else if (amount > MaxSeatPrice)
            {
                fields.Problem(where, $"{field}.{currency.Code} = {amount} is above the largest seat price {MaxSeatPrice} (a full subscription must stay within {Limits.MaxAmount})");
            }
            else if (decimal.Round(amount, currency.MinorUnits) != amount)
            {
                fields.Problem(where, $"{field}.{currency.Code} = {amount} has more than {currency.MinorUnits} decimal places");
            }
            else
            {
                amounts[currency.Code] = amount;
            }
        }

        foreach (var missing in Currency.All.Where(c => !byCurrency.TryGetProperty(c.Code, out _)))
        {
            fields.Problem(where, $"{field} has no {missing.Code} price");
        }

        return amounts;
    }

    private static void CheckRankOrder(List<Plan> plans, string where, JsonFields fields)
    {
        var ordered = plans.OrderBy(p => p.Rank).ToList();
        foreach (var (lower, higher) in ordered.Zip(ordered.Skip(1)))
        {
            foreach (var (frequency, lowerPrices) in lower.Prices.Prices)
            {
                if (!higher.Prices.Prices.TryGetValue(frequency, out var higherPrices))
                {
                    continue;
                }

                foreach (var (code, lowerAmount) in lowerPrices)
                {
                    if (higherPrices.TryGetValue(code, out var higherAmount) && higherAmount < lowerAmount)
                    {
                        fields.Problem(
                            where,
                            $"plan \"{higher.Id}\" (rank {higher.Rank}) costs less than plan \"{lower.Id}\" (rank {lower.Rank}) in prices.{frequency.ToWireName()}.{code}; a higher rank must not cost less");
                    }
                }
            }
        }
    }
}
