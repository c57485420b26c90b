#!/bin/bash
# tests/cli/tickets.sh: mail in through schakel mailgate, tickets out:
# a report becomes a ticket whose acknowledgement with the number reaches
# smtp-sink; replies thread by the subject's tag and by References; the
# same Message-ID twice is stored once; no auto-reply to mail a machine
# sent (RFC 3834) nor beyond the hourly limit; what can never be taken is
# refused (65) and a locked store is a temporary failure (75) after which
# the retry stores the mail; schakeld sends the acknowledgement within
# 60 seconds.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
start_sink

DB=$(new_db tickets)
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
addresses = incident@example.be
ack_per_hour = 3
CONF
export SCHAKEL_CONF=$TMP/t.conf
S() { "$SCHAKEL" "$@"; }
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S contact add "Example Water" --name SOC --email soc@example-water.test --role abuse --lang nl,en >/dev/null
exec 2>&3 3>&-

# mail FILE ID FROM SUBJECT [HEADER...]: write a small report.
mail() {
	local f=$1 id=$2 from=$3 subject=$4
	shift 4
	{
		printf 'From: %s\nTo: cert@example.be\nSubject: %s\nMessage-ID: <%s>\n' "$from" "$subject" "$id"
		printf 'Date: Tue, 01 Dec 2026 10:00:00 +0100\n'
		for h in "$@"; do printf '%s\n' "$h"; done
		printf '\nWe see 198.51.100.7 serving phishing for www.example.be.\n'
	} >"$TMP/$f"
}
gate() { local f=$1; shift; run S --json mailgate "$@" <"$TMP/$f"; }

# --- a report becomes a ticket, acknowledged -------------------------------
mail r1.eml r1@example-water.test soc@example-water.test "Phishing on our network"
gate r1.eml --sender soc@example-water.test
expect_eq 0 "$RC" "mailgate stores a report: exit 0"
expect_eq "1 True tag-less new True" "$(json "d['ticket'], d['created'], 'tag-less', d['threaded_by'], d['acknowledged']")" \
	"... as a new ticket #1, acknowledged"
run S --json ticket show 1
expect_eq "report new essential-public soc@example-water.test" \
	"$(json "d['type'], d['status'], d['class'], d['requester']" | tr -d "(),'")" \
	"the ticket knows the requester's organization class from its contact"
expect_eq "in ack" "$(json "' '.join(m['kind'] for m in d['messages'])")" "the mail and its acknowledgement are on it"
run S mail send
expect_eq 1 "$(sink_got soc@example-water.test)" "the acknowledgement reaches the sender through the relay"
ACK=$(grep -l -- "^X-Rcpt-Args: <soc@example-water.test>" "$SINK"/msg.* | head -1)
expect_match "^Subject: \[CERT\.be #1\] " "$(grep '^Subject:' "$ACK")" "... with the tag and number in its subject"
expect_match "^Auto-Submitted: auto-replied" "$(grep -i '^Auto-Submitted:' "$ACK")" "... marked auto-replied (RFC 3834)"
expect_match "^In-Reply-To: <r1@example-water.test>" "$(grep '^In-Reply-To:' "$ACK")" "... answering the report"
expect_match "geregistreerd als CERT\.be #1" "$(tr -d '\r' <"$ACK")" "... in the contact's language (nl)"
ACKID=$(grep '^Message-ID:' "$ACK" | tr -d '\r' | sed 's/^Message-ID: //')

# --- the same mail twice is stored once ------------------------------------
gate r1.eml --sender soc@example-water.test
expect_eq "0 True 1" "$RC $(json "d['duplicate'], d['ticket']" | tr -d '(),')" "a second delivery is a duplicate of #1: exit 0"
run S --json ticket show 1
expect_eq 1 "$(json "sum(m['kind'] == 'in' for m in d['messages'])")" "... stored once"
expect_eq 1 "$(S --json ticket list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "... and no second ticket"

# --- threading ---------------------------------------------------------------
mail r2.eml r2@example-water.test soc@example-water.test "Re: [cert.be #1] more detail"
gate r2.eml
expect_eq "0 1 tag False" "$RC $(json "d['ticket'], d['threaded_by'], d['created']" | tr -d "(),'")" \
	"a reply with the tag (any case) threads onto #1"
mail r3.eml r3@example-water.test soc@example-water.test "Re: Received" "In-Reply-To: $ACKID" "References: <r1@example-water.test> $ACKID"
gate r3.eml
expect_eq "0 1 reference" "$RC $(json "d['ticket'], d['threaded_by']" | tr -d "(),'")" \
	"a reply without the tag threads by its In-Reply-To (our acknowledgement)"
