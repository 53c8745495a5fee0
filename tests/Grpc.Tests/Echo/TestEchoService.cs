using Google.Protobuf;
using Grpc.Core;
using Subscriptions.Grpc.Tests.Testing;

namespace Subscriptions.Grpc.Tests.Echo;

/// <summary>The open test service behind the wire tests (test_echo.proto): every method answers any caller.</summary>
public sealed class TestEchoService : TestEcho.TestEchoBase
{
    public const string Service = "subscriptions.testing.v1.TestEcho";

    public static string PathOf(string method) => $"/{Service}/{method}";

    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var reply = new EchoReply { Text = request.Text, Payload = request.Payload };
        var echoed = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.IsBinary)
            {
                reply.Metadata[entry.Key] = entry.Value;
            }

            if (entry.Key.StartsWith("x-echo-", StringComparison.Ordinal))
            {
                echoed.Add(entry);
                context.ResponseTrailers.Add(entry);
            }
        }

        await context.WriteResponseHeadersAsync(echoed);
        return reply;
    }

    public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        throw new RpcException(new Status((StatusCode)request.Code, request.Detail), new Metadata { { "x-fail-reason", "requested" } });
    }

    public override async Task<EchoReply> WaitForCancellation(EchoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        throw new InvalidOperationException("An infinite delay returned without cancellation.");
    }

    public override async Task Hold(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        await responseStream.WriteAsync(new EchoReply { Text = "started" });
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    public override async Task Count(CountRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        if (request.FailCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailCode, $"failed after {request.Count} messages"));
        }
    }

    public override Task<EchoReply> Throw(EchoRequest request, ServerCallContext context) =>
        throw new InvalidOperationException($"secret connection string Password=hunter2 for {request?.Text}");

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var count = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            count++;
            await responseStream.WriteAsync(new EchoReply { Text = requestStream.Current.Text });
        }

        await responseStream.WriteAsync(new EchoReply { Text = $"done:{count}" });
    }

    public override Task<EchoReply> Big(BigRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoReply { Payload = ByteString.CopyFrom(new byte[request?.Size ?? 0]) });
}
