-- 0009_pgp_in: OpenPGP in received mail. A part's marks: encrypted (in a
-- PGP/MIME or S/MIME encrypted structure, or holding an armored PGP
-- message: its clear text is never stored) and signed (in a
-- multipart/signed, a signature, or a clear-signed text). An item found
-- in the clear text of a part decrypted on request says which part
-- (derived_from: 'message 12 part 2, decrypted'); '' for one found in
-- mail that came in clear. An inbound mail's OpenPGP signature:
-- sig_status '' (not signed), 'good', 'bad', 'no-key' (the signer's key
-- is not in schakel's keyring), 'expired-key', 'error' or 'unchecked' (no
-- keyring); sig_fpr the signer's key; the contact holding that key
-- (contacts.pgp_fpr) and its organization.
ALTER TABLE ticket_parts ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_parts ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_items ADD COLUMN derived_from TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_messages ADD COLUMN sig_status TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_messages ADD COLUMN sig_fpr TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_messages ADD COLUMN sig_contact_id BIGINT
	REFERENCES contacts (id) ON DELETE SET NULL;
ALTER TABLE ticket_messages ADD COLUMN sig_org_id BIGINT
	REFERENCES orgs (id) ON DELETE SET NULL;
