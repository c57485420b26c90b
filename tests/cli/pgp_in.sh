#!/bin/bash
# tests/cli/pgp_in.sh: encrypted reports stay encrypted. With real gpg
# and throwaway keyrings (schakel's key and a reporter's, generated here):
# an inline-PGP and a PGP/MIME report through mailgate are stored as
# received, marked "encrypted, not yet read", and no byte of their clear
# text is anywhere in the state directory (database, WAL, keyring) or in
# a pg_dump; signed reports (PGP/MIME, clear-signed) record a good, bad
# or unknown signature with the contact's organization; ticket decrypt
# wants a reason, shows the clear text, writes
# the audit row and stores only what --extract finds, marked with its
# part; a corrupt, truncated, foreign-key and 10 MB armored message are
# stored (exit 0) and decrypt names the ticket, the part and the reason.
. "$(dirname "$0")/lib.sh"

STATE=$TMP/state
MAILS=$TMP/mails
mkdir -m 700 "$STATE" "$MAILS" "$TMP/rep" "$TMP/other"
DB=$(new_db pgpin)
case $DB in sqlite:*) DB=sqlite:$STATE/pgpin.db ;; esac
cat >"$TMP/t.conf" <<CONF
[store]
url = $DB
[mail]
from = cert@example.be
[notify]
templates = $SRCDIR/share/templates
sender = CERT.be
[tickets]
tag = CERT.be
ack_per_hour = 1000
[pgp]
home = $STATE/gnupg
CONF
export SCHAKEL_CONF=$TMP/t.conf
S() { "$SCHAKEL" "$@"; }
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
kill_agents() {
	for h in "$STATE/gnupg" "$TMP/rep" "$TMP/other"; do
		gpgconf --homedir "$h" --kill all 2>/dev/null
	done
	return 0
}
on_exit kill_agents
S init >/dev/null 2>"$TMP/init.err" || echo "# init: $(cat "$TMP/init.err")"

G() { local h=$1; shift; gpg --homedir "$h" --batch --quiet --no-tty "$@"; }
G "$STATE/gnupg" --passphrase '' --quick-gen-key 'CERT.be <cert@example.be>' default default never
G "$TMP/rep" --passphrase '' --quick-gen-key 'Water SOC <soc@example-water.test>' default default never
G "$TMP/other" --passphrase '' --quick-gen-key 'Other <other@example.test>' default default never
G "$STATE/gnupg" --export cert@example.be | G "$TMP/rep" --import
G "$TMP/other" --export other@example.test | G "$TMP/rep" --import

# The clear text: a phrase found nowhere else, and an address to extract.
MARKER="Zanzibar-Quokka-7731"
CLEAR="Report $MARKER: we see 198.51.100.77 serving phishing."
enc() { G "$TMP/rep" --trust-model always --armor --encrypt --recipient "$1"; }

# inline FILE ID ARMOR: a report whose body is ARMOR.
inline() {
	printf 'From: soc@example-water.test\nTo: cert@example.be\nSubject: report %s\nMessage-ID: <%s>\n\n%s\n' \
		"$2" "$2" "$3" >"$MAILS/$1"
}
inline inline.eml inline@example-water.test "$(printf '%s\n' "$CLEAR" | enc cert@example.be)"
{
	printf 'From: soc@example-water.test\nTo: cert@example.be\nSubject: pgp/mime report\n'
	printf 'Message-ID: <mime@example-water.test>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\n\n'
	printf -- '--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--b\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\n%s\n' "$CLEAR" | enc cert@example.be
	printf -- '--b--\n'
} >"$MAILS/mime.eml"

# --- intake: stored as received, nothing of the clear text ---------------------
run S --json mailgate <"$MAILS/inline.eml"
expect_eq "0 True True" "$RC $(json "d['created'], d['encrypted']" | tr -d '(),')" \
	"an inline PGP report: exit 0, a new ticket, encrypted"
