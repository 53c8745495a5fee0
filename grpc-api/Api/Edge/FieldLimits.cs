using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Subscriptions.Grpc.Api.Errors;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>
/// The longest value each string field of a request may hold (and no control characters but tab and line breaks), checked at the edge before anything else reads the
/// request, so no oversized value reaches a grain, is stored, or is echoed in an error. Fields are found by reflection
/// over the request message, nested messages and repeated fields included; a field not listed gets
/// <see cref="DefaultMaxLength"/>. docs/api.md lists the same table.
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
        ["page_token"] = 16,
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
        ["grain_key"] = 200,
    };

    /// <summary>The limit of the field named <paramref name="fieldName"/>.</summary>
    public static int MaxLengthOf(string fieldName) => MaxLengths.TryGetValue(fieldName, out var max) ? max : DefaultMaxLength;

    /// <summary>Throws INVALID_ARGUMENT naming every string field of <paramref name="request"/> longer than its limit.</summary>
    public static void ThrowIfTooLong(IMessage request)
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
            if (field.FieldType == FieldType.String)
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
