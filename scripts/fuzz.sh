#!/usr/bin/env bash
# Runs the API fuzzer (fuzz/Fuzz, docs/fuzzing.md) against a silo process of its own, with a larger budget than the
# test's: builds the silo and the fuzzer, starts a private throw-away PostgreSQL, starts the silo on free ports with a
# fresh signing key, runs the fuzzer, stops everything. The silo's log (with the stack trace of every INTERNAL) is kept
# in .local/fuzz/. Exits with the fuzzer's code: 0 no findings, 1 findings.
#
#   scripts/fuzz.sh [--calls N] [--seconds N] [--seed N] [--concurrency N]     (defaults: 300000 calls or 1800 s)
#
# SUBSCRIPTIONS_FUZZ_DB  connection string of a database to use instead (its schema is migrated at start-up).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v dotnet >/dev/null || { echo "fuzz: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p=$1
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

silo=""
cleanup() {
  if [ -n "$silo" ] && kill -0 "$silo" 2>/dev/null; then
    kill -TERM "$silo" 2>/dev/null || true
    wait "$silo" 2>/dev/null || true
  fi
  if [ -n "${PGLOCAL_DIR:-}" ]; then
    "$repo/scripts/pg-local.sh" stop || true
    rm -rf "$PGLOCAL_DIR"
  fi
}
trap cleanup EXIT

if [ -z "${SUBSCRIPTIONS_FUZZ_DB:-}" ]; then
  export PGLOCAL_DIR
  PGLOCAL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/subscriptions-fuzz-pg.XXXXXX")
  server=$("$repo/scripts/pg-local.sh" start --ephemeral)
  "$repo/scripts/pg-local.sh" createdb fuzz
  SUBSCRIPTIONS_FUZZ_DB="${server/Database=postgres/Database=fuzz}"
  echo "fuzz: private PostgreSQL at $server"
fi

dotnet build silo/Host -c Release -nologo -v quiet
dotnet build fuzz/Fuzz -c Release -nologo -v quiet

key=$(head -c 32 /dev/urandom | base64)
grpc_port=$(free_port 5090)
silo_port=$(free_port 11200)
gateway_port=$(free_port 30100)
mkdir -p "$repo/.local/fuzz"
log="$repo/.local/fuzz/silo-$(date -u +%Y%m%dT%H%M%SZ).log"
dotnet silo/Host/bin/Release/net10.0/subscriptions-silo.dll run \
  "--ConnectionStrings:Subscriptions=$SUBSCRIPTIONS_FUZZ_DB" \
  --Grpc:Address=127.0.0.1 "--Grpc:Port=$grpc_port" \
  "--Cluster:SiloPort=$silo_port" "--Cluster:GatewayPort=$gateway_port" --Cluster:AdvertisedAddress=127.0.0.1 \
  --Auth:Issuer=subscriptions --Auth:Audience=subscriptions-api "--Auth:SigningKey=$key" \
  --Silo:StartupAttempts=5 --Logging:LogLevel:Grpc=Warning >"$log" 2>&1 &
silo=$!
echo "fuzz: silo on 127.0.0.1:$grpc_port (pid $silo), log in $log"

status=0
dotnet fuzz/Fuzz/bin/Release/net10.0/subscriptions-fuzz.dll \
  --address "http://127.0.0.1:$grpc_port" --signing-key "$key" --wait 120 \
  --calls 300000 --seconds 1800 "$@" || status=$?
if ! kill -0 "$silo" 2>/dev/null; then
  echo "fuzz: the silo exited during the run; see $log" >&2
  status=1
fi
echo "fuzz: silo log in $log"
exit "$status"
