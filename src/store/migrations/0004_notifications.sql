-- 0004_notifications: the digests that carried events to organizations.
-- A notification is one organization's events of one feed and
-- classification.type over one interval; mail_id is its message in the
-- outbound queue (mail_out). Portable SQL for SQLite and PostgreSQL.

CREATE TABLE notifications (
	id {{ID}},
	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	feed TEXT {{BYTES}} NOT NULL,
	type TEXT {{BYTES}} NOT NULL,
	tlp TEXT NOT NULL,
	events INTEGER NOT NULL,
	mail_id BIGINT REFERENCES mail_out (id) ON DELETE SET NULL,
	created TEXT NOT NULL
);
CREATE INDEX notifications_org ON notifications (org_id, id);

-- The notifier's question: which recipient rows no notification has
-- carried yet. The national CSIRT's rows never wait for one, so they are
-- left out (queries must say "role <> 'national'" too for the index to
-- serve them).
CREATE INDEX event_recipients_pending ON event_recipients (org_id, event_id)
	WHERE notification_id IS NULL AND role <> 'national';
