#!/usr/bin/env bash
# Sets up and runs every test: installs what is missing (PostgreSQL server; the DejaVu fonts invoice PDFs embed;
# chromium, the headless browser the dashboard test reads the ops pages with; python3-grpcio, Node.js/npm and, with
# npm ci, @grpc/grpc-js for the wire tests with two independent gRPC clients),
# starts a private throw-away PostgreSQL, builds with warnings as errors, runs all test projects, and ends with
# one line "N passed, N failed, N skipped" computed from the TRX results. Exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

need_apt=()
/usr/bin/python3 -c "import grpc, google.protobuf" 2>/dev/null || need_apt+=(python3-grpcio python3-protobuf)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v npm >/dev/null || need_apt+=(nodejs npm)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test: installing ${need_apt[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "test: need root to install ${need_apt[*]} (apt-get)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "test: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
wire_js="$repo/tests/Grpc.Tests/wire-js"
if [ ! -f "$wire_js/node_modules/.package-lock.json" ] || [ "$wire_js/package-lock.json" -nt "$wire_js/node_modules/.package-lock.json" ]; then
  echo "test: installing the grpc-js wire test packages (npm ci in tests/Grpc.Tests/wire-js)"
  (cd "$wire_js" && npm ci --no-audit --no-fund --loglevel=error)
fi
grpc_web="$repo/tests/Silo.Tests/EndToEnd/grpc-web"
if [ ! -f "$grpc_web/node_modules/.package-lock.json" ] || [ "$grpc_web/package-lock.json" -nt "$grpc_web/node_modules/.package-lock.json" ]; then
  echo "test: installing the gRPC-Web client test packages (npm ci in tests/Silo.Tests/EndToEnd/grpc-web)"
  (cd "$grpc_web" && npm ci --no-audit --no-fund --loglevel=error)
fi

export PGLOCAL_DIR
PGLOCAL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/subscriptions-test-pg.XXXXXX")
results=$(mktemp -d "${TMPDIR:-/tmp}/subscriptions-test-results.XXXXXX")
cleanup() { "$repo/scripts/pg-local.sh" stop || true; rm -rf "$PGLOCAL_DIR" "$results"; }
trap cleanup EXIT
SUBSCRIPTIONS_TEST_PG=$("$repo/scripts/pg-local.sh" start --ephemeral)
export SUBSCRIPTIONS_TEST_PG
echo "test: PostgreSQL for tests at $SUBSCRIPTIONS_TEST_PG"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The test projects run in parallel on two CPUs; a test host that starts slowly is waited for rather than aborted.
export VSTEST_CONNECTION_TIMEOUT=${VSTEST_CONNECTION_TIMEOUT:-300}
dotnet build Subscriptions.sln -c Release -warnaserror -nologo -v quiet || { echo "test: the build failed; no test ran" >&2; exit 1; }

status=0
dotnet test Subscriptions.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

summary=$(/usr/bin/python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for path in files:
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{len(files)} {passed} {failed} {skipped}")
PY
)
read -r files passed failed skipped <<<"$summary"
if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "test: no test results were produced" >&2
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
