#!/usr/bin/python3
"""Independent wire check of grpc.health.v1 and server reflection with Debian's python3-grpcio.

Usage: health_reflection_client.py HOST:PORT

The reflection messages are described by hand (grpc_wire.py); the health messages are built from the
FileDescriptorProtos the server returns, so the server's reflection answers are used for real. Prints one
"key: value" line per check; exit code 0 = all checks passed, 1 = a check failed, 3 = a python module is missing.
"""
# grpc_wire exits 3 naming the python module that is missing, so it is imported before grpc.
from grpc_wire import CALL_TIMEOUT_SECONDS, check, message_classes, reflect, run_checks
import grpc
from google.protobuf import descriptor_pb2


def main(target):
    with grpc.insecure_channel(target) as channel:
        for package in ("grpc.reflection.v1", "grpc.reflection.v1alpha"):
            listed, health_file = reflect(channel, [
                {"host": "wire", "list_services": ""},
                {"host": "wire", "file_containing_symbol": "grpc.health.v1.Health"},
            ], package)
            names = sorted(s.name for s in listed.list_services_response.service)
            print(f"{package} list_services: {','.join(names)}")
            check("grpc.health.v1.Health" in names, f"{package} list_services lacks grpc.health.v1.Health")
            files = [descriptor_pb2.FileDescriptorProto.FromString(b)
                     for b in health_file.file_descriptor_response.file_descriptor_proto]
            print(f"{package} file_containing_symbol: {','.join(f.name for f in files)}")
            # grpc-dotnet's Grpc.HealthCheck registers the file as "health.proto", other servers as "grpc/health/v1/health.proto".
            check(files and files[0].name in ("grpc/health/v1/health.proto", "health.proto"),
                  f"{package} file_containing_symbol answered {health_file}")

        missing = reflect(channel, [{"file_containing_symbol": "no.such.Symbol"}])[0]
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


if __name__ == "__main__":
    run_checks(main, __doc__, 1)
