#!/usr/bin/env bash
# PostgreSQL CPU per ledger row: the gateway's batch insert (LedgerRow.INSERT's shape: every column an array, one
# `unnest()` insert statement per transaction, ON CONFLICT (request_id) DO NOTHING) against a scratch database migrated
# from src/main/resources/db/migration, run by `pgbench -M prepared -c 1`; the CPU of that one backend is read from
# /proc/<pid>/stat (utime + stime), so PostgreSQL must run on this machine. The WAL writer and checkpointer are not
# counted. bench/README.md "PostgreSQL per ledger row" has the figures and what they mean.
#
#   bash bench/ledger-rows.sh                      # every migration, b = 16 64 256 512
#   UPTO=291 bash bench/ledger-rows.sh             # the schema before V320 (price-version foreign key)
#   UPTO=291 SCHEMA=lean bash bench/ledger-rows.sh # then no foreign key, no rollup triggers, one BRIN for five b-trees
#
# Output per batch size b: the backend's CPU for the insert (cpu_s) and for the same parameters only unnested
# (arrays_s), per row (us_per_row, arrays_us), and their difference (row_us): what writing the row costs.
#
# Environment: PGHOST (127.0.0.1), PGUSER (postgres), DB (tl_ledger_rows: dropped and created), UPTO (highest
# migration version applied, default all), SCHEMA (migrated | lean), BATCHES ("16 64 256 512"), ROWS (rows per batch
# size, 100000), PRELOAD (rows in the table before the first run, 200000), END_USERS (share of rows naming an end user,
# in percent, 0: the bench's chat request names none), KEYS (distinct keys, 20, of 12 teams and 3 organizations),
# CREDENTIALS (1), RUNS (runs per batch size, 1), EXTRA (SQL run after the migrations), KEEP (keep the scripts),
# UNNEST (select: the arrays unnested in the select list, as LedgerRow.INSERT does; from: `unnest(a, b, ...)` in FROM,
# as it did before), ROLLUPS and END_USER_ROLLUP (below).
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres} PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
DB=${DB:-tl_ledger_rows}
UPTO=${UPTO:-99999}
SCHEMA=${SCHEMA:-migrated}
BATCHES=${BATCHES:-16 64 256 512}
ROWS=${ROWS:-100000}
PRELOAD=${PRELOAD:-200000}
END_USERS=${END_USERS:-0}
RUNS=${RUNS:-1}
KEYS=${KEYS:-20}
CREDENTIALS=${CREDENTIALS:-1}
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT; echo "# scripts in $work" >&2

psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
# Flyway's order: by version number
for f in $(ls src/main/resources/db/migration/V*__*.sql | sed -E 's/.*\/V([0-9]+)__.*/\1 &/' | sort -n \
        | awk -v upto="$UPTO" '$1 <= upto {print $2}'); do
    psql -q -v ON_ERROR_STOP=1 -d "$DB" -f "$f" >/dev/null
done
if [ "$SCHEMA" = lean ]; then
    psql -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
ALTER TABLE usage_event DROP CONSTRAINT IF EXISTS usage_event_price_version_id_fkey;
DROP TRIGGER IF EXISTS usage_daily_on_insert ON usage_event;
DROP TRIGGER IF EXISTS usage_daily_end_user_on_insert ON usage_event;
DROP TRIGGER IF EXISTS usage_rollups_on_insert ON usage_event;
DROP INDEX IF EXISTS usage_event_time, usage_event_team_time, usage_event_key_time, usage_event_org_time,
    usage_event_model_time;
CREATE INDEX usage_event_time_brin ON usage_event USING brin (created_at);
SQL
fi
# ROLLUPS=statement: the rollups kept by the insert statement itself (upserts from its RETURNING rows, as a variant: it
# cost as much as V191's and V250's triggers, bench/README.md), which are dropped after the preload; END_USER_ROLLUP=0
# leaves the end-user upsert out of that statement. ROLLUPS=triggers (the default): the triggers keep them.
ROLLUPS=${ROLLUPS:-triggers}
UNNEST=${UNNEST:-select}
ROLLUP_COLUMNS="created_at, org_id, team_id, key_id, requested_model, provider, credential_id, end_user, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, price_status"
sums="sum(input_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cost_exact), count(*) FILTER (WHERE price_status = 'unpriced')"
adds="requests = d.requests + EXCLUDED.requests, input_tokens = d.input_tokens + EXCLUDED.input_tokens, cache_read_tokens = d.cache_read_tokens + EXCLUDED.cache_read_tokens, cache_write_tokens = d.cache_write_tokens + EXCLUDED.cache_write_tokens, output_tokens = d.output_tokens + EXCLUDED.output_tokens, reasoning_tokens = d.reasoning_tokens + EXCLUDED.reasoning_tokens, cost_exact = CASE WHEN d.cost_exact IS NULL THEN EXCLUDED.cost_exact WHEN EXCLUDED.cost_exact IS NULL THEN d.cost_exact ELSE d.cost_exact + EXCLUDED.cost_exact END, unpriced = d.unpriced + EXCLUDED.unpriced"
ROLLUP_SQL=", daily AS (INSERT INTO usage_daily AS d (day, org_id, team_id, key_id, requested_model, provider, credential_id, requests, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, unpriced) SELECT (created_at AT TIME ZONE 'UTC')::date, org_id, team_id, key_id, requested_model, provider, credential_id, count(*), $sums FROM written GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7 ON CONFLICT (day, org_id, team_id, key_id, requested_model, provider, credential_id) DO UPDATE SET $adds)"
[ "${END_USER_ROLLUP:-1}" = 0 ] || ROLLUP_SQL="$ROLLUP_SQL, by_end_user AS (INSERT INTO usage_daily_end_user AS d (day, org_id, team_id, end_user, requests, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, unpriced) SELECT (created_at AT TIME ZONE 'UTC')::date, org_id, team_id, end_user, count(*), $sums FROM written WHERE end_user IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 ON CONFLICT (day, org_id, team_id, end_user) DO UPDATE SET $adds)"
# any other change to measure, e.g. EXTRA="DROP INDEX usage_event_time"
[ -z "${EXTRA:-}" ] || psql -q -v ON_ERROR_STOP=1 -d "$DB" -c "$EXTRA" >/dev/null

