using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Fuzz;

/// <summary>How a call ended: its status, message and the strings of its error details.</summary>
/// <param name="Transport">True when no gRPC status came back (connection refused or reset).</param>
/// <param name="Response">The response message of an OK unary call, for the out-of-range check.</param>
public sealed record CallOutcome(StatusCode Status, string Message, IReadOnlyList<string> Details, bool Transport, byte[]? Response = null);

/// <summary>Something a check flagged.</summary>
/// <param name="Check">"INTERNAL", "UNKNOWN", "long message", "echo", "out-of-range value", "unreadable answer", "health".</param>
/// <param name="Method">"SubscriptionService/AddSeats".</param>
/// <param name="Call">The call's number in the run (-1 for the checks after the run); <c>--replay</c> sends it again.</param>
/// <param name="Kind">"typed", "mutated", "malformed", "frame", or "after" for the checks after the run.</param>
/// <param name="Caller">The token the call carried: "ops", "holder", "viewer", "user", "customer", "none", "garbage", "bad-signature".</param>
/// <param name="Request">What was sent, in one short line.</param>
/// <param name="Shape">What kind of request it was (<see cref="PlannedCall.Shape"/>).</param>
/// <param name="Detail">What the check saw, e.g. the echoed characters.</param>
public sealed record Finding(
    string Check, string Method, long Call, string Kind, string Caller, string Request, string Shape, StatusCode Status, string Message, string Detail = "");

/// <summary>
/// The checks on every answer: no INTERNAL or UNKNOWN; no status message or error-detail string over 1 KiB; no run of
/// more than 64 characters of any string the request carried in the message or the details; no out-of-range value in
/// a successful answer (a subscription with fewer than one seat, a timestamp outside 0001–9999…).
/// </summary>
public static class Checks
{
    /// <summary>The longest status message or detail string accepted, in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 1024;

    /// <summary>The longest run of a request's string that an answer may quote (values are quoted cut to 64 characters).</summary>
    public const int MaxEcho = 64;

    /// <summary>Between the values of one out-of-range finding.</summary>
    public const string OutOfRangeSeparator = "; ";

