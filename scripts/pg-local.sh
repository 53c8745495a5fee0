#!/usr/bin/env bash
# A private PostgreSQL for development, tests and CI: its own data directory, a free port,
# stopped on demand. Installs Debian's postgresql package when no server binaries are found.
#
#   scripts/pg-local.sh start [--ephemeral]   start (or reuse) the server; prints the connection string
#   scripts/pg-local.sh stop                  stop it
#   scripts/pg-local.sh status                print the connection string if running
#   scripts/pg-local.sh createdb NAME         create database NAME on the running server unless it exists
#   scripts/pg-local.sh dropdb NAME           drop database NAME on the running server (stop the service first)
#
# PGLOCAL_DIR   where the data directory and state live (default: <repo>/.local/pg; as root, a folder under
#               /var/tmp named after the repository, because the server runs as the 'postgres' user, who may
#               not be able to reach a repository under a private home directory)
# PGLOCAL_PORT  the port to use (default: the first free one from 55432)
# --ephemeral   durability off (fsync, synchronous_commit): for throw-away test databases only.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${PGLOCAL_DIR:-}" ]; then
  base=$PGLOCAL_DIR
elif [ "$(id -u)" -eq 0 ]; then
  base=/var/tmp/subscriptions-pg-$(printf '%s' "$repo" | sha1sum | cut -c1-12)
else
  base=$repo/.local/pg
fi
data=$base/data
portfile=$base/port
log=$base/server.log

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_installed() {
  if ! find_bindir >/dev/null; then
    echo "pg-local: PostgreSQL server not found; installing Debian's postgresql package" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "pg-local: need root to install postgresql (apt-get)" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql postgresql-contrib >&2
  fi
  bindir=$(find_bindir)
}

# PostgreSQL refuses to run as root: run its binaries as the 'postgres' system user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p=${PGLOCAL_PORT:-55432}
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

conn_string() { echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=postgres"; }

running() {
  [ -f "$portfile" ] && [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  local ephemeral=${1:-}
  ensure_installed
  mkdir -p "$base"
  if [ "$(id -u)" -eq 0 ]; then as_owner true; chown postgres "$base"; fi
  if running; then conn_string "$(cat "$portfile")"; return 0; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
      || { cat "$base/initdb.log" >&2; exit 1; }
  fi
  local port opts
  port=$(free_port)
  # The socket goes to /tmp: a socket path under a deep data directory can pass the 107-byte limit.
  opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c max_connections=400 -c shared_buffers=256MB"
  if [ "$ephemeral" = "--ephemeral" ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -o "$opts" -w -t 60 start >/dev/null \
    || { echo "pg-local: PostgreSQL failed to start; last lines of $log:" >&2; tail -20 "$log" >&2; exit 1; }
  echo "$port" >"$portfile"
  conn_string "$port"
}

stop() {
  bindir=$(find_bindir) || return 0
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -f "$portfile"
}

createdb() {
  local name=$1 port
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "pg-local: database name \"$name\" must match [a-z_][a-z0-9_]*" >&2; exit 2; }
  ensure_installed
  running || { echo "pg-local: not running" >&2; exit 1; }
  port=$(cat "$portfile")
  if [ -z "$("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE $name"
  fi
}

dropdb() {
  local name=$1 port
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "pg-local: database name \"$name\" must match [a-z_][a-z0-9_]*" >&2; exit 2; }
  ensure_installed
  running || { echo "pg-local: not running" >&2; exit 1; }
  port=$(cat "$portfile")
  "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $name"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  createdb) createdb "${2:?usage: $0 createdb NAME}" ;;
  dropdb) dropdb "${2:?usage: $0 dropdb NAME}" ;;
  stop) stop ;;
  status) ensure_installed; if running; then conn_string "$(cat "$portfile")"; else echo "pg-local: not running" >&2; exit 1; fi ;;
  *) echo "usage: $0 start [--ephemeral] | stop | status | createdb NAME | dropdb NAME" >&2; exit 2 ;;
esac
