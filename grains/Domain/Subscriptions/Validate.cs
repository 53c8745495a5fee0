using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Request field checks that raise a <see cref="ValidationException"/> naming the snake_case field.</summary>
internal static class Validate
{
    /// <summary>A required identifier.</summary>
    public static string Id(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ValidationException(field, $"{field} is required.") : value.Trim();

    /// <summary>A seat count of 1 to the product's most seats per subscription (<see cref="Product.MaxSeats"/>).</summary>
    public static int Seats(int seats, Product product, string field = "seats") =>
        seats >= 1 && seats <= product.MaxSeats
            ? seats
            : throw new ValidationException(field, $"{field} must be 1 to {product.MaxSeats} for {product.Name} (got {seats}).");

    /// <summary>
    /// Seats held after adding <paramref name="added"/> to <paramref name="held"/>, refused when the sum would pass the
    /// product's most seats (checked before adding, so it never wraps).
    /// </summary>
    public static int SeatsAfterAdding(int held, int added, Product product)
    {
        var room = product.MaxSeats - held;
        return added <= room
            ? held + added
            : throw new ValidationException(
                "seats", $"Adding {added} seats to the {held} held would pass the most seats a {product.Name} subscription may hold ({product.MaxSeats}); at most {Math.Max(room, 0)} more.");
    }

    /// <summary>
    /// Corporate accounts are billed annually (ACC-1, INV-8): a customer on a corporate account may not choose monthly
    /// billing; billing ops may (a negotiated exception, or a monthly-only product).
    /// </summary>
    public static void CorporateAnnual(BillingFrequency frequency, SubscriptionContext context)
    {
        if (frequency == BillingFrequency.Monthly && context.Account.Kind == AccountKind.Corporate && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(
                Rules.Inv8, "Corporate accounts are billed annually: choose annual billing, or ask Corporate Account Services for another arrangement.");
        }
    }
}
