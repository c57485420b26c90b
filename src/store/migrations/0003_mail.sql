-- 0003_mail: the outbound mail queue. A row is one complete message
-- (RFC 5322 text, CRLF line ends, 7-bit) with its envelope; the
-- dispatcher sends those due and records the outcome. Portable SQL for
-- SQLite and PostgreSQL (see 0001_registry.sql for {{ID}}).

-- kind and ref say what a message is for ('notification', 'notification:12');
-- recipients are the envelope addresses joined by ", ". claim counts the
-- times a sender took the message: a sender changes a row only while the
-- claim it took is still the row's. next_attempt (ISO 8601 UTC, as every
-- time here) is when a queued message is due, NULL once sent or failed.
CREATE TABLE mail_out (
	id {{ID}},
	created TEXT NOT NULL,
	kind TEXT NOT NULL,
	ref TEXT NOT NULL DEFAULT '',
	message_id TEXT NOT NULL DEFAULT '',
	sender TEXT NOT NULL,
	recipients TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	message TEXT NOT NULL,
	size BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	claim BIGINT NOT NULL DEFAULT 0,
	next_attempt TEXT,
	last_error TEXT NOT NULL DEFAULT '',
	sent_at TEXT,
	CHECK ((status = 'queued') = (next_attempt IS NOT NULL))
);
-- The dispatcher's question: which queued messages are due, oldest first.
CREATE INDEX mail_out_due ON mail_out (next_attempt, id) WHERE status = 'queued';
CREATE INDEX mail_out_status ON mail_out (status, id);
