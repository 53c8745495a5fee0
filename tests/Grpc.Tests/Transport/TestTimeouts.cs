namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>Upper bounds for awaiting events, so a broken test fails instead of hanging; never a timing assertion.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
}
