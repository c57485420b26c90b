-- 0002_events: events (one IntelMQ JSON line each), the organizations
-- that receive them, and the classification types organizations opt out
-- of. Portable SQL for SQLite and PostgreSQL (see 0001_registry.sql for
-- {{ID}} and {{BYTES}}).

-- time: time.source, else time.observation, in seconds since the epoch
-- (the time filters and retention use it); received: when it was stored
-- (ISO 8601 UTC); hash: hex BLAKE2b-128 of the JSON line without
-- time.observation, the same for the same observation seen twice.
CREATE TABLE events (
	id {{ID}},
	time BIGINT NOT NULL,
	received TEXT NOT NULL,
	feed TEXT {{BYTES}} NOT NULL,
	type TEXT {{BYTES}} NOT NULL,
	tlp TEXT NOT NULL
		CHECK (tlp IN ('TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED')),
	hash TEXT NOT NULL CHECK (length(hash) = 32),
	body TEXT NOT NULL
);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_type ON events (type);

-- One row per organization receiving an event (model/recipient.h).
-- resource_id has no foreign key: the resource may be removed later and
-- the row still says through what the organization matched. member_id
-- names the member concerned for a liaison row; notification_id the
-- notification that carried the event to this organization.
CREATE TABLE event_recipients (
	event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('owner', 'liaison', 'national')),
	pass_on INTEGER NOT NULL CHECK (pass_on IN (0, 1)),
	need_to_know INTEGER NOT NULL CHECK (need_to_know IN (0, 1)),
	resource_id BIGINT,
	member_id BIGINT,
	reason TEXT NOT NULL,
	notification_id BIGINT,
	PRIMARY KEY (event_id, org_id)
);
CREATE INDEX event_recipients_org ON event_recipients (org_id, event_id);

CREATE TABLE org_optouts (
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	type TEXT {{BYTES}} NOT NULL,
	created TEXT NOT NULL,
	PRIMARY KEY (org_id, type)
);
