"""Shared pieces of the python wire checks: message classes built at run time from FileDescriptorProtos.

Nothing here comes from generated code: the reflection messages and google.rpc's rich error details are described
by hand with descriptor_pb2, and a server's own messages come from the FileDescriptorProtos its reflection returns,
so a request naming a field the API does not have fails loudly. Depends only on Debian's python3-grpcio and
python3-protobuf; importing this module when either is missing prints which one and exits with code 3.

The scripts find this module on PYTHONPATH (Grpc.Tests) or copied next to them (Silo.Tests); by hand:
PYTHONPATH=tests/WirePython /usr/bin/python3 SCRIPT ARGS...
"""
import sys

try:
    import grpc
    from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
except ImportError as missing:
    print(f"missing python module: {missing.name} (Debian packages python3-grpcio and python3-protobuf)")
    sys.exit(3)

CALL_TIMEOUT_SECONDS = 30


def check(condition, failure):
    """Stops the script with exit code 1 and a FAILED line when the condition does not hold."""
    if not condition:
        print(f"FAILED: {failure}", flush=True)
        sys.exit(1)


def run_checks(main, usage, arg_count):
    """Calls main with the command-line arguments and prints "all checks passed"; a wrong argument count prints usage and exits 2."""
    if len(sys.argv) != arg_count + 1:
        print(usage)
        sys.exit(2)
    main(*sys.argv[1:])
    print("all checks passed")


def build_pool(files):
    """A fresh descriptor pool holding the FileDescriptorProtos, each added after its dependencies."""
    pool = descriptor_pool.DescriptorPool()
    pending = {file.name: file for file in files}

    def add(file):
        for dependency in file.dependency:
            if dependency in pending:
                add(pending.pop(dependency))
        pool.Add(file)

    while pending:
        add(pending.popitem()[1])
    return pool


def message_classes(files):
    """Message classes by full name for FileDescriptorProtos."""
    pool = build_pool(files)
    return message_factory.MessageFactory(pool).GetMessages([file.name for file in files])


def reflection_messages(package):
    """The reflection request/response classes of a package, built from a hand-written FileDescriptorProto."""
    f = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name=f"grpc_wire/{package}.proto", package=package, syntax="proto3")

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


def reflect(channel, requests, package="grpc.reflection.v1"):
    """Sends the requests (dicts of ServerReflectionRequest fields) on one ServerReflectionInfo stream and returns the responses."""
    request_class, response_class = reflection_messages(package)
    info = channel.stream_stream(
        f"/{package}.ServerReflection/ServerReflectionInfo",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString)
    return list(info(iter([request_class(**r) for r in requests]), timeout=CALL_TIMEOUT_SECONDS))


def listed_services(channel):
    """The service names reflection lists, sorted."""
    answer = reflect(channel, [{"list_services": ""}])[0]
    return sorted(s.name for s in answer.list_services_response.service)


def descriptor_files(channel, symbols):
    """The FileDescriptorProtos declaring the symbols and everything they import, as the server describes them."""
    files = {}

    def take(answer, asked):
        check(answer.WhichOneof("message_response") == "file_descriptor_response",
              f"reflection does not describe {asked}: {answer}")
        for raw in answer.file_descriptor_response.file_descriptor_proto:
            file = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files.setdefault(file.name, file)

    for symbol, answer in zip(symbols, reflect(channel, [{"file_containing_symbol": s} for s in symbols])):
        take(answer, symbol)
    missing = sorted({d for f in files.values() for d in f.dependency} - files.keys())
    while missing:
        for name, answer in zip(missing, reflect(channel, [{"file_by_filename": n} for n in missing])):
            take(answer, name)
        missing = sorted({d for f in files.values() for d in f.dependency} - files.keys())
    return list(files.values())


