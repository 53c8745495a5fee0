namespace Subscriptions.Grains.Invoices;

/// <summary>Invoice grain keys: the account id and the invoice number, so numbers only need to be unique per account (INV-1).</summary>
public static class InvoiceKey
{
    /// <summary>The key of invoice <paramref name="number"/> of account <paramref name="accountId"/>, "acc-1/ACC-1-000001".</summary>
    public static string Of(string accountId, string number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        return $"{accountId}/{number}";
    }

    /// <summary>
    /// Splits a key made by <see cref="Of"/> at its last '/' (numbers hold only letters, digits and '-'); false when
    /// <paramref name="key"/> names no account and number.
    /// </summary>
    public static bool TryParse(string key, out string accountId, out string number)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        accountId = slash > 0 ? key[..slash] : "";
        number = slash > 0 ? key[(slash + 1)..] : "";
        return !string.IsNullOrWhiteSpace(accountId) && !string.IsNullOrWhiteSpace(number);
    }
}
