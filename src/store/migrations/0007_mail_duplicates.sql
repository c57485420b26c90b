-- 0007_mail_duplicates: a mail that reuses a stored Message-ID is a
-- duplicate only when it is the same mail: the same body (body_hash, a
-- hex hash of the bytes after its header) or the same sender (author);
-- anything else is a new report, stored beside the first. not_parsed:
-- why only the header of a mail was read (too many parts, ...), '' when
-- it was read in full.
DROP INDEX ticket_messages_in;
ALTER TABLE ticket_messages ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_messages ADD COLUMN not_parsed TEXT NOT NULL DEFAULT '';
-- The same mail delivered twice at once is still stored once.
CREATE UNIQUE INDEX ticket_messages_in ON ticket_messages (message_id, body_hash)
	WHERE kind = 'in';
