#!/usr/bin/env bash
# Runs subs, the billing-ops command line (ops-cli/), from the repository, building it first when it is not built:
#   export SUBS_TOKEN=$(bash scripts/subs.sh token --sub me --role ops)    # development; otherwise a real ops token
#   bash scripts/subs.sh --help
#   bash scripts/subs.sh inspect account/acme-1
# SUBS_ADDRESS (default http://127.0.0.1:5080) or --address says where the service is.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="$repo/ops-cli/bin/Release/net10.0/subs.dll"
if [ ! -f "$cli" ]; then
  command -v dotnet >/dev/null || { echo "subs: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$repo/ops-cli" -c Release -nologo -v quiet >&2
fi
# subs token signs with the repository's Development key (never valid in production).
export SUBS_DEV_SETTINGS=${SUBS_DEV_SETTINGS:-$repo/silo/Host/appsettings.Development.json}
exec dotnet "$cli" "$@"
