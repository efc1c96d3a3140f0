-- The pepper a key's hash was made with. Keys of version 1 were hashed under the pepper configured when they were
-- issued or, when none was, under the master key (which then still verifies them); version 2 only under
-- tokenledger.keys.pepper, so rotating the master key never revokes them.
ALTER TABLE api_key ADD CONSTRAINT api_key_pepper_version CHECK (pepper_version IN (1, 2));
COMMENT ON COLUMN api_key.pepper_version IS
    '1: HMAC under the pepper configured at issue or, when none was, the master key; 2: HMAC under tokenledger.keys.pepper';
