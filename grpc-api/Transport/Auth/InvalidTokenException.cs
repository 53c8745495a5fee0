namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>A bearer token was rejected; the message says why and is sent to the caller as UNAUTHENTICATED.</summary>
public sealed class InvalidTokenException(string message) : Exception(message);
