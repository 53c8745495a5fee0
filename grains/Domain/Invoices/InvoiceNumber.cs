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
}
