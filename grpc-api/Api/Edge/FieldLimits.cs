using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Subscriptions.Domain;
using Subscriptions.Grpc.Api.Errors;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>
/// The limits of every field of a request, checked at the edge before anything else reads the request, so no
/// oversized or out-of-range value reaches a grain, is stored, or is echoed in an error: the longest value of each
/// string field (and no control characters but tab and line breaks), the range of each integer field, and the range
/// of every <c>google.protobuf.Timestamp</c> (a valid protobuf time within <see cref="Limits.EarliestInstant"/> to
/// <see cref="Limits.EndOfTime"/>). Fields are found by reflection over the request message, nested messages and
/// repeated fields included; a string field not listed gets <see cref="DefaultMaxLength"/>, an integer field not listed
/// <see cref="DefaultIntegerRange"/>. docs/api.md lists the same tables. The domain checks the same limits again.
/// </summary>
public static class FieldLimits
{
    /// <summary>The limit of a string field not named in <see cref="MaxLengths"/>.</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>The limit per field name (the proto's snake_case name), wherever the field appears.</summary>
    public static readonly IReadOnlyDictionary<string, int> MaxLengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["request_id"] = 128,
        ["account_id"] = 64,
        ["subscription_id"] = 64,
        ["clock_id"] = 64,
        ["test_clock_id"] = 64,
        ["payment_method_id"] = 64,
        ["subject_id"] = 128,
        ["primary_holder_subject_id"] = 128,
        ["new_holder_subject_id"] = 128,
        ["user_id"] = 128,
        ["product_id"] = 64,
        ["plan_id"] = 64,
        ["invoice_number"] = 64,
        ["quote_number"] = 64,
        ["quote_numbers"] = 64,
        ["order_number"] = 64,
        ["page_token"] = 512,
        ["currency"] = 8,
        ["time_zone"] = 64,
        ["vat_id"] = 40,
        ["company_name"] = 200,
        ["name"] = 200,
        ["email"] = 254,
        ["phone"] = 40,
        ["line1"] = 200,
        ["line2"] = 200,
        ["city"] = 100,
        ["region"] = 100,
        ["postal_code"] = 20,
        ["country"] = 8,
        ["gateway_token"] = 256,
        ["last4"] = 8,
        ["bank_name"] = 100,
        ["certificate_reference"] = 128,
        ["note"] = 1000,
        ["reason"] = 1000,
        ["comment"] = 1000,
        ["amount"] = 32,
        ["credit"] = 32,
        ["exchange_rate"] = 32,
        ["local_currency"] = 8,
        ["one_time_card_token"] = 256,
        ["state"] = 16,
        ["grain_type"] = 32,
        ["kind"] = 32,
        ["grain_key"] = 200,
    };

    /// <summary>The range of an integer field not named in <see cref="IntegerRanges"/>.</summary>
    public static readonly (long Min, long Max) DefaultIntegerRange = (0, 1_000_000);

    /// <summary>The accepted range per integer field name (the proto's snake_case name), wherever the field appears.</summary>
    public static readonly IReadOnlyDictionary<string, (long Min, long Max)> IntegerRanges = new Dictionary<string, (long Min, long Max)>(StringComparer.Ordinal)
    {
        // 0 means "keep the current seats" where the field is optional; the domain requires 1 or more where it is not.
        ["seats"] = (0, Limits.MaxSeats),
        ["page_size"] = (0, SubscriptionsApiOptions.LargestPageSize),
        ["contract_term_months"] = (0, Limits.MaxContractTermMonths),
        ["free_months"] = (0, Limits.MaxFreeMonths),
        ["expiry_month"] = (0, 12),
        ["expiry_year"] = (0, 9999),
    };

    /// <summary>The range of the integer field named <paramref name="fieldName"/>.</summary>
    public static (long Min, long Max) RangeOf(string fieldName) => IntegerRanges.TryGetValue(fieldName, out var range) ? range : DefaultIntegerRange;

    /// <summary>The limit of the field named <paramref name="fieldName"/>.</summary>
    public static int MaxLengthOf(string fieldName) => MaxLengths.TryGetValue(fieldName, out var max) ? max : DefaultMaxLength;

    /// <summary>Throws INVALID_ARGUMENT naming every field of <paramref name="request"/> past its limit.</summary>
    public static void ThrowIfOutOfLimits(IMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new List<(string Field, string Description)>();
        Collect(request, "", violations, depth: 0);
        if (violations.Count > 0)
        {
            throw RichErrors.InvalidArgument(
                "invalid request: " + string.Join("; ", violations.Take(5).Select(v => $"{v.Field} {v.Description}")) + (violations.Count > 5 ? "; …" : ""),
                violations.Take(20));
        }
    }

    /// <summary>Why <paramref name="time"/> is not an accepted instant, or null when it is.</summary>
    public static string? TimestampProblem(Timestamp time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (time.Nanos is < 0 or > 999_999_999)
        {
            return $"must have nanos from 0 to 999999999 (got {time.Nanos})";
        }

        var earliest = Limits.EarliestInstant.ToUnixTimeSeconds();
        var end = Limits.EndOfTime.ToUnixTimeSeconds();
        return time.Seconds >= earliest && time.Seconds < end ? null : $"must lie from {Limits.InstantRange} (got {time.Seconds} seconds since 1970)";
    }

    private static void Collect(IMessage message, string prefix, List<(string Field, string Description)> violations, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.FieldType is FieldType.Int32 or FieldType.Int64 or FieldType.SInt32 or FieldType.SInt64 or FieldType.SFixed32 or FieldType.SFixed64
                or FieldType.UInt32 or FieldType.UInt64 or FieldType.Fixed32 or FieldType.Fixed64)
            {
                var (min, max) = RangeOf(field.Name);
                var index = 0;
                foreach (var number in field.IsRepeated ? ((IEnumerable)value).Cast<object>() : [value])
                {
                    var n = Convert.ToDecimal(number, CultureInfo.InvariantCulture);
                    if (n < min || n > max)
                    {
                        violations.Add((field.IsRepeated ? $"{path}[{index}]" : path, $"must be {min} to {max} (got {number})"));
                    }

                    index++;
                }
            }
            else if (field.FieldType == FieldType.Enum)
            {
                var index = 0;
                foreach (var number in field.IsRepeated ? ((IEnumerable)value).Cast<object>() : [value])
                {
                    var n = Convert.ToInt32(number, CultureInfo.InvariantCulture);
                    if (field.EnumType.FindValueByNumber(n) is null)
                    {
                        violations.Add((field.IsRepeated ? $"{path}[{index}]" : path, $"{n} is not a value of {field.EnumType.Name}"));
                    }

                    index++;
                }
            }
            else if (field.FieldType == FieldType.Message && field.MessageType.FullName == Timestamp.Descriptor.FullName)
            {
                var index = 0;
                foreach (var time in field.IsRepeated ? ((IEnumerable)value).Cast<Timestamp>() : value is Timestamp one ? [one] : [])
                {
                    if (TimestampProblem(time) is { } problem)
                    {
                        violations.Add((field.IsRepeated ? $"{path}[{index}]" : path, problem));
                    }

                    index++;
                }
            }
            else if (field.FieldType == FieldType.String)
            {
                var index = 0;
                foreach (var text in field.IsRepeated ? ((IEnumerable)value).Cast<string>() : [(string)value])
                {
                    var max = MaxLengthOf(field.Name);
                    if (text.Length > max)
                    {
                        violations.Add((field.IsRepeated ? $"{path}[{index}]" : path, $"must be at most {max} characters (got {text.Length})"));
                    }
                    else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
                    {
                        violations.Add((field.IsRepeated ? $"{path}[{index}]" : path, "must not contain control characters"));
                    }

                    index++;
                }
            }
            else if (field.FieldType == FieldType.Message && !field.IsMap && value is not null)
            {
                var index = 0;
                foreach (var nested in field.IsRepeated ? ((IEnumerable)value).Cast<IMessage>() : [(IMessage)value])
                {
                    Collect(nested, (field.IsRepeated ? $"{path}[{index}]" : path) + ".", violations, depth + 1);
                    index++;
                }
            }
        }
    }
}
