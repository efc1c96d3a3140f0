-- Refreshable credentials: when the token is to be refreshed, when it last was, and a version that every refresh
-- raises to its fencing token (a refresh whose lock was lost cannot overwrite a newer token).
ALTER TABLE upstream_credential ADD COLUMN refresh_at timestamptz;
ALTER TABLE upstream_credential ADD COLUMN last_refresh_at timestamptz;
ALTER TABLE upstream_credential ADD COLUMN version bigint NOT NULL DEFAULT 0;
