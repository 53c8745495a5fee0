using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Reflection.V1;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Health;
using Subscriptions.Grpc.Transport.Reflection;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class ReflectionTests
{
    // A file built at run time that imports timestamp.proto and google/rpc/status.proto (which imports any.proto),
    // nests a message and an enum, and extends google.protobuf.MessageOptions.
    private static readonly FileDescriptor LedgerFile = BuildLedgerFile();

    [Fact]
    public void list_services_names_every_registered_service_including_health_and_reflection()
    {
        var registry = new GrpcServiceRegistry();
        HealthService.Register(registry, new HealthStatusRegistry());
        ReflectionService.Register(registry);
        var session = new ReflectionSession(new DescriptorIndex(registry.Services));

        var response = session.Answer(new ServerReflectionRequest { Host = "localhost", ListServices = "*" });

        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            response.ListServicesResponse.Service.Select(s => s.Name));
        Assert.Equal("localhost", response.ValidHost);
        Assert.Equal("*", response.OriginalRequest.ListServices);
    }

    [Theory]
    [InlineData("test.ledger.Ledger")]
    [InlineData("test.ledger.Ledger.Post")]
    [InlineData("test.ledger.Entry")]
    [InlineData("test.ledger.Entry.Line")]
    [InlineData("test.ledger.Entry.Kind")]
    [InlineData("test.ledger.Entry.amount")]
    [InlineData("test.ledger.Direction")]
    [InlineData("test.ledger.audit_note")]
    public void file_containing_symbol_finds_services_methods_messages_enums_fields_and_nested_types(string symbol)
    {
        var response = Session().Answer(new ServerReflectionRequest { FileContainingSymbol = symbol });

        Assert.Equal("test/ledger.proto", FileNames(response)[0]);
    }

    [Fact]
    public void the_file_comes_with_its_transitive_dependencies_and_dependencies_are_sent_once_per_stream()
    {
        var session = Session();

        var first = session.Answer(new ServerReflectionRequest { FileContainingSymbol = "test.ledger.Ledger" });
        var second = session.Answer(new ServerReflectionRequest { FileContainingSymbol = "test.ledger.Entry" });

        Assert.Equal(
            ["test/ledger.proto", "google/protobuf/timestamp.proto", "google/rpc/status.proto", "google/protobuf/descriptor.proto", "google/protobuf/any.proto"],
            FileNames(first));
        Assert.Equal(["test/ledger.proto"], FileNames(second));
        Assert.Equal(LedgerFile.SerializedData, first.FileDescriptorResponse.FileDescriptorProto[0]);
    }

    [Fact]
    public void file_by_filename_finds_a_dependency_too()
    {
        var response = Session().Answer(new ServerReflectionRequest { FileByFilename = "google/protobuf/any.proto" });

        Assert.Equal(["google/protobuf/any.proto"], FileNames(response));
    }

    [Fact]
    public void extensions_are_found_by_containing_type_and_number()
    {
        var session = Session();

        var file = session.Answer(new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MessageOptions", ExtensionNumber = 50001 },
        });
        var numbers = session.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "google.protobuf.MessageOptions" });
        var none = session.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "test.ledger.Entry" });

        Assert.Equal("test/ledger.proto", FileNames(file)[0]);
        Assert.Equal("google.protobuf.MessageOptions", numbers.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Equal([50001], numbers.AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Empty(none.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Theory]
    [MemberData(nameof(UnknownThings))]
    public void unknown_files_symbols_extensions_and_types_get_a_not_found_error_response(ServerReflectionRequest request, string message)
    {
        var response = Session().Answer(request);

        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, response.MessageResponseCase);
        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
        Assert.Equal(message, response.ErrorResponse.ErrorMessage);
    }

    public static TheoryData<ServerReflectionRequest, string> UnknownThings() => new()
    {
        { new() { FileByFilename = "test/missing.proto" }, "file \"test/missing.proto\" is not known" },
        { new() { FileContainingSymbol = "test.ledger.Missing" }, "symbol \"test.ledger.Missing\" is not known" },
        {
            new() { FileContainingExtension = new() { ContainingType = "google.protobuf.MessageOptions", ExtensionNumber = 50002 } },
            "extension 50002 of \"google.protobuf.MessageOptions\" is not known"
        },
        { new() { AllExtensionNumbersOfType = "test.ledger.Missing" }, "message type \"test.ledger.Missing\" is not known" },
    };

    [Fact]
    public void a_request_that_asks_nothing_is_an_invalid_argument_error_response()
    {
        var response = Session().Answer(new ServerReflectionRequest { Host = "localhost" });

        Assert.Equal((int)StatusCode.InvalidArgument, response.ErrorResponse.ErrorCode);
    }

    private static ReflectionSession Session() => new(new DescriptorIndex(LedgerFile.Services));

    private static string[] FileNames(ServerReflectionResponse response) =>
        [.. response.FileDescriptorResponse.FileDescriptorProto.Select(bytes => FileDescriptorProto.Parser.ParseFrom(bytes).Name)];

    private static FileDescriptor BuildLedgerFile()
    {
        var entry = new DescriptorProto
        {
            Name = "Entry",
            Field = { Field("amount", 1, FieldDescriptorProto.Types.Type.String), Field("posted", 2, FieldDescriptorProto.Types.Type.Message, ".google.protobuf.Timestamp") },
            NestedType = { new DescriptorProto { Name = "Line", Field = { Field("text", 1, FieldDescriptorProto.Types.Type.String) } } },
            EnumType = { Enum("Kind", "KIND_UNSPECIFIED") },
        };
        var ledger = new FileDescriptorProto
        {
            Name = "test/ledger.proto",
            Package = "test.ledger",
            Syntax = "proto3",
            Dependency = { "google/protobuf/timestamp.proto", "google/rpc/status.proto", "google/protobuf/descriptor.proto" },
            MessageType = { entry },
            EnumType = { Enum("Direction", "DIRECTION_UNSPECIFIED") },
            Extension = { Field("audit_note", 50001, FieldDescriptorProto.Types.Type.String, extendee: ".google.protobuf.MessageOptions") },
            Service =
            {
                new ServiceDescriptorProto
                {
                    Name = "Ledger",
                    Method = { new MethodDescriptorProto { Name = "Post", InputType = ".test.ledger.Entry", OutputType = ".google.rpc.Status" } },
                },
            },
        };
        var files = FileDescriptor.BuildFromByteStrings(
        [
            DescriptorReflection.Descriptor.SerializedData,
            AnyReflection.Descriptor.SerializedData,
            TimestampReflection.Descriptor.SerializedData,
            Google.Rpc.StatusReflection.Descriptor.SerializedData,
            ledger.ToByteString(),
        ]);
        return files[^1];
    }

    private static FieldDescriptorProto Field(string name, int number, FieldDescriptorProto.Types.Type type, string? typeName = null, string? extendee = null)
    {
        var field = new FieldDescriptorProto { Name = name, Number = number, Type = type, Label = FieldDescriptorProto.Types.Label.Optional, JsonName = name };
        if (typeName is not null)
        {
            field.TypeName = typeName;
        }

        if (extendee is not null)
        {
            field.Extendee = extendee;
        }

        return field;
    }

    private static EnumDescriptorProto Enum(string name, string zero) =>
        new() { Name = name, Value = { new EnumValueDescriptorProto { Name = zero, Number = 0 } } };
}
