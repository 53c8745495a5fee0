namespace Subscriptions.Grpc.Transport.Client;

/// <summary>The answer of a successful unary call: the message and the metadata around it.</summary>
public sealed record UnaryResponse<TResponse>(TResponse Message, Metadata Headers, Metadata Trailers);