T1=$(json "d['ticket']")
run S --json mailgate <"$MAILS/mime.eml"
expect_eq "0 True" "$RC $(json "d['encrypted']")" "a PGP/MIME report: exit 0, encrypted"
T2=$(json "d['ticket']")
run S --json ticket show "$T1"
expect_match "encrypted, not yet read" "$(json "d['scope_reason']")" \
	"the ticket says: encrypted, not yet read"
expect_eq "True '' [True]" "$(json "d['messages'][0]['encrypted'], repr(d['messages'][0]['body']), [p['encrypted'] for p in d['messages'][0]['parts']]" | tr -d '(),')" \
	"... the message and its part are marked encrypted, no text kept"
expect_eq "0" "$(json "len(d['items'])")" "... nothing extracted at intake"
M1=$(json "d['messages'][0]['id']")
run S --json ticket show "$T2"
expect_eq "[True, True]" "$(json "[p['encrypted'] for p in d['messages'][0]['parts']]")" \
	"the PGP/MIME control part and its data part are marked encrypted"
run S ticket raw "$M1"
expect_eq "$(cat "$MAILS/inline.eml")" "$OUT" "ticket raw gives the mail exactly as received"

# no_clear WHEN [ADDRESS]: the marker (and ADDRESS) nowhere in the store.
no_clear() {
	local hits
	hits=$(grep -rla -e "$MARKER" -e "${2:-$MARKER}" "$STATE" 2>/dev/null)
	if on_backend postgresql; then
		pg_dump "$DB" >"$TMP/dump.sql" 2>"$TMP/dump.err" || not_ok "pg_dump" "$(cat "$TMP/dump.err")"
		grep -qa -e "$MARKER" -e "${2:-$MARKER}" "$TMP/dump.sql" && hits="$hits pg_dump"
		rm -f "$TMP/dump.sql"
	fi
	expect_eq "" "$hits" "$1: no byte of the clear text under the state directory$(on_backend postgresql && echo ' or in pg_dump')"
}
on_backend sqlite && expect_eq "yes" "$([ -f "$STATE/pgpin.db" ] && echo yes)" "the SQLite file is in the state directory"
no_clear "after intake" 198.51.100.77

# --- decrypt on request --------------------------------------------------------------
expect_rc 64 "ticket decrypt without --reason is a usage error" S ticket decrypt "$T1"
expect_no_match "$MARKER" "$OUT" "... and shows nothing"
run S ticket decrypt "$T1" --reason "   "
expect_eq "1 reason" "$([ "$RC" -ne 0 ] && echo 1) $(printf '%s' "$ERR" | grep -o reason | head -1)" \
	"a blank reason is refused"
run S ticket decrypt "$T1" --reason "triage of the phishing report"
expect_eq "0" "$RC" "ticket decrypt with a reason: exit 0"
expect_eq "$CLEAR" "$OUT" "... shows the clear text"
run S --json audit --limit 5
expect_match "ticket.decrypt.*message $M1 part 1 read: triage of the phishing report" \
	"$(json "'\n'.join('%s %s %s' % (e['action'], e['actor'], e['summary']) for e in d)")" \
	"... the audit log has who, which part and why"
run S ticket decrypt "$T2" --reason "triage"
expect_eq "0" "$RC" "the PGP/MIME report decrypts (its data part found by itself)"
expect_match "$MARKER" "$OUT" "... showing the MIME entity with the clear text"
run S ticket decrypt "$T2" --part 1 --reason "triage"
expect_match "control part" "$ERR" "--part 1 of PGP/MIME: the control part, said so"
no_clear "after decrypt" 198.51.100.77

run S ticket decrypt "$T1" --reason "extract the indicators" --extract
expect_eq "0" "$RC" "decrypt --extract: exit 0"
run S --json ticket show "$T1"
expect_eq "198.51.100.77 message $M1 part 1, decrypted" \
	"$(json "' '.join('%s %s' % (i['value'], i['derived_from']) for i in d['items'] if i['kind'] == 'ip')")" \
	"... stores the address found, marked as derived from the encrypted part"
