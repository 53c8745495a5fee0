namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Validates and normalises a postal address; field paths are prefixed, e.g. "billing_address.postal_code" (ACC-5).</summary>
internal static class AddressRules
{
    /// <summary>Records every problem of <paramref name="address"/> under <paramref name="prefix"/> and returns the normalised address.</summary>
    public static PostalAddress? Validate(PostalAddress? address, string prefix, ViolationList violations)
    {
        if (address is null)
        {
            violations.Check(prefix, "is required");
            return null;
        }

        violations.Check($"{prefix}.line1", TextRules.Required(address.Line1, 100));
        violations.Check($"{prefix}.line2", TextRules.Optional(address.Line2, 100));
        violations.Check($"{prefix}.city", TextRules.Required(address.City, 100));
        if (!Countries.TryFind(address.Country, out var country))
        {
            violations.Check($"{prefix}.country", string.IsNullOrWhiteSpace(address.Country)
                ? "is required (ISO 3166-1 alpha-2 code, e.g. US, GB, DE)"
                : $"{Quoted.Of(address.Country.Trim())} is not a supported ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)");
            return address;
        }

        violations.Check($"{prefix}.region", RegionRules.Problem(country.Code, address.Region));
        violations.Check($"{prefix}.postal_code", PostalCodeRules.Problem(country.Code, address.PostalCode));
        return new PostalAddress(
            address.Line1?.Trim() ?? "",
            TextRules.TrimToNull(address.Line2),
            address.City?.Trim() ?? "",
            RegionRules.Normalize(country.Code, address.Region),
            PostalCodeRules.Normalize(country.Code, address.PostalCode),
            country.Code);
    }
}
