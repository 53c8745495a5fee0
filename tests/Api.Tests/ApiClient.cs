using System.Collections.Concurrent;
using System.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>
/// The generated Grpc.Net.Client clients of the six subscriptions.v1 services on one channel. Tests call them
/// directly, or by method path through <see cref="UnaryAsync{TRequest, TResponse}"/>, which finds the generated
/// client method of that name.
/// </summary>
public sealed class ApiClient(GrpcChannel channel)
{
    private static readonly ConcurrentDictionary<(Type Client, string Method), MethodInfo> Methods = new();

    public Proto.AccountService.AccountServiceClient Accounts { get; } = new(channel);

    public Proto.SubscriptionService.SubscriptionServiceClient Subscriptions { get; } = new(channel);

    public Proto.InvoiceService.InvoiceServiceClient Invoices { get; } = new(channel);

    public Proto.QuoteService.QuoteServiceClient Quotes { get; } = new(channel);

    public Proto.OpsService.OpsServiceClient Ops { get; } = new(channel);

    public Proto.TestClockService.TestClockServiceClient Clocks { get; } = new(channel);

    public GrpcChannel Channel { get; } = channel;

    /// <summary>Calls "/subscriptions.v1.&lt;Service&gt;/&lt;Method&gt;" through its generated client.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string path, TRequest request, CallOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.TrimStart('/').Split('/');
        object client = parts[0] switch
        {
            "subscriptions.v1.AccountService" => Accounts,
            "subscriptions.v1.SubscriptionService" => Subscriptions,
            "subscriptions.v1.InvoiceService" => Invoices,
            "subscriptions.v1.QuoteService" => Quotes,
            "subscriptions.v1.OpsService" => Ops,
            "subscriptions.v1.TestClockService" => Clocks,
            _ => throw new ArgumentException($"No generated client for {path}.", nameof(path)),
        };
        var method = Methods.GetOrAdd((client.GetType(), parts[1]), key =>
            key.Client.GetMethod(key.Method + "Async", [typeof(TRequest), typeof(CallOptions)])
            ?? throw new ArgumentException($"{key.Client.Name} has no {key.Method}Async({typeof(TRequest).Name}, CallOptions).", nameof(path)));
        using var call = (AsyncUnaryCall<TResponse>)method.Invoke(client, [request, options])!;
        return await call.ResponseAsync;
    }

    /// <summary>Opens the server stream "/subscriptions.v1.&lt;Service&gt;/&lt;Method&gt;" and returns its first message (a refused call throws).</summary>
    public async Task<TResponse> FirstStreamedAsync<TRequest, TResponse>(string path, TRequest request, CallOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.TrimStart('/').Split('/');
        var method = Methods.GetOrAdd((Ops.GetType(), parts[1]), key =>
            key.Client.GetMethod(key.Method, [typeof(TRequest), typeof(CallOptions)])
            ?? throw new ArgumentException($"{key.Client.Name} has no {key.Method}({typeof(TRequest).Name}, CallOptions).", nameof(path)));
        using var call = (AsyncServerStreamingCall<TResponse>)method.Invoke(Ops, [request, options])!;
        return await call.ResponseStream.MoveNext(options.CancellationToken)
            ? call.ResponseStream.Current
            : throw new InvalidOperationException($"{path} ended without a message.");
    }
}
