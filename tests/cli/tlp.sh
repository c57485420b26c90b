#!/bin/bash
# tests/cli/tlp.sh: ticket replies under every TLP label, through both
# front doors: `schakel ticket reply` and POST /api/v1/tickets/{id}/replies
# of a running schakeld. The requester is a named recipient and receives
# every label; a party is the organization concerned and receives all but
# TLP:RED. A refused reply queues nothing and adds nothing to the ticket;
# an allowed one queues exactly one mail, classified with the label.
. "$(dirname "$0")/lib.sh"

DB=$(new_db tlp)
cat >"$TMP/t.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:$(free_port)
from = cert@example.be
[notify]
templates = $SRCDIR/share/templates
sender = CERT.be
[tickets]
tag = CERT.be
addresses = incident@example.be
CONF
export SCHAKEL_CONF=$TMP/t.conf
S() { "$SCHAKEL" "$@"; }

exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S contact add "Example Water" --name SOC --email soc@example-water.test --role abuse >/dev/null
exec 2>&3 3>&-

LABELS="RED AMBER+STRICT AMBER GREEN CLEAR"
# queued ADDR: how many ticket replies to ADDR are in the outbound queue.
queued() {
	S --json mail list --limit 100000 |
		jq --arg a "$1" '[.[] | select(.kind == "ticket-reply" and .recipients == $a)] | length'
}
# replies N: how many replies ticket N holds.
replies() { S --json ticket show "$1" | jq '[.messages[] | select(.kind == "reply")] | length'; }
# last_reply N: the text of ticket N's newest reply, as it was mailed.
last_reply() { S --json ticket show "$1" | jq -r '[.messages[] | select(.kind == "reply")][-1].body'; }
# party_ok LABEL: may the party (the organization concerned) receive it?
party_ok() { [ "$1" != RED ]; }

REQ=reporter@example.nl
PARTY=soc@example-water.test

# --- the CLI ----------------------------------------------------------------------
run S --json ticket new "Ransomware at a water utility" --requester "$REQ"
T=$(printf '%s' "$OUT" | jq .id)
expect_rc 0 "ticket party --org" S ticket party "$T" --org "Example Water"
for L in $LABELS; do
	expect_rc 0 "ticket set --tlp $L" S ticket set "$T" --tlp "$L"
	before_req=$(queued "$REQ") before_party=$(queued "$PARTY") before_n=$(replies "$T")
	expect_rc 0 "CLI, TLP:$L: a reply to the requester (named) is queued" \
		S ticket reply "$T" --text "Update under $L"
	expect_eq $((before_req + 1)) "$(queued "$REQ")" "... exactly one mail to the requester"
	expect_match "classified TLP:${L//+/\\+}\." "$(last_reply "$T")" "... classified TLP:$L"
	if party_ok "$L"; then
		expect_rc 0 "CLI, TLP:$L: a reply to the party (concerned) is queued" \
			S ticket reply "$T" --text "Party update under $L" --to "$PARTY"
		expect_eq $((before_party + 1)) "$(queued "$PARTY")" "... exactly one mail to the party"
		expect_eq $((before_n + 2)) "$(replies "$T")" "... both replies on the ticket"
	else
		expect_rc 77 "CLI, TLP:$L: a reply to the party (concerned) is refused" \
			S ticket reply "$T" --text "Party update under $L" --to "$PARTY"
		expect_match "TLP:${L//+/\\+}" "$ERR" "... naming the label"
		expect_eq "$before_party" "$(queued "$PARTY")" "... and nothing is queued for the party"
		expect_eq $((before_n + 1)) "$(replies "$T")" "... nor added to the ticket"
	fi
done
expect_eq 0 "$(S --json mail list --limit 100000 | jq '[.[] | select(.recipients != "'$REQ'" and .recipients != "'$PARTY'")] | length')" \
	"CLI: no mail to anyone else"

# --- the API ----------------------------------------------------------------------
S user add lead --role analyst >/dev/null 2>&1
LEAD=$(S token create lead 2>/dev/null)
start_schakeld || not_ok "schakeld starts" "$(cat "$TMP/daemon.log")"
API=http://127.0.0.1:$PORT/api/v1
# api METHOD PATH BODY: the status in CODE, the body in $OUT.
api() {
	CODE=$(curl -s -o "$TMP/api.out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $LEAD" \
		-H 'Content-Type: application/json' --data "$3" "$API$2")
	OUT=$(cat "$TMP/api.out")
}
api POST /tickets '{"type": "incident", "subject": "Phishing kit", "requester": "'$REQ'"}'
expect_eq 201 "$CODE" "API: an incident with a requester"
A=$(printf '%s' "$OUT" | jq .id)
api POST "/tickets/$A/parties" '{"address": "'$PARTY'"}'
expect_eq 201 "$CODE" "API: the party added"
for L in $LABELS; do
	api PATCH "/tickets/$A" '{"tlp": "'$L'"}'
	expect_eq "200 TLP:$L" "$CODE $(printf '%s' "$OUT" | jq -r .tlp)" "API: PATCH tlp $L"
	before_req=$(queued "$REQ") before_party=$(queued "$PARTY") before_n=$(replies "$A")
	api POST "/tickets/$A/replies" '{"text": "API update under '$L'"}'
	expect_eq 201 "$CODE" "API, TLP:$L: a reply to the requester (named): 201"
	expect_eq $((before_req + 1)) "$(queued "$REQ")" "... exactly one mail to the requester"
	api POST "/tickets/$A/replies" '{"text": "API party update under '$L'", "to": "'$PARTY'"}'
	if party_ok "$L"; then
		expect_eq 201 "$CODE" "API, TLP:$L: a reply to the party (concerned): 201"
		expect_eq $((before_party + 1)) "$(queued "$PARTY")" "... exactly one mail to the party"
		expect_eq $((before_n + 2)) "$(replies "$A")" "... both replies on the ticket"
	else
		expect_eq 403 "$CODE" "API, TLP:$L: a reply to the party (concerned): 403"
		expect_match "TLP:${L//+/\\+}" "$OUT" "... naming the label"
		expect_eq "$before_party" "$(queued "$PARTY")" "... and nothing is queued for the party"
		expect_eq $((before_n + 1)) "$(replies "$A")" "... nor added to the ticket"
	fi
done

done_testing
