-- 0016_publications: publications (threat assessments, resilience
-- measures, guidance, best practices) and their attachments. doc is the
-- whole publication as JSON (src/advisory/publication.h) without the
-- attachments' bytes, which are kept in publication_attachments. Times
-- are ISO 8601 UTC.
CREATE TABLE publications (
	id {{ID}},
	number TEXT {{BYTES}} NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('threat-assessment', 'resilience-measure',
		'guidance', 'best-practice')),
	status TEXT NOT NULL
		CHECK (status IN ('draft', 'review', 'published', 'withdrawn')),
	title TEXT NOT NULL,
	tlp TEXT NOT NULL,
	revision INTEGER NOT NULL DEFAULT 0,
	author TEXT NOT NULL,
	created TEXT NOT NULL,
	updated TEXT NOT NULL,
	published TEXT,
	doc TEXT NOT NULL
);
CREATE INDEX publications_status ON publications (status);

CREATE TABLE publication_attachments (
	id {{ID}},
	publication_id BIGINT NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
	name TEXT {{BYTES}} NOT NULL,
	media_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	data {{BLOB}} NOT NULL,
	created TEXT NOT NULL,
	UNIQUE (publication_id, name)
);
