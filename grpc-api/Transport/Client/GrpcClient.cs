using System.Net;
using Google.Protobuf;

namespace Subscriptions.Grpc.Transport.Client;

/// <summary>A small gRPC client over HttpClient (HTTP/2 with prior knowledge on http://): unary and server-streaming calls.</summary>
public sealed class GrpcClient(HttpClient httpClient, GrpcClientOptions? options = null)
{
    private readonly GrpcClientOptions _options = options ?? new GrpcClientOptions();

    /// <summary>An HttpClient fit for gRPC: HTTP/2 only, no overall timeout (deadlines are per call).</summary>
    public static HttpClient CreateHttpClient(Uri address) => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Calls a unary method ("/package.Service/Method") and returns its response; a non-OK status throws <see cref="RpcException"/>.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, CallOptions? callOptions = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
        => (await UnaryCallAsync<TRequest, TResponse>(method, request, callOptions)).Message;

    /// <summary>Calls a unary method and returns the response with its headers and trailers.</summary>
    public async Task<UnaryResponse<TResponse>> UnaryCallAsync<TRequest, TResponse>(string method, TRequest request, CallOptions? callOptions = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        var parser = new MessageParser<TResponse>(() => new TResponse());
        var settings = callOptions ?? new CallOptions();
        using var call = await ClientCall.StartAsync(httpClient, method, request, settings, _options);
        var response = await call.ReadAsync(parser, settings.CancellationToken);
        if (response is not null && await call.ReadAsync(parser, settings.CancellationToken) is not null)
        {
            throw new RpcException(StatusCode.Internal, $"The server sent more than one response message for unary method {method}.");
        }

        call.ThrowIfFailed();
        return response is null
            ? throw new RpcException(StatusCode.Internal, $"The server ended unary method {method} with OK but sent no response message.")
            : new UnaryResponse<TResponse>(response, call.ResponseHeaders, call.Trailers ?? []);
    }

    /// <summary>Starts a server-streaming call; read it with <see cref="ServerStreamingCall{TResponse}.ReadAllAsync"/>.</summary>
    public async Task<ServerStreamingCall<TResponse>> ServerStreamingAsync<TRequest, TResponse>(string method, TRequest request, CallOptions? callOptions = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
        => new(await ClientCall.StartAsync(httpClient, method, request, callOptions ?? new CallOptions(), _options));
}
