#!/usr/bin/python3
"""Independent wire check of bearer-token refusals and rich error details with Debian's python3-grpcio.

Usage: auth_errors_client.py HOST:PORT HOLDER_TOKEN VIEWER_TOKEN

HOLDER_TOKEN is primary-holder of account acc-1, VIEWER_TOKEN billing-viewer of it. The server's guarded TestEcho
methods are described through reflection; google.rpc.Status and its details are described by hand (grpc_wire.py) and
decoded from the grpc-status-details-bin trailer. Prints one "key: value" line per check; exit code 0 = all
checks passed, 1 = a check failed, 3 = a python module is missing.
"""
# grpc_wire exits 3 naming the python module that is missing, so it is imported before grpc.
from grpc_wire import Api, descriptor_files, rich_details, rich_error_classes, run_checks
import grpc


def main(target, holder_token, viewer_token):
    errors = rich_error_classes()
    with grpc.insecure_channel(target) as channel:
        api = Api(channel, descriptor_files(channel, ["subscriptions.testing.v1.TestEcho"]), "subscriptions.testing.v1")

        error = api.refused(grpc.StatusCode.UNAUTHENTICATED, "TestEcho", "Echo", None, text="acc-1")
        print(f"no token: {error.code().name} {error.details()}")

        error = api.refused(grpc.StatusCode.UNAUTHENTICATED, "TestEcho", "Echo", "not.a.token", text="acc-1")
        print(f"garbage token: {error.code().name} {error.details()}")

        error = api.refused(grpc.StatusCode.PERMISSION_DENIED, "TestEcho", "Echo", viewer_token, text="acc-1")
        info = rich_details(error, errors)["google.rpc.ErrorInfo"]
        print(f"viewer: {error.code().name} reason={info.reason} account_id={info.metadata['account_id']}")

        reply = api.call("TestEcho", "Echo", holder_token, text="acc-1")
        print(f"holder: OK caller={reply.text}")

        error = api.refused(grpc.StatusCode.FAILED_PRECONDITION, "TestEcho", "Fail", holder_token, detail="SUB-6: refused")
        details = rich_details(error, errors)
        violation = details["google.rpc.PreconditionFailure"].violations[0]
        print(f"rich error: {error.code().name} details={','.join(sorted(details))} "
              f"violation={violation.type} reason={details['google.rpc.ErrorInfo'].reason}")


if __name__ == "__main__":
    run_checks(main, __doc__, 3)
