-- A ledger row costs PostgreSQL less to write: the price-version foreign key, checked row by row, goes (bench/README.md
-- "PostgreSQL per ledger row": a query and a row lock on price_version for every priced row, 3.3-3.6 us a row that
-- more rows a statement do not spread, against 2 us for both rollup triggers). What it guarded holds without it: a
-- row's price_version_id is always the id of a version the gateway read from price_version (PriceBook loads the
-- catalogue from that table and prices only with what it loaded), and the catalogue is append-only (the gateway
-- inserts versions and never updates or deletes one). The triggers below make the database refuse what would break
-- that, a version deleted or renumbered, at no cost to the ledger's inserts.
--
-- What stays, measured or read: the two rollup triggers (one trigger reading the batch once cost as much per row as
-- both: the work is the grouping and the upserts, not the second call) and every index, each serving a query: the
-- limit seeders read a key's, team's or organization's rows of a window through the three scope + time indexes; the
-- ledger list reads the newest rows first through usage_event_time (unfiltered, the console's default view; a BRIN
-- cannot give that order), or through the key, team or model index when filtered by one.
ALTER TABLE usage_event DROP CONSTRAINT usage_event_price_version_id_fkey;

CREATE FUNCTION price_version_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the price catalogue is append-only: ledger rows name its versions by id'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER price_version_no_delete BEFORE DELETE ON price_version
    FOR EACH ROW EXECUTE FUNCTION price_version_append_only();
CREATE TRIGGER price_version_no_renumber BEFORE UPDATE OF id ON price_version
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION price_version_append_only();
CREATE TRIGGER price_version_no_truncate BEFORE TRUNCATE ON price_version
    FOR EACH STATEMENT EXECUTE FUNCTION price_version_append_only();
