using System.Threading.Channels;

namespace Subscriptions.Grpc.Transport.Health;

/// <summary>The serving status of the server ("") and of named services, as answered by grpc.health.v1.Health; a DI singleton.</summary>
public sealed class HealthStatusRegistry
{
    /// <summary>The service name that stands for the whole server; it starts as Serving.</summary>
    public const string Overall = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [Overall] = ServingStatus.Serving };
    private readonly List<Subscription> _subscriptions = [];

    /// <summary>Sets a service's status ("" for the whole server) and tells every watcher of that service when it changes.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, $"Serving status for service \"{service}\" must be Serving or NotServing.");
        }

        lock (_lock)
        {
            if (_statuses.TryGetValue(service, out var current) && current == status)
            {
                return;
            }

            _statuses[service] = status;
            foreach (var subscription in _subscriptions.Where(s => s.Service == service))
            {
                subscription.Publish(status);
            }
        }
    }

    /// <summary>The service's status, or null when the service is unknown.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary>Follows a service: the reader yields the current status (null when unknown) at once, then each change; dispose to stop.</summary>
    public Subscription Subscribe(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            var subscription = new Subscription(this, service);
            subscription.Publish(_statuses.TryGetValue(service, out var status) ? status : null);
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>One watcher's view of a service's status; only the latest unread status is kept.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly HealthStatusRegistry _owner;
        private readonly Channel<ServingStatus?> _changes = Channel.CreateBounded<ServingStatus?>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        internal Subscription(HealthStatusRegistry owner, string service)
        {
            _owner = owner;
            Service = service;
        }

        /// <summary>The watched service.</summary>
        public string Service { get; }

        /// <summary>The statuses to report, the current one first; null means the service is unknown.</summary>
        public ChannelReader<ServingStatus?> Changes => _changes.Reader;

        /// <inheritdoc />
        public void Dispose()
        {
            _owner.Unsubscribe(this);
            _changes.Writer.TryComplete();
        }

        internal void Publish(ServingStatus? status) => _changes.Writer.TryWrite(status);
    }
}
