using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Request field checks that raise a <see cref="ValidationException"/> naming the snake_case field.</summary>
internal static class Validate
{
    /// <summary>A required identifier.</summary>
    public static string Id(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ValidationException(field, $"{field} is required.") : value.Trim();

    /// <summary>A seat count of 1 or more.</summary>
    public static int Seats(int seats, string field = "seats") =>
        seats >= 1 ? seats : throw new ValidationException(field, $"{field} must be 1 or more (got {seats}).");
}
