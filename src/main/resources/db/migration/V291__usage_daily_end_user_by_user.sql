-- The spend page's series of its largest end users read their days from the end-user rollup through this index (the
-- totals that rank them take one pass over the period; the series then touch only the chosen end users' rows).
CREATE INDEX usage_daily_end_user_user_day ON usage_daily_end_user (end_user, day);
