-- 0011_feed_counts: what each feed brought in, counted for /metrics
-- (schakel_events_ingested_total, schakel_events_routed_total) in the
-- transaction that stores the events, so that ingests of every process
-- count and retention, which deletes events, takes nothing back. events:
-- events stored; routed: those with a recipient besides the national
-- CSIRT. Started from the events stored so far.
CREATE TABLE feed_counts (
	feed TEXT {{BYTES}} PRIMARY KEY,
	events BIGINT NOT NULL,
	routed BIGINT NOT NULL
){{WITHOUT_ROWID}};
INSERT INTO feed_counts (feed, events, routed)
	SELECT e.feed, count(*),
	       sum(CASE WHEN EXISTS (SELECT 1 FROM event_recipients r
				     WHERE r.event_id = e.id AND r.role <> 'national')
			THEN 1 ELSE 0 END)
	FROM events e GROUP BY e.feed;
