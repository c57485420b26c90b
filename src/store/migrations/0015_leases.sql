-- 0015_leases: who holds what, for senders and periodic jobs on several
-- nodes sharing one store. Portable SQL for SQLite and PostgreSQL.

-- The node that claimed a queued message last (its lease runs until
-- next_attempt), for listings and logs; the claim counter still guards
-- every outcome.
ALTER TABLE mail_out ADD COLUMN holder TEXT NOT NULL DEFAULT '';
-- The dispatcher's question, answered from the index alone: the next
-- due messages that are neither held nor claimed, oldest first.
DROP INDEX mail_out_due;
CREATE INDEX mail_out_due ON mail_out (status, held, next_attempt, id);

-- A periodic job's run belongs to the node that holds its lease: one
-- node does each run, whichever nodes are up. until: when the lease
-- ends (ISO 8601 UTC); runs: the runs done so far, counted by the
-- winner.
CREATE TABLE job_lease (
	job TEXT {{BYTES}} PRIMARY KEY,
	holder TEXT NOT NULL,
	until TEXT NOT NULL,
	runs BIGINT NOT NULL DEFAULT 0
){{WITHOUT_ROWID}};