    private static readonly TypeRegistry ErrorDetails = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor);

    /// <summary>
    /// The findings about one answer. INTERNAL and UNKNOWN are findings whatever the request: the service answers a
    /// request it cannot read (a bad frame included) INVALID_ARGUMENT, though gRPC's status-code table allows INTERNAL
    /// for protocol errors.
    /// </summary>
    public static IEnumerable<Finding> Evaluate(PlannedCall call, CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(outcome);
        Finding Flag(string check, string detail = "") =>
            new(check, call.Method.Name, call.Index, call.Kind, call.Caller, call.Description, call.Shape, outcome.Status, Cut(outcome.Message, 300), detail);

        if (outcome.Status is StatusCode.Unknown or StatusCode.Internal)
        {
            yield return Flag(outcome.Status == StatusCode.Unknown ? "UNKNOWN" : "INTERNAL");
        }

        if (Encoding.UTF8.GetByteCount(outcome.Message) > MaxTextBytes)
        {
            yield return Flag("long message", $"{Encoding.UTF8.GetByteCount(outcome.Message)} bytes");
        }

        foreach (var detail in outcome.Details.Where(d => Encoding.UTF8.GetByteCount(d) > MaxTextBytes))
        {
            yield return Flag("long message", $"a detail string of {Encoding.UTF8.GetByteCount(detail)} bytes: {Messages.Quote(detail)}");
        }

        if (outcome is { Status: StatusCode.OK, Response: { } response } && call.Frame is null)
        {
            var (answer, error) = Parse(call.Method.Descriptor.OutputType, response);
            if (answer is null)
            {
                yield return Flag("unreadable answer", error);
            }
            else if (OutOfRange(answer) is { Count: > 0 } problems)
            {
                yield return Flag("out-of-range value", string.Join(OutOfRangeSeparator, problems));
            }
        }

        foreach (var input in call.Strings.Where(s => s.Length > MaxEcho))
        {
            foreach (var text in outcome.Details.Prepend(outcome.Message))
            {
                var run = Math.Max(LongestCommonRun(input, text), LongestCommonRun(AsDecoded(input), text));
                if (run > MaxEcho)
                {
                    yield return Flag("echo", $"{run} characters of the value {Messages.Quote(input)} came back");
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The values in <paramref name="message"/> (nested messages included) that no change may leave: a subscription
    /// with fewer than one seat or negative free or contract months, a period that ends before it starts, a timestamp
    /// outside 0001-01-01 to 9999-12-31 or with nanos outside [0, 1e9). Each as "subscription acme-1/sub-1 seats=-3"
    /// or "path={seconds:… nanos:…}".
    /// </summary>
    public static IReadOnlyList<string> OutOfRange(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var problems = new List<string>();
        Walk(message, "", problems, 0);
        return problems;
    }

    /// <summary>Every string of the google.rpc.Status in a grpc-status-details-bin value: its message and every string of its details.</summary>
    public static IReadOnlyList<string> DetailStrings(byte[]? statusBytes)
    {
        if (statusBytes is null || statusBytes.Length == 0)
        {
            return [];
        }

        Google.Rpc.Status status;
        try
        {
            status = Google.Rpc.Status.Parser.ParseFrom(statusBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return ["(grpc-status-details-bin is not a google.rpc.Status)"];
        }

        var strings = new List<string> { status.Message };
        foreach (var any in status.Details)
        {
            var descriptor = ErrorDetails.Find(Google.Protobuf.WellKnownTypes.Any.GetTypeName(any.TypeUrl));
            if (descriptor is null)
            {
                strings.Add(any.Value.ToString(Encoding.UTF8));
                continue;
            }

            strings.AddRange(Messages.Strings(descriptor.Parser.ParseFrom(any.Value)));
        }

        return strings;
    }

    /// <summary>The length of the longest run of characters that <paramref name="a"/> and <paramref name="b"/> share.</summary>
    public static int LongestCommonRun(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        var best = 0;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : 0;
                best = Math.Max(best, current[j]);
            }

            (previous, current) = (current, previous);
        }

        return best;
    }

    /// <summary>The text cut to <paramref name="max"/> characters.</summary>
    public static string Cut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    private static (IMessage? Message, string Error) Parse(MessageDescriptor descriptor, byte[] bytes)
    {
        try
        {
            return (descriptor.Parser.ParseFrom(bytes), "");
        }
        catch (InvalidProtocolBufferException e)
        {
            return (null, e.Message);
        }
    }

    private static void Walk(IMessage message, string path, List<string> problems, int depth)
    {
        if (depth > 16)
        {
            return;
        }

        switch (message)
        {
            case Google.Protobuf.WellKnownTypes.Timestamp t:
                if (t.Seconds < -62_135_596_800 || t.Seconds > 253_402_300_799 || t.Nanos is < 0 or > 999_999_999)
                {
                    problems.Add($"{path}={{seconds:{t.Seconds} nanos:{t.Nanos}}}");
                }

                return;
            case Proto.Subscription subscription:
                var at = $"subscription {subscription.AccountId}/{subscription.SubscriptionId}";
                if (subscription.Seats < 1)
                {
                    problems.Add($"{at} seats={subscription.Seats}");
                }

                if (subscription.FreeMonths < 0)
                {
                    problems.Add($"{at} free_months={subscription.FreeMonths}");
                }

                if (subscription.ContractTermMonths < 0)
                {
                    problems.Add($"{at} contract_term_months={subscription.ContractTermMonths}");
                }

                if (subscription.CurrentPeriodStart is { } start && subscription.CurrentPeriodEnd is { } end && end < start)
                {
                    problems.Add($"{at} current_period_end before current_period_start");
                }

                break;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsMap)
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            var name = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            if (value is IMessage nested)
            {
                Walk(nested, name, problems, depth + 1);
            }
            else if (value is System.Collections.IEnumerable list)
            {
                var index = 0;
                foreach (var item in list)
                {
                    if (item is IMessage element)
                    {
                        Walk(element, $"{name}[{index}]", problems, depth + 1);
                    }

                    index++;
                }
            }
        }
    }

    /// <summary>The string as the server decodes it from UTF-8: lone surrogates become U+FFFD.</summary>
    private static string AsDecoded(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));
}
