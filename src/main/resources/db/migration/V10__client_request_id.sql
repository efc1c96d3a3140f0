-- A client's own x-request-id, kept for correlation only: the ledger key (request_id) is always minted by the gateway,
-- so a client reusing an id can neither collapse two requests into one row nor share a hold or a concurrency slot.
ALTER TABLE usage_event ADD COLUMN client_request_id TEXT;
