#!/bin/bash
# tests/cli/pgp_forward.sh: an encrypted report forwarded to a party,
# encrypted again to its key, never in clear. With real gpg and throwaway
# keyrings: the party's gpg decrypts what smtp-sink received and finds the
# report, signed by schakel's key; no byte of the clear text is in the
# state directory (database, WAL) or a pg_dump afterwards; a party without
# a key is refused and nothing is queued; --reason is required; the audit
# row names who, which part, to whom and why; a partner gets 403 from the API.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
command -v gpg >/dev/null || {
	echo "1..0 # SKIP gpg is missing"
	exit 0
}

STATE=$TMP/state
mkdir -m 700 "$STATE" "$TMP/rep" "$TMP/party"
DB=$(new_db pgpfwd)
case $DB in sqlite:*) DB=sqlite:$STATE/pgpfwd.db ;; esac
cat >"$TMP/t.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:$SPORT
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
G() { local h=$1; shift; gpg --homedir "$h" --batch --quiet --no-tty "$@"; }
kill_agents() {
	for h in "$STATE/gnupg" "$TMP/rep" "$TMP/party"; do
		gpgconf --homedir "$h" --kill all 2>/dev/null
	done
	return 0
}
on_exit kill_agents

expect_rc 0 "init" S init
expect_rc 0 "schakel generates its own key" S --json key generate --name "CERT.be" \
	--email cert@example.be
OWN=$(py 'd["fingerprint"]')
G "$TMP/rep" --passphrase '' --quick-gen-key 'Water SOC <soc@example-water.test>' default default never
G "$TMP/party" --passphrase '' --quick-gen-key 'Power SOC <soc@power.test>' default default never
G "$STATE/gnupg" --armor --export "$OWN" | G "$TMP/rep" --import
G "$STATE/gnupg" --armor --export "$OWN" | G "$TMP/party" --import
G "$TMP/party" --armor --export soc@power.test >"$TMP/power.asc"
PFPR=$(G "$TMP/party" --with-colons --list-keys soc@power.test | awk -F: '/^fpr/ {print $10; exit}')
expect_rc 0 "import the party's key" S key import "$TMP/power.asc"

# An incident with two parties, one with a key and one without, and an
# encrypted report on it.
MARKER="Okapi-Tamarind-4419"
CLEAR="Report $MARKER: the power grid portal serves a web shell."
run S --json ticket new "Web shell at Power Co" --type incident --requester soc@example-water.test
T=$(py 'd["id"]')
expect_rc 0 "a party with a key" S ticket party "$T" --address soc@power.test
expect_rc 0 "a party without a key" S ticket party "$T" --address abuse@nokey.test
ARMOR=$(printf '%s\n' "$CLEAR" | G "$TMP/rep" --trust-model always --armor --encrypt --recipient cert@example.be)
printf 'From: soc@example-water.test\nTo: cert@example.be\nSubject: Re: [CERT.be #%s] Web shell\nMessage-ID: <fwd@example-water.test>\n\n%s\n' \
	"$T" "$ARMOR" >"$TMP/report.eml"
run S --json mailgate <"$TMP/report.eml"
expect_eq "0 $T True" "$RC $(py 'd["ticket"], d["encrypted"]' | tr -d '(),')" \
	"the encrypted report joins the incident"
run S --json ticket show "$T"
M=$(py '[m["id"] for m in d["messages"] if m["encrypted"]][0]')

