-- The audit log of the admin API: one row per change (keys, teams, organizations, limits, prices, imports, deployment
-- cooldowns, credentials), appended in the change's own transaction where the change is a PostgreSQL one. before and
-- after are the admin API's views of the object, which never hold a key, a key hash or a sealed secret.
CREATE TABLE admin_audit (
    id           BIGSERIAL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor        TEXT NOT NULL,          -- master-key, or the OIDC principal's name
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('master-key', 'oidc', 'other')),
    subject      TEXT,                   -- the OIDC subject (sub), when an OIDC token made the change
    client_ip    TEXT,
    via          TEXT NOT NULL DEFAULT 'api' CHECK (via IN ('api', 'console')),
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    action       TEXT NOT NULL,
    team_id      UUID,                   -- the team the object belongs to, when it belongs to one (viewers see these)
    before       JSONB,
    after        JSONB
);
CREATE INDEX admin_audit_at ON admin_audit (at, id);
CREATE INDEX admin_audit_entity ON admin_audit (entity_type, entity_id, id);
CREATE INDEX admin_audit_team ON admin_audit (team_id, id);

-- Append-only: an audit row is never changed or deleted through the application's role.
CREATE FUNCTION admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit is append-only';
END;
$$;
CREATE TRIGGER admin_audit_no_change BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only();
