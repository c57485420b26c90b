-- 0005_tickets: incident handling. A ticket is a report, an incident or
-- a vulnerability-coordination case; its number is its id. Every mail in
-- or out and every internal comment is a ticket_messages row; an inbound
-- mail keeps its bytes exactly as received (raw) beside the parts read
-- from it. Times are ISO 8601 UTC text, as everywhere in the store.
-- Portable SQL for SQLite and PostgreSQL ({{BLOB}}: any bytes).

-- org_id and class: the requester's organization (by its contacts'
-- addresses) and class when the ticket was opened; priority, coverage
-- (none, office-hours, 24x7) and the due times follow from them, the
-- service and the severity (src/ticket/sla.h). scope: 'in', 'out' or
-- 'unknown', with the reason a duty officer reads.
CREATE TABLE tickets (
	id {{ID}},
	type TEXT NOT NULL
		CHECK (type IN ('report', 'incident', 'vulnerability-coordination')),
	status TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	requester TEXT NOT NULL DEFAULT '',
	org_id BIGINT REFERENCES orgs (id) ON DELETE SET NULL,
	class TEXT NOT NULL DEFAULT 'public',
	service TEXT NOT NULL DEFAULT 'incident-analysis',
	severity TEXT NOT NULL DEFAULT 'medium',
	priority INTEGER NOT NULL DEFAULT 3,
	coverage TEXT NOT NULL DEFAULT 'office-hours',
	tlp TEXT NOT NULL DEFAULT 'TLP:AMBER',
	owner TEXT NOT NULL DEFAULT '',
	tags TEXT NOT NULL DEFAULT '',
	scope TEXT NOT NULL DEFAULT 'unknown' CHECK (scope IN ('in', 'out', 'unknown')),
	scope_reason TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL,
	updated TEXT NOT NULL,
	due_ack TEXT,
	due_response TEXT,
	due_resolve TEXT,
	acked_at TEXT,
	responded_at TEXT,
	resolved_at TEXT
);
-- The queue: open tickets by priority, then due time.
CREATE INDEX tickets_queue ON tickets (priority, due_resolve, id) WHERE resolved_at IS NULL;

-- The organizations and addresses an incident is coordinated with; each
-- has its own correspondence (ticket_messages.party_id).
CREATE TABLE ticket_parties (
	id {{ID}},
	ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	org_id BIGINT REFERENCES orgs (id) ON DELETE SET NULL,
	address TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL
);
CREATE INDEX ticket_parties_ticket ON ticket_parties (ticket_id, id);

-- kind: 'in' (mail received), 'reply' (mail sent by a handler), 'ack'
-- (the automatic acknowledgement), 'comment' (internal, never mailed).
-- message_id is the Message-ID without angle brackets: an inbound one is
-- stored once; outbound ones let replies thread. mail_id: the outbound
-- queue's row of a mail sent.
CREATE TABLE ticket_messages (
	id {{ID}},
	ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	party_id BIGINT REFERENCES ticket_parties (id) ON DELETE SET NULL,
	kind TEXT NOT NULL CHECK (kind IN ('in', 'reply', 'ack', 'comment')),
	message_id TEXT {{BYTES}} NOT NULL DEFAULT '',
	author TEXT NOT NULL DEFAULT '',
	recipients TEXT {{BYTES}} NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	encrypted INTEGER NOT NULL DEFAULT 0,
	raw {{BLOB}},
	size BIGINT NOT NULL DEFAULT 0,
	mail_id BIGINT REFERENCES mail_out (id) ON DELETE SET NULL,
	created TEXT NOT NULL
);
CREATE UNIQUE INDEX ticket_messages_in ON ticket_messages (message_id) WHERE kind = 'in';
CREATE INDEX ticket_messages_id ON ticket_messages (message_id);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);
-- Auto-replies per address per hour.
CREATE INDEX ticket_messages_acks ON ticket_messages (recipients, created) WHERE kind = 'ack';

-- The MIME parts of an inbound mail, in order, as read from it.
CREATE TABLE ticket_parts (
	message_id BIGINT NOT NULL REFERENCES ticket_messages (id) ON DELETE CASCADE,
	n INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	filename TEXT NOT NULL DEFAULT '',
	size BIGINT NOT NULL,
	PRIMARY KEY (message_id, n)
);

-- A report and the incidents it is part of.
CREATE TABLE ticket_links (
	report_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	incident_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	PRIMARY KEY (report_id, incident_id)
);
CREATE INDEX ticket_links_incident ON ticket_links (incident_id);

-- What a ticket's text names (addresses, prefixes, domains, URLs, CVE
-- ids), each with the organization owning it where the registry knows
-- one (one row per owner) and the resource that matched.
CREATE TABLE ticket_items (
	id {{ID}},
	ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	value TEXT {{BYTES}} NOT NULL,
	org_id BIGINT REFERENCES orgs (id) ON DELETE SET NULL,
	reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_items_ticket ON ticket_items (ticket_id, id);
CREATE INDEX ticket_items_org ON ticket_items (org_id);

-- Mail in: whose contact wrote it.
CREATE INDEX contacts_email ON contacts (lower(email));
