#!/bin/bash
# tests/cli/pgp.sh: schakel's OpenPGP keyring and signed, encrypted mail,
# with real gpg and throwaway home directories (keys generated here): key
# import, list and refusals; a digest for a partner with a key reaches
# smtp-sink as PGP/MIME that the partner's gpg decrypts, with a good
# signature from schakel's key; an AMBER digest for a contact without a
# key is held, and goes (signed, in clear) only once an analyst releases it.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
command -v gpg >/dev/null || {
	echo "1..0 # SKIP gpg is missing"
	exit 0
}

DB=$(new_db pgp)
KEYRING=$TMP/keyring
cat >"$TMP/schakel.conf" <<CONF
[store]
url = $DB
[pgp]
home = $KEYRING
[feeds]
tlp = TLP:AMBER
[notify]
templates = $SRCDIR/share/templates
sender = CERT Test
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@cert.test
CONF
export SCHAKEL_CONF=$TMP/schakel.conf
S() { "$SCHAKEL" "$@"; }
# The partner's own GnuPG, apart from schakel's.
PARTNER=$TMP/partner
mkdir -m 700 "$PARTNER"
G() { gpg --homedir "$PARTNER" --batch --quiet "$@"; }
kill_agents() {
	gpgconf --homedir "$KEYRING" --kill all 2>/dev/null
	gpgconf --homedir "$PARTNER" --kill all 2>/dev/null
	return 0
}
on_exit kill_agents

expect_rc 0 "init creates the keyring" S init
expect_eq "700" "$(stat -c %a "$KEYRING")" "the keyring is 0700"
expect_rc 0 "schakel generates its own key" S --json key generate --name "CERT Test" \
	--email cert@cert.test
OWN=$(py 'd["fingerprint"]')
expect_eq "usable True" "$(py 'd["state"], d["secret"]' | tr -d "(),'")" "its key is usable and secret"

# A partner key, and one that expires in 10 days.
G --passphrase '' --quick-gen-key "Power SOC <soc@power.test>" default default never 2>/dev/null
G --armor --export soc@power.test >"$TMP/power.asc"
PFPR=$(G --with-colons --list-keys soc@power.test | awk -F: '/^fpr/ {print $10; exit}')
G --passphrase '' --quick-gen-key "Short <short@water.test>" default default 10d 2>/dev/null
G --armor --export short@water.test >"$TMP/short.asc"
expect_rc 0 "import a partner's key" S key import "$TMP/power.asc"
expect_match "$PFPR" "$OUT" "import names the key"
expect_rc 0 "import a short-lived key" S key import "$TMP/short.asc"
expect_rc 0 "key list" S key list
expect_match "$PFPR +usable +never +Power SOC" "$OUT" "key list shows state and expiry"
expect_rc 0 "key list --expiring 30d" S key list --expiring 30d
expect_match "expires in 10 days .*short@water.test" "$OUT" "the short-lived key is expiring"
expect_no_match "$PFPR" "$OUT" "a key without expiry is not"
expect_rc 0 "key show by address" S --json key show soc@power.test
expect_eq "$PFPR" "$(py 'd["fingerprint"]')" "key show finds the key by address"

# Bad key files: a clear error, exit 65.
echo "this is not a key" >"$TMP/nokey.asc"
expect_rc 65 "a file that is not a key" S key import "$TMP/nokey.asc"
expect_match "no OpenPGP key" "$ERR" "says it holds no key"
head -c 10485760 /dev/zero | tr '\0' 'A' >"$TMP/big.asc"
expect_rc 65 "a 10 MB blob" S key import "$TMP/big.asc"
expect_match "larger than 1048576 bytes" "$ERR" "says it is too large"
G --armor --export-secret-keys soc@power.test >"$TMP/secret.asc" 2>/dev/null
expect_rc 65 "a secret key without --secret" S key import "$TMP/secret.asc"
expect_match "holds a secret key" "$ERR" "says why"
expect_rc 77 "schakel's own key is not deleted by accident" S key delete "$OWN"

