#!/usr/bin/env bash
# Scale-out proof: two gateway replicas on one PostgreSQL behind a local nginx acting as the ingress. Drives
# concurrent chat traffic through the ingress (streamed and not), stops one replica mid-load the way Kubernetes does
# (SIGTERM; KILL_SIGNAL=KILL for a crash), and checks that the two behave as one system:
#   - every answered request is in the ledger exactly once (no duplicate request ids, none missing),
#   - the ledger's token sums equal what the clients received,
#   - requests kept being answered by the surviving replica.
# Both replicas spool to one directory here (one machine): rows a replica could not write before it stopped are
# replayed by the survivor, as a restarted pod replays its own spool volume in Kubernetes.
# Enforcement, shared cooldowns and the response cache join these checks as they are built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS="${REQUESTS:-1500}"
CONCURRENCY="${CONCURRENCY:-16}"
KILL_SIGNAL="${KILL_SIGNAL:-TERM}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC}"
PGHOST_="${BENCH_PG_HOST:-127.0.0.1}"
PGPORT_="${BENCH_PG_PORT:-5432}"
DB="${SCALEOUT_DB:-tokenledger_scaleout}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "[scaleout] work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "[scaleout] $*" >&2; }

command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
psql() { command psql -h "$PGHOST_" -p "$PGPORT_" -U postgres -qAt "$@"; }
psql -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -d postgres -c "CREATE DATABASE $DB" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
UPSTREAM_PORT="$(free_port)"; INGRESS_PORT="$(free_port)"; A_PORT="$(free_port)"; B_PORT="$(free_port)"

# a fast fake OpenAI upstream (usage 9 in / 9 out) and the ingress, in one nginx
COMPLETION='{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'
STREAM="data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"finish_reason\":null}]}

data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}

data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}

data: [DONE]

"
cat >"$WORK/gateway.yaml" <<YAML
tokenledger:
  providers:
    json:
      type: openai
      base-url: http://127.0.0.1:$UPSTREAM_PORT/v1
    sse:
      type: openai
      base-url: http://127.0.0.1:$UPSTREAM_PORT/sse/v1
YAML
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fcgi;
  uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location /v1/chat/completions { default_type application/json; return 200 '$COMPLETION'; }
    location /sse/v1/chat/completions { default_type text/event-stream; return 200 '$STREAM'; }
  }
  upstream gateways { server 127.0.0.1:$A_PORT max_fails=1 fail_timeout=30s; server 127.0.0.1:$B_PORT max_fails=1 fail_timeout=30s; keepalive 32; }
  server {
    listen 127.0.0.1:$INGRESS_PORT;
    location / {
      proxy_pass http://gateways; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffering off; proxy_read_timeout 60s;
      # a replica that refuses (draining: 503) or cannot be reached gets the request retried on the other
      proxy_next_upstream error timeout http_503 non_idempotent;
    }
  }
}
NGINX
mkdir -p "$WORK"/{body,proxy,fcgi,uwsgi,scgi}
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"

start_gateway() {
  local name="$1" port="$2"
  # shellcheck disable=SC2086
  env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" QUARKUS_LOG_LEVEL=WARN TOKENLEDGER_MASTER_KEY=scaleout \
    QUARKUS_CONFIG_LOCATIONS="$WORK/gateway.yaml" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PGHOST_:$PGPORT_/$DB" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST_:$PGPORT_/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
    TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool" QUARKUS_SHUTDOWN_TIMEOUT=20s \
    java $JAVA_OPTS -jar "$ROOT/target/quarkus-app/quarkus-run.jar" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  eval "${name}_PID=$!"
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && return; sleep 0.1; done
  cat "$WORK/$name.log"; exit 2
}
start_gateway A "$A_PORT"   # A migrates the schema first
start_gateway B "$B_PORT"
log "replicas A :$A_PORT, B :$B_PORT behind the ingress :$INGRESS_PORT"

