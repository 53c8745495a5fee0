#!/usr/bin/env bash
# Measures the grain runtime end to end and prints a Markdown report: state-writing turns next to pgbench -N on the
# same PostgreSQL (1, 8, 64 clients), and read-only calls on active grains (1 and 16 callers).
#
#   scripts/bench.sh [--ephemeral] [--seconds N] [--warmup N]
#
# SUBSCRIPTIONS_BENCH_PG  admin connection string of the server to measure; when unset, a private PostgreSQL is started
#                         in a temporary directory (durable: fsync and synchronous_commit on) and removed afterwards.
# --ephemeral             start that private server with the test settings instead (fsync, synchronous_commit and
#                         full_page_writes off). Ignored when SUBSCRIPTIONS_BENCH_PG is set; the report prints the
#                         settings it actually measured either way.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "bench: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

durability=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ephemeral) durability=--ephemeral; shift ;;
    --seconds|--warmup) [ $# -ge 2 ] || { echo "bench: $1 needs a value" >&2; exit 2; }; args+=("$1" "$2"); shift 2 ;;
    *) echo "usage: $0 [--ephemeral] [--seconds N] [--warmup N]" >&2; exit 2 ;;
  esac
done

if [ -z "${SUBSCRIPTIONS_BENCH_PG:-}" ]; then
  export PGLOCAL_DIR
  PGLOCAL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/subscriptions-bench-pg.XXXXXX")
  cleanup() { "$repo/scripts/pg-local.sh" stop || true; rm -rf "$PGLOCAL_DIR"; }
  trap cleanup EXIT
  SUBSCRIPTIONS_BENCH_PG=$("$repo/scripts/pg-local.sh" start $durability)
  export SUBSCRIPTIONS_BENCH_PG
  echo "bench: private PostgreSQL (${durability:-durable}) at $SUBSCRIPTIONS_BENCH_PG" >&2
elif [ -n "$durability" ]; then
  echo "bench: SUBSCRIPTIONS_BENCH_PG is set, so --ephemeral is ignored; measuring that server as configured" >&2
fi

# pg-local.sh installs Debian's postgresql, which ships pgbench, when it finds no server binaries.
pgbench=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$d/pgbench" ] && { pgbench=$d/pgbench; break; }
done
[ -n "$pgbench" ] || pgbench=$(command -v pgbench || true)
[ -n "$pgbench" ] || { echo "bench: pgbench not found under /usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql-contrib)" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Runtime.Bench -c Release -nologo -v quiet >&2
dotnet bench/Runtime.Bench/bin/Release/net10.0/Subscriptions.Runtime.Bench.dll --pgbench "$pgbench" ${args[@]+"${args[@]}"}
