using Google.Protobuf;
using Google.Protobuf.Reflection;
using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>The test service behind every transport test (test_echo.proto).</summary>
public sealed class TestEchoService(CallProbe probe)
{
    public const string Service = "subscriptions.testing.v1.TestEcho";

    public static string PathOf(string method) => $"/{Service}/{method}";

    public void Register(GrpcServiceRegistry registry)
    {
        var service = TestEchoReflection.Descriptor.FindTypeByName<ServiceDescriptor>("TestEcho");
        var open = CallAuthorization.Public;
        registry.AddUnary<EchoRequest, EchoReply>(service.FindMethodByName("Echo"), open, EchoAsync);
        registry.AddUnary<FailRequest, EchoReply>(service.FindMethodByName("Fail"), open, FailAsync);
        registry.AddUnary<EchoRequest, EchoReply>(service.FindMethodByName("WaitForCancellation"), open, WaitForCancellationAsync);
        registry.AddUnary<EchoRequest, EchoReply>(service.FindMethodByName("FinishWhenReleased"), open, FinishWhenReleasedAsync);
        registry.AddServerStreaming<EchoRequest, EchoReply>(service.FindMethodByName("Hold"), open, HoldAsync);
        registry.AddServerStreaming<CountRequest, EchoReply>(service.FindMethodByName("Count"), open, CountAsync);
        registry.AddUnary<EchoRequest, EchoReply>(service.FindMethodByName("Throw"), open, ThrowAsync);
        registry.AddDuplexStreaming<EchoRequest, EchoReply>(service.FindMethodByName("Chat"), open, ChatAsync);
        registry.AddUnary<BigRequest, EchoReply>(service.FindMethodByName("Big"), open, BigAsync);
    }

    private static Task<EchoReply> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        var reply = new EchoReply { Text = request.Text, Payload = request.Payload };
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.IsBinary)
            {
                reply.Metadata[entry.Key] = entry.Value;
            }

            if (entry.Key.StartsWith("x-echo-", StringComparison.Ordinal))
            {
                AddCopy(context.ResponseHeaders, entry);
                AddCopy(context.ResponseTrailers, entry);
            }
        }

        return Task.FromResult(reply);
    }

    private static Task<EchoReply> FailAsync(FailRequest request, ServerCallContext context)
    {
        var trailers = new Metadata { { "x-fail-reason", "requested" } };
        throw new RpcException((StatusCode)request.Code, request.Detail, trailers);
    }

    private async Task<EchoReply> WaitForCancellationAsync(EchoRequest request, ServerCallContext context)
    {
        probe.Started(request.Text, context);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        throw new InvalidOperationException("An infinite delay returned without cancellation.");
    }

    private async Task<EchoReply> FinishWhenReleasedAsync(EchoRequest request, ServerCallContext context)
    {
        probe.Started(request.Text, context);
        await probe.WaitReleasedAsync(request.Text);
        return new EchoReply { Text = request.Text };
    }

    private async Task HoldAsync(EchoRequest request, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        await responses.WriteAsync(new EchoReply { Text = "started" });
        probe.Started(request.Text, context);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    private static async Task CountAsync(CountRequest request, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responses.WriteAsync(new EchoReply { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, context.CancellationToken);
        }

        if (request.FailCode != 0)
        {
            throw new RpcException((StatusCode)request.FailCode, $"failed after {request.Count} messages");
        }
    }

    private static Task<EchoReply> ThrowAsync(EchoRequest request, ServerCallContext context) =>
        throw new InvalidOperationException($"secret connection string Password=hunter2 for {request.Text}");

    private static async Task ChatAsync(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        var count = 0;
        while (await requests.MoveNext(context.CancellationToken))
        {
            count++;
            await responses.WriteAsync(new EchoReply { Text = requests.Current.Text }, context.CancellationToken);
        }

        await responses.WriteAsync(new EchoReply { Text = $"done:{count}" }, context.CancellationToken);
    }

    private static Task<EchoReply> BigAsync(BigRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoReply { Payload = ByteString.CopyFrom(new byte[request.Size]) });

    private static void AddCopy(Metadata target, Metadata.Entry entry)
    {
        if (entry.IsBinary)
        {
            target.Add(entry.Key, entry.ValueBytes.ToArray());
        }
        else
        {
            target.Add(entry.Key, entry.Value!);
        }
    }
}
