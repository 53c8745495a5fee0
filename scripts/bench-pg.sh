# Sourced by the benchmark scripts: makes SUBSCRIPTIONS_BENCH_PG point at a server. When it is unset, starts a private
# durable PostgreSQL (fsync and synchronous_commit on) in a temporary directory and removes it when the script exits.
# Expects $repo to be the repository root.
if [ -z "${SUBSCRIPTIONS_BENCH_PG:-}" ]; then
  export PGLOCAL_DIR
  PGLOCAL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/subscriptions-bench-pg.XXXXXX")
  bench_pg_cleanup() { "$repo/scripts/pg-local.sh" stop || true; rm -rf "$PGLOCAL_DIR"; }
  trap bench_pg_cleanup EXIT
  SUBSCRIPTIONS_BENCH_PG=$("$repo/scripts/pg-local.sh" start)
  export SUBSCRIPTIONS_BENCH_PG
  echo "bench: private durable PostgreSQL at $SUBSCRIPTIONS_BENCH_PG" >&2
fi
