using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Tax;


/// <summary>
/// Computes tax on an invoice subtotal from the billing address (INV-2, TAX-1). Each component is applied to the
/// subtotal itself (so Quebec's QST is on the price before GST) and rounded half away from zero. TAX-2: an EU
/// business with a VAT id outside the seller's country is reverse-charged (0 %, marked); an approved US exemption
/// removes US sales tax.
/// </summary>
public sealed class TaxCalculator(TaxTable table)
{
    /// <summary>The taxes due on the subtotal for the profile.</summary>
    public TaxAssessment Assess(Money subtotal, TaxProfile profile)
    {
        var country = profile.Country.Trim().ToUpperInvariant();
        if (IsReverseCharge(country, profile))
        {
            return new TaxAssessment([], ReverseCharge: true, "Reverse charge: VAT to be accounted for by the recipient.");
        }

        if (country == "US" && profile.UsExemptionApproved)
        {
            return new TaxAssessment([], ReverseCharge: false, "Exempt from US sales tax (approved exemption certificate).");
        }

        var jurisdiction = table.Find(country, profile.Region);
        if (jurisdiction is null)
        {
            return TaxAssessment.None;
        }

        var amounts = jurisdiction.Components
            .Select(c => new TaxAmount(c.Name, c.Rate, (subtotal * c.Rate).Round()))
            .ToList();
        return new TaxAssessment(amounts, ReverseCharge: false, Note: null);
    }

    private bool IsReverseCharge(string country, TaxProfile profile) =>
        !string.IsNullOrWhiteSpace(profile.VatId)
        && table.EuCountries.Contains(country)
        && !string.Equals(country, table.SellerCountry, StringComparison.OrdinalIgnoreCase);
}
