-- 0008_mail_pgp: OpenPGP for outbound mail (docs/pgp.md). tlp: the TLP
-- label a message carries ('' for none); held: why the dispatcher holds
-- it back ('' when it does not): a recipient without a usable key for a
-- message at or above [pgp] require_encryption; clear_ok: an analyst
-- released it, to go signed but in clear to recipients without a key.
-- A held message stays 'queued' (it is not due while held is set).
ALTER TABLE mail_out ADD COLUMN tlp TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_out ADD COLUMN held TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_out ADD COLUMN clear_ok INTEGER NOT NULL DEFAULT 0;