# The constituency: Power Co's contact has a key, Water Co's does not.
S org add "CERT Test" --kind national-csirt --class administration >/dev/null
S org add "Power Co" --kind constituent --class oes >/dev/null
S org add "Water Co" --kind constituent --class oes >/dev/null
S contact add "Power Co" --name SOC --email soc@power.test --role operational-24x7 \
	--pgp "$PFPR" >/dev/null
S contact add "Water Co" --name Abuse --email abuse@water.test --role abuse >/dev/null
S resource add "Power Co" domain:power.example.be >/dev/null
S resource add "Water Co" prefix:192.0.2.0/26 >/dev/null
# A revoked key: gpg's revocation certificate, imported like a key.
SFPR=$(G --with-colons --list-keys short@water.test | awk -F: '/^fpr/ {print $10; exit}')
sed 's/^:-----/-----/' "$PARTNER/openpgp-revocs.d/$SFPR.rev" >"$TMP/short.rev"
expect_rc 0 "import a revocation" S key import "$TMP/short.rev"
expect_rc 0 "key show" S --json key show "$SFPR"
expect_eq "revoked False" "$(py 'd["state"], d["usable"]' | tr -d "(),'")" "the key is revoked"
S org add "Gas Co" --kind constituent --class oes >/dev/null
expect_rc 0 "a contact may name a revoked key" S contact add "Gas Co" --name SOC \
	--email soc@gas.test --role abuse --pgp "$SFPR"
expect_rc 65 "but not a key that is not in the keyring" S contact add "Gas Co" --name X \
	--email x@gas.test --role abuse --pgp 0123456789ABCDEF0123456789ABCDEF01234567
expect_match "no such key in schakel's keyring" "$ERR" "says so"
expect_rc 0 "org show" S org show "Gas Co"
expect_match "soc@gas.test .*UNUSABLE: revoked" "$OUT" "org show flags the revoked key"
expect_rc 0 "org show --json" S --json org show "Power Co"
expect_eq "usable True" "$(py 'd["contacts"][0]["pgp_key"], d["contacts"][0]["pgp_usable"]' |
	tr -d "(),'")" "org show: the partner's key is usable"
expect_rc 0 "org show" S org show "Water Co"
expect_match "abuse@water.test .* none$" "$OUT" "org show: a contact without a key"

cat >"$TMP/events.jsonl" <<'JSON'
{"classification.type": "system-compromise", "feed.name": "Sinkhole", "source.fqdn": "www.power.example.be", "time.source": "2025-11-30T03:00:00+00:00"}
{"classification.type": "system-compromise", "feed.name": "Sinkhole", "source.ip": "192.0.2.9", "time.source": "2025-11-30T03:00:00+00:00"}
JSON
export SCHAKEL_NOW=1764496800
expect_rc 0 "ingest" S ingest --format intelmq --feed Sinkhole "$TMP/events.jsonl"
start_sink
expect_rc 0 "notify --send" S notify --send
expect_match "sent 1, deferred 0, failed 0, held 1" "$OUT" "one digest sent, one held"
wait_got soc@power.test 5
expect_eq 1 "$(sink_got soc@power.test)" "the partner with a key got its digest"
expect_eq 0 "$(sink_got abuse@water.test)" "the contact without a key got nothing"

MSG=$(grep -l -- "^X-Rcpt-Args: <soc@power.test>" "$SINK"/msg.*)
expect_match "multipart/encrypted" "$(cat "$MSG")" "the digest is PGP/MIME encrypted"
expect_no_match "power.example.be" "$(cat "$MSG")" "nothing of the digest is in clear"
S key list >/dev/null
gpg --homedir "$KEYRING" --armor --export "$OWN" | G --import 2>/dev/null
sed -n '/^-----BEGIN PGP MESSAGE-----/,/^-----END PGP MESSAGE-----/p' "$MSG" | tr -d '\r' \
	>"$TMP/digest.asc"
