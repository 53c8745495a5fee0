#!/usr/bin/python3
"""Independent wire check of grpc.health.v1 and server reflection with Debian's python3-grpcio.

Usage: health_reflection_client.py HOST:PORT

Reflection messages are built here from descriptor_pb2 (no generated code); the health messages are
built from the FileDescriptorProtos the server returns, so the server's reflection answers are used
for real. Prints one "key: value" line per check; exit code 0 = all checks passed, 1 = a check failed,
3 = a python module is missing.
"""
import sys

try:
    import grpc
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as missing:
    print(f"missing python module: {missing.name} (Debian packages python3-grpcio and python3-protobuf)")
    sys.exit(3)

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


def main(target):
    with grpc.insecure_channel(target) as channel:
        for package in ("grpc.reflection.v1", "grpc.reflection.v1alpha"):
            listed, health_file = reflect(channel, package, [
                {"host": "wire", "list_services": ""},
                {"host": "wire", "file_containing_symbol": "grpc.health.v1.Health"},
            ])
            names = sorted(s.name for s in listed.list_services_response.service)
            print(f"{package} list_services: {','.join(names)}")
            check("grpc.health.v1.Health" in names, f"{package} list_services lacks grpc.health.v1.Health")
            files = [descriptor_pb2.FileDescriptorProto.FromString(b)
                     for b in health_file.file_descriptor_response.file_descriptor_proto]
            print(f"{package} file_containing_symbol: {','.join(f.name for f in files)}")
            check(files and files[0].name == "grpc/health/v1/health.proto",
                  f"{package} file_containing_symbol answered {health_file}")

        missing = reflect(channel, "grpc.reflection.v1", [{"file_containing_symbol": "no.such.Symbol"}])[0]
        print(f"reflection unknown symbol: error_code={missing.error_response.error_code}")
        check(missing.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], "unknown symbol is not NOT_FOUND")

        # The health messages come from the descriptors reflection returned.
        classes = message_classes(files)
        request_class = classes["grpc.health.v1.HealthCheckRequest"]
        response_class = classes["grpc.health.v1.HealthCheckResponse"]
        status_name = response_class.DESCRIPTOR.enum_types_by_name["ServingStatus"].values_by_number

        check_call = channel.unary_unary("/grpc.health.v1.Health/Check",
                                         request_serializer=request_class.SerializeToString,
                                         response_deserializer=response_class.FromString)
        overall = check_call(request_class(service=""), timeout=CALL_TIMEOUT_SECONDS)
        print(f"health check: {status_name[overall.status].name}")

        try:
            check_call(request_class(service="no.such.Service"), timeout=CALL_TIMEOUT_SECONDS)
            check(False, "health check of an unknown service succeeded")
        except grpc.RpcError as error:
            print(f"health check unknown: {error.code().name}")

        watch_call = channel.unary_stream("/grpc.health.v1.Health/Watch",
                                          request_serializer=request_class.SerializeToString,
                                          response_deserializer=response_class.FromString)
        watch = watch_call(request_class(service=""), timeout=CALL_TIMEOUT_SECONDS)
        first = next(watch)
        print(f"health watch first: {status_name[first.status].name}")
        watch.cancel()
    print("all checks passed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
