-- Ledger rows PostgreSQL refused (a value it cannot store, a constraint it violates), quarantined instead of holding
-- their batch or the spool replay hostage. The row is kept whole as the gateway serialised it (JSON text: control
-- characters are escaped there), with the database's reason, for an operator to correct and re-insert.
CREATE TABLE ledger_dead_letter (
    id          BIGSERIAL PRIMARY KEY,
    -- SHA-256 of row_json: a row quarantined again by a replay is not stored twice
    row_hash    TEXT NOT NULL UNIQUE,
    -- the request id with control characters escaped, cut to 200 characters: a display key, not the ledger key
    request_id  TEXT NOT NULL,
    sqlstate    TEXT,
    reason      TEXT NOT NULL,
    row_json    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_dead_letter_time ON ledger_dead_letter (created_at);
