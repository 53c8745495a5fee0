using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Subscriptions.Silo.Notifications;

/// <summary>
/// One outbound notification (NOT-1) as a sink receives it: a unique, stable event id (the same on every retry), the
/// account whose order it keeps, its kind, when the change that caused it was committed, the grain that caused it and
/// its JSON payload.
/// </summary>
public sealed record NotificationEvent(long OutboxId, string AccountId, string Kind, DateTimeOffset CreatedAt, string Source, string PayloadJson)
{
    /// <summary>The event id receivers deduplicate on, e.g. "evt_000000000042".</summary>
    public string EventId => EventIdOf(OutboxId);

    /// <summary>The event id of outbox message <paramref name="outboxId"/>.</summary>
    public static string EventIdOf(long outboxId) => Subscriptions.Grpc.Api.Ops.EventIds.Of(outboxId);
}

/// <summary>Where notifications go. Delivery is at least once: a sink must tolerate (or let its receiver drop) duplicates.</summary>
public interface INotificationSink
{
    /// <summary>The sink's name in the delivery table ("log", "webhook:billing-portal").</summary>
    string Name { get; }

    /// <summary>Delivers one event; throwing leaves it pending, to be retried after a backoff.</summary>
    Task DeliverAsync(NotificationEvent notification, CancellationToken cancellationToken);
}

/// <summary>The default sink: writes each notification to the log. The core sends no email itself (NOT-1).</summary>
public sealed partial class LoggingNotificationSink(ILogger<LoggingNotificationSink> logger) : INotificationSink
{
    /// <inheritdoc />
    public string Name => "log";

    /// <inheritdoc />
    public Task DeliverAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        LogMessage(logger, notification.EventId, notification.Kind, notification.Source, notification.PayloadJson);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {EventId} {Kind} from {Source}: {Payload}")]
    private static partial void LogMessage(ILogger logger, string eventId, string kind, string source, string payload);
}

/// <summary>
/// A signed webhook (docs/api.md, "Webhooks"): each event is POSTed as JSON
/// <c>{"id","type","account_id","created_at","source","data"}</c> with the headers <c>Subscriptions-Event-Id</c> and
/// <c>Subscriptions-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" with the secret&gt;</c>. Any 2xx
/// answer is a delivery; anything else, or no answer within the timeout, is retried with backoff.
/// </summary>
public sealed class WebhookNotificationSink(WebhookOptions options, HttpClient http, TimeProvider time) : INotificationSink
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "Subscriptions-Signature";

    /// <summary>The event id header (also the body's "id").</summary>
    public const string EventIdHeader = "Subscriptions-Event-Id";

    /// <inheritdoc />
    public string Name => $"webhook:{options.Name}";

    /// <inheritdoc />
    public async Task DeliverAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = Body(notification);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventIdHeader, notification.EventId);
        request.Headers.Add(SignatureHeader, $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Sign(options.Secret, timestamp, body)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{options.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    /// <summary>The JSON body of an event.</summary>
    public static string Body(NotificationEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = new JsonObject
        {
            ["id"] = notification.EventId,
            ["type"] = notification.Kind,
            ["account_id"] = notification.AccountId,
            ["created_at"] = notification.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["source"] = notification.Source,
            ["data"] = JsonNode.Parse(notification.PayloadJson),
        };
        return body.ToJsonString(Compact);
    }

    /// <summary>The lowercase hex HMAC-SHA256 of "<paramref name="timestamp"/>.<paramref name="body"/>" keyed with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
