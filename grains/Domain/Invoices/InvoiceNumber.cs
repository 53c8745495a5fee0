using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Invoices;

/// <summary>Invoice numbers unique per account sequence (INV-1): "&lt;prefix&gt;-000042".</summary>
public static class InvoiceNumber
{
    /// <summary>Formats a number from the account's prefix and the next value of its sequence (1 or more).</summary>
    public static string Format(string prefix, long sequence)
    {
        if (string.IsNullOrWhiteSpace(prefix) || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ValidationException("invoice_prefix", $"Invoice prefix {Quoted.Of(prefix)} must be non-empty letters, digits or '-'.");
        }

        return sequence >= 1
            ? $"{prefix}-{sequence:D6}"
            : throw new ValidationException("sequence", $"Invoice sequence must be 1 or more (got {sequence}).");
    }

    /// <summary>The sequence of a number this class formatted (the digits after its last '-'), or null when it is not one.</summary>
    public static long? SequenceOf(string number)
    {
        var dash = number?.LastIndexOf('-') ?? -1;
        return dash > 0 && number!.Length - dash - 1 is >= 6 and <= 18
            && long.TryParse(number.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            && sequence >= 1
            ? sequence
            : null;
    }
}
