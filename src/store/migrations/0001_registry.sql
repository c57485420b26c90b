-- 0001_registry: the constituency registry (organizations, memberships,
-- contacts, resources), users with API tokens, and the audit log.
-- Portable SQL for SQLite and PostgreSQL; {{ID}} is an auto-increment key,
-- and {{BYTES}} after a text column makes its order and equality byte-wise
-- (as SQLite's BINARY) whatever collation a PostgreSQL database has, so
-- that names sort and compare alike on every backend.

CREATE TABLE orgs (
	id {{ID}},
	name TEXT {{BYTES}} NOT NULL UNIQUE,
	kind TEXT NOT NULL
		CHECK (kind IN ('national-csirt', 'liaison', 'constituent')),
	class TEXT NOT NULL
		CHECK (class IN ('oes', 'essential-public', 'administration', 'private', 'public')),
	sector TEXT NOT NULL
		CHECK (sector IN ('energy/electricity', 'energy/oil', 'energy/gas',
			'transport/air', 'transport/rail', 'transport/water', 'transport/road',
			'banking', 'financial-market-infrastructure', 'health', 'drinking-water',
			'digital-infrastructure', 'none')),
	country TEXT NOT NULL DEFAULT '' CHECK (country = '' OR length(country) = 2),
	status TEXT NOT NULL
		CHECK (status IN ('applied', 'designated', 'connected', 'suspended')),
	notes TEXT,
	created TEXT NOT NULL,
	updated TEXT NOT NULL
);

CREATE TABLE memberships (
	liaison_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	member_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	created TEXT NOT NULL,
	PRIMARY KEY (liaison_id, member_id),
	CHECK (liaison_id <> member_id)
);
CREATE INDEX memberships_member ON memberships (member_id);

CREATE TABLE contacts (
	id {{ID}},
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	name TEXT {{BYTES}} NOT NULL,
	email TEXT NOT NULL,
	phone TEXT,
	role TEXT NOT NULL
		CHECK (role IN ('operational-24x7', 'abuse', 'management', 'other')),
	languages TEXT NOT NULL DEFAULT '',
	pgp_fpr TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL
);
CREATE INDEX contacts_org ON contacts (org_id);

-- A resource is stored in canonical text (value) and in a form for exact
-- indexed look-ups: family, plen and net (the address bytes in lowercase
-- hex, 8 digits for IPv4, 32 for IPv6) for prefixes, asn, domain.
CREATE TABLE resources (
	id {{ID}},
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('asn', 'prefix', 'domain')),
	value TEXT {{BYTES}} NOT NULL,
	family INTEGER CHECK (family IS NULL OR family IN (4, 6)),
	plen INTEGER CHECK (plen IS NULL OR (plen >= 0 AND plen <= 128)),
	net TEXT {{BYTES}},
	asn BIGINT,
	domain TEXT {{BYTES}},
	created TEXT NOT NULL,
	UNIQUE (org_id, type, value),
	CHECK ((type = 'prefix') = (family IS NOT NULL AND plen IS NOT NULL AND net IS NOT NULL)),
	CHECK ((type = 'asn') = (asn IS NOT NULL)),
	CHECK ((type = 'domain') = (domain IS NOT NULL))
);
-- Partial indexes: each resource is in the one index of its type.
CREATE INDEX resources_prefix ON resources (family, plen, net) WHERE net IS NOT NULL;
CREATE INDEX resources_asn ON resources (asn) WHERE asn IS NOT NULL;
CREATE INDEX resources_domain ON resources (domain) WHERE domain IS NOT NULL;

CREATE TABLE users (
	id {{ID}},
	name TEXT {{BYTES}} NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'partner')),
	org_id BIGINT REFERENCES orgs (id) ON DELETE CASCADE,
	pwhash TEXT,
	created TEXT NOT NULL,
	CHECK ((role = 'partner') = (org_id IS NOT NULL))
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE tokens (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	created TEXT NOT NULL,
	last_used TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

-- Append-only: no foreign keys, so removing an object keeps its history.
CREATE TABLE audit (
	id {{ID}},
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	summary TEXT NOT NULL
);
