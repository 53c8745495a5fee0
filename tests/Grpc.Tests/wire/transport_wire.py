"""Checks the transport with an independent gRPC client (Debian's python3-grpcio).

Usage: /usr/bin/python3 transport_wire.py <port>
Prints one line per check ("ok <name>" or "FAIL <name>: <why>") and exits 1 if any check failed.
Messages of test_echo.proto are encoded by hand (a few fields), so no generated code is needed.
"""
import sys

try:
    import grpc
except ImportError:
    print("FAIL import: the grpc module is missing; install it with: apt-get install -y python3-grpcio python3-protobuf")
    sys.exit(2)

SERVICE = "/subscriptions.testing.v1.TestEcho/"
MAX = 4 * 1024 * 1024


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_bytes(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_int(number, value):
    return varint(number << 3) + varint(value)


def echo_request(text="", payload=b""):
    return (field_bytes(1, text.encode("utf-8")) if text else b"") + (field_bytes(2, payload) if payload else b"")


def read_varint(data, pos):
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def reply_text(data):
    """Field 1 (text) of an EchoReply; other fields are skipped."""
    pos, text = 0, ""
    while pos < len(data):
        key, pos = read_varint(data, pos)
        if key & 7 == 2:
            length, pos = read_varint(data, pos)
            if key >> 3 == 1:
                text = data[pos:pos + length].decode("utf-8")
            pos += length
        else:
            _, pos = read_varint(data, pos)
    return text


def identity(data):
    return data


failures = []


def check(name, condition, why=""):
    if condition:
        print("ok " + name)
    else:
        print("FAIL %s: %s" % (name, why))
        failures.append(name)


def expect_error(name, call, code, details=None):
    try:
        call()
        check(name, False, "expected %s, the call succeeded" % code.name)
    except grpc.RpcError as error:
        ok = error.code() == code and (details is None or error.details() == details)
        check(name, ok, "expected %s %r, got %s %r" % (code.name, details, error.code().name, error.details()))


def main(port):
    channel = grpc.insecure_channel("127.0.0.1:%d" % port, options=[("grpc.enable_http_proxy", 0)])
    grpc.channel_ready_future(channel).result(timeout=10)

    def unary(method):
        return channel.unary_unary(SERVICE + method, request_serializer=identity, response_deserializer=identity)

    def server_stream(method):
        return channel.unary_stream(SERVICE + method, request_serializer=identity, response_deserializer=identity)

    # Success, with ASCII and binary metadata echoed in headers and trailers.
    reply, call = unary("Echo").with_call(
        echo_request("héllo wire"), metadata=(("x-echo-plain", "abc"), ("x-echo-data-bin", b"\x00\x01\xfe\xff")), timeout=10)
    check("echo_ok", reply_text(reply) == "héllo wire", "reply text %r" % reply_text(reply))
    check("echo_code_ok", call.code() == grpc.StatusCode.OK, str(call.code()))
    headers, trailers = dict(call.initial_metadata()), dict(call.trailing_metadata())
    check("metadata_echo_ascii", headers.get("x-echo-plain") == "abc" and trailers.get("x-echo-plain") == "abc",
          "headers %r trailers %r" % (headers, trailers))
    check("metadata_echo_binary", headers.get("x-echo-data-bin") == b"\x00\x01\xfe\xff"
          and trailers.get("x-echo-data-bin") == b"\x00\x01\xfe\xff", "headers %r trailers %r" % (headers, trailers))

    # Errors.
    expect_error("unimplemented_method", lambda: unary("NoSuchMethod")(b"", timeout=10), grpc.StatusCode.UNIMPLEMENTED)
    expect_error("unimplemented_service", lambda: channel.unary_unary(
        "/no.such.Service/Call", request_serializer=identity, response_deserializer=identity)(b"", timeout=10),
        grpc.StatusCode.UNIMPLEMENTED)
    detail = "prix invalide : 12 € — ünïcode 100%"
    expect_error("invalid_argument_with_message", lambda: unary("Fail")(
        field_int(1, 3) + field_bytes(2, detail.encode("utf-8")), timeout=10), grpc.StatusCode.INVALID_ARGUMENT, detail)
    expect_error("unknown_for_throwing_handler", lambda: unary("Throw")(echo_request("x"), timeout=10),
                 grpc.StatusCode.UNKNOWN, "Exception was thrown by handler.")
    # A request that is not valid protobuf is refused with INVALID_ARGUMENT naming the message type, not the bytes.
    expect_error("invalid_argument_for_malformed_protobuf", lambda: unary("Echo")(b"\xff\xff\xff", timeout=10),
                 grpc.StatusCode.INVALID_ARGUMENT,
                 "request body is not a valid subscriptions.testing.v1.EchoRequest protobuf message; nothing was read or applied")
    expect_error("resource_exhausted_request", lambda: unary("Echo")(echo_request(payload=bytes(MAX + 1)), timeout=30),
                 grpc.StatusCode.RESOURCE_EXHAUSTED)
    expect_error("resource_exhausted_response", lambda: unary("Big")(field_int(1, MAX + 1), timeout=30),
                 grpc.StatusCode.RESOURCE_EXHAUSTED)

    # Deadline: the handler waits for cancellation; the deadline ends the call.
    expect_error("deadline_exceeded", lambda: unary("WaitForCancellation")(echo_request("py-deadline"), timeout=0.5),
                 grpc.StatusCode.DEADLINE_EXCEEDED)

    # Client cancellation after the first streamed message.
    held = server_stream("Hold")(echo_request("py-hold"), timeout=30)
    first = next(held)
    held.cancel()
    try:
        next(held)
        check("client_cancellation", False, "stream went on after cancel")
    except grpc.RpcError as error:
        check("client_cancellation", reply_text(first) == "started" and error.code() == grpc.StatusCode.CANCELLED,
              "first %r, code %s" % (reply_text(first), error.code()))

    # Server streaming, then a failure after messages.
    texts = [reply_text(r) for r in server_stream("Count")(field_int(1, 5), timeout=10)]
    check("server_streaming", texts == ["0", "1", "2", "3", "4"], repr(texts))
    received = []
    try:
        for r in server_stream("Count")(field_int(1, 2) + field_int(2, 9), timeout=10):
            received.append(reply_text(r))
        check("server_streaming_failure", False, "no error after the messages")
    except grpc.RpcError as error:
        check("server_streaming_failure", received == ["0", "1"] and error.code() == grpc.StatusCode.FAILED_PRECONDITION,
              "received %r, code %s" % (received, error.code()))

    # Duplex.
    chat = channel.stream_stream(SERVICE + "Chat", request_serializer=identity, response_deserializer=identity)
    texts = [reply_text(r) for r in chat(iter([echo_request("a"), echo_request("b"), echo_request("c")]), timeout=10)]
    check("duplex_streaming", texts == ["a", "b", "c", "done:3"], repr(texts))

    # gzip-compressed request.
    text = "compressible " * 400
    reply = unary("Echo")(echo_request(text), timeout=10, compression=grpc.Compression.Gzip)
    check("gzip_request", reply_text(reply) == text, "reply of %d chars" % len(reply_text(reply)))

    channel.close()
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
