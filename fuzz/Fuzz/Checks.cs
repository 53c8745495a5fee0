using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Subscriptions.Fuzz;

/// <summary>How a call ended: its status, message and the strings of its error details.</summary>
/// <param name="Transport">True when no gRPC status came back (connection refused or reset).</param>
public sealed record CallOutcome(StatusCode Status, string Message, IReadOnlyList<string> Details, bool Transport);

/// <summary>Something a check flagged.</summary>
/// <param name="Check">"INTERNAL", "UNKNOWN", "long message", "echo", "health", "out-of-range value".</param>
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
/// more than 64 characters of any string the request carried in the message or the details.
/// </summary>
public static class Checks
{
    /// <summary>The longest status message or detail string accepted, in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 1024;

    /// <summary>The longest run of a request's string that an answer may quote (values are quoted cut to 64 characters).</summary>
    public const int MaxEcho = 64;

    private static readonly TypeRegistry ErrorDetails = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor);

    /// <summary>
    /// The findings about one answer. A framing violation may be answered INTERNAL: the gRPC library reads frames before
    /// any service code, and INTERNAL is the status gRPC's status-code table gives to such protocol errors.
    /// </summary>
    public static IEnumerable<Finding> Evaluate(PlannedCall call, CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(outcome);
        Finding Flag(string check, string detail = "") =>
            new(check, call.Method.Name, call.Index, call.Kind, call.Caller, call.Description, call.Shape, outcome.Status, Cut(outcome.Message, 300), detail);

        var frameViolation = call.Frame is { Violation: true };
        if (outcome.Status == StatusCode.Unknown || (outcome.Status == StatusCode.Internal && !frameViolation))
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

    /// <summary>The string as the server decodes it from UTF-8: lone surrogates become U+FFFD.</summary>
    private static string AsDecoded(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));
}
