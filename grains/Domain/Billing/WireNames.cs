namespace Subscriptions.Domain.Billing;

/// <summary>Kebab-case names of billing enums as they appear in the catalog, the API and history.</summary>
public static class WireNames
{
    /// <summary>"monthly" or "annual".</summary>
    public static string ToWireName(this BillingFrequency frequency) => frequency switch
    {
        BillingFrequency.Monthly => "monthly",
        BillingFrequency.Annual => "annual",
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Unknown billing frequency."),
    };

    /// <summary>"anniversary" or "calendar".</summary>
    public static string ToWireName(this BillingModel model) => model switch
    {
        BillingModel.Anniversary => "anniversary",
        BillingModel.Calendar => "calendar",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown billing model."),
    };

    /// <summary>Parses "monthly" / "annual" (case-insensitive).</summary>
    public static bool TryParseFrequency(string? value, out BillingFrequency frequency)
    {
        foreach (var candidate in Enum.GetValues<BillingFrequency>())
        {
            if (string.Equals(candidate.ToWireName(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                frequency = candidate;
                return true;
            }
        }

        frequency = default;
        return false;
    }

    /// <summary>Parses "anniversary" / "calendar" (case-insensitive).</summary>
    public static bool TryParseModel(string? value, out BillingModel model)
    {
        foreach (var candidate in Enum.GetValues<BillingModel>())
        {
            if (string.Equals(candidate.ToWireName(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                model = candidate;
                return true;
            }
        }

        model = default;
        return false;
    }
}
