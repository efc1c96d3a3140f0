-- Streams that began answering and have no ledger row yet. A row is written when a stream's first content leaves,
-- touched while the stream runs and dropped once the stream's own ledger row exists. One left untouched (its replica
-- died mid-stream) becomes a ledger row at its estimate: the JSON is the ledger row to write, status 'interrupted'.
CREATE TABLE usage_provisional (
    request_id  TEXT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    touched_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    ledger_row  JSONB NOT NULL
);
CREATE INDEX usage_provisional_touched ON usage_provisional (touched_at);
