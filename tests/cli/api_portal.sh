#!/bin/bash
# tests/cli/api_portal.sh: the partner portal's API on a real schakeld:
# /me with the caller's organization and what it may do; [portal]
# partners_edit (no, contacts, all) for a partner's own contacts and
# resources, never another organization's or a member's; PATCH of a
# contact; a report through POST /api/v1/reports becomes a ticket with
# its acknowledgement as a mail would, bad bodies store nothing, and
# GET /api/v1/reports shows a partner only its own organization's.
. "$(dirname "$0")/lib.sh"

DB=$(new_db portal)
CONF="$TMP/schakel.conf"
LOG="$TMP/schakeld.log"
# conf EDIT: the configuration with [portal] partners_edit = EDIT ("" none).
conf() {
	cat >"$CONF" <<CONF
[store]
url = $DB
[http]
threads = 2
[mail]
from = cert@example.test
relay = smtp://127.0.0.1:9
[notify]
templates = $SRCDIR/share/templates
sender = CERT.test
[tickets]
tag = CERT.test
ack_per_hour = 1000
CONF
	[ -n "$1" ] && printf '[portal]\npartners_edit = %s\n' "$1" >>"$CONF"
	return 0
}
conf ""
export SCHAKEL_CONF=$CONF
S() { "$SCHAKEL" "$@"; }

# --- the constituency ----------------------------------------------------------
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Energy Sector CERT" --kind liaison --class private --sector energy/electricity >/dev/null
S org add "Example Energy" --kind constituent --class oes --sector energy/electricity >/dev/null
S org add "Other Bank" --kind constituent --class private --sector banking >/dev/null
S member add "Energy Sector CERT" "Example Energy" >/dev/null
S resource add "Example Energy" prefix:198.51.100.0/24 >/dev/null
C_ENERGY=$(S --json contact add "Example Energy" --name "Eva Jansen" --email soc@energy.example \
	--lang nl --role operational-24x7 | jq -r .id)
C_CERT=$(S --json contact add "Energy Sector CERT" --name "Claire Dubois" \
	--email cert@sector.example --lang fr | jq -r .id)
C_BANK=$(S --json contact add "Other Bank" --name "Bank CSIRT" --email csirt@bank.example | jq -r .id)
S user add alice --role admin >/dev/null
S user add ann --role analyst >/dev/null
S user add eve --role partner --org "Example Energy" >/dev/null
S user add pat --role partner --org "Energy Sector CERT" >/dev/null
S user add bob --role partner --org "Other Bank" >/dev/null
ADMIN=$(S token create alice)
ANN=$(S token create ann)
EVE=$(S token create eve)
PAT=$(S token create pat)
BOB=$(S token create bob)
exec 2>&3 3>&-
if [ -n "$ADMIN" ] && [ -n "$EVE" ] && [ -n "$BOB" ] && [ -n "$C_BANK" ]; then
	ok "CLI seeded the store"
else
	not_ok "CLI seeded the store" "$(cat "$TMP/seed.err")"
fi
CERT=$(S --json org list | jq -r '.[] | select(.name == "Energy Sector CERT") | .id')
ENERGY=$(S --json org list | jq -r '.[] | select(.name == "Example Energy") | .id')
BANK=$(S --json org list | jq -r '.[] | select(.name == "Other Bank") | .id')

# restart EDIT: schakeld again, with partners_edit = EDIT.
restart() {
	stop_daemon
	conf "$1"
	start_daemon "$LOG" -c "$CONF" || not_ok "schakeld starts (partners_edit = $1)" "$(cat "$LOG")"
}
restart ""

# api METHOD PATH TOKEN [CURL ARGS...]: sets CODE and BODY.
api() {
	local method=$1 path=$2 token=$3
	shift 3
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$method" \
		-H "Authorization: Bearer $token" "$@" "$BASE$path")
	BODY=$(cat "$TMP/body")
}
send() { api "$1" "$2" "$3" -H 'Content-Type: application/json' --data-binary "$4"; }
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
status() {
	if [ "$CODE" = "$1" ]; then ok "$2"; else not_ok "$2" "status $CODE, wanted $1: $BODY"; fi
}
# refused STATUS WORD DESC: an error of STATUS whose message names WORD.
refused() {
	if [ "$CODE" = "$1" ] && j .error.message | grep -q -- "$2"; then ok "$3"; else
		not_ok "$3" "status $CODE, wanted $1 naming '$2': $BODY"; fi
}
# state: what the registry, the tickets and the queue hold, as the CLI says.
state() {
	{
		S --json contact list
		S --json resource list
		S --json ticket list --limit 0 | jq -c '[.[] | {id, status, updated}]'
		S --json mail list | jq -c '[.[] | .id]'
	} 2>&1
}

