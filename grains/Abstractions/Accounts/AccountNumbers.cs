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

/// <summary>
/// The invoice numbers 1 to <see cref="Count"/> of an account (INV-1), each formatted when it is read, so listing or
/// paging them costs what is read, not what the account has issued.
/// </summary>
public sealed class InvoiceNumberRange(string prefix, int count) : IReadOnlyList<string>
{
    /// <inheritdoc />
    public int Count { get; } = count;

    /// <inheritdoc />
    public string this[int index] => index >= 0 && index < Count
        ? Subscriptions.Domain.Invoices.InvoiceNumber.Format(prefix, index + 1L)
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} invoice numbers.");

    /// <summary>True when <paramref name="number"/> is one of these numbers (parsed, not looked up: it costs what one number does).</summary>
    public bool Holds(string number) =>
        number is not null && number.Length > prefix.Length && number.StartsWith(prefix, StringComparison.Ordinal) && number[prefix.Length] == '-'
        && Subscriptions.Domain.Invoices.InvoiceNumber.SequenceOf(number) is { } sequence
        && sequence <= Count
        && Subscriptions.Domain.Invoices.InvoiceNumber.Format(prefix, sequence) == number;

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    /// <inheritdoc />
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
