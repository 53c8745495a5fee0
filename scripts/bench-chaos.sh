#!/usr/bin/env bash
# The renewal burst under faults (docs/benchmarks-runtime.md, "Chaos"): two silo processes, every subscription due at
# once with autopay, one silo killed (SIGKILL) and PostgreSQL stopped and started again mid-burst; prints the times and
# whether every invariant held (every subscription renewed once, every invoice charged once, invoice numbers without
# gaps, the outbox drained). Exits 1 when one did not.
#
#   scripts/bench-chaos.sh [--subscriptions 20000] [--clocks 0] [--outage 5]
#
# Always on a private durable PostgreSQL in a temporary directory (it is stopped mid-burst), removed afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "bench-chaos: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
unset SUBSCRIPTIONS_BENCH_PG
# shellcheck source=scripts/bench-pg.sh
. "$repo/scripts/bench-pg.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SUBSCRIPTIONS_REPO="$repo"
dotnet build bench/Chaos -c Release -nologo -v quiet >&2
dotnet bench/Chaos/bin/Release/net10.0/subscriptions-chaos.dll "$@"
