using Google.Protobuf;
using Google.Protobuf.Reflection;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Subscriptions.Grpc.Transport.Reflection;

/// <summary>gRPC server reflection, grpc.reflection.v1 and the older v1alpha, over the registry's services; public (no credentials).</summary>
public static class ReflectionService
{
    /// <summary>Registers both ServerReflectionInfo methods with <see cref="CallAuthorization.Public"/>; each stream sees the services registered when it starts.</summary>
    public static void Register(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddDuplexStreaming<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(
            MethodOf(V1.ReflectionReflection.Descriptor),
            CallAuthorization.Public,
            (requests, responses, context) => ServeAsync(registry, requests, responses, context, request => request, response => response));
        // v1alpha has the same messages and field numbers as v1, so requests and responses convert through their bytes.
        registry.AddDuplexStreaming<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(
            MethodOf(V1Alpha.ReflectionReflection.Descriptor),
            CallAuthorization.Public,
            (requests, responses, context) => ServeAsync(
                registry,
                requests,
                responses,
                context,
                request => V1.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()),
                response => V1Alpha.ServerReflectionResponse.Parser.ParseFrom(response.ToByteString())));
    }

    private static MethodDescriptor MethodOf(FileDescriptor file) =>
        file.Services.Single(s => s.Name == "ServerReflection").FindMethodByName("ServerReflectionInfo");

    private static async Task ServeAsync<TRequest, TResponse>(
        GrpcServiceRegistry registry,
        IAsyncStreamReader<TRequest> requests,
        IServerStreamWriter<TResponse> responses,
        ServerCallContext context,
        Func<TRequest, V1.ServerReflectionRequest> toV1,
        Func<V1.ServerReflectionResponse, TResponse> fromV1)
    {
        var session = new ReflectionSession(new DescriptorIndex(registry.Services));
        while (await requests.MoveNext(context.CancellationToken))
        {
            await responses.WriteAsync(fromV1(session.Answer(toV1(requests.Current))), context.CancellationToken);
        }
    }
}
