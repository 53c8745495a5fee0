using System.Globalization;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>Notification event ids as receivers see them: "evt_" and the outbox id in 12 digits, e.g. "evt_000000000042".</summary>
public static class EventIds
{
    /// <summary>The event id of outbox message <paramref name="outboxId"/>.</summary>
    public static string Of(long outboxId) => $"evt_{outboxId:D12}";

    /// <summary>The outbox id of <paramref name="eventId"/> ("evt_000000000000" is 0, before every message), or null when it is not an event id.</summary>
    public static long? OutboxIdOf(string eventId) =>
        eventId.Length is > 4 and <= 24 && eventId.StartsWith("evt_", StringComparison.Ordinal)
        && long.TryParse(eventId.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>True for a well-formed event id.</summary>
    public static bool IsValid(string eventId) => OutboxIdOf(eventId) is not null;
}