mail r4.eml r4@example-water.test soc@example-water.test "Re: [CERT.be #999] unknown number"
gate r4.eml --sender soc@example-water.test
expect_eq "0 2 new" "$RC $(json "d['ticket'], d['threaded_by']" | tr -d "(),'")" "a tag with an unknown number opens a new ticket"

# --- no auto-reply to machines (RFC 3834) ---------------------------------------
check_no_ack() {
	local what=$1 f=$2 why=$3
	shift 3
	gate "$f" "$@"
	expect_eq "0 True False" "$RC $(json "d['created'], d['acknowledged']" | tr -d '(),')" "$what: a ticket, no acknowledgement"
	expect_match "$why" "$(json "d['no_ack']")" "... saying why"
}
mail a1.eml a1@x.test robot@example.nl "Out of office" "Auto-Submitted: auto-replied"
check_no_ack "Auto-Submitted" a1.eml "Auto-Submitted"
mail a2.eml a2@x.test news@example.nl "Newsletter" "Precedence: bulk"
check_no_ack "Precedence: bulk" a2.eml "Precedence"
mail a3.eml a3@x.test list@example.nl "List mail" "List-Id: <abuse.example.nl>"
check_no_ack "List-Id" a3.eml "mailing list"
mail a4.eml a4@x.test MAILER-DAEMON@example.nl "Undelivered Mail Returned to Sender"
check_no_ack "mailer-daemon" a4.eml "mail system"
mail a5.eml a5@x.test postmaster@example.nl "Delivery report"
check_no_ack "postmaster" a5.eml "mail system"
mail a6.eml a6@x.test someone@example.nl "Bounce" 
check_no_ack "the null sender" a6.eml "null sender" --sender ""
mail a7.eml a7@x.test incident@example.be "Loop?"
check_no_ack "our own address" a7.eml "own addresses"
mail a8.eml a8@x.test someone@example.nl "Return-Path <>" "Return-Path: <>"
check_no_ack "Return-Path <>" a8.eml "null sender"

# --- at most ack_per_hour acknowledgements an address --------------------------
for i in 1 2 3 4; do
	mail "f$i.eml" "f$i@x.test" flood@example.nl "Report $i"
	gate "f$i.eml"
done
expect_match "ack_per_hour" "$(json "d['no_ack']")" "the fourth acknowledgement to one address in an hour is not sent"
expect_eq "True" "$(json "d['created']")" "... though the ticket is opened"

# --- what can never be taken: 65 -------------------------------------------------
printf 'this is not a mail\n' >"$TMP/junk.eml"
expect_rc 65 "not a mail: exit 65" S mailgate <"$TMP/junk.eml"
expect_match "not a mail" "$ERR" "... saying so"
printf '[store]\nurl = %s\n[tickets]\nmax_size = 2048\n' "$DB" >"$TMP/small.conf"
{ cat "$TMP/r1.eml"; head -c 4000 /dev/zero | tr '\0' 'x'; } | sed 's/r1@/big@/' >"$TMP/big.eml"
expect_rc 65 "over tickets.max_size: exit 65" S -c "$TMP/small.conf" mailgate <"$TMP/big.eml"
expect_match "larger than tickets.max_size" "$ERR" "... naming the limit"

# --- no usable Message-ID: a mail is known by a hash of its bytes -------------
mail e1.eml "" nobody@example.nl "First without an id"
mail e2.eml "" nobody@example.nl "Second without an id"
gate e1.eml
E1=$(json "d['ticket']")
gate e2.eml
expect_eq "True False" "$(json "d['created'], d['ticket'] == $E1" | tr -d '(),')" \
	"two mails with an empty Message-ID are two tickets, not one duplicate"
gate e2.eml
expect_eq "True" "$(json "d['duplicate']")" "... and each delivered again is a duplicate"

# --- text in no charset it declares ---------------------------------------------
printf 'From: a@example.nl\nSubject: Rapport\nMessage-ID: <l1@x.test>\n\nSyst\350me 198.51.100.9 \377\n' \
	>"$TMP/latin1.eml"
gate latin1.eml
run S --json ticket show "$(json "d['ticket']")"
expect_match "^Syst\?me 198\.51\.100\.9 \?$" "$(json "d['messages'][0]['body'].strip()")" \
	"bytes of no declared charset become '?' in the text (the raw mail is kept as sent)"

# --- a store that cannot be written: 75, then the retry stores it ----------------
mail l1.eml l1@example-water.test soc@example-water.test "While locked"
export SCHAKEL_BUSY_TIMEOUT_MS=200
if lock_store "$DB" 3 tickets; then ok "another process holds the store's write lock"; else
	not_ok "another process holds the store's write lock"
