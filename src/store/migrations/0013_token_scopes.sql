-- 0011: API tokens carry scopes: permissions beyond the role of their
-- user, a comma-separated list of names ("events:write"), '' for none.
-- A session or a password carries none.
ALTER TABLE tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
