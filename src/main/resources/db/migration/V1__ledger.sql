-- Tenancy: organizations own teams, teams own virtual keys.
CREATE TABLE org (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE team (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES org (id),
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

-- Virtual keys: only an HMAC-SHA-256 of the key (with a server-side pepper) is stored.
CREATE TABLE api_key (
    id              UUID PRIMARY KEY,
    team_id         UUID NOT NULL REFERENCES team (id),
    name            TEXT NOT NULL,
    key_hash        CHAR(64) NOT NULL UNIQUE,
    pepper_version  INT NOT NULL,
    key_prefix      TEXT NOT NULL,
    key_last4       TEXT NOT NULL,
    models          TEXT NOT NULL DEFAULT '[]',   -- JSON array of allowed model names or patterns
    metadata        JSONB NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'revoked')),
    expires_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at      TIMESTAMPTZ,
    rotated_from    UUID REFERENCES api_key (id)
);
CREATE INDEX api_key_team ON api_key (team_id);

-- The price catalogue: append-only versions, per million tokens, exact decimals.
CREATE TABLE price_version (
    id                  BIGSERIAL PRIMARY KEY,
    provider            TEXT NOT NULL,
    model               TEXT NOT NULL,
    effective_from      TIMESTAMPTZ NOT NULL,
    input_mtok          NUMERIC(20, 10) NOT NULL,
    cache_read_mtok     NUMERIC(20, 10),
    cache_write_mtok    NUMERIC(20, 10),
    cache_write_1h_mtok NUMERIC(20, 10),
    output_mtok         NUMERIC(20, 10) NOT NULL,
    reasoning_mtok      NUMERIC(20, 10),
    tiers               JSONB,
    source              TEXT NOT NULL,
    reason              TEXT,
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (provider, model, effective_from)
);

-- The usage ledger: one row per served request, exactly once (request_id is the idempotency key).
CREATE TABLE usage_event (
    request_id          TEXT PRIMARY KEY,
    created_at          TIMESTAMPTZ NOT NULL,
    org_id              UUID,
    team_id             UUID,
    key_id              UUID,
    subject             TEXT NOT NULL,
    end_user            TEXT,
    inbound_format      TEXT NOT NULL,
    operation           TEXT NOT NULL,
    requested_model     TEXT NOT NULL,
    provider            TEXT,
    provider_type       TEXT,
    upstream_model      TEXT,
    status              TEXT NOT NULL,
    error_class         TEXT,
    input_tokens        BIGINT NOT NULL,
    input_uncached      BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cache_write_tokens  BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    reasoning_tokens    BIGINT NOT NULL,
    usage_source        TEXT NOT NULL,
    cost_exact          NUMERIC(24, 12),
    cost_micros         BIGINT,
    price_status        TEXT NOT NULL CHECK (price_status IN ('priced', 'unpriced')),
    price_version_id    BIGINT REFERENCES price_version (id),
    latency_ms          BIGINT NOT NULL,
    ttft_ms             BIGINT,
    streamed            BOOLEAN NOT NULL,
    cached              BOOLEAN NOT NULL DEFAULT FALSE,
    saving_micros       BIGINT
);
CREATE INDEX usage_event_time ON usage_event (created_at);
CREATE INDEX usage_event_team_time ON usage_event (team_id, created_at);
CREATE INDEX usage_event_key_time ON usage_event (key_id, created_at);
