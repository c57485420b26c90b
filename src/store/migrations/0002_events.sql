-- 0002_events: events (one IntelMQ JSON line each), the organizations
-- that receive them, and the classification types organizations opt out
-- of. Portable SQL for SQLite and PostgreSQL (see 0001_registry.sql for
-- {{ID}} and {{BYTES}}; {{WITHOUT_ROWID}} keeps an SQLite table in its
-- primary key alone, and is nothing on PostgreSQL).
--
-- Every feed line ends up here, so each index costs on the ingest path,
-- and so does each check: events have one index beside their id (time:
-- retention and the time filters); recipients are kept in the order of
-- their primary key, which new rows extend at the end, with one index by
-- organization (API pages); 0004 adds the rows that wait for a
-- notification. On SQLite (see db_int.h) the index by organization holds
-- only the rows that do not wait, so that a new row goes into one of
-- the two, and there is no foreign key to orgs: its look-up per row cost
-- more than all the rest of the row, and with one writer at a time the
-- store checks the organizations itself and removes an organization's
-- rows with it. "x IN (three or more values)" in a CHECK makes SQLite
-- build a temporary table at every row, hence the ORs below.

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
		CHECK (tlp = 'TLP:CLEAR' OR tlp = 'TLP:GREEN' OR tlp = 'TLP:AMBER'
		       OR tlp = 'TLP:AMBER+STRICT' OR tlp = 'TLP:RED'),
	hash TEXT NOT NULL CHECK (length(hash) = 32),
	body TEXT NOT NULL
);
CREATE INDEX events_time ON events (time);

-- One row per organization receiving an event (model/recipient.h).
-- resource_id has no foreign key: the resource may be removed later and
-- the row still says through what the organization matched. member_id
-- names the member concerned for a liaison row; notification_id the
-- notification that carried the event to this organization.
CREATE TABLE event_recipients (
	event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	org_id BIGINT NOT NULL {{ORGS_REF}},
	role TEXT NOT NULL CHECK (role = 'owner' OR role = 'liaison' OR role = 'national'),
	pass_on INTEGER NOT NULL CHECK (pass_on IN (0, 1)),
	need_to_know INTEGER NOT NULL CHECK (need_to_know IN (0, 1)),
	resource_id BIGINT,
	member_id BIGINT,
	reason TEXT NOT NULL,
	notification_id BIGINT,
	PRIMARY KEY (event_id, org_id)
){{WITHOUT_ROWID}};
CREATE INDEX event_recipients_org ON event_recipients (org_id, event_id) {{SETTLED_ONLY}};

CREATE TABLE org_optouts (
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	type TEXT {{BYTES}} NOT NULL,
	created TEXT NOT NULL,
	PRIMARY KEY (org_id, type)
);
