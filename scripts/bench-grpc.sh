#!/usr/bin/env bash
# Measures the gRPC API in process and prints a Markdown report: calls per second and p50/p99 latency at 1, 16 and 64
# concurrent streams for GetSubscription (an active grain) and AddSeats (a new request id each call), next to an
# endpoint on the same server, behind the same interceptors, that answers a response of the same size from memory.
#
#   scripts/bench-grpc.sh [--seconds N] [--warmup N] [--concurrency 1,16,64]
#
# SUBSCRIPTIONS_BENCH_PG  admin connection string of the server to use; when unset, a private durable PostgreSQL
#                         (fsync and synchronous_commit on) is started in a temporary directory and removed afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "bench: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# shellcheck source=scripts/bench-pg.sh
. "$repo/scripts/bench-pg.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Grpc.Bench -c Release -nologo -v quiet >&2
dotnet bench/Grpc.Bench/bin/Release/net10.0/Subscriptions.Grpc.Bench.dll "$@"
