#!/usr/bin/env bash
# Console page timings on a 1,000,000-row ledger, in a database of its own (default tl_console_bench; dropped and made
# again with --fresh). Seeding takes one SQL statement (generate_series) and is kept between runs.
#   bench/console-pages.sh [--fresh]      → target/console-page-timings.md
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${TOKENLEDGER_BENCH_DB:-tl_console_bench}"
PG="-h 127.0.0.1 -U postgres"
if [[ "${1:-}" == "--fresh" ]]; then
  dropdb $PG --if-exists "$DB"
  dropdb $PG --if-exists "${DB}_durable"
fi
psql $PG -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || createdb $PG "$DB"
psql $PG -tAc "SELECT 1 FROM pg_database WHERE datname = '${DB}_durable'" | grep -q 1 || createdb $PG "${DB}_durable"
export TOKENLEDGER_TEST_DB="$DB" QUARKUS_HTTP_TEST_PORT=0
export TOKENLEDGER_TEST_REDIS_DB="${TOKENLEDGER_TEST_REDIS_DB:-6}"
./mvnw -o -B test -Dtest=ConsolePageTimingsBench -Dbench.console=true -Dsurefire.failIfNoSpecifiedTests=false \
  | grep -E '^\[bench\]|^\||^Ledger|Tests run:|FAIL' || true
cat target/console-page-timings.md
