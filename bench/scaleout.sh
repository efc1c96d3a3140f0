#!/usr/bin/env bash
# Scale-out proof: two gateway replicas on one PostgreSQL and one Redis behind a local nginx acting as the ingress.
# It checks that the two behave as one gateway:
#   1. limits: a virtual key's request rate (rpm) and a hard budget are enforced once across both replicas: the
#      admitted requests equal the limit (not twice it, not far below it), the settled spend equals the budget;
#   2. cooldowns: a deployment found failing by replica A is skipped by replica B without being called;
#   3. cache: an answer cached by replica A is served by replica B from the cache, the upstream called once;
#   4. failover: replica A is stopped mid-load (SIGTERM; KILL_SIGNAL=KILL for a crash) while a key with a budget,
#      a concurrency limit and a rate limit sends traffic: every answered request is in the ledger exactly once with
#      the token sums the clients saw, the key's holds and concurrency slots return to zero (after the hold TTL for a
#      crash) and the spend settled in Redis equals the ledger's sum, reconciled by request id. An answer is complete
#      only once its row is durable, so even a crash loses no answered request; what a crash may leave is the
#      settlement of requests whose row it had just written (settled after the row, never before): their holds expire,
#      the key's next admission lists them as orphans, and the reconciliation posts their use from the ledger, so Redis
#      and the ledger agree again. CRASH_WINDOW_MS bounds how long before the kill those were answered.
# Both replicas spool to one directory here (one machine): rows a replica could not write before it stopped are
# replayed by the survivor, as a restarted pod replays its own spool volume in Kubernetes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS="${REQUESTS:-1500}"
CONCURRENCY="${CONCURRENCY:-16}"
KILL_SIGNAL="${KILL_SIGNAL:-TERM}"
HOLD_TTL_S="${HOLD_TTL_S:-8}"
CRASH_WINDOW_MS="${CRASH_WINDOW_MS:-200}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC}"
PGHOST_="${BENCH_PG_HOST:-127.0.0.1}"
PGPORT_="${BENCH_PG_PORT:-5432}"
DB="${SCALEOUT_DB:-tokenledger_scaleout}"
REDIS_HOST_="${SCALEOUT_REDIS_HOST:-127.0.0.1}"
REDIS_PORT_="${SCALEOUT_REDIS_PORT:-6379}"
REDIS_DB="${SCALEOUT_REDIS_DB:-13}"
MASTER=scaleout
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "[scaleout] work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "[scaleout] $*" >&2; }
case "$KILL_SIGNAL" in TERM|KILL) ;; *) log "KILL_SIGNAL must be TERM or KILL"; exit 2 ;; esac

command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
psql() { command psql -h "$PGHOST_" -p "$PGPORT_" -U postgres -qAt "$@"; }
psql -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
psql -d postgres -c "CREATE DATABASE $DB" >/dev/null
redis-cli -h "$REDIS_HOST_" -p "$REDIS_PORT_" -n "$REDIS_DB" FLUSHDB >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
UPSTREAM_PORT="$(free_port)"; INGRESS_PORT="$(free_port)"; A_PORT="$(free_port)"; B_PORT="$(free_port)"
# metrics live on each replica's management interface
A_MGMT_PORT="$(free_port)"; B_MGMT_PORT="$(free_port)"

# The fake OpenAI upstream, one location per deployment:
#   /v1 (usage 9 in / 9 out) and /sse/v1 (a stream, usage 7 / 5): the load, priced from the catalogue (gpt-4o-mini)
#   /metered/v1: usage 5 in / 100 out, priced 0 / 10 USD per million tokens for the budget check: 1,000 micro-USD
#   /broken/v1: always 401 (a revoked upstream key); /backup/v1: its healthy backup; /cached/v1: a cached alias.
# The last three log their hits, so the checks can count the upstream calls each deployment received.
COMPLETION='{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'
METERED='{"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":100,"total_tokens":105}}'
CACHEABLE='{"id":"chatcmpl-3","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":2,"total_tokens":16}}'
UNAUTHORIZED='{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'
STREAM="data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"finish_reason\":null}]}

