-- 0006: API tokens may expire. expires is an ISO 8601 UTC time
-- ("2026-03-01T12:00:00Z", as created and last_used) or NULL for a token
-- that does not expire; a token is refused from that time on.
ALTER TABLE tokens ADD COLUMN expires TEXT;
