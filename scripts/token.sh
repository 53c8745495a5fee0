#!/usr/bin/env bash
# Mints a development bearer token, signed with the Development key (never valid elsewhere):
#   bash scripts/token.sh --sub jane --role ops [--role primary-holder:acme-1 ...] [--ttl 8h]
# It runs the silo that scripts/run.sh builds, building it first only when it is not there yet.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
silo="$repo/silo/Host/bin/Release/net10.0/subscriptions-silo.dll"
if [ ! -f "$silo" ]; then
  command -v dotnet >/dev/null || { echo "token: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$repo/silo/Host" -c Release -nologo -v quiet >&2
fi
ASPNETCORE_ENVIRONMENT=Development exec dotnet "$silo" token "$@"
