#!/usr/bin/env bash
# Sets up and runs the service. Without a configured database (ConnectionStrings__Subscriptions), it starts a
# private PostgreSQL in .local/pg (installed from Debian's packages if missing; data kept between runs) and stops it
# on exit. gRPC listens on 127.0.0.1:5080 (Grpc__Port to change) in the Development environment.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "run: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

if [ -z "${ConnectionStrings__Subscriptions:-}" ]; then
  conn=$("$repo/scripts/pg-local.sh" start)
  trap '"$repo/scripts/pg-local.sh" stop' EXIT
  export ConnectionStrings__Subscriptions="$conn"
  echo "run: using the local PostgreSQL at $conn"
fi

export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build silo/Host -c Release -nologo -v quiet
cd silo/Host
dotnet bin/Release/net10.0/subscriptions-silo.dll run "$@"
