namespace Subscriptions.Grpc.Tests;

/// <summary>A service provider with no services, for call contexts built outside a server.</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}