data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}

data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}

data: [DONE]

"
{
  echo "tokenledger:"
  echo "  providers:"
  # one OpenAI provider per upstream path: json at /v1, every other one at /<name>/v1
  for provider in json sse metered broken backup cached; do
    prefix="/$provider"
    [[ "$provider" == json ]] && prefix=""
    printf '    %s:\n      type: openai\n      base-url: http://127.0.0.1:%s%s/v1\n' "$provider" "$UPSTREAM_PORT" "$prefix"
  done
  cat <<YAML
  models:
    failover:
      strategy: fill-first
      deployments:
        - provider: broken
          model: gpt-4o-mini
          priority: 0
        - provider: backup
          model: gpt-4o-mini
          priority: 1
    cached-chat:
      cache-ttl: 5m
      deployments:
        - provider: cached
          model: gpt-4o-mini
YAML
} >"$WORK/gateway.yaml"
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  log_format hits '\$msec \$request_uri \$status';
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fcgi;
  uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location = /v1/chat/completions { default_type application/json; return 200 '$COMPLETION'; }
    location = /sse/v1/chat/completions { default_type text/event-stream; return 200 '$STREAM'; }
    location = /metered/v1/chat/completions { default_type application/json; return 200 '$METERED'; }
    location = /broken/v1/chat/completions {
      access_log $WORK/hits-broken.log hits; default_type application/json; return 401 '$UNAUTHORIZED';
    }
    location = /backup/v1/chat/completions {
      access_log $WORK/hits-backup.log hits; default_type application/json; return 200 '$COMPLETION';
    }
    location = /cached/v1/chat/completions {
      access_log $WORK/hits-cached.log hits; default_type application/json; return 200 '$CACHEABLE';
    }
  }
  upstream gateways { server 127.0.0.1:$A_PORT max_fails=1 fail_timeout=30s; server 127.0.0.1:$B_PORT max_fails=1 fail_timeout=30s; keepalive 32; }
  server {
    listen 127.0.0.1:$INGRESS_PORT;
    location / {
      proxy_pass http://gateways; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffering off; proxy_read_timeout 60s;
      # a replica that refuses (draining: 503) or cannot be reached gets the request retried on the other
      proxy_next_upstream error timeout http_503 non_idempotent;
      # which replica answered (the last one tried), so the checks can show that both served
      add_header X-Served-By \$upstream_addr always;
    }
  }
}
NGINX
mkdir -p "$WORK"/{body,proxy,fcgi,uwsgi,scgi}
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"

start_gateway() {
  local name="$1" port="$2" mgmt_var="${1}_MGMT_PORT"
  # Limits and prices set through one replica reach the other within a second; holds live HOLD_TTL_S seconds, so a
  # crashed replica's holds are released within the run. Redis answers are awaited up to 5 s instead of 250 ms: a
  # JVM starved by this 2-core machine must not count Redis as down, which switches a replica to its own local
  # limiter and its own cooldowns (that degraded mode is covered by the test suite, not by this proof).
  # shellcheck disable=SC2086
  env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" QUARKUS_LOG_LEVEL=WARN TOKENLEDGER_MASTER_KEY="$MASTER" \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="${!mgmt_var}" TOKENLEDGER_KEYS_PEPPER=scaleout-pepper \
    QUARKUS_CONFIG_LOCATIONS="$WORK/gateway.yaml" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PGHOST_:$PGPORT_/$DB" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST_:$PGPORT_/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
    TOKENLEDGER_REDIS_URL="redis://$REDIS_HOST_:$REDIS_PORT_/$REDIS_DB" \
    TOKENLEDGER_ADMISSION_LIMITS_REFRESH=300ms TOKENLEDGER_LEDGER_PRICE_REFRESH=1s \
    TOKENLEDGER_ADMISSION_HOLD_TTL="${HOLD_TTL_S}s" TOKENLEDGER_ADMISSION_ORPHANS_INTERVAL=1s \
    TOKENLEDGER_ADMISSION_REDIS_TIMEOUT=5s TOKENLEDGER_ROUTING_REDIS_TIMEOUT=5s \
    TOKENLEDGER_LEDGER_SPOOL_DIR="$WORK/spool" QUARKUS_SHUTDOWN_TIMEOUT=20s \
    java $JAVA_OPTS -jar "$ROOT/target/quarkus-app/quarkus-run.jar" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  eval "${name}_PID=$!"
  disown "$!"   # its end (a crash is the point) is checked by the proof, not reported by the shell
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && return; sleep 0.1; done
  cat "$WORK/$name.log"; exit 2
}
start_gateway A "$A_PORT"   # A migrates the schema first
start_gateway B "$B_PORT"
log "replicas A :$A_PORT, B :$B_PORT behind the ingress :$INGRESS_PORT; Redis db $REDIS_DB, database $DB"