# 60 keys (KEYS of them used) of 12 teams of 3 organizations; 3 price versions, rows name the first
psql -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
INSERT INTO price_version (provider, model, effective_from, input_mtok, output_mtok, source, created_by)
SELECT 'openai', m, '2026-01-01', 0.15, 0.6, 'bench', 'bench'
  FROM unnest(ARRAY['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini']) m;
CREATE TABLE bench_key AS
SELECT k, md5('org' || k % 3)::uuid AS org_id, md5('team' || k % 12)::uuid AS team_id, md5('key' || k)::uuid AS key_id
  FROM generate_series(0, 59) k;
SQL

columns="request_id, created_at, org_id, team_id, key_id, subject, end_user, inbound_format, operation, requested_model,
    provider, provider_type, upstream_model, status, error_class, input_tokens, input_uncached, cache_read_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, usage_source, cost_exact, cost_micros, price_status,
    price_version_id, latency_ms, ttft_ms, streamed, cached, saving_micros, usage_units, service_tier, price_provider,
    price_model, price_match, client_request_id, credential_id, trace_id"
# One ledger row of the bench's governed chat request (the key, credential, latency and end user vary); request ids are
# time-ordered, as the gateway's UUID version 7 ids are.
rows_sql() { # $1: how many rows, $2: created_at of row g (SQL expression)
    cat <<SQL
SELECT 'c' || (extract(epoch FROM $2) * 1000000)::bigint || '-' || lpad(g::text, 7, '0'), $2, k.org_id, k.team_id,
       k.key_id, 'key:' || k.k, CASE WHEN g % 100 < $END_USERS THEN 'user-' || g % 50 END, 'openai_chat', 'chat',
       'gpt-4o-mini', 'openai', 'openai', 'gpt-4o-mini-2024-07-18', 'ok', NULL, 9::bigint, 9::bigint, 0::bigint,
       0::bigint, 12::bigint, 0::bigint, 'provider', 0.0000085500::numeric, 9::bigint, 'priced',
       (SELECT min(id) FROM price_version), (20 + g % 50)::bigint, NULL::bigint, false, false, NULL::bigint,
       NULL::jsonb, 'default', 'openai', 'gpt-4o-mini', 'exact', NULL, 'cred-' || g % $CREDENTIALS, NULL
  FROM generate_series(1, $1) g JOIN bench_key k ON k.k = g % $KEYS
SQL
}
if [ "$PRELOAD" -gt 0 ]; then
    psql -q -v ON_ERROR_STOP=1 -d "$DB" -c "INSERT INTO usage_event ($columns) $(rows_sql "$PRELOAD" \
        "(now() - interval '30 days' + g * interval '10 ms')")" >/dev/null
fi
psql -q -d "$DB" -c "VACUUM ANALYZE" >/dev/null
# after the preload, which the triggers counted in the rollups
if [ "$ROLLUPS" = statement ]; then
    psql -q -v ON_ERROR_STOP=1 -d "$DB" -c "DROP TRIGGER IF EXISTS usage_daily_on_insert ON usage_event" \
        -c "DROP TRIGGER IF EXISTS usage_daily_end_user_on_insert ON usage_event" >/dev/null
fi

# The statement under test: LedgerRow.INSERT verbatim. pgbench sends its variables as the parameters of the prepared
# statement (as text: the gateway sends binary arrays); request ids and times are made per statement, in it.
types=(text timestamptz uuid uuid uuid text text text text text text text text text text bigint bigint bigint bigint
    bigint bigint text "text[]::numeric" bigint text bigint bigint bigint boolean boolean bigint "text[]::jsonb" text
    text text text text text text)
