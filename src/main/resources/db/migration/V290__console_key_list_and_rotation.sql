-- The console's key list is searched and paged in the database, newest first; and a rotation looks up whether the key
-- already has a replacement (a key in its overlap period is not rotated again).
CREATE INDEX api_key_created ON api_key (created_at DESC, id);
CREATE INDEX api_key_rotated_from ON api_key (rotated_from) WHERE rotated_from IS NOT NULL;