cat >"$WORK/proof.py" <<'PY'
import http.client, json, os, signal, subprocess, sys, threading, time
from decimal import Decimal

E = os.environ
ING, A, B = int(E["INGRESS_PORT"]), int(E["A_PORT"]), int(E["B_PORT"])
MGMT = {A: int(E["A_MGMT_PORT"]), B: int(E["B_MGMT_PORT"])}
NAMES = {"127.0.0.1:%d" % A: "A", "127.0.0.1:%d" % B: "B"}
MASTER, WORK = E["MASTER"], E["WORK"]
KILL_SIGNAL, HOLD_TTL = E["KILL_SIGNAL"], float(E["HOLD_TTL_S"])
REQUESTS, CONCURRENCY = int(E["REQUESTS"]), int(E["CONCURRENCY"])
CRASH_WINDOW_MS = float(E["CRASH_WINDOW_MS"])
RPM, BUDGET_REQUESTS = 300, 100
failures = []
everything, everything_lock = [], threading.Lock()   # every chat request of the run, for the summary

def out(line=""):
    print(line, flush=True)

def check(ok, what):
    if not ok:
        failures.append(what)
    return "ok" if ok else "FAIL"

def psql(sql):
    return subprocess.check_output(["psql", "-h", E["PGHOST_"], "-p", E["PGPORT_"], "-U", "postgres", "-d", E["DB"],
                                    "-qAt", "-c", sql]).decode().strip()

def redis(*args):
    return subprocess.check_output(["redis-cli", "-h", E["REDIS_HOST_"], "-p", E["REDIS_PORT_"], "-n", E["REDIS_DB"]]
                                   + [str(a) for a in args]).decode().strip()

