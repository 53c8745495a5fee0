namespace Subscriptions.Silo.Notifications;

/// <summary>
/// Where outbound notifications go (configuration section "Notifications", NOT-1): the log (on by default) and any
/// number of signed webhooks, with the retry schedule shared by all sinks.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Notifications";

    /// <summary>Write every notification to the log (sink "log").</summary>
    public bool Log { get; set; } = true;

    /// <summary>Webhook endpoints, each a sink of its own ("webhook:&lt;name&gt;").</summary>
    public IList<WebhookOptions> Webhooks { get; } = [];

    /// <summary>Attempts per message and sink before it is dead-lettered (visible to ops).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; it doubles after each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sender looks for messages to deliver.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most messages one pass reads per sink.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a message delivered to every sink is kept (on the silos' real clock) before it is deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The longest <see cref="Retention"/> accepted.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(3650);

    /// <summary>The wait before attempt <paramref name="failures"/> + 1, after that many failures (1 or more).</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var doubled = FirstRetryDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        return doubled >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)doubled);
    }

    /// <summary>Refuses settings the sender cannot work with, naming the setting.</summary>
    public void Validate()
    {
        if (MaxAttempts < 1 || FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay || PollInterval <= TimeSpan.Zero || BatchSize < 1)
        {
            throw new InvalidOperationException(
                "Notifications: MaxAttempts and BatchSize must be 1 or more, FirstRetryDelay and PollInterval positive, MaxRetryDelay at least FirstRetryDelay.");
        }

        if (Retention < TimeSpan.FromHours(1) || Retention > MaxRetention)
        {
            throw new InvalidOperationException(
                $"Notifications:Retention must be between 01:00:00 and {MaxRetention.Days}.00:00:00 (got {Retention}): how long a delivered message is kept.");
        }

        foreach (var hook in Webhooks)
        {
            if (string.IsNullOrWhiteSpace(hook.Name) || !Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
                || string.IsNullOrEmpty(hook.Secret) || hook.Secret.Length < 16)
            {
                throw new InvalidOperationException(
                    $"Notifications:Webhooks \"{hook.Name}\" needs a Name, an absolute http(s) Url and a Secret of at least 16 characters.");
            }
        }

        if (Webhooks.Select(h => h.Name).Distinct(StringComparer.Ordinal).Count() != Webhooks.Count)
        {
            throw new InvalidOperationException("Notifications:Webhooks names must be unique.");
        }
    }
}

/// <summary>One webhook endpoint: its name, URL, signing secret and request timeout.</summary>
public sealed class WebhookOptions
{
    /// <summary>The webhook's name; its sink is "webhook:&lt;name&gt;".</summary>
    public string Name { get; set; } = "";

    /// <summary>Where events are POSTed.</summary>
    public string Url { get; set; } = "";

    /// <summary>The HMAC-SHA256 key the receiver verifies signatures with (at least 16 characters).</summary>
    public string Secret { get; set; } = "";

    /// <summary>How long one POST may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
