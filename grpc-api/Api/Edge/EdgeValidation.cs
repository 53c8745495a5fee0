using System.Text.RegularExpressions;
using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Errors;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>
/// Checks a request at the edge, before any grain is called, and collects every bad field (snake_case, as in the
/// proto) into one INVALID_ARGUMENT with a BadRequest. Content rules (emails, addresses, cards) are the domain's.
/// </summary>
internal sealed partial class EdgeValidation
{
    /// <summary>The longest accepted request id.</summary>
    public const int MaxRequestIdLength = 128;

    private readonly List<(string Field, string Description)> _violations = [];

    /// <summary>Starts the checks of a mutating request: its request_id is required (IDEM-1).</summary>
    public static EdgeValidation Mutating(string requestId) => new EdgeValidation().RequestId(requestId);

    /// <summary>Starts the checks of a read request.</summary>
    public static EdgeValidation Reading() => new();

    /// <summary>A required id made of letters, digits, '-', '_' and '.', at most 64 characters (account, clock ids).</summary>
    public EdgeValidation Id(string field, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Add(field, "is required");
        }

        return IdPattern().IsMatch(value)
            ? this
            : Add(field, $"\"{Shorten(value)}\" must be 1 to 64 letters, digits, '-', '_' or '.'");
    }

    /// <summary>A required non-blank text field.</summary>
    public EdgeValidation Required(string field, string value) =>
        string.IsNullOrWhiteSpace(value) ? Add(field, "is required") : this;

    /// <summary>A required sub-message.</summary>
    public EdgeValidation Present(string field, object? message) =>
        message is null ? Add(field, "is required") : this;

    /// <summary>A value that must hold, with the reason when it does not.</summary>
    public EdgeValidation Check(string field, bool valid, string description) => valid ? this : Add(field, description);

    /// <summary>
    /// An optional exact decimal amount ("12.50"; no sign, exponent or group separator, at most 28 characters): null
    /// when empty, else parsed into <paramref name="amount"/>.
    /// </summary>
    public EdgeValidation Decimal(string field, string value, out decimal? amount)
    {
        amount = null;
        if (value.Length == 0)
        {
            return this;
        }

        if (value.Length <= 28 && DecimalPattern().IsMatch(value)
            && decimal.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            if (parsed > Limits.MaxAmount)
            {
                return Add(field, $"must be at most {Limits.MaxAmount} (the largest amount the service handles)");
            }

            amount = parsed;
            return this;
        }

        return Add(field, $"\"{Shorten(value)}\" must be a decimal amount such as \"12.50\" (digits, an optional '.' and decimals)");
    }

    /// <summary>Throws INVALID_ARGUMENT listing every violation, if any.</summary>
    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0)
        {
            throw RichErrors.InvalidArgument(
                "invalid request: " + string.Join("; ", _violations.Select(v => $"{v.Field} {v.Description}")), _violations);
        }
    }

    private EdgeValidation RequestId(string requestId) =>
        string.IsNullOrWhiteSpace(requestId) ? Add("request_id", $"is required: every change carries a client request id ({Rules.Idem1})")
        : requestId.Length > MaxRequestIdLength ? Add("request_id", $"must be at most {MaxRequestIdLength} characters (got {requestId.Length})")
        : this;

    private EdgeValidation Add(string field, string description)
    {
        _violations.Add((field, description));
        return this;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)?$")]
    private static partial Regex DecimalPattern();
}