def call(port, method, path, body=None, key=MASTER):
    """One HTTP call: (status, lower-cased headers, body text); status -1 when it did not complete."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    hdrs = {}
    try:
        c.request(method, path, None if body is None else json.dumps(body),
                  {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        r = c.getresponse()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        return r.status, hdrs, r.read().decode()
    except Exception as e:
        return -1, hdrs, str(e)
    finally:
        c.close()

def admin(method, path, body=None, port=A, expect=(200, 201)):
    status, _, text = call(port, method, path, body)
    if status not in expect:
        raise SystemExit("admin %s %s answered %s: %s" % (method, path, status, text[:300]))
    return json.loads(text) if text else None

def chat_body(model, i, stream=False, max_tokens=None):
    body = {"model": model, "messages": [{"role": "user", "content": "Hi %d" % i}]}
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    if max_tokens:
        body["max_tokens"] = max_tokens
    return body

def one(port, key, body):
    """A chat request; answered means a 200 with a complete answer (a stream up to [DONE]) and its usage."""
    status, hdrs, text = call(port, "POST", "/v1/chat/completions", body, key)
    served = "127.0.0.1:%d" % port if port != ING else hdrs.get("x-served-by", "").split(",")[-1].strip()
    res = {"status": status, "id": hdrs.get("x-request-id"), "stream": bool(body.get("stream")),
           "by": NAMES.get(served, "?"), "t": time.time(),
           "usage": None, "code": None, "answered": False, "cost": hdrs.get("x-tokenledger-cost-usd"), "text": text}
    if status == 200:
        if body.get("stream"):
            for line in text.split("\n"):
                if line.startswith("data: {") and '"usage"' in line:
                    res["usage"] = json.loads(line[6:]).get("usage") or res["usage"]
            res["answered"] = res["usage"] is not None and "data: [DONE]" in text
        else:
            try:
                res["usage"] = json.loads(text).get("usage")
                res["answered"] = res["usage"] is not None
            except ValueError:
                pass
    elif status > 0:
        try:
            res["code"] = json.loads(text)["error"].get("code")
        except (ValueError, KeyError, TypeError, AttributeError):
            res["code"] = "status %d" % status
    else:
        res["code"] = "no answer"
    if status == 200 and not res["answered"]:
        res["code"] = "incomplete answer"
    with everything_lock:
        everything.append(res)
    return res

def drive(key, make_body, total, conc=CONCURRENCY, port=ING, on_done=None):
    results, lock, counter = [], threading.Lock(), [0]
    def worker():
        while True:
            with lock:
                if counter[0] >= total:
                    return
                i = counter[0]
                counter[0] += 1
            res = one(port, key, make_body(i))
            with lock:
                results.append(res)
                done = len(results)
            if on_done:
                on_done(done)
    threads = [threading.Thread(target=worker) for _ in range(conc)]
    start = time.time()
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results, time.time() - start

def by_replica(results):
    return "A %d, B %d" % (sum(1 for r in results if r["by"] == "A"), sum(1 for r in results if r["by"] == "B"))

def codes(results):
    seen = {}
    for r in results:
        if not r["answered"]:
            seen[r["code"]] = seen.get(r["code"], 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(seen.items())) or "none"

def usd(micros):
    return "$%s" % (Decimal(micros) / Decimal(1000000)).quantize(Decimal("0.000001"))

def ledger(where):
    n, micros = psql("SELECT count(*) || ' ' || coalesce(sum(cost_micros), 0) FROM usage_event WHERE " + where).split()
    return int(n), int(micros)

def settled_ledger(where, expected_rows, wait=10.0):
    """Ledger rows and their cost once the replicas' last batches are in (they are written every 10 ms)."""
    deadline = time.time() + wait
    rows = ledger(where)
    while rows[0] < expected_rows and time.time() < deadline:
        time.sleep(0.1)
        rows = ledger(where)
    return rows

def budget_counter(key_id):
    """The key's budget counter in Redis: settled spend and holds, micro-USD."""
    names = [k for k in redis("--scan", "--pattern", "tl:{o:*}:bud:key:%s:*" % key_id).split() if not k.endswith(":h")]
    if len(names) != 1:
        return None
    return int(redis("HGET", names[0], "spent") or 0), int(redis("HGET", names[0], "held") or 0)

def hits(name):
    path = os.path.join(WORK, "hits-%s.log" % name)
    return sum(1 for _ in open(path)) if os.path.exists(path) else 0

def limits_seen(port, key_id, field):
    deadline = time.time() + 10
    while time.time() < deadline:
        view = admin("GET", "/admin/v1/limits/key/%s" % key_id, port=port)
        if field in (view.get("limits") or {}):
            return
        time.sleep(0.1)
    raise SystemExit("replica on :%d did not load the limits of key %s" % (port, key_id))

def fallback_decisions(*ports):
    """Admissions a replica decided alone, Redis not answering in time: then the replicas do not act as one."""
    total = 0
    for port in ports:
        status, _, text = call(MGMT[port], "GET", "/q/metrics")
        for line in text.splitlines():
            if line.startswith("tokenledger_admission_decisions_total") and 'reason="local_fallback"' in line:
                total += int(float(line.rsplit(" ", 1)[1]))
    return total

