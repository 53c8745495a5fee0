#!/usr/bin/env bash
# Measures the grains on Orleans and PostgreSQL and prints a Markdown report (docs/benchmarks-runtime.md):
# state-writing grain calls at 1, 8 and 64 callers next to pgbench -N at the same client counts, a renewal burst,
# one silo over a million registered reminders, and how long a killed or a frozen silo takes to be evicted.
#
#   scripts/bench-grains.sh [--seconds N] [--concurrency 1,8,64] [--renewals N] [--reminders N]
#
# SUBSCRIPTIONS_BENCH_PG  admin connection string of the server to use; when unset, a private durable PostgreSQL
#                         (fsync and synchronous_commit on) is started in a temporary directory and removed afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "bench: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# shellcheck source=scripts/bench-pg.sh
. "$repo/scripts/bench-pg.sh"

# pg-local.sh installs Debian's postgresql, which ships pgbench, when it finds no server binaries.
pgbench=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$d/pgbench" ] && { pgbench=$d/pgbench; break; }
done
[ -n "$pgbench" ] || pgbench=$(command -v pgbench || true)
[ -n "$pgbench" ] || { echo "bench: pgbench not found under /usr/lib/postgresql/*/bin or on PATH" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Grains.Bench -c Release -nologo -v quiet >&2
dotnet bench/Grains.Bench/bin/Release/net10.0/Subscriptions.Grains.Bench.dll --pgbench "$pgbench" "$@"
