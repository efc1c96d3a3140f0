-- Daily usage per team and end user (the client's `user` / `metadata.user_id`, as the ledger keeps it), UTC days: the
-- spend page and the usage API group by end user from here for whole-day periods. Kept apart from usage_daily so that
-- many end users do not multiply the rows every other grouping reads; only ledger rows that name an end user are
-- counted (a request without one adds no work here).
CREATE TABLE usage_daily_end_user (
    day                 DATE NOT NULL,
    org_id              UUID,
    team_id             UUID,
    end_user            TEXT NOT NULL,
    requests            BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cache_write_tokens  BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    reasoning_tokens    BIGINT NOT NULL,
    cost_exact          NUMERIC(30, 12),
    unpriced            BIGINT NOT NULL
);
CREATE UNIQUE INDEX usage_daily_end_user_key ON usage_daily_end_user (day, org_id, team_id, end_user) NULLS NOT DISTINCT;
CREATE INDEX usage_daily_end_user_team_day ON usage_daily_end_user (team_id, day);

CREATE FUNCTION usage_daily_end_user_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_daily_end_user AS d (day, org_id, team_id, end_user, requests, input_tokens, cache_read_tokens,
            cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, unpriced)
    SELECT (created_at AT TIME ZONE 'UTC')::date, org_id, team_id, end_user, count(*), sum(input_tokens),
           sum(cache_read_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cost_exact),
           count(*) FILTER (WHERE price_status = 'unpriced')
      FROM written
     WHERE end_user IS NOT NULL
     GROUP BY 1, 2, 3, 4
     -- a fixed order, as for usage_daily: concurrent batches cannot deadlock
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, org_id, team_id, end_user) DO UPDATE SET
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
CREATE TRIGGER usage_daily_end_user_on_insert AFTER INSERT ON usage_event REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION usage_daily_end_user_add();

INSERT INTO usage_daily_end_user (day, org_id, team_id, end_user, requests, input_tokens, cache_read_tokens,
        cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, unpriced)
SELECT (created_at AT TIME ZONE 'UTC')::date, org_id, team_id, end_user, count(*), sum(input_tokens),
       sum(cache_read_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cost_exact),
       count(*) FILTER (WHERE price_status = 'unpriced')
  FROM usage_event WHERE end_user IS NOT NULL GROUP BY 1, 2, 3, 4;
