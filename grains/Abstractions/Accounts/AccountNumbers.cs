using System.Globalization;

namespace Subscriptions.Grains.Accounts;

/// <summary>The numbers an account gives its invoices, quotes and service orders, all from its prefix.</summary>
public static class AccountNumbers
{
    /// <summary>The prefix of an account's numbers: its id in upper case, other characters than letters and digits as '-'.</summary>
    public static string Prefix(string accountId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        var prefix = new string([.. accountId.Trim().Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '-')]).Trim('-');
        return prefix.Length == 0 ? "INV" : prefix;
    }

    /// <summary>The number of the <paramref name="sequence"/>-th quote ("ACME-Q000001") or service order ("ACME-O000001") of an account.</summary>
    public static string Of(string accountId, NumberedDocument document, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        var letter = document == NumberedDocument.Quote ? 'Q' : 'O';
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix(accountId)}-{letter}{sequence:D6}");
    }
}
