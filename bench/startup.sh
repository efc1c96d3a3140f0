#!/usr/bin/env bash
# TokenLedger start-up and footprint: time from process start to ready, resident memory idle and under load, for the
# JVM fast-jar and, when one was built (./mvnw package -Dnative), the native executable.
# Targets: JVM ready in under 1.5 s; native ready in under 50 ms with under 64 MB resident idle.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-5}"
LOAD_SECONDS="${LOAD_SECONDS:-10}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC}"
PG="${BENCH_PG_HOST:-127.0.0.1}:${BENCH_PG_PORT:-5432}"
DB="${BENCH_DB:-tokenledger_bench}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -qtc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
  psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }

# measure NAME COMMAND...: prints "NAME ready_ms_median rss_idle_mb rss_load_mb"
measure() {
  local name="$1"; shift
  local times=() port pid start ready rss_idle rss_load
  for run in $(seq "$RUNS"); do
    port="$(free_port)"
    start="$(now_ms)"
    env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" QUARKUS_LOG_LEVEL=WARN TOKENLEDGER_MASTER_KEY=startup \
      OPENAI_BASE_URL="http://127.0.0.1:9/v1" TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool" \
      QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PG/$DB" QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PG/$DB" \
      QUARKUS_DATASOURCE_USERNAME=postgres "$@" >"$WORK/$name-$run.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    until curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
      kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name-$run.log"; exit 2; }
      sleep 0.005
    done
    ready="$(now_ms)"
    times+=($((ready - start)))
    if [[ "$run" == "$RUNS" ]]; then
      sleep 2
      rss_idle="$(rss_mb "$pid")"
      wrk -t2 -c32 -d"${LOAD_SECONDS}s" -H "Authorization: Bearer startup" "http://127.0.0.1:$port/v1/models" >/dev/null
      rss_load="$(rss_mb "$pid")"
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  local median
  median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  printf '%-8s %10s %12s %12s   (ready ms of %s runs: %s)\n' "$name" "$median" "$rss_idle" "$rss_load" "$RUNS" "${times[*]}"
}

printf '%-8s %10s %12s %12s\n' target ready_ms rss_idle_mb rss_load_mb
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
measure jvm java $JAVA_OPTS -jar "$ROOT/target/quarkus-app/quarkus-run.jar"
runner="$(ls "$ROOT"/target/*-runner 2>/dev/null | head -1 || true)"
if [[ -n "$runner" && -x "$runner" ]]; then
  measure native "$runner"
else
  echo "native   (no native executable in target/: build one with ./mvnw package -Dnative, see README)"
fi