# --- /me -----------------------------------------------------------------------
may() { j '[.may | to_entries[] | select(.value) | .key] | join(",")'; }
api GET /api/v1/me "$ADMIN"
expect_eq "null tickets,registry,edit_contacts,edit_resources,audit" "$(j .org) $(may)" \
	"me as admin: no organization, everything but reports"
api GET /api/v1/me "$ANN"
expect_eq "analyst null tickets,registry,edit_contacts,edit_resources,audit" \
	"$(j .role) $(j .org) $(may)" "me as analyst: the same"
api GET /api/v1/me "$EVE"
expect_eq "$ENERGY Example Energy false report" \
	"$(j '.org.id') $(j '.org.name') $(j '.org.is_liaison') $(may)" \
	"me as a partner: its organization, not a liaison; it may report, nothing else"
api GET /api/v1/me "$PAT"
expect_eq "$CERT true report" "$(j '.org.id') $(j '.org.is_liaison') $(may)" \
	"me as a liaison's partner: is_liaison"

# --- partners_edit = no ------------------------------------------------------------
NEW='{"name":"Night desk","email":"night@energy.example","role":"abuse"}'
before=$(state)
send POST "/api/v1/orgs/$ENERGY/contacts" "$EVE" "$NEW"
refused 403 partners_edit "no: a partner may not add a contact to its own organization"
send PATCH "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$EVE" '{"phone":"+32 2 555 01 01"}'
refused 403 partners_edit "no: nor change one"
api DELETE "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$EVE"
refused 403 partners_edit "no: nor remove one"
send POST "/api/v1/orgs/$ENERGY/resources" "$EVE" '"prefix:192.0.2.0/24"'
refused 403 partners_edit "no: nor add a resource"
expect_eq "$before" "$(state)" "no: nothing changed"

# --- PATCH by staff ----------------------------------------------------------------
send PATCH "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$ANN" '{"phone":"+32 2 555 01 01"}'
status 200 "an analyst changes a contact"
expect_eq "+32 2 555 01 01 soc@energy.example nl" "$(j .phone) $(j .email) $(j '.languages | join(",")')" \
	"... the field given changes, the others stay"
send PATCH "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$ANN" '{"email":"not an address"}'
refused 400 "e-mail" "a bad email: 400 naming it"
send PATCH "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$ANN" '{"colour":"blue"}'
refused 400 colour "an unknown member: 400 naming it"
send PATCH "/api/v1/orgs/$BANK/contacts/$C_ENERGY" "$ANN" '{"phone":"+32 2 555 02 02"}'
status 404 "a contact under another organization's path: 404"
expect_eq "+32 2 555 01 01" "$(S --json contact list "Example Energy" | jq -r '.[0].phone')" \
	"... and the contact is as the good PATCH left it"
run S contact set "Example Energy" "$C_ENERGY" --role abuse --phone ""
expect_eq "0 abuse null" "$RC $(S --json contact list "Example Energy" | jq -r '.[0] | "\(.role) \(.phone)"')" \
	"schakel contact set changes the role and removes the phone"
run S audit --limit 5
expect_match "api:ann +contact.update .*phone" "$OUT" "the API's change is audited as api:ann"

# --- partners_edit = contacts --------------------------------------------------------
restart contacts
api GET /api/v1/me "$EVE"
expect_eq "edit_contacts,report" "$(may)" "contacts: me says the partner may edit contacts"
send PATCH "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$EVE" '{"phone":"+32 2 555 03 03"}'
status 200 "contacts: a partner changes its own organization's contact"
send POST "/api/v1/orgs/$ENERGY/contacts" "$EVE" "$NEW"
status 201 "contacts: ... adds one"
NIGHT=$(j .id)
api DELETE "/api/v1/orgs/$ENERGY/contacts/$NIGHT" "$EVE"
status 204 "contacts: ... removes one"
run S audit --limit 5
expect_match "api:eve +contact.remove" "$OUT" "... audited as api:eve"
before=$(state)
send POST "/api/v1/orgs/$BANK/contacts" "$EVE" "$NEW"
refused 403 "own organization" "contacts: not to another organization"
send PATCH "/api/v1/orgs/$BANK/contacts/$C_BANK" "$EVE" '{"phone":"+32 2 555 04 04"}'
refused 403 "own organization" "contacts: nor change another organization's"
send PATCH "/api/v1/orgs/$ENERGY/contacts/$C_ENERGY" "$PAT" '{"phone":"+32 2 555 05 05"}'
refused 403 "own organization" "contacts: a liaison's partner may not change its member's"
send POST "/api/v1/orgs/$ENERGY/resources" "$EVE" '"prefix:192.0.2.0/24"'
refused 403 partners_edit "contacts: resources stay closed"
send PATCH "/api/v1/orgs/$ENERGY" "$EVE" '{"notes":"ours"}'
status 403 "contacts: the organization itself stays closed"
expect_eq "$before" "$(state)" "contacts: the refused requests changed nothing"
send PATCH "/api/v1/orgs/$CERT/contacts/$C_CERT" "$PAT" '{"phone":"+32 2 555 06 06"}'
status 200 "contacts: the liaison's partner changes its own contact"

