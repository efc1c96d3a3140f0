-- The W3C trace id of the request while tracing is on (docs/operations.md "Traces"); null when it was not traced.
ALTER TABLE usage_event ADD COLUMN trace_id text;
