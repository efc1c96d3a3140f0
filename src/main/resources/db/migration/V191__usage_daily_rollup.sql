-- Daily usage per organization, team, key, model, provider and credential (UTC days), kept by a statement trigger on
-- the ledger: the admin API's usage aggregates and the console's spend page read it for whole-day periods instead of
-- summing every ledger row (on a 1,000,000-row month: seconds on the ledger, milliseconds here). The ledger is
-- append-only (rows are inserted once, ON CONFLICT DO NOTHING), so inserts are all the rollup has to follow.
CREATE TABLE usage_daily (
    day                 DATE NOT NULL,
    org_id              UUID,
    team_id             UUID,
    key_id              UUID,
    requested_model     TEXT NOT NULL,
    provider            TEXT,
    credential_id       TEXT,
    requests            BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cache_write_tokens  BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    reasoning_tokens    BIGINT NOT NULL,
    cost_exact          NUMERIC(30, 12),
    unpriced            BIGINT NOT NULL
);
CREATE UNIQUE INDEX usage_daily_key ON usage_daily (day, org_id, team_id, key_id, requested_model, provider, credential_id)
    NULLS NOT DISTINCT;
CREATE INDEX usage_daily_team_day ON usage_daily (team_id, day);

CREATE FUNCTION usage_daily_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_daily AS d (day, org_id, team_id, key_id, requested_model, provider, credential_id, requests,
            input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, unpriced)
    SELECT (created_at AT TIME ZONE 'UTC')::date, org_id, team_id, key_id, requested_model, provider, credential_id,
           count(*), sum(input_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(output_tokens),
           sum(reasoning_tokens), sum(cost_exact), count(*) FILTER (WHERE price_status = 'unpriced')
      FROM written
     GROUP BY 1, 2, 3, 4, 5, 6, 7
     -- a fixed order: concurrent batches lock the same rollup rows in the same order (no deadlock)
     ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (day, org_id, team_id, key_id, requested_model, provider, credential_id) DO UPDATE SET
        requests = d.requests + EXCLUDED.requests,
        input_tokens = d.input_tokens + EXCLUDED.input_tokens,
        cache_read_tokens = d.cache_read_tokens + EXCLUDED.cache_read_tokens,
        cache_write_tokens = d.cache_write_tokens + EXCLUDED.cache_write_tokens,
        output_tokens = d.output_tokens + EXCLUDED.output_tokens,
        reasoning_tokens = d.reasoning_tokens + EXCLUDED.reasoning_tokens,
        cost_exact = CASE WHEN d.cost_exact IS NULL THEN EXCLUDED.cost_exact
                          WHEN EXCLUDED.cost_exact IS NULL THEN d.cost_exact
                          ELSE d.cost_exact + EXCLUDED.cost_exact END,
        unpriced = d.unpriced + EXCLUDED.unpriced;
    RETURN NULL;
END;
$$;
CREATE TRIGGER usage_daily_on_insert AFTER INSERT ON usage_event REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION usage_daily_add();

INSERT INTO usage_daily (day, org_id, team_id, key_id, requested_model, provider, credential_id, requests, input_tokens,
        cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, unpriced)
SELECT (created_at AT TIME ZONE 'UTC')::date, org_id, team_id, key_id, requested_model, provider, credential_id, count(*),
       sum(input_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens),
       sum(cost_exact), count(*) FILTER (WHERE price_status = 'unpriced')
  FROM usage_event GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- The console's request list filtered by model reads the newest rows of that model first.
CREATE INDEX usage_event_model_time ON usage_event (requested_model, created_at);
