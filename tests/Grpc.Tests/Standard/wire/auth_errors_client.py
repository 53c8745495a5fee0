#!/usr/bin/python3
"""Independent wire check of bearer-token refusals and rich error details with Debian's python3-grpcio.

Usage: auth_errors_client.py HOST:PORT HOLDER_TOKEN VIEWER_TOKEN

HOLDER_TOKEN is primary-holder of account acc-1, VIEWER_TOKEN billing-viewer of it. The server's guarded TestEcho
methods are described through reflection; google.rpc.Status and its details are described here by hand and
decoded from the grpc-status-details-bin trailer. Prints one "key: value" line per check; exit code 0 = all
checks passed, 1 = a check failed, 3 = a python module is missing.
"""
import sys

try:
    import grpc
    from google.protobuf import any_pb2, descriptor_pb2
except ImportError as missing:
    print(f"missing python module: {missing.name} (Debian packages python3-grpcio and python3-protobuf)")
    sys.exit(3)

from reflection_wire import CALL_TIMEOUT_SECONDS, check, classes_for_symbol, message_classes


def rich_error_classes():
    """google.rpc.Status, ErrorInfo and PreconditionFailure, described as in google/rpc/*.proto."""
    f = descriptor_pb2.FieldDescriptorProto
    opt, rep = f.LABEL_OPTIONAL, f.LABEL_REPEATED
    any_file = descriptor_pb2.FileDescriptorProto()
    any_pb2.DESCRIPTOR.CopyToProto(any_file)
    rpc = descriptor_pb2.FileDescriptorProto(
        name="wire/google_rpc.proto", package="google.rpc", syntax="proto3", dependency=[any_file.name])
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
    return message_classes([any_file, rpc])


def rich_status(error, classes):
    """The google.rpc.Status from the trailer and its details by type name; checks code and message match the call's."""
    trailer = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    check(trailer is not None, f"{error.code().name} has no grpc-status-details-bin trailer")
    status = classes["google.rpc.Status"].FromString(trailer)
    check(status.code == error.code().value[0], f"status code {status.code} differs from grpc-status {error.code().name}")
    check(status.message == error.details(), f"status message {status.message!r} differs from grpc-message {error.details()!r}")
    details = {}
    for packed in status.details:
        type_name = packed.type_url.split("/")[-1]
        details[type_name] = classes[type_name].FromString(packed.value)
    return details


def expect_error(call, request, metadata, code):
    try:
        call(request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)
    except grpc.RpcError as error:
        check(error.code() == code, f"expected {code.name}, got {error.code().name}: {error.details()}")
        return error
    check(False, f"expected {code.name}, the call succeeded")
    return None


def main(target, holder_token, viewer_token):
    errors = rich_error_classes()
    with grpc.insecure_channel(target) as channel:
        _, classes = classes_for_symbol(channel, "subscriptions.testing.v1.TestEcho")
        echo_request, echo_reply = classes["subscriptions.testing.v1.EchoRequest"], classes["subscriptions.testing.v1.EchoReply"]
        fail_request = classes["subscriptions.testing.v1.FailRequest"]
        echo = channel.unary_unary("/subscriptions.testing.v1.TestEcho/Echo",
                                   request_serializer=echo_request.SerializeToString,
                                   response_deserializer=echo_reply.FromString)
        fail = channel.unary_unary("/subscriptions.testing.v1.TestEcho/Fail",
                                   request_serializer=fail_request.SerializeToString,
                                   response_deserializer=echo_reply.FromString)

        error = expect_error(echo, echo_request(text="acc-1"), (), grpc.StatusCode.UNAUTHENTICATED)
        print(f"no token: {error.code().name} {error.details()}")

        error = expect_error(echo, echo_request(text="acc-1"), (("authorization", "Bearer not.a.token"),), grpc.StatusCode.UNAUTHENTICATED)
        print(f"garbage token: {error.code().name} {error.details()}")

        error = expect_error(echo, echo_request(text="acc-1"), (("authorization", f"Bearer {viewer_token}"),),
                             grpc.StatusCode.PERMISSION_DENIED)
        info = rich_status(error, errors)["google.rpc.ErrorInfo"]
        print(f"viewer: {error.code().name} reason={info.reason} account_id={info.metadata['account_id']}")

        reply = echo(echo_request(text="acc-1"), metadata=(("authorization", f"Bearer {holder_token}"),), timeout=CALL_TIMEOUT_SECONDS)
        print(f"holder: OK caller={reply.text}")

        error = expect_error(fail, fail_request(detail="SUB-6: refused"), (("authorization", f"Bearer {holder_token}"),),
                             grpc.StatusCode.FAILED_PRECONDITION)
        details = rich_status(error, errors)
        violation = details["google.rpc.PreconditionFailure"].violations[0]
        print(f"rich error: {error.code().name} details={','.join(sorted(details))} "
              f"violation={violation.type} reason={details['google.rpc.ErrorInfo'].reason}")
    print("all checks passed")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    main(*sys.argv[1:])