# --- partners_edit = all -------------------------------------------------------------
restart all
send POST "/api/v1/orgs/$ENERGY/resources" "$EVE" '"prefix:192.0.2.0/24"'
status 201 "all: a partner adds a resource to its own organization"
RID=$(j .id)
send POST "/api/v1/orgs/$ENERGY/resources" "$PAT" '"AS64500"'
refused 403 "own organization" "all: a liaison's partner adds none to its member"
send POST "/api/v1/orgs/$BANK/resources" "$EVE" '"AS64501"'
refused 403 "own organization" "all: nor a partner to another organization"
api DELETE "/api/v1/orgs/$ENERGY/resources/$RID" "$BOB"
status 403 "all: another organization's partner removes none"
api DELETE "/api/v1/orgs/$ENERGY/resources/$RID" "$EVE"
status 204 "all: the partner removes its own"
restart ""

# --- reports -------------------------------------------------------------------------
# The same report within the same minute is a duplicate: start early in one.
while [ "$(date +%S)" -ge 40 ]; do sleep 1; done
REPORT=$(jq -n --argjson c "$C_ENERGY" \
	'{subject: "Phishing site at 198.51.100.7", text: "We see a phishing site at http://198.51.100.7/login.\n", contact_id: $c, tlp: "TLP:GREEN"}')
send POST /api/v1/reports "$EVE" "$REPORT"
status 201 "a partner's report: 201"
T=$(j .ticket.id)
expect_eq "$T new Phishing site at 198.51.100.7" "$(j .ticket.number) $(j .ticket.status) $(j .ticket.subject)" \
	"... the new ticket, its number and status"
expect_eq "soc@energy.example" "$(j .acknowledgement.to)" "... acknowledged to the contact"
expect_match "^\[CERT.test #$T\] Ontvangen: Phishing site" "$(j .acknowledgement.subject)" \
	"... with the tag and the number, in the contact's language (nl)"
expect_match "CERT.test #$T" "$(j .acknowledgement.text)" "... the text names the ticket"
ACK_TEXT=$(j .acknowledgement.text)
run S --json ticket show "$T"
expect_eq "report soc@energy.example $ENERGY TLP:GREEN" \
	"$(printf '%s' "$OUT" | jq -r '"\(.type) \(.requester) \(.org_id) \(.tlp)"')" \
	"the ticket's reporter is the contact, of its organization, with the label asked for"
expect_eq "in ack" "$(printf '%s' "$OUT" | jq -r '[.messages[].kind] | join(" ")')" \
	"... it holds the report as a mail in and the acknowledgement"
expect_match "^P[1-5]" "P$(printf '%s' "$OUT" | jq -r .priority) $(printf '%s' "$OUT" | jq -r .due_ack)" \
	"... with a priority and SLA clocks"
expect_eq "$ACK_TEXT" "$(printf '%s' "$OUT" | jq -r '.messages[] | select(.kind == "ack") | .body')" \
	"... the acknowledgement returned is the one stored"
MSG=$(printf '%s' "$OUT" | jq -r '.messages[] | select(.kind == "in") | .id')
run S ticket raw "$MSG"
expect_match "^X-Schakel-Portal-User: eve" "$(printf '%s' "$OUT" | tr -d '\r')" \
	"the mail names the portal user"
expect_match "^From: Eva Jansen <soc@energy.example>" "$(printf '%s' "$OUT" | tr -d '\r')" \
	"... and comes from the contact"
run S --json mail list
expect_eq "1" "$(printf '%s' "$OUT" | jq --arg r "ticket:$T" '[.[] | select(.ref == $r and .kind == "ticket-ack" and .recipients == "soc@energy.example")] | length')" \
	"the acknowledgement waits in the outbound queue"

before=$(state)
send POST /api/v1/reports "$EVE" "$REPORT"
expect_eq "200 true $T null" "$CODE $(j .duplicate) $(j .ticket.id) $(j .acknowledgement)" \
	"the same report again at once: a duplicate of the ticket, no second acknowledgement"
expect_eq "$before" "$(state)" "... nothing stored"

