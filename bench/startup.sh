#!/usr/bin/env bash
# TokenLedger start-up and footprint: time from process start to ready, CPU time spent until then, resident memory
# idle and under load. Rows (each when what it needs is there):
#   jvm           the fast-jar of the default build (target/quarkus-app) on $JAVA (the default java)
#   jvm-cds       the same with a class-data sharing archive trained on one full start (CDS=1)
#   jdk25         the same fast-jar on JDK 25 ($JAVA25), no archive: what the newer JVM alone gives
#   jdk25-aot     the AOT build (JAVA_HOME=<JDK 25> ./mvnw verify -Paot: target/quarkus-app-aot) on JDK 25 with the
#                 Leyden AOT cache its integration test trained; with -XX:AOTMode=on, so a cache the JVM cannot use
#                 fails the run instead of measuring a start without it
#   jdk25-aotjar  the AOT build on JDK 25 without its cache: a start where the cache cannot be used (only when named
#                 in ONLY)
#   native        the native executable, when one was built (./mvnw package -Dnative), started as Kubernetes runs it:
#                 without Flyway at start (QUARKUS_FLYWAY_MIGRATE_AT_START=false: neither Flyway nor the JDBC pool is
#                 set up; the schema is migrated by a separate step and readiness refuses an outdated one)
#   native-flyway the same executable with Flyway at every start, as a plain run does (only when named in ONLY, or
#                 with NATIVE_FLYWAY=1)
# Every row's first start (not measured) migrates the schema, so the measured starts find it current.
# In the last run, after the idle reading: LOAD_SECONDS of wrk on GET /v1/models (rss_load_mb), then GOVERNED
# chat completions with a virtual key that has rpm, tpm and a hard budget, answered by a fake upstream (nginx)
# (rss_gov_mb; GOVERNED=0: none).
# NATIVE_OPTS: run-time flags of the native rows (e.g. "-Xmn32m" or "-XX:MaxHeapSize=96m"; the executable's young
# generation is 16 MB unless -Xmn says otherwise).
# TIMELINE=1: each row's last start also logs its start-up timeline (coherence.StartupTimeline: wall, CPU and RSS at
# each step of the start), printed after the table.
# Targets: JVM ready in under 1.5 s; native ready in under 50 ms with under 64 MB resident idle and under 128 MB
# after 10,000 governed requests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-5}"
LOAD_SECONDS="${LOAD_SECONDS:-10}" # wrk load before the resident memory under load is read; 0: none
JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC}"
CDS="${CDS:-1}"
ONLY="${ONLY:-}" # space-separated rows to run, e.g. "jdk25 jdk25-aot"; empty: all that can run, but jdk25-aotjar
APP="${APP:-$ROOT/target/quarkus-app}"
AOT_APP="${AOT_APP:-$ROOT/target/quarkus-app-aot}"
JAVA="${JAVA:-java}"
# JDK 25 for the jdk25 rows: JAVA25 (a java executable), JAVA25_HOME, or the first one under /usr/lib/jvm
if [[ -z "${JAVA25:-}" && -n "${JAVA25_HOME:-}" ]]; then
  JAVA25="$JAVA25_HOME/bin/java"