# ---- tenancy, prices and limits, all set through replica A
org = admin("POST", "/admin/v1/orgs", {"name": "scaleout"})["id"]
team = admin("POST", "/admin/v1/teams", {"name": "proof", "orgId": org})["id"]
keys = {}
for name in ("rate", "budget", "load"):
    k = admin("POST", "/admin/v1/keys", {"name": name, "teamId": team})
    keys[name] = (k["id"], k["key"])   # the key itself stays in this process: it is never printed
admin("POST", "/admin/v1/prices", {"provider": "metered", "model": "gpt-4o-mini", "effectiveFrom": "2020-01-01T00:00:00Z",
                                   "prices": {"inputMtok": "0", "outputMtok": "10"},
                                   "reason": "scale-out proof: 100 output tokens cost exactly 1,000 micro-USD"})
per_request = 1000
budget_micros = BUDGET_REQUESTS * per_request
admin("PUT", "/admin/v1/limits/key/%s" % keys["rate"][0], {"rpm": RPM})
admin("PUT", "/admin/v1/limits/key/%s" % keys["budget"][0],
      {"rpm": RPM, "budget": {"amountUsd": str(Decimal(budget_micros) / Decimal(1000000)), "window": "month", "hard": True}})
admin("PUT", "/admin/v1/limits/key/%s" % keys["load"][0],
      {"rpm": 1000000, "maxParallel": 64, "budget": {"amountUsd": "100.00", "window": "month", "hard": True}})
for name, field in (("rate", "rpm"), ("budget", "budget"), ("load", "maxParallel")):
    limits_seen(B, keys[name][0], field)
deadline = time.time() + 10   # replica B reloads the price catalogue every second
while call(B, "POST", "/admin/v1/prices/quote", {"provider": "metered", "model": "gpt-4o-mini",
                                                 "usage": {"input_tokens": 5, "output_tokens": 100}})[0] != 200:
    if time.time() > deadline:
        raise SystemExit("replica B did not load the price set through replica A")
    time.sleep(0.1)
# both JVMs warm up with the master key (no limits) through the ingress, so the checks below run at speed
drive(MASTER, lambda i: chat_body(("sse" if i % 2 == 0 else "json") + "/gpt-4o-mini", i, stream=i % 2 == 0), 1000)
with everything_lock:
    everything.clear()
out("setup: organization, team and 3 virtual keys created and limited through replica A, seen by replica B;"
    " both replicas warmed up")
out()

