-- Limits per scope (a virtual key, a team or an organization): rates, concurrency, token quotas and a money budget,
-- as one JSON document (see dev.tokenledger.admission.LimitSpec). PostgreSQL is the source of truth; every replica
-- keeps them in memory and Redis holds only the counters.
CREATE TABLE scope_limit (
    scope_type  TEXT NOT NULL CHECK (scope_type IN ('key', 'team', 'org')),
    scope_id    UUID NOT NULL,
    org_id      UUID NOT NULL,
    spec        JSONB NOT NULL,
    -- start of the first window of a rolling budget: rolling windows are consecutive periods from here
    anchor      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (scope_type, scope_id)
);

-- Re-seeding budget and quota counters sums the ledger per organization and window.
CREATE INDEX usage_event_org_time ON usage_event (org_id, created_at);