fi
for candidate in /usr/lib/jvm/*-25-*/bin/java /usr/lib/jvm/*-25/bin/java; do
  [[ -z "${JAVA25:-}" && -x "$candidate" ]] && JAVA25="$candidate"
done
JAVA25="${JAVA25:-}"
PG="${BENCH_PG_HOST:-127.0.0.1}:${BENCH_PG_PORT:-5432}"
DB="${BENCH_DB:-tokenledger_bench}"
REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/0}"
GOVERNED="${GOVERNED:-10000}" # governed chat completions before rss_gov_mb; 0: none
NATIVE_OPTS="${NATIVE_OPTS:-}"
NATIVE_FLYWAY="${NATIVE_FLYWAY:-0}"
TIMELINE="${TIMELINE:-0}"
JAR="$APP/quarkus-run.jar"
AOT_JAR="$AOT_APP/quarkus-run.jar"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [[ "$GOVERNED" != 0 && ! -x "$NGINX" ]]; then
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -qtc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
  psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The fake upstream of the governed requests: nginx answering every chat completion with one fixed body
UPSTREAM="127.0.0.1:9" # nothing listens: no request reaches an upstream unless GOVERNED
if [[ "$GOVERNED" != 0 ]]; then
  UPSTREAM="127.0.0.1:$(free_port)"
  mkdir -p "$WORK/upstream"
  cat >"$WORK/upstream/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $WORK/upstream/nginx.pid;
error_log $WORK/upstream/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/upstream/body;
  proxy_temp_path $WORK/upstream/proxy;
  fastcgi_temp_path $WORK/upstream/fastcgi;
  uwsgi_temp_path $WORK/upstream/uwsgi;
  scgi_temp_path $WORK/upstream/scgi;
  server {
    listen $UPSTREAM;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '{"id":"chatcmpl-startup","object":"chat.completion","created":1732700000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}';
    }
  }
}
CONF
  "$NGINX" -p "$WORK/upstream" -c "$WORK/upstream/nginx.conf" -e "$WORK/upstream/error.log" >/dev/null 2>&1 &
  PIDS+=("$!")
fi

# governed_load PORT: GOVERNED chat completions with a fresh virtual key that has rpm, tpm and a hard budget (far
# above what the run reaches: every request pays authentication, admission, settlement and a ledger row)
governed_load() {
  local port="$1" org team created key id
  admin() { curl -sf -X "$1" -H "Authorization: Bearer startup" -H 'Content-Type: application/json' --data "$3" \
    "http://127.0.0.1:$port$2"; }
  field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
  org="$(admin POST /admin/v1/orgs "{\"name\":\"startup-$$-$RANDOM\"}" | field id)"
  team="$(admin POST /admin/v1/teams "{\"name\":\"startup\",\"orgId\":\"$org\"}" | field id)"
  created="$(admin POST /admin/v1/keys "{\"name\":\"startup\",\"teamId\":\"$team\"}")"
  key="$(field key <<<"$created")"
  id="$(field id <<<"$created")"
  [[ -n "$key" ]] || { echo "governed load: no virtual key created"; exit 2; }
  admin PUT "/admin/v1/limits/key/$id" '{"rpm":100000000,"tpm":1000000000000,
    "budget":{"amountUsd":"1000000","window":"month","hard":true}}' >/dev/null
  # curl in parallel rather than wrk: wrk keeps running for its whole duration even when every thread has stopped
  local url="http://127.0.0.1:$port/v1/chat/completions" body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'
  for _ in $(seq "$GOVERNED"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done >"$WORK/governed.curl"
  curl -s --no-progress-meter -Z --parallel-max 16 -K "$WORK/governed.curl" -X POST -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' --data "$body" -w '%{http_code}\n' >"$WORK/governed-codes.txt"
  local ok
  ok="$(grep -c '^200$' "$WORK/governed-codes.txt" || true)"
  [[ "$ok" == "$GOVERNED" ]] || echo "governed load: $ok of $GOVERNED requests answered 200"
}
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# CPU time (user + system) the process has used so far, in ms
cpu_ms() { awk -v tck="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / tck}' "/proc/$1/stat"; }
now_ms() { date +%s%3N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
wanted() { [[ -z "$ONLY" || " $ONLY " == *" $1 "* ]]; }
# the fast-jar, when a JVM row is to run (a native-only run must not repackage: that would replace the native build's
# target/quarkus-artifact.properties)
if [[ ! -f "$JAR" ]] && { wanted jvm || wanted jvm-cds || wanted jdk25; }; then
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
fi

# launch PORT LOG COMMAND...: starts a gateway in the background on PORT; its pid is in STARTED
launch() {
  local port="$1" log="$2"; shift 2
  env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" QUARKUS_LOG_LEVEL=WARN TOKENLEDGER_MASTER_KEY=startup \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="$(free_port)" TOKENLEDGER_KEYS_PEPPER=startup-pepper \
    OPENAI_BASE_URL="http://$UPSTREAM/v1" OPENAI_API_KEY=sk-startup TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PG/$DB" QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PG/$DB" \
    QUARKUS_DATASOURCE_USERNAME=postgres TOKENLEDGER_REDIS_URL="$REDIS_URL" \
    QUARKUS_LOG_CATEGORY__DEV_TOKENLEDGER_STARTUP__LEVEL="$([[ "$TIMELINE" == 1 ]] && echo DEBUG || echo INFO)" \
    "$@" >"$log" 2>&1 &
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

# start_once NAME RUN: one start of row NAME; records its time and CPU to ready unless RUN is 0 (a start that is not
# measured: it migrates and seeds a new database and brings the row's files into the page cache); in the last run,
# reads the resident memory 2 s after ready and, with LOAD_SECONDS, after a wrk load
start_once() {
  local name="$1" run="$2" port pid start ready
  # the first start creates or migrates the schema, whatever the row does at its measured starts
  MIGRATE=false
  [[ "$run" == 0 ]] && MIGRATE=true
  command_of "$name"
  port="$(free_port)"
  start="$(now_ms)"
  launch "$port" "$WORK/$name-$run.log" "${CMD[@]}"
  pid=$STARTED
  await_ready "$port" "$pid" "$WORK/$name-$run.log"
  ready="$(now_ms)"
  if [[ "$run" != 0 ]]; then
    CPU[$name]+=" $(cpu_ms "$pid")"
    TIME[$name]+=" $((ready - start))"
  fi
  if [[ "$run" == "$RUNS" ]]; then
    sleep 2
    RSS_IDLE[$name]="$(rss_mb "$pid")"
    RSS_LOAD[$name]=-
    if [[ "$LOAD_SECONDS" != 0 ]]; then
      wrk -t2 -c32 -d"${LOAD_SECONDS}s" -H "Authorization: Bearer startup" "http://127.0.0.1:$port/v1/models" >/dev/null
      RSS_LOAD[$name]="$(rss_mb "$pid")"
    fi
    RSS_GOV[$name]=-
    if [[ "$GOVERNED" != 0 ]]; then
      governed_load "$port"
      RSS_GOV[$name]="$(rss_mb "$pid")"
    fi
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
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

# command_of NAME: the command line of row NAME, in CMD; a row of VARIANTS is its base row with its own JVM flags
command_of() {
  if [[ -n "${VARIANT_BASE[$1]:-}" ]]; then
    local JAVA_OPTS="${VARIANT_OPTS[$1]}" NATIVE_OPTS="${VARIANT_OPTS[$1]}"
    command_of "${VARIANT_BASE[$1]}"
    return
  fi
  # shellcheck disable=SC2206 # JAVA_OPTS is a list of flags
  case "$1" in
    jvm) CMD=("$JAVA" $JAVA_OPTS -jar "$JAR") ;;
    jvm-cds) CMD=("$JAVA" $JAVA_OPTS -XX:SharedArchiveFile="$WORK/app-cds.jsa" -jar "$JAR") ;;
    jdk25) CMD=("$JAVA25" $JAVA_OPTS -jar "$JAR") ;;
    jdk25-aot) CMD=("$JAVA25" $JAVA_OPTS -XX:AOTCache="$AOT_APP/app.aot" -XX:AOTMode=on -jar "$AOT_JAR") ;;
    jdk25-aotjar) CMD=("$JAVA25" $JAVA_OPTS -jar "$AOT_JAR") ;;
    native) CMD=(env QUARKUS_FLYWAY_MIGRATE_AT_START="${MIGRATE:-false}" "$RUNNER" $NATIVE_OPTS) ;;
    native-flyway) CMD=(env QUARKUS_FLYWAY_MIGRATE_AT_START=true "$RUNNER" $NATIVE_OPTS) ;;
  esac
}

ROWS=()
NOTES=()
wanted jvm && ROWS+=(jvm)
if [[ "$CDS" == 1 ]] && wanted jvm-cds; then
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  train_cds "$WORK/app-cds.jsa" "$JAVA" $JAVA_OPTS -XX:ArchiveClassesAtExit="$WORK/app-cds.jsa" -jar "$JAR"
  ROWS+=(jvm-cds)
fi
if [[ -z "$JAVA25" || ! -x "$JAVA25" ]]; then
  NOTES+=("jdk25      (no JDK 25 found: set JAVA25_HOME)")
else
  wanted jdk25 && ROWS+=(jdk25)
  if [[ ! -f "$AOT_APP/app.aot" ]]; then
    NOTES+=("jdk25-aot  (no $AOT_APP/app.aot: build it with JAVA_HOME=<JDK 25> ./mvnw verify -Paot, see docs/operations.md)")
  else
    wanted jdk25-aot && ROWS+=(jdk25-aot)
    [[ " $ONLY " == *" jdk25-aotjar "* ]] && ROWS+=(jdk25-aotjar)
  fi
fi
# VARIANTS="NAME=ROW:FLAGS;...": more rows, each the command of ROW with FLAGS instead of JAVA_OPTS (NATIVE_OPTS for
# a native row), e.g. VARIANTS="aot-serial=jdk25-aot:-XX:+UseSerialGC" or "native-xmn=native:-Xmn16m" to measure a
# flag against its base row in the same run
declare -A VARIANT_BASE VARIANT_OPTS
IFS=';' read -ra variants <<<"${VARIANTS:-}"
for variant in "${variants[@]}"; do
  name="$(echo "${variant%%=*}" | xargs)"
  [[ -n "$name" ]] || continue
  spec="${variant#*=}"
  VARIANT_BASE[$name]="${spec%%:*}"
  VARIANT_OPTS[$name]="${spec#*:}"
  ROWS+=("$name")
done
RUNNER="$(ls "$ROOT"/target/*-runner 2>/dev/null | head -1 || true)"
if [[ -n "$RUNNER" && -x "$RUNNER" ]]; then
  wanted native && ROWS+=(native)
  [[ "$NATIVE_FLYWAY" == 1 || " $ONLY " == *" native-flyway "* ]] && ROWS+=(native-flyway)
  echo "native executable: $RUNNER ($(du -m "$RUNNER" | cut -f1) MB, $(date -r "$RUNNER" +%FT%T))"
else
  NOTES+=("native     (no native executable in target/: build one with ./mvnw package -Dnative, see docs/operations.md)")
fi

# The rows take turns, one start each per run, so that load from elsewhere on the machine falls on all of them alike.
declare -A TIME CPU RSS_IDLE RSS_LOAD RSS_GOV
echo "load average before: $(load) ($(nproc) cores); JAVA_OPTS: $JAVA_OPTS; $APP ($(date -r "$JAR" +%FT%T 2>/dev/null || echo "not built"))"
[[ ! -f "$AOT_JAR" ]] || echo "AOT build: $AOT_APP ($(date -r "$AOT_JAR" +%FT%T))"
LOADS=()
for run in $(seq 0 "$RUNS"); do
  [[ "$run" == 0 ]] || LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  for row in "${ROWS[@]}"; do
    start_once "$row" "$run"
  done
done
printf '%-13s %9s %8s %12s %12s %11s\n' target ready_ms cpu_ms rss_idle_mb rss_load_mb rss_gov_mb
for row in "${ROWS[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated
  printf '%-13s %9s %8s %12s %12s %11s   (ready ms of %s runs:%s; CPU ms:%s)\n' "$row" "$(median ${TIME[$row]})" \
    "$(median ${CPU[$row]})" "${RSS_IDLE[$row]}" "${RSS_LOAD[$row]}" "${RSS_GOV[$row]}" "$RUNS" "${TIME[$row]}" \
    "${CPU[$row]}"
done
if [[ "$TIMELINE" == 1 ]]; then
  for row in "${ROWS[@]}"; do
    echo "start-up timeline of $row (last start):"
    grep -o 'start-up: .*' "$WORK/$row-$RUNS.log" | sed 's/^/  /' || true
  done
fi
for note in "${NOTES[@]:-}"; do [[ -n "$note" ]] && echo "$note"; done
echo "load average (1 min) at the start of each run: ${LOADS[*]}; after: $(load)"
