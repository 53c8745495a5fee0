"""Shared pieces of the wire checks: message classes from FileDescriptorProtos and a reflection client.

Nothing here comes from generated code: the reflection messages are described by hand with descriptor_pb2,
so the checks depend only on Debian's python3-grpcio and python3-protobuf.
"""
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

CALL_TIMEOUT_SECONDS = 30


def message_classes(files):
    """Message classes by full name for FileDescriptorProtos, added to a fresh pool dependencies first."""
    pool = descriptor_pool.DescriptorPool()
    pending = {file.name: file for file in files}

    def add(file):
        for dependency in file.dependency:
            if dependency in pending:
                add(pending.pop(dependency))
        pool.Add(file)

    while pending:
        add(pending.popitem()[1])
    return message_factory.MessageFactory(pool).GetMessages([file.name for file in files])


def reflection_messages(package):
    """The reflection request/response classes of a package, built from a hand-written FileDescriptorProto."""
    f = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name=f"wire/{package}.proto", package=package, syntax="proto3")

    def message(name, *fields, oneofs=()):
        m = file.message_type.add(name=name)
        for oneof in oneofs:
            m.oneof_decl.add(name=oneof)
        for field_name, number, kind, type_name, label, oneof in fields:
            field = m.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = f".{package}.{type_name}"
            if oneof is not None:
                field.oneof_index = oneof

    opt, rep = f.LABEL_OPTIONAL, f.LABEL_REPEATED
    message("ServerReflectionRequest",
            ("host", 1, f.TYPE_STRING, None, opt, None),
            ("file_by_filename", 3, f.TYPE_STRING, None, opt, 0),
            ("file_containing_symbol", 4, f.TYPE_STRING, None, opt, 0),
            ("file_containing_extension", 5, f.TYPE_MESSAGE, "ExtensionRequest", opt, 0),
            ("all_extension_numbers_of_type", 6, f.TYPE_STRING, None, opt, 0),
            ("list_services", 7, f.TYPE_STRING, None, opt, 0),
            oneofs=("message_request",))
    message("ExtensionRequest",
            ("containing_type", 1, f.TYPE_STRING, None, opt, None),
            ("extension_number", 2, f.TYPE_INT32, None, opt, None))
    message("ServerReflectionResponse",
            ("valid_host", 1, f.TYPE_STRING, None, opt, None),
            ("original_request", 2, f.TYPE_MESSAGE, "ServerReflectionRequest", opt, None),
            ("file_descriptor_response", 4, f.TYPE_MESSAGE, "FileDescriptorResponse", opt, 0),
            ("all_extension_numbers_response", 5, f.TYPE_MESSAGE, "ExtensionNumberResponse", opt, 0),
            ("list_services_response", 6, f.TYPE_MESSAGE, "ListServiceResponse", opt, 0),
            ("error_response", 7, f.TYPE_MESSAGE, "ErrorResponse", opt, 0),
            oneofs=("message_response",))
    message("FileDescriptorResponse", ("file_descriptor_proto", 1, f.TYPE_BYTES, None, rep, None))
    message("ExtensionNumberResponse",
            ("base_type_name", 1, f.TYPE_STRING, None, opt, None),
            ("extension_number", 2, f.TYPE_INT32, None, rep, None))
    message("ListServiceResponse", ("service", 1, f.TYPE_MESSAGE, "ServiceResponse", rep, None))
    message("ServiceResponse", ("name", 1, f.TYPE_STRING, None, opt, None))
    message("ErrorResponse",
            ("error_code", 1, f.TYPE_INT32, None, opt, None),
            ("error_message", 2, f.TYPE_STRING, None, opt, None))
    classes = message_classes([file])
    return classes[f"{package}.ServerReflectionRequest"], classes[f"{package}.ServerReflectionResponse"]


def reflect(channel, package, requests):
    """Sends the requests on one ServerReflectionInfo stream and returns the responses."""
    request_class, response_class = reflection_messages(package)
    info = channel.stream_stream(
        f"/{package}.ServerReflection/ServerReflectionInfo",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString)
    return list(info(iter([request_class(**r) for r in requests]), timeout=CALL_TIMEOUT_SECONDS))


def check(condition, failure):
    if not condition:
        print(f"FAILED: {failure}")
        sys.exit(1)


def classes_for_symbol(channel, symbol):
    """Message classes of the file that declares the symbol, built from the server's reflection answer."""
    answer = reflect(channel, "grpc.reflection.v1", [{"file_containing_symbol": symbol}])[0]
    files = [descriptor_pb2.FileDescriptorProto.FromString(b)
             for b in answer.file_descriptor_response.file_descriptor_proto]
    check(files, f"reflection does not know {symbol}: {answer}")
    return files, message_classes(files)