fi
PGOPTIONS="-c lock_timeout=200" run S mailgate <"$TMP/l1.eml"
expect_eq 75 "$RC" "mailgate with the store locked: exit 75 (the MTA tries again)"
wait "$LOCKER" 2>/dev/null
unset SCHAKEL_BUSY_TIMEOUT_MS
gate l1.eml
expect_eq "0 True" "$RC $(json "d['created']")" "the retry after the lock is gone stores it"

# --- encrypted mail is kept as received --------------------------------------------
{
	printf 'From: soc@example-water.test\nTo: cert@example.be\nSubject: encrypted report\n'
	printf 'Message-ID: <enc1@example-water.test>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\n\n'
	printf -- '--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--b\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n\nhQEMA0x\n-----END PGP MESSAGE-----\n\n--b--\n'
} >"$TMP/enc.eml"
gate enc.eml
expect_eq "0 True" "$RC $(json "d['encrypted']")" "a PGP/MIME mail is stored and marked encrypted"
T=$(json "d['ticket']")
run S --json ticket show "$T"
MID=$(json "d['messages'][0]['id']")
expect_eq "True ''" "$(json "d['messages'][0]['encrypted'], repr(d['messages'][0]['body'])" | tr -d '(),')" "... its text is not read into the store"
S ticket raw "$MID" >"$TMP/enc.out"
expect_eq "$(sha256sum <"$TMP/enc.eml")" "$(sha256sum <"$TMP/enc.out")" "... and ticket raw gives it back byte for byte"

# --- ticket list ----------------------------------------------------------------
run S ticket list --limit 3
expect_match "^TICKET +TYPE +STATUS" "$OUT" "ticket list prints a table"
run S ticket list --type incident
expect_eq "no tickets" "$OUT" "... filtered by type"
expect_rc 64 "ticket list --type nonsense: 64" S ticket list --type nonsense
expect_rc 65 "ticket show of an unknown number" S ticket show 4242

# --- handling: set, comment, reply, parties, links, resolve ---------------------
run S --json ticket set 1 --status open --owner ann --severity high
expect_eq "0 open ann high" "$RC $(json "d['status'], d['owner'], d['severity']" | tr -d "(),'")" "ticket set changes status, owner, severity"
expect_match "^20" "$(json "d['acked_at']")" "... and taking it records when it was acknowledged"
expect_rc 65 "a status another type has is refused" S ticket set 1 --status embargoed
expect_match "new, open, resolved, rejected" "$ERR" "... listing the report's statuses"
expect_rc 65 "a bad severity is refused" S ticket set 1 --severity urgent
expect_rc 64 "ticket set without a change is a usage error" S ticket set 1
run S audit --json
expect_match "status new -> open" "$(printf '%s' "$OUT" | jq -r '.[0].summary')" "the change is in the audit log"
expect_rc 0 "ticket comment" S ticket comment 1 --text "Looks like a phishing kit."
printf 'We have asked the hoster to take the site down.\n' | S ticket reply 1 --stdin >/dev/null
expect_eq 0 "$?" "ticket reply from stdin"
run S --json ticket show 1
expect_eq "comment reply" "$(json "' '.join(m['kind'] for m in d['messages'][-2:])")" "... both on the ticket"
expect_match "^20" "$(json "d['responded_at']")" "the first reply records the first response"
S mail send >/dev/null
REPLY=$(grep -l "take the site down" "$SINK"/msg.* | head -1)
expect_match "^X-Rcpt-Args: <soc@example-water.test>" "$(grep '^X-Rcpt-Args:' "$REPLY" 2>/dev/null)" "the reply reaches the requester"
expect_match "^Subject: \[CERT\.be #1\] " "$(grep '^Subject:' "$REPLY")" "... with the tag"
expect_match "classified TLP:AMBER" "$(tr -d '\r' <"$REPLY")" "... and the ticket's TLP"
expect_rc 65 "a reply to an address that is neither requester nor party is refused" \
	S ticket reply 1 --text hello --to stranger@example.nl
