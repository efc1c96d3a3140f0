-- What a reprice needs to be exact, and which catalogue entry priced each row.
ALTER TABLE usage_event
    -- the finer counts of the row's usage, by unit: {"cache_write_1h": 1000, "input_audio": 90000, "web_searches": 3}
    -- (only non-zero units; each is part of the input or output counted in the columns above)
    ADD COLUMN usage_units     JSONB,
    -- the service tier the provider reported (standard, priority, flex, batch, ...)
    ADD COLUMN service_tier    TEXT,
    -- the catalogue provider the deployment is billed from (its configured price provider)
    ADD COLUMN price_provider  TEXT,
    -- the model id of the catalogue entry that priced the row, and how the served model name found it
    ADD COLUMN price_model     TEXT,
    ADD COLUMN price_match     TEXT CHECK (price_match IN ('exact', 'rule', 'wildcard'));