# Bad bodies: 400 (413) naming the field, nothing stored.
bad() {
	send POST /api/v1/reports "$EVE" "$1"
	refused "$2" "$3" "$4"
}
bad "{\"text\":\"x\",\"contact_id\":$C_ENERGY}" 400 subject "no subject: 400"
bad "{\"subject\":\"x\",\"contact_id\":$C_ENERGY}" 400 text "no text: 400"
bad '{"subject":"x","text":"y"}' 400 contact_id "no contact_id: 400"
bad "{\"subject\":\"x\",\"text\":\"y\",\"contact_id\":$C_BANK}" 400 contact_id \
	"another organization's contact: 400"
bad "{\"subject\":\"x\",\"text\":\"y\",\"contact_id\":$C_CERT}" 400 contact_id \
	"its liaison's contact: 400"
bad "{\"subject\":\"a\\u0007b\",\"text\":\"y\",\"contact_id\":$C_ENERGY}" 400 subject \
	"a control character in the subject: 400"
bad "{\"subject\":\"$(printf 'x%.0s' $(seq 201))\",\"text\":\"y\",\"contact_id\":$C_ENERGY}" \
	400 subject "a subject over 200 bytes: 400"
bad "{\"subject\":\"x\",\"text\":\"y\",\"contact_id\":$C_ENERGY,\"tlp\":\"TLP:PINK\"}" 400 tlp \
	"an unknown TLP label: 400"
bad "{\"subject\":\"x\",\"text\":\"y\",\"contact_id\":$C_ENERGY,\"cc\":\"a@b.example\"}" 400 cc \
	"an unknown member: 400"
jq -n --argjson c "$C_ENERGY" --arg t "$(head -c 65537 /dev/zero | tr '\0' 'x')" \
	'{subject: "long", text: $t, contact_id: $c}' >"$TMP/long.json"
api POST /api/v1/reports "$EVE" -H 'Content-Type: application/json' --data-binary @"$TMP/long.json"
refused 413 text "a text over 64 KiB: 413 naming it"
send POST /api/v1/reports "$ADMIN" "$REPORT"
refused 403 "ticket API" "staff: 403, use the ticket API"
expect_eq "$before" "$(state)" "the refused reports stored nothing"

# Another organization's report, and the lists.
send POST /api/v1/reports "$BOB" \
	"{\"subject\":\"Card skimming\",\"text\":\"Skimmers found.\",\"contact_id\":$C_BANK}"
status 201 "another partner's report"
TB=$(j .ticket.id)
send POST /api/v1/reports "$EVE" \
	"{\"subject\":\"Re: [CERT.test #$TB] more\",\"text\":\"Ours too.\",\"contact_id\":$C_ENERGY}"
refused 400 subject "a subject naming another organization's ticket: 400"
api GET /api/v1/reports "$EVE"
expect_eq "200 $T 1" "$CODE $(j '[.items[].id] | join(",")') $(j .total)" \
	"GET /reports: the partner sees its own report only"
expect_eq "null" "$(j '.items[0].messages // .items[0].requester // null')" \
	"... without its messages or the reporter's address"
api GET /api/v1/reports "$BOB"
expect_eq "$TB" "$(j '[.items[].id] | join(",")')" "... the other partner its own"
api GET "/api/v1/reports?org=$BANK" "$EVE"
status 403 "... a partner naming another organization: 403"
api GET /api/v1/reports "$PAT"
expect_eq "0" "$(j .total)" "... the liaison's partner: its own organization's (none)"
api GET "/api/v1/reports?org=$BANK" "$ANN"
expect_eq "$TB" "$(j '[.items[].id] | join(",")')" "staff name an organization with ?org="
api GET /api/v1/reports "$ADMIN"
expect_eq "$TB,$T" "$(j '[.items[].id] | join(",")')" "staff without ?org: every report"
printf 'From: soc@energy.example\nTo: cert@example.test\nSubject: By mail\nMessage-ID: <m1@energy.example>\n\nA scan from 198.51.100.20.\n' |
	S mailgate --sender soc@energy.example >/dev/null
api GET /api/v1/reports "$EVE"
expect_eq "2" "$(j .total)" "a mail from the organization's contact is one of its reports too"

# The CLI.
run S report list --org "Example Energy" --json
expect_eq "0 2" "$RC $(printf '%s' "$OUT" | jq length)" "schakel report list --org"
printf 'Port scans from 198.51.100.30.\n' >"$TMP/text"
run S --json report submit --as eve --contact "$C_ENERGY" --subject "Scans" <"$TMP/text"
expect_eq "0 true soc@energy.example" \
	"$RC $(printf '%s' "$OUT" | jq -r '"\(.ticket.id > 0) \(.acknowledgement.to)"')" \
	"schakel report submit --as eve: a ticket, acknowledged"
run S report submit --as alice --contact "$C_ENERGY" --subject "Scans" <"$TMP/text"
expect_eq 65 "$RC" "schakel report submit --as a staff user: refused"

done_testing