make_scripts() { # $1: batch size; the other columns' arrays are constant, made once with psql
    local b=$1 i=0 c params source plist=() values
    values=$(psql -Atq -d "$DB" -F $'\x1f' -c "SELECT $(echo "$columns" | tr -d '\n' | sed -E 's/([a-z_]+)/array_agg(\1)/g') FROM ($(rows_sql "$b" "now()")) r ($columns)")
    IFS=$'\x1f' read -r -a arr <<<"$values"
    defines=()
    for c in $(echo "$columns" | tr -d ','); do
        if [ $i -eq 0 ]; then
            plist=("(SELECT array_agg('c' || (extract(epoch FROM now()) * 1000000)::bigint || '-' || lpad(g::text, 7, '0')) FROM generate_series(1, $b) g)")
        elif [ $i -eq 1 ]; then
            plist+=("(SELECT array_agg(now() + g * interval '1 us') FROM generate_series(1, $b) g)")
        else
            plist+=(":$c::${types[$i]}[]")
            defines+=(-D "$c=${arr[$i]}")
        fi
        i=$((i + 1))
    done
    params=$(IFS=,; echo "${plist[*]}")
    if [ "$UNNEST" = select ]; then # every array unnested in the select list: one ProjectSet, nothing materialised
        source="SELECT $(printf 'unnest(%s), ' "${plist[@]}" | sed 's/, $//')"
    else # unnest(a, b, ...) in FROM: one function scan per array, each materialising its column
        source="SELECT * FROM unnest($params)"
    fi
    if [ "$ROLLUPS" = statement ]; then
        echo "WITH written AS (INSERT INTO usage_event ($(echo "$columns" | tr -d '\n')) $source ON CONFLICT (request_id) DO NOTHING RETURNING $ROLLUP_COLUMNS)$ROLLUP_SQL SELECT count(*) AS written, pg_current_xact_id_if_assigned()::text AS transaction FROM written;" >"$work/insert-$b.sql"
    else
        echo "WITH written AS (INSERT INTO usage_event ($(echo "$columns" | tr -d '\n')) $source ON CONFLICT (request_id) DO NOTHING RETURNING 1) SELECT count(*) AS written, pg_current_xact_id_if_assigned()::text AS transaction FROM written;" >"$work/insert-$b.sql"
    fi
    echo "SELECT count(*) FROM ($source) s;" >"$work/arrays-$b.sql"
    printf '%s\0' "${defines[@]}" >"$work/defines-$b"
}

# CPU seconds (utime + stime) of pgbench's backend, last read before it exits
run() { # $1: script, $2: transactions; prints "transactions cpu_seconds"
    local hz out pid cpu=0 s
    hz=$(getconf CLK_TCK)
    pgbench -n -M prepared -c 1 -t "$2" "${defines[@]}" -f "$1" "$DB" >"$work/out" 2>&1 &
    local bench=$!
    pid=""
    while [ -z "$pid" ] && kill -0 $bench 2>/dev/null; do
        # the client's connection, once it runs the script (not a connection pgbench opens for itself first)
        pid=$(psql -Atq -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND application_name = 'pgbench' AND query LIKE '%unnest(%' ORDER BY backend_start DESC LIMIT 1" || true)
        [ -n "$pid" ] || sleep 0.02
    done
    while [ -n "$pid" ] && s=$(cat /proc/"$pid"/stat 2>/dev/null); do
        cpu=$(echo "$s" | sed -E 's/.*\) //' | awk '{print $12 + $13}')
        sleep 0.05
    done
    wait $bench || { cat "$work/out" >&2; exit 1; }
    [ "$cpu" != 0 ] || { echo "no CPU read for the backend of $1" >&2; exit 1; }
    out=$(grep -E 'number of transactions actually processed' "$work/out" | sed -E 's/.*: ([0-9]+).*/\1/')
    echo "$out $(echo "$cpu $hz" | awk '{printf "%.2f", $1 / $2}')"
}

echo "# $(date -u +%FT%TZ) schema=$SCHEMA rollups=$ROLLUPS unnest=$UNNEST end_user_rollup=${END_USER_ROLLUP:-1} upto=V$UPTO extra=\"${EXTRA:-}\" preload=$PRELOAD end_users=$END_USERS% keys=$KEYS credentials=$CREDENTIALS $(uptime | sed 's/.*load/load/')"
printf '%6s %8s %10s %10s %12s %12s %8s\n' b rows cpu_s arrays_s us_per_row arrays_us row_us
for b in $BATCHES; do
    make_scripts "$b"
    for _ in $(seq "$RUNS"); do
        n=$(( (ROWS + b - 1) / b ))
        read -r t cpu < <(run "$work/insert-$b.sql" "$n")
        read -r ta cpua < <(run "$work/arrays-$b.sql" "$n")
        awk -v b="$b" -v t="$t" -v c="$cpu" -v ta="$ta" -v ca="$cpua" 'BEGIN {
            rows = t * b; arr = ca / (ta * b) * 1e6;
            printf "%6d %8d %10.2f %10.2f %12.1f %12.1f %8.1f\n", b, rows, c, ca, c / rows * 1e6, arr, c / rows * 1e6 - arr }'
    done
done
echo "# $(uptime | sed 's/.*load/load/')"
