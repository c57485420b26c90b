-- 0011_advisories: advisories, the snapshot of each published revision,
-- and the product inventory (assets) organizations declare. doc is the
-- whole advisory as JSON (src/advisory/advisory.h); the other columns of
-- advisories repeat what listings filter and sort on. Times are ISO 8601
-- UTC. An asset's vendor and product are lowercased for matching;
-- version is "" when the name does not give one.
CREATE TABLE advisories (
	id {{ID}},
	number TEXT {{BYTES}} NOT NULL UNIQUE,
	status TEXT NOT NULL
		CHECK (status IN ('draft', 'review', 'published', 'withdrawn')),
	title TEXT NOT NULL,
	tlp TEXT NOT NULL,
	urgent INTEGER NOT NULL DEFAULT 0,
	revision INTEGER NOT NULL DEFAULT 0,
	author TEXT NOT NULL,
	reviewer TEXT,
	created TEXT NOT NULL,
	updated TEXT NOT NULL,
	published TEXT,
	doc TEXT NOT NULL
);
CREATE INDEX advisories_status ON advisories (status);

CREATE TABLE advisory_revisions (
	id {{ID}},
	advisory_id BIGINT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	created TEXT NOT NULL,
	summary TEXT NOT NULL,
	doc TEXT NOT NULL,
	UNIQUE (advisory_id, revision)
);

CREATE TABLE assets (
	id {{ID}},
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('cpe', 'purl')),
	value TEXT {{BYTES}} NOT NULL,
	vendor TEXT {{BYTES}} NOT NULL,
	product TEXT {{BYTES}} NOT NULL,
	version TEXT NOT NULL,
	created TEXT NOT NULL,
	UNIQUE (org_id, value)
);
CREATE INDEX assets_product ON assets (product);
