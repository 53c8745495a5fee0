using System.Globalization;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>Notification event ids as receivers see them: "evt_" and the outbox id in 12 digits, e.g. "evt_000000000042".</summary>
public static class EventIds
{
    /// <summary>True for a well-formed event id.</summary>
    public static bool IsValid(string eventId) =>
        eventId.Length is > 4 and <= 24 && eventId.StartsWith("evt_", StringComparison.Ordinal)
        && long.TryParse(eventId.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