# no_clear WHEN: the marker nowhere under the state directory or in pg_dump.
no_clear() {
	local hits
	hits=$(grep -rla -e "$MARKER" "$STATE" 2>/dev/null)
	if on_backend postgresql; then
		pg_dump "$DB" >"$TMP/dump.sql" 2>"$TMP/dump.err" || not_ok "pg_dump" "$(cat "$TMP/dump.err")"
		grep -qa -e "$MARKER" "$TMP/dump.sql" && hits="$hits pg_dump"
		rm -f "$TMP/dump.sql"
	fi
	expect_eq "" "$hits" "$1: no byte of the clear text in the store$(on_backend postgresql && echo ' or pg_dump')"
}
queued() { S --json mail list | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"; }

# --- refusals: nothing read, nothing queued ---------------------------------------
Q0=$(queued)
expect_rc 64 "forward without --reason is a usage error" S ticket forward "$T" --to soc@power.test
expect_rc 64 "forward without --to is a usage error" S ticket forward "$T" --reason x
expect_rc 65 "forward to a party without a key is refused" S ticket forward "$T" \
	--to abuse@nokey.test --reason "coordination"
expect_match "no usable key for abuse@nokey.test" "$ERR" "... saying there is no key"
expect_rc 65 "forward to an address that is no party is refused" S ticket forward "$T" \
	--to someone@else.test --reason "coordination"
expect_eq "$Q0" "$(queued)" "nothing was queued, not even held"
run S --json audit --limit 20
expect_no_match "ticket.forward" "$(py "'\n'.join(e['action'] for e in d)")" \
	"a refused forward reads nothing (no audit row of a read)"

# --- the forward -------------------------------------------------------------------
run S --json ticket forward "$T" --to soc@power.test --reason "the party must clean up"
expect_eq 0 "$RC" "forward to the party with a key: exit 0"
expect_eq "$M 1 $PFPR" "$(py 'd["message"], d["part"], d["encrypted_to"]' | tr -d "(),'")" \
	"... message, part and the party's key"
MAIL=$(py 'd["mail"]')
run S --json mail list
expect_eq "ticket-forward" "$(py "[m['kind'] for m in d if m['id'] == $MAIL][0]")" \
	"it is queued sealed"
no_clear "after the forward, before sending"
run S --json audit --limit 20
expect_match "ticket.forward .*message $M part 1 read to forward to soc@power.test: the party must clean up" \
	"$(py "'\n'.join('%s %s %s' % (e['action'], e['actor'], e['summary']) for e in d)")" \
	"the audit row says who, which part, to whom and why"
run S --json ticket show "$T"
expect_eq "reply soc@power.test encrypted report of message $M part 1 forwarded, encrypted to $PFPR" \
	"$(py "[' '.join((m['kind'], m['recipients'], m['body'])) for m in d['messages'] if m['body'].startswith('encrypted report')][0]")" \
	"the ticket records the forward without its clear text"

start_sink
expect_rc 0 "send" S mail send
expect_eq "sent 1, deferred 0, failed 0" "$OUT" "the sealed forward is sent, not held"
wait_got soc@power.test 5
expect_eq 1 "$(sink_got soc@power.test)" "the party got it"
MSG=$(grep -l -- "^X-Rcpt-Args: <soc@power.test>" "$SINK"/msg.*)
expect_match "multipart/encrypted" "$(cat "$MSG")" "it is PGP/MIME encrypted"
expect_no_match "$MARKER" "$(cat "$MSG")" "nothing of the report is in clear on the wire"
expect_eq 1 "$(grep -c -- '-----BEGIN PGP MESSAGE-----' "$MSG")" "encrypted once, not twice"
sed -n '/^-----BEGIN PGP MESSAGE-----/,/^-----END PGP MESSAGE-----/p' "$MSG" | tr -d '\r' \
	>"$TMP/fwd.asc"
run G "$TMP/party" --status-fd 1 --decrypt "$TMP/fwd.asc"
expect_eq 0 "$RC" "the party's gpg decrypts it"
expect_match "VALIDSIG $OWN" "$OUT" "with a good signature from schakel's key"
expect_match "GOODSIG" "$OUT" "the signature is good"
printf '%s' "$OUT" | grep -v '^\[GNUPG:\]' >"$TMP/fwd.eml"
expect_eq "$CLEAR" "$(python3 -c "
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
for p in m.walk():
    if p.get_filename():
        sys.stdout.write(p.get_payload(decode=True).decode().rstrip('\n'))
" "$TMP/fwd.eml")" "the decrypted report is attached"
no_clear "after sending"

# --- the API: staff only -------------------------------------------------------------
S org add "Power Co" --kind constituent --class oes >/dev/null
S user add pat --role partner --org "Power Co" >/dev/null
S user add ann --role analyst >/dev/null
PAT=$(S token create pat)
ANN=$(S token create ann)
start_schakeld
API() {
	local tok=$1
	shift
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $tok" \
		-H 'Content-Type: application/json' "$@")
	OUT=$(cat "$TMP/body")
}
API "$PAT" -X POST -d '{"to":"soc@power.test","reason":"partner"}' \
	"http://127.0.0.1:$PORT/api/v1/tickets/$T/forward"
expect_eq 403 "$CODE" "a partner may not forward"
Q1=$(queued)
API "$ANN" -X POST -d '{"to":"abuse@nokey.test","reason":"coordination"}' \
	"http://127.0.0.1:$PORT/api/v1/tickets/$T/forward"
expect_eq "409 conflict" "$CODE $(py 'd["error"]["code"]')" "the API refuses a party without a key: 409"
API "$ANN" -X POST -d '{"to":"soc@power.test"}' \
	"http://127.0.0.1:$PORT/api/v1/tickets/$T/forward"
expect_eq 400 "$CODE" "the API wants a reason"
expect_eq "$Q1" "$(queued)" "... and queues nothing"
API "$ANN" -X POST -d '{"to":"soc@power.test","reason":"again, for the API"}' \
	"http://127.0.0.1:$PORT/api/v1/tickets/$T/forward"
expect_eq "201 $PFPR" "$CODE $(py 'd["encrypted_to"]')" "an analyst forwards through the API"
no_clear "after the API forward"
done_testing