def rich_error_classes():
    """google.rpc.Status, ErrorInfo, PreconditionFailure and BadRequest, described as in google/rpc/*.proto."""
    f = descriptor_pb2.FieldDescriptorProto
    opt, rep = f.LABEL_OPTIONAL, f.LABEL_REPEATED
    any_file = descriptor_pb2.FileDescriptorProto()
    any_pb2.DESCRIPTOR.CopyToProto(any_file)
    rpc = descriptor_pb2.FileDescriptorProto(
        name="grpc_wire/google_rpc.proto", package="google.rpc", syntax="proto3", dependency=[any_file.name])
    status = rpc.message_type.add(name="Status")
    status.field.add(name="code", number=1, type=f.TYPE_INT32, label=opt)
    status.field.add(name="message", number=2, type=f.TYPE_STRING, label=opt)
    status.field.add(name="details", number=3, type=f.TYPE_MESSAGE, label=rep, type_name=".google.protobuf.Any")
    info = rpc.message_type.add(name="ErrorInfo")
    info.field.add(name="reason", number=1, type=f.TYPE_STRING, label=opt)
    info.field.add(name="domain", number=2, type=f.TYPE_STRING, label=opt)
    info.field.add(name="metadata", number=3, type=f.TYPE_MESSAGE, label=rep, type_name=".google.rpc.ErrorInfo.MetadataEntry")
    entry = info.nested_type.add(name="MetadataEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=f.TYPE_STRING, label=opt)
    entry.field.add(name="value", number=2, type=f.TYPE_STRING, label=opt)
    failure = rpc.message_type.add(name="PreconditionFailure")
    failure.field.add(name="violations", number=1, type=f.TYPE_MESSAGE, label=rep,
                      type_name=".google.rpc.PreconditionFailure.Violation")
    violation = failure.nested_type.add(name="Violation")
    for number, name in enumerate(("type", "subject", "description"), start=1):
        violation.field.add(name=name, number=number, type=f.TYPE_STRING, label=opt)
    bad_request = rpc.message_type.add(name="BadRequest")
    bad_request.field.add(name="field_violations", number=1, type=f.TYPE_MESSAGE, label=rep,
                          type_name=".google.rpc.BadRequest.FieldViolation")
    field_violation = bad_request.nested_type.add(name="FieldViolation")
    for number, name in enumerate(("field", "description"), start=1):
        field_violation.field.add(name=name, number=number, type=f.TYPE_STRING, label=opt)
    return message_classes([any_file, rpc])


def rich_details(error, classes):
    """The details of the google.rpc.Status in grpc-status-details-bin, by type name; checks code and message match the call's."""
    trailer = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    check(trailer is not None, f"{error.code().name} has no grpc-status-details-bin trailer")
    status = classes["google.rpc.Status"].FromString(trailer)
    check(status.code == error.code().value[0], f"status code {status.code} differs from grpc-status {error.code().name}")
    check(status.message == error.details(), f"status message {status.message!r} differs from grpc-message {error.details()!r}")
    details = {}
    for packed in status.details:
        type_name = packed.type_url.split("/")[-1]
        check(type_name in classes, f"unexpected detail type {packed.type_url}")
        details[type_name] = classes[type_name].FromString(packed.value)
    return details


class Api:
    """Unary calls to the services of a package that reflection described; request and response types come from the method descriptors."""

    def __init__(self, channel, files, package):
        self._channel = channel
        self._package = package
        self._pool = build_pool(files)
        self._classes = message_factory.MessageFactory(self._pool).GetMessages([f.name for f in files])

    def enum_name(self, enum_full_name, number):
        """The name of an enum value, e.g. SUBSCRIPTION_STATUS_ACTIVE."""
        return self._pool.FindEnumTypeByName(enum_full_name).values_by_number[number].name

    def _method(self, service, method):
        descriptor = self._pool.FindServiceByName(f"{self._package}.{service}").methods_by_name.get(method)
        check(descriptor is not None, f"{self._package}.{service} has no method {method}")
        request_class = self._classes[descriptor.input_type.full_name]
        response_class = self._classes[descriptor.output_type.full_name]
        stub = self._channel.unary_unary(f"/{self._package}.{service}/{method}",
                                         request_serializer=request_class.SerializeToString,
                                         response_deserializer=response_class.FromString)
        return request_class, stub

    def request(self, service, method, **fields):
        """The request message of a method; an unknown field name raises at once."""
        request_class, _ = self._method(service, method)
        return request_class(**fields)

    def send(self, service, method, request, token):
        """Sends a request built with request(); token None sends no authorization header."""
        _, stub = self._method(service, method)
        metadata = () if token is None else (("authorization", f"Bearer {token}"),)
        return stub(request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)

    def call(self, service, method, token, **fields):
        """Builds the request from fields and sends it."""
        return self.send(service, method, self.request(service, method, **fields), token)

    def refused(self, code, service, method, token, **fields):
        """Sends a request that must fail with code; returns the grpc.RpcError."""
        try:
            self.call(service, method, token, **fields)
        except grpc.RpcError as error:
            check(error.code() == code, f"{service}/{method}: expected {code.name}, got {error.code().name}: {error.details()}")
            return error
        check(False, f"{service}/{method}: expected {code.name}, the call succeeded")
        return None
