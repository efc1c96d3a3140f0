#!/usr/bin/env bash
# TokenLedger benchmark: a fake OpenAI upstream (nginx), measured directly,
# through a plain nginx reverse proxy (the floor) and through the gateway.
# See bench/README.md. All traffic stays on 127.0.0.1.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"

# ---- knobs (environment) ---------------------------------------------------
DURATION="${DURATION:-10}"               # seconds per measured run
WARMUP="${WARMUP:-3}"                    # warm-up seconds for direct and nginx
GATEWAY_WARMUP="${GATEWAY_WARMUP:-30}"   # warm-up seconds for the gateway (JIT: C2 still compiles 30-60 s in)
WRK_TIMEOUT="${WRK_TIMEOUT:-5}"          # wrk per-request timeout, seconds
SKIP_GATEWAY="${SKIP_GATEWAY:-0}"        # 1: measure direct and nginx only
REBUILD="${REBUILD:-0}"                  # 1: rebuild the gateway even if the jar exists
GATEWAY_JAR="${GATEWAY_JAR:-$REPO_ROOT/target/quarkus-app/quarkus-run.jar}"
# NATIVE=1: also measure the native executable (gateway-native, governed-native) in the same run; default: when one
# was built (./mvnw package -Dnative)
NATIVE_RUNNER="${NATIVE_RUNNER:-$REPO_ROOT/target/*-runner}"
# a pattern or a path relative to the repository (NATIVE_RUNNER='target/*-runner'): its first match
[[ "$NATIVE_RUNNER" == /* ]] || NATIVE_RUNNER="$REPO_ROOT/$NATIVE_RUNNER"
NATIVE_RUNNER="$(compgen -G "$NATIVE_RUNNER" | head -1 || true)"
NATIVE="${NATIVE:-$([[ -n "$NATIVE_RUNNER" && -x "$NATIVE_RUNNER" ]] && echo 1 || echo 0)}"
NATIVE_OPTS="${NATIVE_OPTS:-}"           # run-time flags of the native executable, e.g. -Xmn64m
# BASELINE_APP: the target/quarkus-app directory of another build (e.g. main before a change), measured in the same
# run as gateway-baseline and governed-baseline on a database of its own; empty: no baseline
BASELINE_APP="${BASELINE_APP:-}"
# the JVM flags of the production image (Dockerfile.jvm runs with -XX:+UseParallelGC)
JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC}"
READY_TIMEOUT="${READY_TIMEOUT:-60}"     # seconds to wait for /q/health/ready
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
KEEP_TMP="${KEEP_TMP:-0}"                # 1: keep the temp dir (configs, logs)
STATUS_DETAIL="${STATUS_DETAIL:-0}"      # 1: wrk counts non-200 statuses (slower; diagnosis)
HOLD="${HOLD:-0}"                        # 1: set up, write the ports and key to HOLD_FILE, wait (profiling); no measurement
HOLD_FILE="${HOLD_FILE:-/tmp/tokenledger-bench.env}"
DEFAULT_BODY='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'
BENCH_BODY="${BENCH_BODY:-$DEFAULT_BODY}" # request body (same for curl check and wrk)
export BENCH_BODY BENCH_STATUS_DETAIL="$STATUS_DETAIL" # read by chat.lua
TARGET_RPS_RATIO="${TARGET_RPS_RATIO:-0.30}"      # gateway/nginx req/s at c=32, minimum
TARGET_ADDED_P50_MS="${TARGET_ADDED_P50_MS:-0.5}" # gateway p50 - direct p50 at c=1, maximum
GOVERNED="${GOVERNED:-1}"                # 1: also measure the governed mode (virtual key, limits, budget hold)
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/${BENCH_REDIS_DB:-15}}" # limits and holds of both gateways
TARGET_GOV_RPS_RATIO="${TARGET_GOV_RPS_RATIO:-0.25}"    # governed/nginx req/s at c=32, minimum
TARGET_GOV_ADDED_P99_MS="${TARGET_GOV_ADDED_P99_MS:-1.0}" # governed p99 - direct p99 at c=1, maximum
TARGET_REDIS_CALLS="${TARGET_REDIS_CALLS:-0.05}"       # Redis commands per governed request, maximum (reported)
# REPLICAS=1 (with GOVERNED=1): a second governed replica on the same PostgreSQL and Redis, and an nginx ingress in
# front of both, measured as governed-2x with the same virtual key (limits shared across the replicas)
REPLICAS="${REPLICAS:-$GOVERNED}"
# STREAMS=1: a streaming run after the others: STREAM_CONC streams open at once until STREAM_TOTAL have run, through
# the nginx proxy (the floor) and through a governed gateway, every stream checked frame by frame (bench/streams.mjs)
STREAMS="${STREAMS:-1}"
STREAM_CONC="${STREAM_CONC:-1000}"
STREAM_TOTAL="${STREAM_TOTAL:-10000}"
GOVERNED_LEASES="${GOVERNED_LEASES:-1}"  # 1: the governed gateways admit from capacity leases (0: every request in Redis)
COUNT_SECONDS="${COUNT_SECONDS:-5}"      # seconds of the Redis counting pass of each governed target at c=32 (0: none)
# FLOOR=1: vertx-floor, a bare reverse proxy on the gateway's own Vert.x and Netty (bench/VertxFloor.java, the jars of
# the build), measured like nginx: what any gateway on this stack pays per request before its own work
FLOOR="${FLOOR:-1}"

MASTER_KEY="bench-master-key"
UPSTREAM_KEY="sk-bench"
WRK_SCRIPT="$BENCH_DIR/chat.lua"
CHAT_PATH="/v1/chat/completions"
# Concurrency levels and the wrk thread count used for each.
CONCS=(1 32)
declare -A THREADS_FOR=([1]=1 [32]=2)

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 2; }

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
DURATION="${DURATION%s}"; WARMUP="${WARMUP%s}"; GATEWAY_WARMUP="${GATEWAY_WARMUP%s}"; WRK_TIMEOUT="${WRK_TIMEOUT%s}"
for v in DURATION WARMUP GATEWAY_WARMUP WRK_TIMEOUT READY_TIMEOUT; do
  is_uint "${!v}" || die "$v must be a whole number of seconds (got '${!v}')"
done
((DURATION > 0)) || die "DURATION must be > 0"

# ---- tools -----------------------------------------------------------------
apt_install() {
  local -a sudo=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to install: $*"
    sudo=(sudo)
  fi
  log "installing $* (apt-get)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}

find_nginx() { command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }

missing=()
[[ -n "$(find_nginx)" ]] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if [[ "$SKIP_GATEWAY" != 1 ]] && ! command -v java >/dev/null; then missing+=(openjdk-17-jdk-headless); fi
if [[ "$STREAMS" == 1 ]] && ! command -v node >/dev/null; then missing+=(nodejs); fi
((${#missing[@]} == 0)) || apt_install "${missing[@]}"
NGINX="$(find_nginx)"
[[ -n "$NGINX" ]] || die "nginx not found after install"

# ---- gateway build ---------------------------------------------------------
if [[ "$SKIP_GATEWAY" != 1 ]]; then
  if [[ "$REBUILD" == 1 || ! -f "$GATEWAY_JAR" ]]; then
    log "building the gateway (./mvnw -B -q package -DskipTests)"
    (cd "$REPO_ROOT" && ./mvnw -B -q package -DskipTests) || die "gateway build failed"
  fi
  [[ -f "$GATEWAY_JAR" ]] || die "gateway jar not found: $GATEWAY_JAR"
  if [[ "$NATIVE" == 1 ]]; then
    [[ -x "$NATIVE_RUNNER" ]] || die "native executable not found: '$NATIVE_RUNNER' (./mvnw package -Dnative)"
  fi
  if [[ -n "$BASELINE_APP" ]]; then
    [[ -f "$BASELINE_APP/quarkus-run.jar" ]] || die "baseline build not found: '$BASELINE_APP/quarkus-run.jar'"
  fi
fi

# ---- temp dir, process tracking, cleanup -----------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tokenledger-bench.XXXXXX")"
chmod 755 "$WORK" # nginx workers may run as another user when started by root
PIDS=()

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$? pid i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid="${PIDS[i]}"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$KEEP_TMP" == 1 ]]; then log "kept temp dir $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- ports -----------------------------------------------------------------
USED_PORTS=" "
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port VAR: store a currently unused loopback port in VAR.
free_port() {
  local p _
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    [[ "$USED_PORTS" == *" $p "* ]] && continue
    port_in_use "$p" && continue
    USED_PORTS+="$p "
    printf -v "$1" '%s' "$p"
    return 0
  done
  die "no free loopback port found"
}

# wait_http URL PID TIMEOUT_S LOGFILE: wait until URL answers 200.
wait_http() {
  local url="$1" pid="$2" timeout="$3" logfile="$4" code deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "process for $url exited before it was ready (log above)"
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    [[ "$code" == 200 ]] && return 0
    sleep 0.2
  done
  tail -n 40 "$logfile" >&2 || true
  die "$url not ready after ${timeout}s (last status: ${code:-none}; log above)"
}

# ---- fake OpenAI upstream (nginx) ------------------------------------------
CHAT_JSON='{"id":"chatcmpl-bench0000000000000000000001","object":"chat.completion","created":1732700000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_bench"}'
chunk() { # chunk DELTA FINISH [USAGE] -> one SSE event of a chat.completion.chunk
  printf 'data: {"id":"chatcmpl-bench0000000000000000000001","object":"chat.completion.chunk","created":1732700000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench","choices":[%s],"usage":%s}\\n\\n' "$1" "${2:-null}"
}
SSE_BODY="$(chunk '{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}')"
SSE_BODY+="$(chunk '{"index":0,"delta":{"content":"Hello!"},"logprobs":null,"finish_reason":null}')"
SSE_BODY+="$(chunk '{"index":0,"delta":{"content":" How can I help you today?"},"logprobs":null,"finish_reason":null}')"
SSE_BODY+="$(chunk '{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}')"
SSE_BODY+="$(chunk '' '{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}')"
SSE_BODY+='data: [DONE]\n\n'

# Common nginx main/http preamble; $1 = instance dir.
nginx_preamble() {
  cat <<EOF
daemon off;
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    server_tokens off;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
EOF
}

# start_nginx NAME: run $WORK/NAME/nginx.conf as a non-daemon nginx in the background.
start_nginx() {
  local name="$1" dir="$WORK/$1"
  "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/configtest.log" \
    || { cat "$dir/configtest.log" >&2; die "nginx config for $name is invalid"; }
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
}

# start_nginx_proxy NAME PORT DIRECTIVES SERVER...: an nginx reverse proxy NAME on 127.0.0.1:PORT passing everything
# but /health to the servers SERVER... (host:port) over keep-alive connections, with the extra DIRECTIVES (may be
# empty) in its location; returns once its /health answers, with its pid in LAST_PID.
start_nginx_proxy() {
  local name="$1" port="$2" directives="$3" server servers=""
  shift 3
  for server in "$@"; do
    servers+="        server $server;"$'\n'
  done
  mkdir -p "$WORK/$name"
  {
    nginx_preamble "$WORK/$name"
    cat <<EOF
    upstream $name {
${servers}        keepalive 64;
        keepalive_requests 10000000;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        location = /health { default_type text/plain; return 200 'ok'; }
        location / {
            proxy_pass http://$name;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            $directives
        }
    }
}
EOF
  } >"$WORK/$name/nginx.conf"
  start_nginx "$name"
  wait_http "http://127.0.0.1:$port/health" "$LAST_PID" 10 "$WORK/$name/error.log"
}

free_port UPSTREAM_PORT
mkdir -p "$WORK/upstream"
{
  nginx_preamble "$WORK/upstream"
  cat <<EOF
    server {
        listen 127.0.0.1:$UPSTREAM_PORT backlog=4096;
        location = /health { default_type text/plain; return 200 'ok'; }
        location = /v1/chat/completions {
            default_type application/json;
            return 200 '$CHAT_JSON';
        }
        # Streaming variant: point OPENAI_BASE_URL at http://127.0.0.1:PORT/sse/v1
        location = /sse/v1/chat/completions {
            default_type text/event-stream;
            add_header Cache-Control no-cache;
            return 200 '$SSE_BODY';
        }
        location / {
            default_type application/json;
            return 404 '{"error":{"message":"unknown path (fake upstream)","type":"invalid_request_error","code":"not_found"}}';
        }
    }
}
EOF
} >"$WORK/upstream/nginx.conf"
start_nginx upstream
UPSTREAM_PID=$LAST_PID
wait_http "http://127.0.0.1:$UPSTREAM_PORT/health" "$LAST_PID" 10 "$WORK/upstream/error.log"
log "fake upstream on 127.0.0.1:$UPSTREAM_PORT"

# ---- nginx reverse proxy (the floor) ----------------------------------------
free_port PROXY_PORT
start_nginx_proxy proxy "$PROXY_PORT" "" "127.0.0.1:$UPSTREAM_PORT"
PROXY_PID=$LAST_PID
log "nginx proxy on 127.0.0.1:$PROXY_PORT"

# ---- gateway ---------------------------------------------------------------
# start_gateway NAME PORT [ENV=VALUE...]: run a snapshot of the built gateway
# (copied so a concurrent rebuild cannot disturb the run) with env-only config;
# a NAME ending in -native runs the native executable instead of the jar.
declare -A GW_PID
start_gateway() {
  local name="$1" port="$2" dir="$WORK/$1"
  shift 2
  mkdir -p "$dir"
  local -a command
  if [[ "$name" == *-baseline ]]; then
    [[ -d "$WORK/baseline-app" ]] || cp -r "$BASELINE_APP" "$WORK/baseline-app"
    # shellcheck disable=SC2206 # JAVA_OPTS is a list of JVM flags
    command=(java $JAVA_OPTS -jar "$WORK/baseline-app/quarkus-run.jar")
  elif [[ "$name" == *-native ]]; then
    # not $WORK/gateway-native: that is the directory of the gateway-native target
    [[ -f "$WORK/native-runner" ]] || cp "$NATIVE_RUNNER" "$WORK/native-runner"
    # shellcheck disable=SC2206 # NATIVE_OPTS is a list of flags
    command=("$WORK/native-runner" $NATIVE_OPTS)
  else
    [[ -d "$WORK/gateway-app" ]] || cp -r "$(dirname "$GATEWAY_JAR")" "$WORK/gateway-app"
    # shellcheck disable=SC2206 # JAVA_OPTS is a list of JVM flags
    command=(java $JAVA_OPTS -jar "$WORK/gateway-app/$(basename "$GATEWAY_JAR")")
  fi
  # metrics live on the management interface (default port 9000): each gateway gets a free one of its own
  local mgmt_port
  free_port mgmt_port
  (cd "$dir" && exec env \
    QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT="$port" \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
    QUARKUS_MANAGEMENT_PORT="$mgmt_port" \
    TOKENLEDGER_KEYS_PEPPER=bench-key-pepper \
    QUARKUS_LOG_LEVEL=WARN \
    TOKENLEDGER_MASTER_KEY="$MASTER_KEY" \
    OPENAI_API_KEY="$UPSTREAM_KEY" \
    OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/v1" \
    "$@" \
    "${command[@]}" >"$dir/gateway.log" 2>&1) &
  PIDS+=($!)
  GW_PID[$name]=$!
  wait_http "http://127.0.0.1:$port/q/health/ready" "$!" "$READY_TIMEOUT" "$dir/gateway.log"
  log "$name on 127.0.0.1:$port"
}

# The gateway writes every request to its ledger: give it a database of its own (created on first use; PostgreSQL
# at BENCH_PG_HOST:BENCH_PG_PORT, trust or password from PGPASSWORD) and empty it before each run.
BENCH_PG_HOST="${BENCH_PG_HOST:-127.0.0.1}"
BENCH_PG_PORT="${BENCH_PG_PORT:-5432}"
BENCH_DB="${BENCH_DB:-tokenledger_bench}"
if [[ "$SKIP_GATEWAY" != 1 ]]; then
  psql -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d postgres -qtc \
    "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1 ||
    psql -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE $BENCH_DB" >/dev/null
  psql -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d "$BENCH_DB" -qc \
    "DO \$\$ BEGIN IF to_regclass('usage_event') IS NOT NULL THEN TRUNCATE usage_event, usage_provisional; END IF; END \$\$" >/dev/null
  if [[ -n "$BASELINE_APP" ]]; then
    # the baseline's schema may be older than this build's: a database of its own, recreated each run
    psql -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${BENCH_DB}_baseline" >/dev/null
    psql -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE ${BENCH_DB}_baseline" >/dev/null
  fi
  # and its Redis database: earlier runs' counters and done markers would weigh on Redis (expiry, memory)
  if [[ "$GOVERNED" == 1 ]] && command -v redis-cli >/dev/null; then
    redis-cli -u "$BENCH_REDIS_URL" FLUSHDB >/dev/null || die "cannot empty the Redis database $BENCH_REDIS_URL"
  fi
fi
LEASES_ENV=(TOKENLEDGER_ADMISSION_LEASES_ENABLED="$([[ "$GOVERNED_LEASES" == 1 ]] && echo true || echo false)")
GATEWAY_DB_ENV=(QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$BENCH_PG_HOST:$BENCH_PG_PORT/$BENCH_DB"
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$BENCH_PG_HOST:$BENCH_PG_PORT/$BENCH_DB"
  QUARKUS_DATASOURCE_USERNAME=postgres TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool" QUARKUS_REDIS_HOSTS="$BENCH_REDIS_URL")

BASELINE_DB_ENV=(QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$BENCH_PG_HOST:$BENCH_PG_PORT/${BENCH_DB}_baseline"
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$BENCH_PG_HOST:$BENCH_PG_PORT/${BENCH_DB}_baseline"
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_REDIS_HOSTS="$BENCH_REDIS_URL")

if [[ "$SKIP_GATEWAY" != 1 ]]; then
  free_port GATEWAY_PORT
  start_gateway gateway "$GATEWAY_PORT" "${GATEWAY_DB_ENV[@]}"
  if [[ -n "$BASELINE_APP" ]]; then
    free_port GATEWAY_BASELINE_PORT
    start_gateway gateway-baseline "$GATEWAY_BASELINE_PORT" "${BASELINE_DB_ENV[@]}" \
      TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-baseline"
  fi
  if [[ "$NATIVE" == 1 ]]; then
    free_port GATEWAY_NATIVE_PORT
    start_gateway gateway-native "$GATEWAY_NATIVE_PORT" "${GATEWAY_DB_ENV[@]}" \
      TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-native"
  fi
  if [[ "$FLOOR" == 1 ]]; then
    free_port FLOOR_PORT
    mkdir -p "$WORK/vertx-floor"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM flags
    java $JAVA_OPTS -cp "$WORK/gateway-app/lib/main/*" "$BENCH_DIR/VertxFloor.java" "$FLOOR_PORT" 127.0.0.1 \
      "$UPSTREAM_PORT" >"$WORK/vertx-floor/floor.log" 2>&1 &
    PIDS+=($!)
    GW_PID[vertx-floor]=$!
    wait_http "http://127.0.0.1:$FLOOR_PORT/health" "$!" "$READY_TIMEOUT" "$WORK/vertx-floor/floor.log"
    log "vertx-floor on 127.0.0.1:$FLOOR_PORT"
  fi
fi

# ---- governed gateway: a virtual key with RPM, TPM and a hard budget --------
# Every request then costs one admission call to Redis (rate, tokens, budget hold), one settle call and a ledger
# row. The limits are far above what the run can reach: nothing is refused, everything is enforced.
governed_admin() { # PORT METHOD PATH JSON -> response body
  curl -sf --max-time 60 -X "$2" -H "Authorization: Bearer $MASTER_KEY" -H 'Content-Type: application/json' \
    --data "$4" "http://127.0.0.1:$1$3" || die "governed setup: $2 $3 failed"
}
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
# governed_key PORT: a new virtual key with limits through that gateway's admin API, in KEY_OUT
governed_key() {
  local port="$1" g_org g_team g_created g_key_id
  g_org="$(governed_admin "$port" POST /admin/v1/orgs "{\"name\":\"bench-$$-$RANDOM\"}" | json_field id)"
  g_team="$(governed_admin "$port" POST /admin/v1/teams "{\"name\":\"bench\",\"orgId\":\"$g_org\"}" | json_field id)"
  g_created="$(governed_admin "$port" POST /admin/v1/keys "{\"name\":\"bench\",\"teamId\":\"$g_team\"}")"
  KEY_OUT="$(json_field key <<<"$g_created")"
  g_key_id="$(json_field id <<<"$g_created")"
  governed_admin "$port" PUT "/admin/v1/limits/key/$g_key_id" '{"rpm":100000000,"tpm":1000000000000,
    "budget":{"amountUsd":"1000000","window":"month","hard":true}}' >/dev/null
  [[ -n "$KEY_OUT" ]] || die "governed setup: no virtual key"
  # the first governed request loads the limits' code paths and seeds the budget counter from the ledger
  curl -s -o /dev/null --max-time 60 -X POST -H "Authorization: Bearer $KEY_OUT" \
    -H 'Content-Type: application/json' --data "$BENCH_BODY" "http://127.0.0.1:$port$CHAT_PATH" || true
}
if [[ "$SKIP_GATEWAY" != 1 && "$GOVERNED" == 1 ]]; then
  free_port GOVERNED_PORT
  start_gateway governed "$GOVERNED_PORT" "${GATEWAY_DB_ENV[@]}" "${LEASES_ENV[@]}" \
    TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-governed"
  governed_key "$GOVERNED_PORT"
  GOVERNED_KEY="$KEY_OUT"
  log "governed: virtual key ${GOVERNED_KEY:0:12}... with rpm, tpm and a hard budget"
  if [[ -n "$BASELINE_APP" ]]; then
    free_port GOVERNED_BASELINE_PORT
    start_gateway governed-baseline "$GOVERNED_BASELINE_PORT" "${BASELINE_DB_ENV[@]}" "${LEASES_ENV[@]}" \
      TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-governed-baseline"
    governed_key "$GOVERNED_BASELINE_PORT"
    GOVERNED_BASELINE_KEY="$KEY_OUT"
  fi
  if [[ "$NATIVE" == 1 ]]; then
    free_port GOVERNED_NATIVE_PORT
    start_gateway governed-native "$GOVERNED_NATIVE_PORT" "${GATEWAY_DB_ENV[@]}" "${LEASES_ENV[@]}" \
      TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-governed-native"
    governed_key "$GOVERNED_NATIVE_PORT"
    GOVERNED_NATIVE_KEY="$KEY_OUT"
  fi
fi

# ---- a second governed replica behind an nginx ingress ----------------------
if [[ "$SKIP_GATEWAY" != 1 && "$GOVERNED" == 1 && "$REPLICAS" == 1 ]]; then
  free_port GOVERNED_B_PORT
  start_gateway governed-b "$GOVERNED_B_PORT" "${GATEWAY_DB_ENV[@]}" "${LEASES_ENV[@]}" \
    TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-governed-b"
  free_port INGRESS_PORT
  start_nginx_proxy ingress "$INGRESS_PORT" "proxy_buffering off;" "127.0.0.1:$GOVERNED_PORT" \
    "127.0.0.1:$GOVERNED_B_PORT"
  # the target's gateway CPU is both replicas'; the ingress's own CPU shows under "rest"
  GW_PID[governed-2x]="${GW_PID[governed]} ${GW_PID[governed-b]}"
  log "ingress on 127.0.0.1:$INGRESS_PORT in front of governed and governed-b"
fi

# ---- a governed gateway in front of the streaming upstream -------------------
if [[ "$SKIP_GATEWAY" != 1 && "$STREAMS" == 1 ]]; then
  free_port STREAMING_PORT
  start_gateway streaming "$STREAMING_PORT" "${GATEWAY_DB_ENV[@]}" "${LEASES_ENV[@]}" \
    TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool-streaming" \
    OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/sse/v1"
  if [[ "$GOVERNED" == 1 ]]; then STREAMING_AUTH="Bearer $GOVERNED_KEY"; else STREAMING_AUTH="Bearer $MASTER_KEY"; fi
fi

if [[ "$HOLD" == 1 ]]; then
  {
    echo "UPSTREAM_PORT=$UPSTREAM_PORT"; echo "PROXY_PORT=$PROXY_PORT"
    echo "GATEWAY_PORT=${GATEWAY_PORT:-}"; echo "GOVERNED_PORT=${GOVERNED_PORT:-}"; echo "FLOOR_PORT=${FLOOR_PORT:-}"
    echo "GATEWAY_NATIVE_PORT=${GATEWAY_NATIVE_PORT:-}"; echo "GOVERNED_NATIVE_PORT=${GOVERNED_NATIVE_PORT:-}"
    echo "GOVERNED_NATIVE_KEY=${GOVERNED_NATIVE_KEY:-}"
    echo "GATEWAY_BASELINE_PORT=${GATEWAY_BASELINE_PORT:-}"; echo "GOVERNED_BASELINE_PORT=${GOVERNED_BASELINE_PORT:-}"
    echo "GOVERNED_BASELINE_KEY=${GOVERNED_BASELINE_KEY:-}"
    echo "GOVERNED_KEY=${GOVERNED_KEY:-}"; echo "MASTER_KEY=$MASTER_KEY"; echo "WORK=$WORK"
  } >"$HOLD_FILE"
  log "holding: ports and key in $HOLD_FILE; stop with Ctrl-C or kill $$"
  wait
  exit 0
fi

# ---- measurement -----------------------------------------------------------
declare -A RPS P50 P99 CPU CALLS COMMANDS
TARGETS=()
ERRORS=()
RAW="$WORK/wrk-raw.txt"
: >"$RAW"

# to_ms VALUE_WITH_UNIT (wrk: 12.34us / 1.20ms / 1.01s / 1.00m) -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000
    else if (u == "m") f = 60000; else if (u == "h") f = 3600000; else exit 1
    printf "%.3f", n * f }'
}

# wrk_run OUTFILE CONC SECONDS URL AUTH_HEADER
wrk_run() {
  local out="$1" conc="$2" secs="$3" url="$4" auth="$5"
  local -a hdr=()
  [[ -n "$auth" ]] && hdr=(-H "Authorization: $auth")
  wrk -t "${THREADS_FOR[$conc]}" -c "$conc" -d "${secs}s" --timeout "${WRK_TIMEOUT}s" \
    --latency -s "$WRK_SCRIPT" "${hdr[@]}" "$url" >"$out" 2>&1
}

# wrk_problems OUTFILE -> prints a description of errors in a wrk run (empty if clean)
wrk_problems() {
  local f="$1" n
  n="$(awk '/requests in/ {print $1; exit}' "$f")"
  [[ -z "$n" ]] && { echo "wrk produced no summary"; return; }
  [[ "$n" == 0 ]] && echo "0 requests completed"
  grep -E '^ *(Socket errors|Non-2xx or 3xx responses|Status [0-9]+|First non-200 body):' "$f" | sed 's/^ *//' | paste -sd ';' - || true
}

# preflight NAME URL AUTH_HEADER: one request by curl, must be a 200 chat.completion.
preflight() {
  local name="$1" url="$2" auth="$3" body code
  local -a hdr=()
  [[ -n "$auth" ]] && hdr=(-H "Authorization: $auth")
  body="$WORK/preflight-$name.json"
  code="$(curl -s -o "$body" -w '%{http_code}' --max-time 10 -X POST "${hdr[@]}" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "$BENCH_BODY" "$url" || true)"
  if [[ "$code" != 200 ]] || ! grep -q '"chat.completion"' "$body"; then
    log "preflight for $name: HTTP ${code:-none}, body:"
    head -c 600 "$body" >&2 || true
    echo >&2
    die "$name does not answer POST $CHAT_PATH with a 200 chat.completion"
  fi
}

# CPU accounting. Every process of the measured path shares this machine's cores, so each run also records the CPU
# time each one used (utime + stime from /proc, Redis from INFO cpu) and how long the cores sat idle.
CLK_TCK="$(getconf CLK_TCK)"
# procs_cpu_us PID...: CPU time the processes used so far, microseconds (missing ones count 0)
procs_cpu_us() {
  local p t=0 f
  for p in "$@"; do
    f="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    f="${f##*) }" # fields after the command name (which may contain spaces); utime and stime are fields 14 and 15
    read -r -a f <<<"$f"
    t=$((t + f[11] + f[12]))
  done
  echo $((t * 1000000 / CLK_TCK))
}
# nginx_cpu_us MASTER: the nginx master and its workers
nginx_cpu_us() { procs_cpu_us "$1" $(pgrep -P "$1" 2>/dev/null); }
# redis_cpu_us: CPU time of the Redis server so far (INFO cpu), microseconds; empty without redis-cli
redis_cpu_us() {
  command -v redis-cli >/dev/null || return 0
  redis-cli -u "$BENCH_REDIS_URL" INFO cpu 2>/dev/null | tr -d '\r' |
    awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" { s += $2 } END { if (NR) printf "%d", s * 1000000 }'
}
# redis_commands: every command the Redis server has run so far (INFO commandstats), those run inside scripts
# included: an upper bound of what the gateways cost Redis. Empty without redis-cli. The server may be shared: other
# clients' commands in the same seconds count too.
redis_commands() {
  command -v redis-cli >/dev/null || return 0
  redis-cli -u "$BENCH_REDIS_URL" INFO commandstats 2>/dev/null | tr -d '\r' |
    awk -F'[:=,]' '/^cmdstat_/ { all += $3 } END { if (NR) printf "%d", all }'
}
# The Redis database of the run (the last part of BENCH_REDIS_URL): the counting pass counts that one only.
BENCH_REDIS_INDEX="${BENCH_REDIS_URL##*/}"
[[ "$BENCH_REDIS_INDEX" =~ ^[0-9]+$ ]] || BENCH_REDIS_INDEX=0
# redis_count NAME URL AUTH: Redis calls per request of a governed target, into CALLS[NAME] as "calls top": a pass of
# COUNT_SECONDS at c=32, apart from the measured runs (MONITOR costs Redis CPU), while redis-cli MONITOR records every
# command the server runs. Counted: each command a client sent on this run's database between wrk's start and end,
# whatever it is (script calls, settlement, key and cooldown reads, lease calls, heartbeats, pub/sub, connection
# commands); not counted: those the scripts run themselves (MONITOR shows them as from "lua"). Every gateway of the run
# shares the database, so the others' background calls count too. "top": the five commonest, with their share.
redis_count() {
  local name="$1" url="$2" auth="$3" mon="$WORK/monitor-$1.txt" out="$WORK/wrk-$1-count.txt" mpid t0 t1 n
  command -v redis-cli >/dev/null && ((COUNT_SECONDS > 0)) || return 0
  log "$name: counting Redis calls, ${COUNT_SECONDS}s at c=32 (MONITOR)"
  redis-cli -u "$BENCH_REDIS_URL" MONITOR >"$mon" 2>/dev/null &
  mpid=$!
  sleep 1
  t0="$(date +%s.%N)"
  wrk_run "$out" 32 "$COUNT_SECONDS" "$url" "$auth" || true
  t1="$(date +%s.%N)"
  sleep 1
  kill "$mpid" 2>/dev/null || true
  wait "$mpid" 2>/dev/null || true
  n="$(awk '/requests in/ {print $1; exit}' "$out")"
  if [[ "${n:-0}" -gt 0 ]]; then
    CALLS[$name]="$(awk -v db="[$BENCH_REDIS_INDEX" -v t0="$t0" -v t1="$t1" -v n="$n" '
      $2 == db && $3 != "lua]" && $1 + 0 >= t0 && $1 + 0 <= t1 { c++; gsub(/"/, "", $4); k[toupper($4)]++ }
      END {
        top = ""
        for (i = 0; i < 5; i++) {
          best = ""; m = 0
          for (x in k) if (k[x] > m) { m = k[x]; best = x }
          if (best == "") break
          top = top (top == "" ? "" : ", ") sprintf("%s %.4f", best, m / n); delete k[best]
        }
        printf "%.4f %d %d %s", c / n, c, n, (top == "" ? "none" : top)
      }' "$mon")"
  fi
  rm -f "$mon"
}
# pg_pids: the PostgreSQL processes that work for this run: the backends connected to its databases (the gateways'
# pools, autovacuum workers on them) and the server's own WAL writer, checkpointer and background writer, which serve
# every database (on a server shared with other work, their share of it counts too). Without psql: every process
# named postgres.
pg_pids() {
  psql -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d postgres -qAtc "SELECT pid FROM pg_stat_activity
    WHERE datname IN ('$BENCH_DB', '${BENCH_DB}_baseline') OR backend_type IN ('walwriter', 'checkpointer',
    'background writer')" 2>/dev/null || pgrep -x postgres
}
# cpu_snapshot [GATEWAY_PID]: "gateway redis postgres upstream proxy busy idle", microseconds so far (- unknown).
# PostgreSQL is the server's processes that work for this run (pg_pids); the machine's busy
# and idle time are summed over all cores from /proc/stat.
cpu_snapshot() {
  local gw=- rd pg=-
  # shellcheck disable=SC2086 # one PID, or several (the replicas of one target)
  [[ -n "${1:-}" ]] && gw="$(procs_cpu_us $1)"
  rd="$(redis_cpu_us)"
  [[ "$BENCH_PG_HOST" == 127.0.0.1 || "$BENCH_PG_HOST" == localhost ]] && pg="$(procs_cpu_us $(pg_pids))"
  echo "$gw ${rd:--} $pg $(nginx_cpu_us "$UPSTREAM_PID") $(nginx_cpu_us "$PROXY_PID") $(awk -v hz="$CLK_TCK" \
    '$1 == "cpu" { i = $5 + $6; printf "%d %d", ($2 + $3 + $4 + $7 + $8) * 1000000 / hz, i * 1000000 / hz }' /proc/stat)"
}
# cpu_record KEY REQUESTS BEFORE AFTER: per-request CPU of each part, "rest" (wrk, the kernel, anything else) and the
# idle share of the cores, into CPU[KEY] as "gateway redis postgres upstream proxy rest busy idle%"
cpu_record() {
  CPU[$1]="$(awk -v n="$2" -v a="$3" -v b="$4" 'BEGIN {
    split(a, x, " "); split(b, y, " "); known = 0
    for (i = 1; i <= 5; i++) {
      if (x[i] == "-" || y[i] == "-") { d[i] = "-"; continue }
      d[i] = sprintf("%d", (y[i] - x[i]) / n); known += (y[i] - x[i]) / n
    }
    busy = (y[6] - x[6]) / n; idle = y[7] - x[7]; all = (y[6] - x[6]) + idle
    printf "%s %s %s %s %s %d %d %.0f", d[1], d[2], d[3], d[4], d[5], busy - known, busy, (all > 0 ? idle * 100 / all : 0)
  }')"
}

# run_target NAME URL AUTH_HEADER [WARMUP_SECONDS]
# Warms the target up at the highest concurrency, then measures each level.
run_target() {
  local name="$1" url="$2" auth="$3" warm="${4:-$WARMUP}" conc out problems rps p50 p99
  TARGETS+=("$name")
  if ((warm > 0)); then
    log "$name: warm-up ${warm}s at c=${CONCS[-1]}"
    out="$WORK/wrk-$name-warmup.txt"
    wrk_run "$out" "${CONCS[-1]}" "$warm" "$url" "$auth" || true
    problems="$(wrk_problems "$out")"
    [[ -z "$problems" ]] || log "WARNING: $name warm-up: $problems"
  fi
  for conc in "${CONCS[@]}"; do
    log "$name: c=$conc, ${DURATION}s"
    out="$WORK/wrk-$name-c$conc.txt"
    local pid="${GW_PID[$name]:-}" cpu0 cpu1 n calls0 calls1
    calls0="$(redis_commands)"
    cpu0="$(cpu_snapshot "$pid")"
    if ! wrk_run "$out" "$conc" "$DURATION" "$url" "$auth"; then
      ERRORS+=("$name c=$conc: wrk failed: $(tail -n 3 "$out" | paste -sd ' ' -)")
    fi
    cpu1="$(cpu_snapshot "$pid")"
    calls1="$(redis_commands)"
    n="$(awk '/requests in/ {print $1; exit}' "$out")"
    [[ "${n:-0}" -gt 0 ]] && cpu_record "$name:$conc" "$n" "$cpu0" "$cpu1"
    # INFO commandstats itself counts 1 (the first snapshot's, the second's runs after it is read)
    if [[ "${n:-0}" -gt 0 && -n "$calls0" && -n "$calls1" && "$name" == governed* ]]; then
      COMMANDS[$name:$conc]="$(awk -v a="$calls0" -v b="$calls1" -v n="$n" 'BEGIN { printf "%.4f", (b - a - 1) / n }')"
    fi
    { echo "=== $name c=$conc ($url)"; cat "$out"; echo; } >>"$RAW"
    problems="$(wrk_problems "$out")"
    [[ -z "$problems" ]] || ERRORS+=("$name c=$conc: $problems")
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
    p50="$(awk '$1 == "50%" {print $2}' "$out")"
    p99="$(awk '$1 == "99%" {print $2}' "$out")"
    RPS[$name:$conc]="${rps:-NaN}"
    P50[$name:$conc]="$( [[ -n "$p50" ]] && to_ms "$p50" || echo NaN)"
    P99[$name:$conc]="$( [[ -n "$p99" ]] && to_ms "$p99" || echo NaN)"
  done
  [[ "$name" != governed* ]] || redis_count "$name" "$url" "$auth"
}

# Targets, measured in this order: NAME|URL|AUTH_HEADER|WARMUP_SECONDS.
# Another mode (e.g. governed: virtual keys, limits, ledger writes) is one more
# start_gateway call with its own env plus one more add_target line.
TARGET_SPECS=()
add_target() { TARGET_SPECS+=("$1|$2|$3|${4:-$WARMUP}"); }
add_target direct "http://127.0.0.1:$UPSTREAM_PORT$CHAT_PATH" "Bearer $UPSTREAM_KEY"
add_target nginx "http://127.0.0.1:$PROXY_PORT$CHAT_PATH" "Bearer $UPSTREAM_KEY"
if [[ "$SKIP_GATEWAY" != 1 ]]; then
  if [[ -n "${FLOOR_PORT:-}" ]]; then
    # a JIT to warm, as the gateway's
    add_target vertx-floor "http://127.0.0.1:$FLOOR_PORT$CHAT_PATH" "Bearer $UPSTREAM_KEY" "$GATEWAY_WARMUP"
  fi
  add_target gateway "http://127.0.0.1:$GATEWAY_PORT$CHAT_PATH" "Bearer $MASTER_KEY" "$GATEWAY_WARMUP"
  if [[ "$GOVERNED" == 1 ]]; then
    add_target governed "http://127.0.0.1:$GOVERNED_PORT$CHAT_PATH" "Bearer $GOVERNED_KEY" "$GATEWAY_WARMUP"
  fi
  if [[ -n "${INGRESS_PORT:-}" ]]; then
    # governed-b has had no traffic yet: the same warm-up, through the ingress
    add_target governed-2x "http://127.0.0.1:$INGRESS_PORT$CHAT_PATH" "Bearer $GOVERNED_KEY" "$GATEWAY_WARMUP"
  fi
  if [[ -n "$BASELINE_APP" ]]; then
    add_target gateway-baseline "http://127.0.0.1:$GATEWAY_BASELINE_PORT$CHAT_PATH" "Bearer $MASTER_KEY" \
      "$GATEWAY_WARMUP"
    if [[ "$GOVERNED" == 1 ]]; then
      add_target governed-baseline "http://127.0.0.1:$GOVERNED_BASELINE_PORT$CHAT_PATH" \
        "Bearer $GOVERNED_BASELINE_KEY" "$GATEWAY_WARMUP"
    fi
  fi
  if [[ "$NATIVE" == 1 ]]; then
    # the same warm-up: the native executable has no JIT to warm, but its connection pools and caches fill alike
    add_target gateway-native "http://127.0.0.1:$GATEWAY_NATIVE_PORT$CHAT_PATH" "Bearer $MASTER_KEY" "$GATEWAY_WARMUP"
    if [[ "$GOVERNED" == 1 ]]; then
      add_target governed-native "http://127.0.0.1:$GOVERNED_NATIVE_PORT$CHAT_PATH" "Bearer $GOVERNED_NATIVE_KEY" \
        "$GATEWAY_WARMUP"
    fi
  fi
fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# Check every target answers correctly before spending time on measurements.
for spec in "${TARGET_SPECS[@]}"; do
  IFS='|' read -r t_name t_url t_auth _ <<<"$spec"
  preflight "$t_name" "$t_url" "$t_auth"
done
for spec in "${TARGET_SPECS[@]}"; do
  IFS='|' read -r t_name t_url t_auth t_warm <<<"$spec"
  run_target "$t_name" "$t_url" "$t_auth" "$t_warm"
done

# ---- streaming run -------------------------------------------------------------
# The upstream's reply has 6 data events (role, two text deltas, finish, usage, [DONE]); the client asks for usage so
# that all 6 reach it. Warm-up: one round of STREAM_CONC streams, not counted.
declare -A STREAM_RESULT
STREAM_BODY='{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say hello"}]}'
stream_run() { # NAME URL AUTH
  local name="$1" out="$WORK/streams-$1.json" pid="${GW_PID[$1]:-}" cpu0 cpu1 n
  log "$name: streams, warm-up $STREAM_CONC"
  node "$BENCH_DIR/streams.mjs" "$2" "$3" "$STREAM_BODY" 6 "$STREAM_CONC" "$STREAM_CONC" >/dev/null 2>&1 || true
  log "$name: $STREAM_TOTAL streams, $STREAM_CONC at once"
  cpu0="$(cpu_snapshot "$pid")"
  node "$BENCH_DIR/streams.mjs" "$2" "$3" "$STREAM_BODY" 6 "$STREAM_CONC" "$STREAM_TOTAL" >"$out" 2>&1 ||
    ERRORS+=("$name streams: $(tail -n 3 "$out" | paste -sd ' ' -)")
  cpu1="$(cpu_snapshot "$pid")"
  n="$(sed -n 's/.*"complete":\([0-9]*\).*/\1/p' "$out")"
  [[ "${n:-0}" -gt 0 ]] && cpu_record "$name:streams" "$n" "$cpu0" "$cpu1"
  STREAM_RESULT[$name]="$(cat "$out")"
  grep -q '"failed":0,"framesLost":0' "$out" || ERRORS+=("$name streams: $(cat "$out")")
}
STREAM_TARGETS=()
if [[ "$STREAMS" == 1 ]]; then
  STREAM_TARGETS+=(nginx)
  stream_run nginx "http://127.0.0.1:$PROXY_PORT/sse$CHAT_PATH" "Bearer $UPSTREAM_KEY"
  if [[ -n "${STREAMING_PORT:-}" ]]; then
    STREAM_TARGETS+=(streaming)
    stream_run streaming "http://127.0.0.1:$STREAMING_PORT$CHAT_PATH" "$STREAMING_AUTH"
  fi
fi

# ---- report ----------------------------------------------------------------
status=0
# check_ratio NAME TARGET: NAME's req/s at c=32 relative to nginx's must reach TARGET.
check_ratio() {
  local r v
  r="$(awk -v g="${RPS[$1:32]}" -v n="${RPS[nginx:32]}" 'BEGIN { printf "%.4f", (n > 0 ? g / n : 0) }')"
  if awk -v r="$r" -v t="$2" 'BEGIN { exit !(r >= t) }'; then v=PASS; else v=FAIL; status=1; fi
  echo "$1/nginx req/s at c=32 = $(awk -v r="$r" 'BEGIN { printf "%.2f", r }') (target >= $2) $v"
}
# check_added NAME p50|p99 TARGET OP: NAME's latency at c=1 minus direct's must be OP ("<" or "<=") TARGET ms.
check_added() {
  local -n pct="${2^^}"
  local a v
  a="$(awk -v g="${pct[$1:1]}" -v d="${pct[direct:1]}" 'BEGIN { printf "%.3f", g - d }')"
  if awk -v a="$a" -v t="$3" -v op="$4" 'BEGIN { exit !(op == "<" ? a < t : a <= t) }'; then v=PASS; else v=FAIL; status=1; fi
  echo "$1 $2 - direct $2 at c=1 = $a ms (target $4 $3) $v"
}
REPORT="$WORK/report.txt"
{
  echo "TokenLedger benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  env_line="commit $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  git -C "$REPO_ROOT" diff --quiet HEAD -- 2>/dev/null || env_line+=" (uncommitted changes)"
  env_line+=", $(nproc) cpus, $({ "$NGINX" -v 2>&1 || true; } | sed 's/^nginx version: //')"
  env_line+=", $({ wrk -v 2>&1 || true; } | awk 'NR == 1 {print "wrk " $2}')"
  [[ "$SKIP_GATEWAY" == 1 ]] || env_line+=", $({ java -version 2>&1 || true; } | awk 'NR == 1 {gsub(/"/, ""); print}')"
  [[ -z "$BASELINE_APP" ]] || env_line+=", baseline $BASELINE_APP ($(date -r "$BASELINE_APP/quarkus-run.jar" +%FT%T))"
  [[ "$NATIVE" != 1 ]] || env_line+=", native $(basename "$NATIVE_RUNNER") ($(date -r "$NATIVE_RUNNER" +%FT%T))"
  echo "$env_line"
  echo "duration ${DURATION}s per run, warm-up ${WARMUP}s (gateway ${GATEWAY_WARMUP}s), wrk threads: c=1 -> 1, c=32 -> 2"
  # other work on the machine shares its cores with every target alike, but it bounds what any of them reaches
  echo "load average (1, 5, 15 min) before the measurements: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "governed: capacity leases $([[ "$GOVERNED_LEASES" == 1 ]] && echo on || echo off) (GOVERNED_LEASES)"
  echo
  printf '%-15s %5s %10s %8s %8s\n' target conc req/s p50_ms p99_ms
  for t in "${TARGETS[@]}"; do
    for c in "${CONCS[@]}"; do
      printf '%-15s %5s %10s %8s %8s\n' "$t" "$c" "${RPS[$t:$c]}" "${P50[$t:$c]}" "${P99[$t:$c]}"
    done
  done
  echo
  echo "CPU per request (us) of each process on the path, the rest (wrk, the kernel, other processes) and the cores' idle share"
  printf '%-15s %5s %8s %6s %9s %9s %6s %6s %6s %5s\n' target conc gateway redis postgres upstream proxy rest busy idle%
  for t in "${TARGETS[@]}"; do
    for c in "${CONCS[@]}"; do
      [[ -n "${CPU[$t:$c]:-}" ]] || continue
      read -r -a v <<<"${CPU[$t:$c]}"
      printf '%-15s %5s %8s %6s %9s %9s %6s %6s %6s %5s\n' "$t" "$c" "${v[@]}"
    done
  done
  for t in "${STREAM_TARGETS[@]}"; do
    [[ -n "${CPU[$t:streams]:-}" ]] || continue
    read -r -a v <<<"${CPU[$t:streams]}"
    printf '%-15s %5s %8s %6s %9s %9s %6s %6s %6s %5s\n' "$t" streams "${v[@]}"
  done
  for t in "${TARGETS[@]}"; do
    [[ -n "${CALLS[$t]:-}" ]] || continue
    read -r c_per c_calls c_n c_top <<<"${CALLS[$t]}"
    echo "$t Redis calls per request = $c_per (target <= $TARGET_REDIS_CALLS; $c_calls commands sent by clients for" \
      "$c_n requests at c=32, MONITOR; $c_top)"
    for c in "${CONCS[@]}"; do
      [[ -n "${COMMANDS[$t:$c]:-}" ]] || continue
      echo "$t c=$c Redis commands per request, those run inside scripts included = ${COMMANDS[$t:$c]} (INFO commandstats)"
    done
  done
  if ((${#STREAM_TARGETS[@]} > 0)); then
    echo
    echo "streams: $STREAM_TOTAL chat-completion streams, $STREAM_CONC open at once, each checked frame by frame (6 events)"
    for t in "${STREAM_TARGETS[@]}"; do echo "$t ${STREAM_RESULT[$t]:-}"; done
  fi
  # what the throughput targets leave per request: all cores busy at the target rate
  for spec in "gateway:$TARGET_RPS_RATIO" "governed:$TARGET_GOV_RPS_RATIO" "gateway-native:$TARGET_RPS_RATIO" \
    "governed-native:$TARGET_GOV_RPS_RATIO"; do
    t="${spec%%:*}"
    [[ -n "${CPU[$t:32]:-}" && "${RPS[nginx:32]}" != NaN ]] || continue
    read -r -a v <<<"${CPU[$t:32]}"
    awk -v t="$t" -v r="${spec#*:}" -v n="${RPS[nginx:32]}" -v cpus="$(nproc)" -v busy="${v[6]}" -v gw="${v[0]}" \
      'BEGIN { rate = r * n; printf "%s at %s of nginx (%d req/s) has %d us of CPU per request on %d cores; at c=32 it used %d (the gateway %s)\n", t, r, rate, cpus * 1000000 / rate, cpus, busy, gw }'
  done
  echo
  if [[ "$SKIP_GATEWAY" == 1 ]]; then
    echo "gateway skipped (SKIP_GATEWAY=1): no target checks"
  else
    # Compared unrounded (ratio to 4 places, latencies to wrk's 1 us), printed rounded.
    check_ratio gateway "$TARGET_RPS_RATIO"
    check_added gateway p50 "$TARGET_ADDED_P50_MS" "<"
    if [[ "$GOVERNED" == 1 ]]; then
      check_ratio governed "$TARGET_GOV_RPS_RATIO"
      check_added governed p99 "$TARGET_GOV_ADDED_P99_MS" "<="
      [[ -z "${RPS[governed-2x:32]:-}" ]] || check_ratio governed-2x "$TARGET_GOV_RPS_RATIO"
    fi
    if [[ -n "${RPS[vertx-floor:32]:-}" ]]; then
      # the stack's floor: what a bare proxy on the gateway's own Vert.x and Netty reaches and costs here
      read -r -a v <<<"${CPU[vertx-floor:32]:--}"
      awk -v f="${RPS[vertx-floor:32]}" -v n="${RPS[nginx:32]}" -v g="${RPS[gateway:32]}" -v cpu="${v[0]}" \
        'BEGIN { if (n > 0 && f > 0) printf "vertx-floor/nginx req/s at c=32 = %.2f (its CPU per request %s us); gateway/vertx-floor = %.2f\n", f / n, cpu, g / f }'
    fi
    if [[ "$NATIVE" == 1 ]]; then
      check_ratio gateway-native "$TARGET_RPS_RATIO"
      check_added gateway-native p50 "$TARGET_ADDED_P50_MS" "<"
      if [[ "$GOVERNED" == 1 ]]; then
        check_ratio governed-native "$TARGET_GOV_RPS_RATIO"
        check_added governed-native p99 "$TARGET_GOV_ADDED_P99_MS" "<="
      fi
      # native against the JVM, same run: req/s at c=32
      for t in gateway governed; do
        [[ -n "${RPS[$t-native:32]:-}" && -n "${RPS[$t:32]:-}" ]] || continue
        awk -v n="${RPS[$t-native:32]}" -v j="${RPS[$t:32]}" -v t="$t" \
          'BEGIN { if (j > 0) printf "%s-native/%s req/s at c=32 = %.2f\n", t, t, n / j }'
      done
    fi
  fi
  if [[ -n "$BASELINE_APP" && "$SKIP_GATEWAY" != 1 ]]; then
    # this build against the baseline build, same run: req/s at c=32, p99 at c=1
    for t in gateway governed; do
      [[ -n "${RPS[$t-baseline:32]:-}" && -n "${RPS[$t:32]:-}" ]] || continue
      awk -v n="${RPS[$t:32]}" -v b="${RPS[$t-baseline:32]}" -v p="${P99[$t:1]}" -v q="${P99[$t-baseline:1]}" -v t="$t" \
        'BEGIN { if (b > 0) printf "%s/%s-baseline req/s at c=32 = %.2f; p99 at c=1 %s ms vs %s ms\n", t, t, n / b, p, q }'
    done
  fi
  if ((${#ERRORS[@]} > 0)); then
    echo
    for e in "${ERRORS[@]}"; do echo "ERROR: $e"; done
    echo "INVALID RUN: wrk saw errors or non-2xx responses (see results/latest-raw.txt)"
  fi
} >"$REPORT"
((${#ERRORS[@]} == 0)) || status=2

mkdir -p "$RESULTS_DIR"
cp "$REPORT" "$RESULTS_DIR/latest.txt"
cp "$RAW" "$RESULTS_DIR/latest-raw.txt"
echo
cat "$REPORT"
echo
log "written to $RESULTS_DIR/latest.txt (raw wrk output: latest-raw.txt)"
exit "$status"
