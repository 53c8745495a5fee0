namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>
/// Refuses anything that looks like a card number (PAN) in a payment-method field (ACC-3): a run of 12 or more
/// digits, spaces and dashes between digits ignored. The value itself is never echoed back.
/// </summary>
internal static class CardNumberGuard
{
    private const int ShortestCardNumber = 12;

    /// <summary>Null when the value holds no card-number-like digit run, otherwise why it is refused.</summary>
    public static string? Problem(string? value) =>
        value is not null && LongestDigitRun(value) >= ShortestCardNumber
            ? $"looks like a card number; card numbers are never accepted, send the payment gateway's token instead ({Rules.Acc3})"
            : null;

    private static int LongestDigitRun(string value)
    {
        int longest = 0, run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiDigit(c))
            {
                longest = Math.Max(longest, ++run);
            }
            else if (!IsSeparatorBetweenDigits(value, i))
            {
                run = 0;
            }
        }

        return longest;
    }

    private static bool IsSeparatorBetweenDigits(string value, int i) =>
        value[i] is ' ' or '-' && i > 0 && i + 1 < value.Length && char.IsAsciiDigit(value[i - 1]) && char.IsAsciiDigit(value[i + 1]);
}
