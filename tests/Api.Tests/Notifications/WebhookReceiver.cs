using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Subscriptions.TestHost;

namespace Subscriptions.Api.Tests.Notifications;

/// <summary>
/// An independent webhook receiver, written as a customer would from docs/api.md: an HTTP listener that checks the
/// signature header with its own HMAC-SHA256 code and a 5-minute tolerance, drops events whose id it has seen, and keeps
/// the events it accepted in arrival order. It can be taken down (503) or made to lose its answer after processing (500).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _secret;
    private readonly Func<DateTimeOffset> _now;
    private readonly HashSet<string> _seen = [];
    private readonly Task _loop;

    public WebhookReceiver(string secret, Func<DateTimeOffset> now)
    {
        _secret = secret;
        _now = now;
        Url = $"http://127.0.0.1:{FreePorts.Next()}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>How the receiver answers the next requests.</summary>
    public enum Behaviour
    {
        /// <summary>Verify, deduplicate, accept, answer 200.</summary>
        Up,

        /// <summary>Answer 503 without looking at the request.</summary>
        Down,

        /// <summary>Process the next request, then answer 500 (the sender never learns it was processed); Up after that.</summary>
        LoseNextAnswer,

        /// <summary>Answer 500 to every request without processing it.</summary>
        Broken,
    }

    public string Url { get; }

    public Behaviour Mode { get; set; } = Behaviour.Up;

    /// <summary>Every request that reached the receiver.</summary>
    public int Requests { get; private set; }

    /// <summary>Requests whose signature or timestamp did not verify.</summary>
    public int BadSignatures { get; private set; }

    /// <summary>Events dropped as already seen.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Accepted events, once each, in arrival order.</summary>
    public ConcurrentQueue<(string Id, string Type, string AccountId)> Accepted { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            Requests++;

            // One request per connection: the sender never reuses a connection this listener may be closing, so a
            // delivery fails only when the receiver says so.
            response.KeepAlive = false;

            // The body is read whatever the answer, so the connection stays usable for the sender's next request.
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (Mode is Behaviour.Down or Behaviour.Broken)
            {
                response.StatusCode = Mode == Behaviour.Down ? 503 : 500;
                continue;
            }

            if (!Verified(context.Request.Headers["Subscriptions-Signature"], body))
            {
                BadSignatures++;
                response.StatusCode = 400;
                continue;
            }

            using var json = JsonDocument.Parse(body);
            var id = json.RootElement.GetProperty("id").GetString()!;
            if (_seen.Add(id))
            {
                Accepted.Enqueue((id, json.RootElement.GetProperty("type").GetString()!, json.RootElement.GetProperty("account_id").GetString()!));
            }
            else
            {
                Duplicates++;
            }

            if (Mode == Behaviour.LoseNextAnswer)
            {
                Mode = Behaviour.Up;
                response.StatusCode = 500;
                continue;
            }

            response.StatusCode = 200;
        }
    }

    /// <summary>"t=&lt;unix&gt;,v1=&lt;hex&gt;": the HMAC-SHA256 of "t.body" with the secret, and t within 5 minutes of now.</summary>
    private bool Verified(string? header, string body)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        if (Math.Abs(_now().ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