# ---- 1. limits enforced once across both replicas
out("1. limits and budgets are enforced once across both replicas")
results, secs = drive(keys["rate"][1], lambda i: chat_body("json/gpt-4o-mini", i, max_tokens=16), 2 * RPM)
admitted = [r for r in results if r["answered"]]
refused = [r for r in results if not r["answered"]]
bound = RPM + int(-(-secs * RPM // 60))   # GCRA: the minute's burst, then one request per 60/rpm seconds
only_rate = all(r["code"] == "rate_limit_exceeded" for r in refused)
out("   rate key, rpm %d: %d requests in %.1f s through the ingress" % (RPM, len(results), secs))
out("   admitted %d (%s) vs limit %d: the minute's %d at once, then %d per second (at most %d in %.1f s);"
    " refused: %s  %s"
    % (len(admitted), by_replica(admitted), RPM, RPM, RPM // 60, bound, secs, codes(results),
       check(RPM <= len(admitted) <= bound and only_rate, "rate limit: %d admitted, limit %d" % (len(admitted), RPM))))
results, secs = drive(keys["budget"][1], lambda i: chat_body("metered/gpt-4o-mini", i, max_tokens=100),
                      3 * BUDGET_REQUESTS)
admitted = [r for r in results if r["answered"]]
refused = [r for r in results if not r["answered"]]
only_budget = all(r["code"] == "budget_exceeded" for r in refused)
rows, spent = settled_ledger("key_id = '%s'" % keys["budget"][0], len(admitted))
counter = budget_counter(keys["budget"][0])
out("   budget key, hard %s = %d requests at %s: %d requests through the ingress"
    % (usd(budget_micros), BUDGET_REQUESTS, usd(per_request), len(results)))
out("   admitted %d (%s) vs limit %d; refused: %s  %s"
    % (len(admitted), by_replica(admitted), BUDGET_REQUESTS, codes(results),
       check(len(admitted) == BUDGET_REQUESTS and only_budget,
             "budget: %d admitted, pays for %d" % (len(admitted), BUDGET_REQUESTS))))
out("   settled spend: ledger %s in %d rows, Redis spent %s held %s, vs budget %s  %s"
    % (usd(spent), rows, usd(counter[0]) if counter else "?", usd(counter[1]) if counter else "?", usd(budget_micros),
       check(rows == BUDGET_REQUESTS and spent == budget_micros and counter == (spent, 0),
             "budget: settled spend differs from the budget")))
fallback = fallback_decisions(A, B)
out("   admissions decided without Redis (local fallback): %d  %s"
    % (fallback, check(fallback == 0, "%d admissions fell back to a replica's local limiter" % fallback)))
out()

# ---- 2. cooldowns shared through Redis
out("2. a deployment found failing by one replica is skipped by the other")
first = one(A, MASTER, chat_body("failover", 0))
deadline = time.time() + 3
while True:   # replica B has never called the broken deployment: what it knows comes from Redis
    cooling = [d for d in admin("GET", "/admin/v1/deployments", port=B) if d["id"] == "broken/gpt-4o-mini"]
    until = cooling[0]["cooldownUntil"] if cooling else None
    if until or time.time() > deadline:
        break
    time.sleep(0.1)
out("   replica A: one request to alias failover -> %d; upstream broken/gpt-4o-mini called %d time(s) (401), "
    "backup %d" % (first["status"], hits("broken"), hits("backup")))
out("   replica B sees broken/gpt-4o-mini cooling down until %s (%s)  %s"
    % (until, cooling[0]["cooldownReason"] if cooling else None, check(until is not None, "cooldown not shared")))
direct = [one(B, MASTER, chat_body("failover", i)) for i in range(1, 21)]
through, _ = drive(MASTER, lambda i: chat_body("failover", 100 + i), 20, conc=4)
answered = sum(1 for r in direct + through if r["answered"])
out("   replica B: 20 requests, ingress: 20 more (%s) -> %d answered; broken called %d time(s) in all, backup %d  %s"
    % (by_replica(through), answered, hits("broken"), hits("backup"),
       check(first["answered"] and answered == 40 and hits("broken") == 1 and hits("backup") == 41,
             "cooldowns: broken deployment called %d times" % hits("broken"))))
out()

# ---- 3. response cache shared through Redis
out("3. an answer cached by one replica is served from the cache by the other")
question = {"model": "cached-chat", "temperature": 0,
            "messages": [{"role": "user", "content": "What is the capital of France?"}]}
miss = one(A, MASTER, question)
deadline = time.time() + 5
while not redis("--scan", "--pattern", "tokenledger:cache:*") and time.time() < deadline:
    time.sleep(0.05)
hit = one(B, MASTER, question)
settled_ledger("request_id IN ('%s', '%s')" % (miss["id"], hit["id"]), 2)
flags = dict(line.split("|") for line in psql("SELECT request_id || '|' || cached FROM usage_event WHERE request_id "
                                              "IN ('%s', '%s')" % (miss["id"], hit["id"])).splitlines())
out("   replica A: %d, cost %s, ledger cached=%s; replica B: %d, cost %s, ledger cached=%s, same body: %s"
    % (miss["status"], miss["cost"], flags.get(miss["id"]), hit["status"], hit["cost"], flags.get(hit["id"]),
       miss["text"] == hit["text"]))
out("   upstream cached/gpt-4o-mini called %d time(s)  %s"
    % (hits("cached"), check(miss["answered"] and hit["answered"] and miss["text"] == hit["text"]
                             and flags.get(miss["id"]) == "false" and flags.get(hit["id"]) == "true"
                             and hit["cost"] == "0" and hits("cached") == 1, "cache not shared")))
out()

# ---- 4. one replica stopped mid-load
a_pid = int(E["A_PID"])
out("4. replica A stopped with SIG%s mid-load (load key: hard budget, maxParallel 64, rpm limit)" % KILL_SIGNAL)
killed, kill_lock = [None], threading.Lock()
def stop_a(done):   # once a third of the requests were answered
    with kill_lock:
        if done >= REQUESTS // 3 and killed[0] is None:
            killed[0] = time.time()
            os.kill(a_pid, getattr(signal, "SIG" + KILL_SIGNAL))
results, secs = drive(keys["load"][1], lambda i: chat_body(("sse" if i % 2 == 0 else "json") + "/gpt-4o-mini", i,
                                                           stream=i % 2 == 0), REQUESTS, on_done=stop_a)
def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
deadline = time.time() + 60
while alive(a_pid):   # a stopped replica drains (at most 20 s here), then writes its last rows
    if time.time() > deadline:
        raise SystemExit("replica A did not stop within 60 s of SIG" + KILL_SIGNAL)
    time.sleep(0.1)
answered = [r for r in results if r["answered"]]
crash = KILL_SIGNAL == "KILL"
load_where = "key_id = '%s'" % keys["load"][0]
settled_ledger(load_where, len(answered))
orphaned = set()   # requests the crash left written but not settled, seen before the reconciliation
if crash:   # the crashed replica's holds and slots expire with their TTL
    time.sleep(max(0.0, killed[0] + HOLD_TTL + 1 - time.time()))
    org_done = {k.rsplit(":", 1)[1] for k in redis("--scan", "--pattern", "tl:{o:%s}:done:*" % org).split()}
    orphaned = set(psql("SELECT request_id FROM usage_event WHERE " + load_where).split()) - org_done
    # the key's next admission sweeps the expired holds and lists their requests as orphans; the reconciliation (one
    # replica, every second here) posts what the answered ones used, from their ledger rows
    one(B, keys["load"][1], chat_body("json/gpt-4o-mini", REQUESTS + 1))
    deadline = time.time() + 15
    while time.time() < deadline:
        counter = budget_counter(keys["load"][0])
        if counter and counter[0] == ledger(load_where)[1]:
            break
        time.sleep(0.2)
else:
    time.sleep(1)
recorded = {}   # the load key's ledger rows: request id -> input tokens, output tokens, cost micro-USD, streamed
for line in psql("SELECT request_id || '|' || input_tokens || '|' || output_tokens || '|' || cost_micros || '|' || "
                 "streamed FROM usage_event WHERE " + load_where).splitlines():
    rid, tin, tout, micros, streamed = line.split("|")
    recorded[rid] = (int(tin), int(tout), int(micros), streamed == "true")
spent = sum(v[2] for v in recorded.values())
lost = [r for r in answered if r["id"] not in recorded]
kept = [r for r in answered if r["id"] in recorded]
once = len({r["id"] for r in answered}) == len(answered)
client = (sum(r["usage"]["prompt_tokens"] for r in kept), sum(r["usage"]["completion_tokens"] for r in kept))
booked = (sum(recorded[r["id"]][0] for r in kept), sum(recorded[r["id"]][1] for r in kept))
out("   requests sent %d in %.1f s, answered %d (%s; streamed %d), not answered %d (%s)"
    % (len(results), secs, len(answered), by_replica(answered), sum(1 for r in answered if r["stream"]),
       len(results) - len(answered), codes(results)))
after = [r for r in answered if r["t"] > killed[0]]
out("   answered after the stop: %d (%s)" % (len(after), by_replica(after)))
out("   ledger rows %d; answered found in the ledger %d of %d, each once  %s"
    % (len(recorded), len(kept), len(answered), check(once and len(answered) > 0 and not lost,
                                                   "ledger: %d of %d answered requests found" % (len(kept), len(answered)))))
out("   tokens in/out of those: clients %d / %d, ledger %d / %d  %s"
    % (client + booked + (check(client == booked, "ledger token sums differ from the clients'"),)))
view = admin("GET", "/admin/v1/limits/key/%s" % keys["load"][0], port=B)
usage = {u["limit"]: u for u in view["usage"]}
held, in_flight = Decimal(usage["budget"]["held"] or "0"), usage["parallel"]["inFlight"]
out("   load key afterwards%s (replica B's admin view): budget held %s, used %s; in flight %s  %s"
    % (" and the %g s hold TTL" % HOLD_TTL if crash else "", usage["budget"]["held"], usage["budget"]["used"], in_flight,
       check(held == 0 and in_flight == 0, "holds left: held %s, in flight %s" % (held, in_flight))))
# settlement by request id: every settled request leaves a done marker in Redis
counter = budget_counter(keys["load"][0])
done = {k.rsplit(":", 1)[1] for k in redis("--scan", "--pattern", "tl:{o:%s}:done:*" % org).split()}
earlier = set(psql("SELECT request_id FROM usage_event WHERE org_id = '%s' AND NOT %s" % (org, load_where)).split())
unsettled = set(recorded) - done
unrecorded = done - set(recorded) - earlier
diff = (counter[0] if counter else 0) - spent
out("   settled spend: Redis %s, ledger %s (%d rows)  %s"
    % (usd(counter[0]) if counter else "?", usd(spent), len(recorded),
       check(counter is not None and diff == 0, "settled spend differs from the ledger by %d micro-USD" % diff)))
out("   rows never settled: %d; settled without a row: %d  %s"
    % (len(unsettled), len(unrecorded), check(not unsettled and not unrecorded, "settlements and ledger rows disagree")))
if crash:
    # A request is settled after its row is durable, never before: the crash may leave rows written but not settled
    # (their holds expired instead), never a settlement without its row, and each of those requests one the crashed
    # replica was serving at the crash. The reconciliation posted them from the ledger (counted in the line above).
    suspects = [r for r in answered if r["id"] in orphaned]
    at_crash = all(r["by"] == "A" and killed[0] - r["t"] <= CRASH_WINDOW_MS / 1000 for r in suspects)
    out("   interrupted by the crash before settling: %d rows (%d micro-USD), posted from the ledger by the "
        "reconciliation  %s"
        % (len(orphaned), sum(recorded[i][2] for i in orphaned if i in recorded),
           check(at_crash, "rows left unsettled by requests the crash did not interrupt")))
fallback = fallback_decisions(B)
out("   admissions replica B decided without Redis (local fallback): %d  %s"
    % (fallback, check(fallback == 0, "%d admissions fell back to replica B's local limiter" % fallback)))
out()
limited = sum(1 for r in everything if r["code"] in ("rate_limit_exceeded", "budget_exceeded"))
out("requests through the gateway: %d, answered %d (%s), refused by a limit %d, not answered otherwise %d (%s)"
    % (len(everything), sum(1 for r in everything if r["answered"]), by_replica([r for r in everything if r["answered"]]),
       limited, sum(1 for r in everything if not r["answered"]) - limited,
       codes([r for r in everything if r["code"] not in ("rate_limit_exceeded", "budget_exceeded")])))
out("RESULT %s" % ("PASS: the two replicas behave as one gateway" if not failures else "FAIL: " + "; ".join(failures)))
sys.exit(1 if failures else 0)
PY
export INGRESS_PORT A_PORT B_PORT A_MGMT_PORT B_MGMT_PORT A_PID MASTER WORK KILL_SIGNAL HOLD_TTL_S CRASH_WINDOW_MS REQUESTS CONCURRENCY PGHOST_ PGPORT_ DB \
  REDIS_HOST_ REDIS_PORT_ REDIS_DB
python3 "$WORK/proof.py"
