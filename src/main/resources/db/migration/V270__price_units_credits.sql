-- Credits, the unit Kiro bills in instead of tokens: USD per credit. A ledger row's credits are in usage_units
-- (micro_credits: millionths of a credit, rounded half-up from the decimal the provider reported).
ALTER TABLE price_version
    ADD COLUMN credits NUMERIC(20, 10);