run G --status-fd 1 --decrypt "$TMP/digest.asc"
expect_eq 0 "$RC" "the partner's gpg decrypts the digest"
expect_match "VALIDSIG $OWN" "$OUT" "with a good signature from schakel's key"
expect_match "GOODSIG" "$OUT" "the signature is good"
expect_match "Dear colleagues of Power Co" "$OUT" "and the digest inside"
expect_match "Sinkhole-system-compromise-2025-11-30.csv" "$OUT" "with its events file"
expect_match "multipart/mixed|text/plain" "$OUT" "the MIME body as composed"

# The held digest: listed with its reason, released by an analyst.
expect_rc 0 "mail list --status held" S --json mail list --status held
expect_eq 1 "$(py 'len(d)')" "one held message"
HELD=$(py 'd[0]["id"]')
expect_match "no usable key for abuse@water.test" "$(py 'd[0]["held"]')" "with its reason"
expect_rc 0 "send again" S mail send
expect_eq 0 "$(sink_got abuse@water.test)" "a held message stays held"
expect_rc 65 "a message that is not held cannot be released" S mail release 99999
expect_rc 0 "an analyst releases it" S mail release "$HELD"
expect_rc 0 "send" S mail send
expect_match "sent 1" "$OUT" "the released message goes"
wait_got abuse@water.test 5
expect_eq 1 "$(sink_got abuse@water.test)" "the contact without a key got it"
MSG=$(grep -l -- "^X-Rcpt-Args: <abuse@water.test>" "$SINK"/msg.*)
expect_match "multipart/signed" "$(cat "$MSG")" "released: signed, in clear"
expect_match "BEGIN PGP SIGNATURE" "$(cat "$MSG")" "with schakel's signature"
expect_rc 0 "audit" S audit --limit 20
expect_match "released held notification mail to abuse@water.test" "$OUT" "the release is audited"
expect_match "held notification mail to abuse@water.test" "$OUT" "so is the hold"

# A reply carries its ticket's label: to a requester with a key it goes
# encrypted; to one without, an AMBER ticket's reply is held.
expect_rc 0 "ticket new (Power Co's SOC)" S --json ticket new "Open resolver" --requester soc@power.test
TP=$(py 'd["id"]')
expect_rc 0 "ticket new (Water Co's abuse desk)" S --json ticket new "Defaced site" --requester abuse@water.test
TW=$(py 'd["id"]')
expect_rc 0 "ticket set --tlp AMBER" S ticket set "$TW" --tlp AMBER
expect_rc 0 "ticket set --tlp AMBER" S ticket set "$TP" --tlp AMBER
S ticket reply "$TP" --text "REPLY-MARKER for Power Co" >/dev/null
S ticket reply "$TW" --text "REPLY-MARKER for Water Co" >/dev/null
expect_rc 0 "send the replies" S mail send
expect_match "sent 1, deferred 0, failed 0, held 1" "$OUT" "the reply with a key goes, the other is held"
wait_got soc@power.test 5
MSG=$(grep -l -- "^X-Rcpt-Args: <soc@power.test>" "$SINK"/msg.* | tail -n 1)
expect_match "multipart/encrypted" "$(cat "$MSG")" "the reply to a key holder is encrypted"
expect_no_match "REPLY-MARKER" "$(cat "$MSG")" "nothing of it in clear"
expect_eq 1 "$(sink_got abuse@water.test)" "the reply to a contact without a key is held (only the released digest went)"
expect_rc 0 "mail list --status held" S --json mail list --status held
expect_eq "TLP:AMBER ticket-reply" "$(py 'd[0]["tlp"], d[0]["kind"]' | tr -d "(),'")" "held with the ticket's label"
S mail drop "$(py 'd[0]["id"]')" >/dev/null

