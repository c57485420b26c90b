-- 0017_alerts: alerts of urgent (High/High) advisories, one per recipient
-- organization. step is the index of the operational-24x7 contact last
-- alerted (contacts by id); state: sent (waiting for an
-- acknowledgement), acknowledged (ack_how: link, mail, portal or phone),
-- calllist (no contact answered: the duty officer calls). A personal
-- acknowledgement link's token is never stored: hash is its BLAKE2b hash
-- (as tokens.hash). Times are ISO 8601 UTC.
CREATE TABLE alerts (
	id {{ID}},
	advisory_id BIGINT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	state TEXT NOT NULL CHECK (state IN ('sent', 'acknowledged', 'calllist')),
	step INTEGER NOT NULL DEFAULT 0,
	contact_id BIGINT,
	sent_at TEXT NOT NULL,
	notified_at TEXT NOT NULL,
	ack_at TEXT,
	ack_by TEXT,
	ack_how TEXT CHECK (ack_how IN ('link', 'mail', 'portal', 'phone')),
	UNIQUE (advisory_id, org_id)
);
CREATE INDEX alerts_state ON alerts (state, notified_at);

CREATE TABLE alert_tokens (
	id {{ID}},
	alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	contact_id BIGINT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	expires TEXT NOT NULL
);

CREATE TABLE alert_calls (
	id {{ID}},
	alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	by_user TEXT NOT NULL,
	reached INTEGER NOT NULL,
	who TEXT NOT NULL,
	notes TEXT NOT NULL
);
CREATE INDEX alert_calls_alert ON alert_calls (alert_id);