run S --json ticket new "Phishing wave against water utilities"
INC=$(json "d['id']")
expect_eq "incident open" "$(json "d['type'], d['status']" | tr -d "(),'")" "ticket new opens an incident"
expect_rc 0 "ticket link report -> incident" S ticket link 1 "$INC"
expect_rc 65 "linking twice is refused" S ticket link 1 "$INC"
expect_rc 65 "an incident does not link to a report" S ticket link "$INC" 1
expect_eq "[$INC]" "$(S --json ticket show 1 | jq -c .links)" "the report shows its incident"
expect_rc 0 "ticket party --org" S ticket party "$INC" --org "Example Water"
expect_rc 0 "a reply to the party's address" S ticket reply "$INC" --text "Are you affected?" --to soc@example-water.test
expect_rc 0 "ticket set --tlp RED" S ticket set "$INC" --tlp RED
expect_rc 77 "a TLP:RED incident is not mailed to a party" S ticket reply "$INC" --text again --to soc@example-water.test
expect_match "TLP:RED" "$ERR" "... the error says why"
expect_rc 65 "parties are for incidents" S ticket party 1 --address x@example.nl
run S --json ticket resolve 1
expect_eq "resolved" "$(json "d['status']")" "ticket resolve ends a report as resolved"
expect_match "^20" "$(json "d['resolved_at']")" "... recording when"
expect_rc 64 "resolve with a status that does not end it" S ticket resolve "$INC" --status open
run S ticket list --open
expect_no_match "^#1 " "$OUT" "ticket list --open leaves resolved tickets out"

# --- schakeld acknowledges within 60 seconds ---------------------------------------
PORT=$(free_port)
"$SCHAKELD" --port "$PORT" 2>"$TMP/daemon.log" &
DAEMON=$!
stop_daemon() { kill -TERM "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; }
on_exit stop_daemon
mail d1.eml d1@example.nl reporter@example.nl "Defaced site"
START=$(date +%s)
gate d1.eml
if wait_got reporter@example.nl 60; then
	ok "schakeld's dispatcher delivers the acknowledgement ($(($(date +%s) - START)) s)"
else
	not_ok "schakeld's dispatcher delivers the acknowledgement within 60 s"
fi

# --- the API -----------------------------------------------------------------------
S user add lead --role analyst >/dev/null 2>&1
S user add water --role partner --org "Example Water" >/dev/null 2>&1
LEAD=$(S token create lead 2>/dev/null)
WATER=$(S token create water 2>/dev/null)
API=http://127.0.0.1:$PORT/api/v1
# api TOKEN METHOD PATH [BODY]: the status in CODE, the body in $OUT.
api() {
	local body=${4:-}
	CODE=$(curl -s -o "$TMP/api.out" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1" \
		${body:+-H 'Content-Type: application/json' --data "$body"} "$API$3")
	OUT=$(cat "$TMP/api.out")
}
api "$LEAD" GET "/tickets?open=true&order=queue"
expect_eq 200 "$CODE" "GET /api/v1/tickets: 200 for an analyst"
expect_match '"total": ?[1-9]' "$OUT" "... a page of tickets"
api "$WATER" GET /tickets
expect_eq 403 "$CODE" "... 403 for a partner: tickets are staff only"
api "$LEAD" GET /tickets/1
expect_eq "200 1 resolved" "$CODE $(json "d['id'], d['status']" | tr -d "(),'")" "GET /api/v1/tickets/1"
expect_match "in" "$(json "d['messages'][0]['kind']")" "... with its messages"
api "$LEAD" GET /tickets/99999
expect_eq 404 "$CODE" "an unknown ticket: 404"
api "$LEAD" POST /tickets '{"type": "incident", "subject": "DDoS on the national portal"}'
expect_eq "201 incident" "$CODE $(json "d['type']")" "POST /api/v1/tickets opens an incident"
NEW=$(json "d['id']")
api "$LEAD" PATCH "/tickets/$NEW" '{"status": "resolved", "severity": "critical", "tlp": "amber+strict"}'
expect_eq "200 resolved critical TLP:AMBER+STRICT" "$CODE $(json "d['status'], d['severity'], d['tlp']" | tr -d "(),'")" \
	"PATCH changes status, severity and TLP"
api "$LEAD" PATCH "/tickets/$NEW" '{"statsu": "open"}'
expect_eq 400 "$CODE" "an unknown member is refused: 400"
expect_match "statsu" "$OUT" "... naming it"
api "$LEAD" POST "/tickets/$NEW/comments" '{"text": "Traffic from 203.0.113.0/24"}'
expect_eq "201 comment lead" "$CODE $(json "d['messages'][-1]['kind'], d['messages'][-1]['author']" | tr -d "(),'")" \
	"POST .../comments adds a comment by the token's user"
api "$LEAD" POST "/tickets/2/replies" '{"text": "Thank you, we are looking into it."}'
expect_eq "201 reply" "$CODE $(json "d['messages'][-1]['kind']")" "POST .../replies mails the requester"
api "$LEAD" POST "/tickets/$NEW/replies" '{"text": "x", "to": "stranger@example.nl"}'
expect_eq 400 "$CODE" "... a stranger is refused: 400"
api "$WATER" POST "/tickets/$NEW/comments" '{"text": "me too"}'
expect_eq 403 "$CODE" "a partner may not comment: 403"

done_testing
