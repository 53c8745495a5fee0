namespace Subscriptions.Grpc.Transport;

/// <summary>Ready-made authorization policies.</summary>
public static class CallAuthorization
{
    /// <summary>Explicitly public: no credentials needed (health, reflection, tests).</summary>
    public static ICallAuthorization Public { get; } = new PublicAuthorization();

    private sealed class PublicAuthorization : ICallAuthorization
    {
        public ValueTask AuthorizeAsync(ServerCallContext context, object? request) => ValueTask.CompletedTask;
    }
}
