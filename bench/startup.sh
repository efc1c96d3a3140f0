#!/usr/bin/env bash
# TokenLedger start-up and footprint: time from process start to ready, CPU time spent until then, resident memory
# idle and under load, for the JVM fast-jar (without and with a class-data sharing archive trained on one full start)
# and, when one was built (./mvnw package -Dnative), the native executable.
# Targets: JVM ready in under 1.5 s; native ready in under 50 ms with under 64 MB resident idle.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-5}"
LOAD_SECONDS="${LOAD_SECONDS:-10}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC}"
CDS="${CDS:-1}"
PG="${BENCH_PG_HOST:-127.0.0.1}:${BENCH_PG_PORT:-5432}"
DB="${BENCH_DB:-tokenledger_bench}"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[[ -f "$JAR" ]] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -qtc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
  psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# CPU time (user + system) the process has used so far, in ms
cpu_ms() { awk -v tck="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / tck}' "/proc/$1/stat"; }
now_ms() { date +%s%3N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# launch PORT LOG COMMAND...: starts a gateway in the background on PORT; its pid is in STARTED
launch() {
  local port="$1" log="$2"; shift 2
  env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" QUARKUS_LOG_LEVEL=WARN TOKENLEDGER_MASTER_KEY=startup \
    OPENAI_BASE_URL="http://127.0.0.1:9/v1" TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PG/$DB" QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PG/$DB" \
    QUARKUS_DATASOURCE_USERNAME=postgres "$@" >"$log" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
}

# await_ready PORT PID LOG: polls /q/health/ready until it answers 200; stops the script if the process died
await_ready() {
  until curl -sf -o /dev/null "http://127.0.0.1:$1/q/health/ready"; do
    kill -0 "$2" 2>/dev/null || { cat "$3"; exit 2; }
    sleep 0.005
  done
}

# measure NAME COMMAND...: prints "NAME ready_ms_median cpu_ms_median rss_idle_mb rss_load_mb"
measure() {
  local name="$1"; shift
  local times=() cpus=() port pid start ready rss_idle rss_load
  for run in $(seq "$RUNS"); do
    port="$(free_port)"
    start="$(now_ms)"
    launch "$port" "$WORK/$name-$run.log" "$@"
    pid=$STARTED
    await_ready "$port" "$pid" "$WORK/$name-$run.log"
    ready="$(now_ms)"
    cpus+=("$(cpu_ms "$pid")")
    times+=($((ready - start)))
    if [[ "$run" == "$RUNS" ]]; then
      sleep 2
      rss_idle="$(rss_mb "$pid")"
      wrk -t2 -c32 -d"${LOAD_SECONDS}s" -H "Authorization: Bearer startup" "http://127.0.0.1:$port/v1/models" >/dev/null
      rss_load="$(rss_mb "$pid")"
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  printf '%-8s %10s %8s %12s %12s   (ready ms of %s runs: %s; CPU ms: %s)\n' "$name" "$(median "${times[@]}")" \
    "$(median "${cpus[@]}")" "$rss_idle" "$rss_load" "$RUNS" "${times[*]}" "${cpus[*]}"
}

# train_cds ARCHIVE COMMAND...: one full start that writes a class-data sharing archive of every class loaded
# until it is stopped: start-up, the readiness check and one API request
train_cds() {
  local archive="$1"; shift
  local port pid
  port="$(free_port)"
  launch "$port" "$WORK/cds-training.log" "$@"
  pid=$STARTED
  await_ready "$port" "$pid" "$WORK/cds-training.log"
  curl -sf -o /dev/null -H "Authorization: Bearer startup" "http://127.0.0.1:$port/v1/models"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [[ -s "$archive" ]] || { echo "no class-data sharing archive was written:"; cat "$WORK/cds-training.log"; exit 2; }
}

printf '%-8s %10s %8s %12s %12s\n' target ready_ms cpu_ms rss_idle_mb rss_load_mb
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
measure jvm java $JAVA_OPTS -jar "$JAR"
if [[ "$CDS" == 1 ]]; then
  # shellcheck disable=SC2086
  train_cds "$WORK/app-cds.jsa" java $JAVA_OPTS -XX:ArchiveClassesAtExit="$WORK/app-cds.jsa" -jar "$JAR"
  # shellcheck disable=SC2086
  measure jvm-cds java $JAVA_OPTS -XX:SharedArchiveFile="$WORK/app-cds.jsa" -jar "$JAR"
fi
runner="$(ls "$ROOT"/target/*-runner 2>/dev/null | head -1 || true)"
if [[ -n "$runner" && -x "$runner" ]]; then
  measure native "$runner"
else
  echo "native   (no native executable in target/: build one with ./mvnw package -Dnative, see README)"
fi