# the client: REQUESTS chat requests at CONCURRENCY through the ingress, half streamed; records id, status, usage
cat >"$WORK/client.py" <<'PY'
import http.client, json, sys, threading, time
port, total, conc = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
results, lock, counter = [], threading.Lock(), [0]
def one(i):
    stream = i % 2 == 0
    body = {"model": ("sse" if stream else "json") + "/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi %d" % i}]}
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("POST", "/v1/chat/completions", json.dumps(body),
                  {"Authorization": "Bearer scaleout", "Content-Type": "application/json"})
        r = c.getresponse(); data = r.read().decode(); rid = r.getheader("x-request-id")
        usage = None
        if r.status == 200:
            if stream:
                for line in data.split("\n"):
                    if line.startswith("data: {") and '"usage"' in line:
                        u = json.loads(line[6:]).get("usage")
                        if u: usage = u
            else:
                usage = json.loads(data).get("usage")
        return {"i": i, "status": r.status, "id": rid, "usage": usage, "stream": stream}
    except Exception as e:
        return {"i": i, "status": -1, "id": None, "usage": None, "error": str(e), "stream": stream}
    finally:
        c.close()
def worker():
    while True:
        with lock:
            if counter[0] >= total: return
            i = counter[0]; counter[0] += 1
        res = one(i)
        with lock: results.append(res)
ts = [threading.Thread(target=worker) for _ in range(conc)]
[t.start() for t in ts]; [t.join() for t in ts]
json.dump(results, sys.stdout)
PY
python3 "$WORK/client.py" "$INGRESS_PORT" "$REQUESTS" "$CONCURRENCY" >"$WORK/results.json" &
CLIENT=$!
# stop replica A once about a third of the traffic has gone through
sleep "${KILL_AFTER:-2}"
log "sending SIG$KILL_SIGNAL to replica A mid-load"
kill -s "$KILL_SIGNAL" "$A_PID" || true
wait "$CLIENT"
wait "$A_PID" 2>/dev/null || true
sleep 1.5   # the surviving replica's last ledger batch

python3 - "$WORK/results.json" "$PGHOST_" "$PGPORT_" "$DB" <<'PY'
import json, subprocess, sys
results = json.load(open(sys.argv[1]))
host, port, db = sys.argv[2], sys.argv[3], sys.argv[4]
def q(sql):
    return subprocess.check_output(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", db, "-qAt", "-c", sql]).decode().strip()
answered = [r for r in results if r["status"] == 200]
failed = [r for r in results if r["status"] != 200]
ids = [r["id"] for r in answered]
ids_sql = ",".join("'%s'" % i for i in ids) or "''"
rows = int(q("SELECT count(*) FROM usage_event"))
distinct = int(q("SELECT count(DISTINCT request_id) FROM usage_event"))
matched = int(q("SELECT count(*) FROM usage_event WHERE request_id IN (%s)" % ids_sql))
sums = q("SELECT coalesce(sum(input_tokens),0) || ' ' || coalesce(sum(output_tokens),0) FROM usage_event WHERE request_id IN (%s)" % ids_sql).split()
client_in = sum(r["usage"]["prompt_tokens"] for r in answered if r["usage"])
client_out = sum(r["usage"]["completion_tokens"] for r in answered if r["usage"])
print("requests sent            %d" % len(results))
print("answered 200             %d (streamed %d)" % (len(answered), sum(1 for r in answered if r["stream"])))
print("not answered             %d %s" % (len(failed), sorted(set(str(r["status"]) for r in failed))))
print("ledger rows              %d (distinct request ids %d)" % (rows, distinct))
print("answered found in ledger %d of %d" % (matched, len(answered)))
print("tokens in/out  clients   %d / %d" % (client_in, client_out))
print("tokens in/out  ledger    %s / %s" % (sums[0], sums[1]))
ok = rows == distinct and matched == len(answered) and int(sums[0]) == client_in and int(sums[1]) == client_out and len(answered) > 0
print("RESULT %s" % ("PASS: the replicas behave as one ledger" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
