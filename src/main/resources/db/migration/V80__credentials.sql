-- Upstream credentials: metadata in clear, the secret sealed with AES-256-GCM under a per-row data key, itself
-- wrapped by a key-encryption key from the configuration (named by kek_id so the KEK can be rotated).
CREATE TABLE upstream_credential (
    id            uuid PRIMARY KEY,
    provider      text NOT NULL,
    label         text NOT NULL,
    kind          text NOT NULL,
    status        text NOT NULL,
    expires_at    timestamptz,
    last_error    text,
    kek_id        text NOT NULL,
    wrapped_key   bytea NOT NULL,
    sealed_secret bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upstream_credential_provider ON upstream_credential (provider);

-- The credential that served a request: a stored credential's id, or config:<provider> for a configured key.
ALTER TABLE usage_event ADD COLUMN credential_id text;
