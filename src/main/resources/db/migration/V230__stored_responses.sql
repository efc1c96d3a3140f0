-- Responses stored by the gateway for clients of the Responses API whose request was translated for another
-- provider (store: true, the API's default), so that previous_response_id continues a conversation on any replica and
-- through any upstream. A row holds one turn: the input items that request added and the response object (its output
-- items included); a conversation is the chain of rows linked by previous_id. tenant scopes every read and write:
-- a key's team (or the key itself when it has no team), so another team's key never sees a row.
CREATE TABLE stored_response (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    previous_id TEXT,
    input       JSONB NOT NULL,      -- the input items of this turn, as the client sent them (a string as one message)
    response    JSONB NOT NULL,      -- the response object as the client received it
    size_bytes  INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, id)
);
-- the sweep of expired rows
CREATE INDEX stored_response_expires ON stored_response (expires_at);
