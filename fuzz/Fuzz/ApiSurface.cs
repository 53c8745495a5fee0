using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Fuzz;

/// <summary>One method of the API as its descriptor describes it.</summary>
public sealed class ApiMethod
{
    internal ApiMethod(ServiceDescriptor service, MethodDescriptor descriptor)
    {
        Service = service;
        Descriptor = descriptor;
        var type = descriptor.IsServerStreaming
            ? descriptor.IsClientStreaming ? MethodType.DuplexStreaming : MethodType.ServerStreaming
            : descriptor.IsClientStreaming ? MethodType.ClientStreaming : MethodType.Unary;
        Raw = new Method<byte[], byte[]>(type, service.FullName, descriptor.Name, RawBytes, RawBytes);
    }

    /// <summary>Byte arrays passed through untouched, so the fuzzer controls every byte of a request.</summary>
    public static Marshaller<byte[]> RawBytes { get; } = Marshallers.Create(bytes => bytes, bytes => bytes);

    public ServiceDescriptor Service { get; }

    public MethodDescriptor Descriptor { get; }

    /// <summary>The method with byte-array requests and responses.</summary>
    public Method<byte[], byte[]> Raw { get; }

    public MessageDescriptor Input => Descriptor.InputType;

    /// <summary>"AccountService/CreateAccount".</summary>
    public string Name => $"{Service.Name}/{Descriptor.Name}";

    /// <summary>"/subscriptions.v1.AccountService/CreateAccount", the HTTP/2 path.</summary>
    public string Path => $"/{Service.FullName}/{Descriptor.Name}";

    public override string ToString() => Name;
}

/// <summary>
/// The methods of every service of a proto package, found from the file descriptors the C# generator emits
/// (<c>*Reflection.Descriptor</c>), so a new method or field is fuzzed without changing the fuzzer.
/// </summary>
public static class ApiSurface
{
    /// <summary>The package fuzzed.</summary>
    public const string Package = "subscriptions.v1";

    /// <summary>Every method of every <see cref="Package"/> service in the API assembly, ordered by service and method name.</summary>
    public static IReadOnlyList<ApiMethod> Methods { get; } = Discover(typeof(Proto.Account).Assembly, Package);

    /// <summary>Every method of every service of <paramref name="package"/> whose file descriptor <paramref name="assembly"/> holds.</summary>
    public static IReadOnlyList<ApiMethod> Discover(Assembly assembly, string package)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var files = assembly.GetTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>()
            .Where(f => f.Package == package);
        return
        [
            .. files
                .SelectMany(f => f.Services)
                .SelectMany(s => s.Methods.Select(m => new ApiMethod(s, m)))
                .OrderBy(m => m.Service.FullName, StringComparer.Ordinal)
                .ThenBy(m => m.Descriptor.Name, StringComparer.Ordinal),
        ];
    }
}
