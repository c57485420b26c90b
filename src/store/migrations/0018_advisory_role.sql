-- 0018_advisory_role: the contact role 'advisory' (receives published
-- advisories; alerts stay with 'operational-24x7'). Widening the CHECK
-- differs per backend: lines starting with the PG or SQLITE word (db.c)
-- run on that backend alone. PostgreSQL drops and re-adds the
-- constraint. SQLite rebuilds the table, keeping ids, rows, indexes and
-- the id sequence; dropping the old table inside the migration's
-- transaction (foreign keys on) sets ticket_messages.sig_contact_id to
-- NULL, so those links are kept aside and restored.
{{PG}}ALTER TABLE contacts DROP CONSTRAINT contacts_role_check;
{{PG}}ALTER TABLE contacts ADD CONSTRAINT contacts_role_check
{{PG}}	CHECK (role IN ('operational-24x7', 'advisory', 'abuse', 'management', 'other'));
{{SQLITE}}CREATE TABLE contacts_0018 (
{{SQLITE}}	id {{ID}},
{{SQLITE}}	org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
{{SQLITE}}	name TEXT {{BYTES}} NOT NULL,
{{SQLITE}}	email TEXT NOT NULL,
{{SQLITE}}	phone TEXT,
{{SQLITE}}	role TEXT NOT NULL
{{SQLITE}}		CHECK (role IN ('operational-24x7', 'advisory', 'abuse', 'management', 'other')),
{{SQLITE}}	languages TEXT NOT NULL DEFAULT '',
{{SQLITE}}	pgp_fpr TEXT NOT NULL DEFAULT '',
{{SQLITE}}	created TEXT NOT NULL
{{SQLITE}});
{{SQLITE}}INSERT INTO contacts_0018 (id, org_id, name, email, phone, role, languages, pgp_fpr, created)
{{SQLITE}}	SELECT id, org_id, name, email, phone, role, languages, pgp_fpr, created FROM contacts;
{{SQLITE}}CREATE TABLE sig_contacts_0018 AS
{{SQLITE}}	SELECT id, sig_contact_id FROM ticket_messages WHERE sig_contact_id IS NOT NULL;
{{SQLITE}}UPDATE sqlite_sequence SET seq =
{{SQLITE}}	(SELECT seq FROM sqlite_sequence WHERE name = 'contacts') WHERE name = 'contacts_0018';
{{SQLITE}}DROP TABLE contacts;
{{SQLITE}}ALTER TABLE contacts_0018 RENAME TO contacts;
{{SQLITE}}CREATE INDEX contacts_org ON contacts (org_id);
{{SQLITE}}CREATE INDEX contacts_email ON contacts (lower(email));
{{SQLITE}}UPDATE ticket_messages SET sig_contact_id =
{{SQLITE}}	(SELECT s.sig_contact_id FROM sig_contacts_0018 s WHERE s.id = ticket_messages.id)
{{SQLITE}}	WHERE id IN (SELECT id FROM sig_contacts_0018);
{{SQLITE}}DROP TABLE sig_contacts_0018;
