-- 0010_sessions: sign-in sessions of the web console. The cookie's random
-- id is never stored: hash is its BLAKE2b hash (as tokens.hash). csrf is
-- the token a state-changing request must echo. created, last_seen and
-- expires are ISO 8601 UTC times; a session ends at expires, or once
-- last_seen is older than the configured idle timeout.
CREATE TABLE sessions (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	hash TEXT NOT NULL UNIQUE,
	csrf TEXT NOT NULL,
	created TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	expires TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