no_clear "after decrypt --extract (the address alone is stored)"

# --- bad input: stored, and decrypt says what is wrong ---------------------------
ARMOR=$(printf '%s\n' "$CLEAR" | enc cert@example.be)
# Damage the first line of base64 after the armor header's blank line.
CORRUPT=$(printf '%s\n' "$ARMOR" | awk 'NR==3 { gsub(/[A-Za-z]/, "A") } { print }')
TRUNC=$(printf '%s\n' "$ARMOR" | head -n 3)
FOREIGN=$(printf '%s\n' "$CLEAR" | enc other@example.test)
inline corrupt.eml corrupt@example-water.test "$CORRUPT"
inline trunc.eml trunc@example-water.test "$TRUNC"
inline foreign.eml foreign@example-water.test "$FOREIGN"
python3 - "$MAILS/big.eml" <<'PY'
import base64, os, sys
blob = base64.encodebytes(os.urandom(7_600_000)).decode()
with open(sys.argv[1], "w") as f:
    f.write("From: soc@example-water.test\nTo: cert@example.be\nSubject: big\n"
            "Message-ID: <big@example-water.test>\n\n-----BEGIN PGP MESSAGE-----\n\n")
    f.write(blob)
    f.write("-----END PGP MESSAGE-----\n")
PY
for kind in corrupt trunc foreign big; do
	run S --json mailgate <"$MAILS/$kind.eml"
	expect_eq "0 True" "$RC $(json "d['encrypted']")" "a $kind message: mailgate exits 0 and stores it, encrypted"
	T=$(json "d['ticket']")
	run S ticket decrypt "$T" --reason "bad input test"
	case $kind in
	corrupt) why="damaged|no valid OpenPGP" ;;
	trunc) why="truncated" ;;
	foreign) why="encrypted to a key schakel's keyring does not hold \(key ID [0-9A-F]+\)" ;;
	big) why="damaged|no valid OpenPGP" ;;
	esac
	expect_match "ticket #$T, message [0-9]+, part 1 cannot be decrypted: .*($why)" "$ERR" \
		"... decrypt fails naming the ticket, the part and why ($kind)"
	expect_eq "1" "$([ "$RC" -ne 0 ] && echo 1)" "... with a non-zero exit ($kind)"
done
# --- signatures ------------------------------------------------------------------------
REPFPR=$(G "$TMP/rep" --with-colons --fingerprint soc@example-water.test | awk -F: '$1 == "fpr" { print $10; exit }')
G "$TMP/rep" --export soc@example-water.test | G "$STATE/gnupg" --import
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S contact add "Example Water" --name SOC --email soc@example-water.test --role abuse --pgp "$REPFPR" >/dev/null
# signed FILE ID BODY-FILE: a PGP/MIME signed report of the text in BODY-FILE.
signed() {
	local b="sig-$2"
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nWe see 198.51.100.9 serving malware.\r\n' >"$TMP/entity"
	G "$TMP/rep" --armor --detach-sign --local-user soc@example-water.test <"$TMP/entity" >"$TMP/entity.asc"
	{
		printf 'From: soc@example-water.test\nTo: cert@example.be\nSubject: signed %s\n' "$2"
		printf 'Message-ID: <%s@example-water.test>\nMIME-Version: 1.0\n' "$2"
		printf 'Content-Type: multipart/signed; micalg=pgp-sha512; protocol="application/pgp-signature"; boundary="%s"\n\n' "$b"
		printf -- '--%s\r\n' "$b"
		if [ "$3" = tampered ]; then sed 's/198.51.100.9/198.51.100.10/' "$TMP/entity"; else cat "$TMP/entity"; fi
		printf '\r\n--%s\r\nContent-Type: application/pgp-signature; name="signature.asc"\r\n\r\n' "$b"
		cat "$TMP/entity.asc"
		printf -- '--%s--\r\n' "$b"
	} >"$MAILS/$1"
}
signed good.eml good intact
run S --json mailgate <"$MAILS/good.eml"
expect_eq "0 good" "$RC $(json "d['signature']")" "a PGP/MIME signed report: stored, signature good"
run S --json ticket show "$(json "d['ticket']")"
expect_eq "good $REPFPR Example Water True" \
	"$(json "' '.join(str(x) for x in (d['messages'][0]['signature']['status'], d['messages'][0]['signature']['fingerprint'], d['messages'][0]['signature']['org'], d['messages'][0]['signature']['contact_id'] is not None))")" \
	"... the ticket records the signer's key, a known contact of Example Water"