# The same through the API, for staff only.
S user add ann --role analyst >/dev/null
S user add pat --role partner --org "Power Co" >/dev/null
ANN=$(S token create ann)
PAT=$(S token create pat)
start_schakeld
API() {
	local tok=$1
	shift
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$@")
	OUT=$(cat "$TMP/body")
}
API "$ANN" "http://127.0.0.1:$PORT/api/v1/keys?expiring=30d"
expect_eq 200 "$CODE" "GET /api/v1/keys for an analyst"
expect_match "short@water.test" "$OUT" "lists the revoked key as not usable in 30 days"
expect_no_match "$PFPR" "$OUT" "not the usable one"
API "$PAT" "http://127.0.0.1:$PORT/api/v1/keys"
expect_eq 403 "$CODE" "a partner may not list keys"
G --passphrase '' --quick-gen-key "Rail SOC <soc@rail.test>" default default never 2>/dev/null
python3 -c 'import json,sys; print(json.dumps({"armored": sys.stdin.read()}))' \
	< <(G --armor --export soc@rail.test) >"$TMP/rail.json"
API "$ANN" -X POST -H 'Content-Type: application/json' --data-binary @"$TMP/rail.json" \
	"http://127.0.0.1:$PORT/api/v1/keys"
expect_eq 201 "$CODE" "POST /api/v1/keys imports a key"
RFPR=$(py 'd["fingerprints"][0]')
API "$ANN" "http://127.0.0.1:$PORT/api/v1/keys/soc@rail.test"
expect_eq "200 $RFPR" "$CODE $(py 'd["fingerprint"]')" "GET /api/v1/keys/ADDRESS"
python3 -c 'import json,sys; print(json.dumps({"armored": sys.stdin.read()}))' \
	<"$TMP/secret.asc" >"$TMP/secret.json"
API "$ANN" -X POST -H 'Content-Type: application/json' --data-binary @"$TMP/secret.json" \
	"http://127.0.0.1:$PORT/api/v1/keys"
expect_eq 400 "$CODE" "the API refuses a secret key"
API "$ANN" -X DELETE "http://127.0.0.1:$PORT/api/v1/keys/$OWN"
expect_eq 403 "$CODE" "the API does not delete schakel's own key"
API "$ANN" -X DELETE "http://127.0.0.1:$PORT/api/v1/keys/$RFPR"
expect_eq 204 "$CODE" "DELETE /api/v1/keys/FPR"
expect_rc 65 "the key is gone" S key show "$RFPR"

# Held mail through the API: a new AMBER digest for Water Co, held (by
# this send or schakeld's mail job), listed with its reason, dropped.
echo '{"classification.type": "system-compromise", "feed.name": "Sinkhole", "source.ip": "192.0.2.10", "time.source": "2025-11-30T04:00:00+00:00"}' >"$TMP/more.jsonl"
S ingest --format intelmq --feed Sinkhole "$TMP/more.jsonl" >/dev/null
S notify --send >/dev/null
for _ in $(seq 50); do
	API "$ANN" "http://127.0.0.1:$PORT/api/v1/mail?status=held"
	[ "$(py 'len(d["items"])')" = 1 ] && break
	sleep 0.1
done
expect_eq "200 1" "$CODE $(py 'len(d["items"])')" "GET /api/v1/mail?status=held lists it"
expect_match "no usable key for abuse@water.test" "$(py 'd["items"][0]["held"]')" "with its reason"
expect_eq "TLP:AMBER" "$(py 'd["items"][0]["tlp"]')" "and its label"
HELD=$(py 'd["items"][0]["id"]')
API "$PAT" "http://127.0.0.1:$PORT/api/v1/mail?status=held"
expect_eq 403 "$CODE" "a partner may not see the queue"
API "$PAT" -X POST "http://127.0.0.1:$PORT/api/v1/mail/$HELD/release"
expect_eq 403 "$CODE" "nor release held mail"
API "$ANN" -X POST "http://127.0.0.1:$PORT/api/v1/mail/$HELD/drop"
expect_eq "200 failed" "$CODE $(py 'd["status"]')" "an analyst drops it through the API"
API "$ANN" -X POST "http://127.0.0.1:$PORT/api/v1/mail/$HELD/release"
expect_eq 400 "$CODE" "a dropped message is not released"
S mail send >/dev/null
expect_eq 1 "$(sink_got abuse@water.test)" "the dropped digest never went"

done_testing
