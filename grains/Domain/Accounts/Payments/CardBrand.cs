namespace Subscriptions.Domain.Accounts.Payments;

/// <summary>The card brands accepted (ACC-3); Discover only on USD accounts.</summary>
public enum CardBrand
{
    /// <summary>Visa.</summary>
    Visa = 1,

    /// <summary>Mastercard.</summary>
    Mastercard,

    /// <summary>American Express.</summary>
    AmericanExpress,

    /// <summary>Discover (USD accounts only).</summary>
    Discover,

    /// <summary>Visa Electron.</summary>
    VisaElectron,

    /// <summary>American Express UK.</summary>
    AmericanExpressUk,
}

/// <summary>Display names of card brands, as customers know them.</summary>
public static class CardBrandNames
{
    /// <summary>The brand's name, e.g. "American Express UK".</summary>
    public static string DisplayName(this CardBrand brand) => brand switch
    {
        CardBrand.Visa => "Visa",
        CardBrand.Mastercard => "Mastercard",
        CardBrand.AmericanExpress => "American Express",
        CardBrand.Discover => "Discover",
        CardBrand.VisaElectron => "Visa Electron",
        CardBrand.AmericanExpressUk => "American Express UK",
        _ => brand.ToString(),
    };
}