expect_match "198.51.100.9" "$(json "d['messages'][0]['body']")" "... a signed clear report is read as usual"
signed bad.eml bad tampered
run S --json mailgate <"$MAILS/bad.eml"
expect_eq "0 bad" "$RC $(json "d['signature']")" "a signed report whose text was changed: stored, signature bad"
run S --json ticket show "$(json "d['ticket']")"
expect_eq "bad None" "$(json "d['messages'][0]['signature']['status'], d['messages'][0]['signature']['org']" | tr -d "(),'")" \
	"... recorded as bad, with no organization"
CLEARSIGNED=$(printf 'We see 198.51.100.11.\n' | G "$TMP/rep" --clearsign --local-user soc@example-water.test)
inline clearsigned.eml clearsigned@example-water.test "$CLEARSIGNED"
run S --json mailgate <"$MAILS/clearsigned.eml"
expect_eq "0 good False" "$RC $(json "d['signature'], d['encrypted']" | tr -d "(),'")" \
	"an inline clear-signed report: signature good, not encrypted"
FOREIGNSIG=$(printf 'We see 198.51.100.12.\n' | G "$TMP/other" --clearsign)
inline foreignsig.eml foreignsig@example-water.test "$FOREIGNSIG"
run S --json mailgate <"$MAILS/foreignsig.eml"
expect_eq "0 no-key" "$RC $(json "d['signature']")" \
	"signed with a key schakel's keyring lacks: stored, no-key"

# --- the API: staff only, the same rules -------------------------------------------
PORT=$(free_port)
"$SCHAKELD" --port "$PORT" 2>"$TMP/daemon.log" &
DAEMON=$!
stop_daemon() { kill -TERM "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; }
on_exit stop_daemon
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
S user add lead --role analyst >/dev/null 2>&1
S user add water --role partner --org "Example Water" >/dev/null 2>&1
LEAD=$(S token create lead 2>/dev/null)
WATER=$(S token create water 2>/dev/null)
api() {
	CODE=$(curl -s -o "$TMP/api.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data "$3" "http://127.0.0.1:$PORT/api/v1$2")
	OUT=$(cat "$TMP/api.out")
	rm -f "$TMP/api.out"
}
api "$WATER" "/tickets/$T1/decrypt" '{"reason":"curious"}'
expect_eq "403" "$CODE" "POST /tickets/N/decrypt as a partner: 403"
expect_no_match "$MARKER" "$OUT" "... and no clear text"
api "$LEAD" "/tickets/$T1/decrypt" '{"extract":true}'
expect_eq "400" "$CODE" "... as an analyst without a reason: 400"
api "$LEAD" "/tickets/$T1/decrypt" '{"reason":"API triage","part":1}'
expect_eq "200 $CLEAR" "$CODE $(json "d['clear_text'].strip()")" "... with a reason: 200 and the clear text"
run S --json audit --limit 3
expect_match "ticket.decrypt api:lead|ticket.decrypt .*lead" \
	"$(json "'\n'.join('%s %s %s' % (e['action'], e['actor'], e['summary']) for e in d)")" \
	"... the audit row names the analyst"
no_clear "after the API's decrypt"

run S ticket decrypt 999999 --reason "no such ticket"
expect_match "999999" "$ERR" "decrypt of an unknown ticket names it"

done_testing
