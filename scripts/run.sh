#!/usr/bin/env bash
# Sets up and runs the service. Without a configured database (ConnectionStrings__Subscriptions), it starts a
# private PostgreSQL in .local/pg (installed from Debian's packages if missing; data kept between runs) and stops it
# on exit. gRPC listens on 127.0.0.1:5080 (Grpc__Port to change) in the Development environment.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "run: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
# Invoice documents (PDF) embed the DejaVu fonts.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "run: installing fonts-dejavu-core (invoice documents)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
  else
    echo "run: fonts-dejavu-core is not installed; invoice documents will fail until it is (or Documents__FontDirectory names the fonts)" >&2
  fi
fi

if [ -z "${ConnectionStrings__Subscriptions:-}" ]; then
  # Stop the local server on exit only if this run started it.
  if ! "$repo/scripts/pg-local.sh" status >/dev/null 2>&1; then
    trap '"$repo/scripts/pg-local.sh" stop' EXIT
  fi
  server=$("$repo/scripts/pg-local.sh" start)
  "$repo/scripts/pg-local.sh" createdb subscriptions
  export ConnectionStrings__Subscriptions="${server/Database=postgres/Database=subscriptions}"
  echo "run: using the local PostgreSQL at $ConnectionStrings__Subscriptions"
fi

export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build silo/Host -c Release -nologo -v quiet
# The silo runs as a child so that the EXIT trap can stop the local PostgreSQL; TERM and INT are passed on to it.
dotnet silo/Host/bin/Release/net10.0/subscriptions-silo.dll run "$@" &
silo=$!
stopping=0
trap 'stopping=1; kill -TERM "$silo" 2>/dev/null || true' TERM INT
status=0
wait "$silo" || status=$?
# A TERM or INT interrupts the wait (status 128 + the signal), not the silo: its own exit code (0 after a clean stop)
# is what this script exits with.
if [ "$stopping" = 1 ]; then status=0; wait "$silo" || status=$?; fi
exit "$status"
