#!/bin/bash
# tests/cli/api_ops.sh: the duty officer's overview through a real
# schakeld and the CLI: the audit log filtered by actor, action, object
# and time; events counted by received day and feed and by organization
# (against the store's own rows and schakel events list); the ticket
# list by owner and class; a ticket's history; staff only.
. "$(dirname "$0")/lib.sh"

DB=$(new_db ops)
cat >"$TMP/t.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:9
from = cert@example.be
[notify]
templates = $SRCDIR/share/templates
sender = CERT.be
[tickets]
tag = CERT.be
CONF
export SCHAKEL_CONF=$TMP/t.conf
S() { "$SCHAKEL" "$@"; }
FIX=$SRCDIR/tests/fixtures/shadowserver
TODAY=$(date -u +%F)
YESTERDAY=$(date -u -d yesterday +%F)

# sql QUERY: one value (or rows, fields by '|') from the store itself.
sql() {
	if on_backend sqlite; then sqlite3 "${DB#sqlite:}" "$1"; else pg_query "$DB" "$1"; fi
}

# --- a constituency, events on two days, tickets ----------------------------
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Energy Sector CERT" --kind liaison --class private --sector energy/electricity >/dev/null
S org add "Example Energy" --kind constituent --class oes --sector energy/electricity >/dev/null
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S org add "Example City" --kind constituent --class administration >/dev/null
S member add "Energy Sector CERT" "Example Energy" >/dev/null
S resource add "Example Energy" prefix:198.51.100.0/24 >/dev/null
S resource add "Example Water" prefix:203.0.113.0/24 >/dev/null
S contact add "Example Water" --name SOC --email soc@example-water.test --role abuse --lang en >/dev/null
S contact add "Example City" --name IT --email it@city.test --role abuse --lang en >/dev/null
S user add alice --role admin >/dev/null
S user add ann --role analyst >/dev/null
S user add pat --role partner --org "Energy Sector CERT" >/dev/null
ADMIN=$(S token create alice)
ANALYST=$(S token create ann)
PAT=$(S token create pat)
# Yesterday: scan_dns. Today: compromised_website and scan_redis.
DNS=$(S --json ingest "$FIX/scan_dns.csv" | jq '.total.parsed')
sql "UPDATE events SET received = '$YESTERDAY' || substr(received, 11)" >/dev/null
WEB=$(S --json ingest "$FIX/compromised_website.csv" | jq '.total.parsed')
REDIS=$(S --json ingest "$FIX/scan_redis.csv" | jq '.total.parsed')
exec 2>&3 3>&-
if [ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$PAT" ] && [ "${DNS:-0}" -gt 0 ] &&
	[ "${WEB:-0}" -gt 0 ] && [ "${REDIS:-0}" -gt 0 ]; then ok "seeded: constituency, users, three feeds"; else
	not_ok "seeded: constituency, users, three feeds" "$(cat "$TMP/seed.err")"; fi

# mail FROM SUBJECT ID: a report through mailgate.
mail() {
	printf 'From: %s\nTo: cert@example.be\nSubject: %s\nMessage-ID: <%s>\n\nSee 192.0.2.10.\n' \
		"$1" "$2" "$3" | S --json mailgate --sender "$1" >/dev/null
}
mail soc@example-water.test "Phishing at the water works" w1@example-water.test # 1: essential-public
mail it@city.test "Defaced city site" c1@city.test                             # 2: administration
S ticket new "Found by ourselves" >/dev/null                                   # 3: public
S ticket set 1 --owner alice >/dev/null
S ticket set 2 --owner ann --severity high >/dev/null

start_daemon "$TMP/daemon.log" --db "$DB"
expect_eq 0 $? "schakeld answers /healthz"

# api METHOD PATH TOKEN [CURL ARGS...]: sets CODE and BODY.
api() {
	local method=$1 path=$2 token=$3
	local auth=()
	shift 3
	[ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$BASE$path")
	BODY=$(cat "$TMP/body")
}
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
status() {
	if [ "$CODE" = "$1" ]; then ok "$2"; else not_ok "$2" "status $CODE, wanted $1: $BODY"; fi
}
error() {
	if [ "$CODE" = "$1" ] && [ "$(j .error.code)" = "$2" ]; then ok "$3"; else
		not_ok "$3" "status $CODE, wanted $1 with code $2: $BODY"; fi
}

# --- the audit log ------------------------------------------------------------
api PATCH /api/v1/tickets/3 "$ADMIN" -H 'Content-Type: application/json' --data-binary '{"owner":"ann"}'
status 200 "alice sets ticket 3's owner through the API"
ALL=$(sql "SELECT count(*) FROM audit")
api GET "/api/v1/audit?limit=5" "$ANALYST"
status 200 "an analyst reads the audit log"
expect_eq "5 $ALL" "$(j '"\(.items | length) \(.total)"')" "a page of 5, the total of all entries"
expect_eq "true" "$(j '[.items[].id] == ([.items[].id] | sort | reverse)')" "newest first"
expect_eq "id time actor action object object_id summary" "$(j '.items[0] | keys_unsorted | join(" ")')" \
	"each entry: id, time, actor, action, object, object_id, summary"
api GET "/api/v1/audit?actor=api:alice" "$ADMIN"
expect_eq "1 ticket.update ticket 3" "$(j '"\(.total) \(.items[0].action) \(.items[0].object) \(.items[0].object_id)"')" \
	"actor=api:alice: only alice's change through the API"
api GET "/api/v1/audit?action=org.add" "$ADMIN"
expect_eq "4 org" "$(j '"\(.total) \([.items[].object] | unique | join(","))"')" "action=org.add: the four organizations"
api GET "/api/v1/audit?object=ticket" "$ADMIN"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE object LIKE 'ticket:%'")" "$(j .total)" \
	"object=ticket: every ticket entry"
expect_eq "ticket" "$(j '[.items[].object] | unique | join(",")')" "... and nothing else"
api GET "/api/v1/audit?object=ticket&object_id=2" "$ADMIN"
expect_eq "2" "$(j '[.items[].object_id] | unique | join(",")')" "object=ticket&object_id=2: that ticket alone"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE object = 'ticket:2'")" "$(j .total)" "... all of its entries"
# The organizations' entries go back a day; the rest stay today.
sql "UPDATE audit SET at = '$YESTERDAY' || substr(at, 11) WHERE action = 'org.add'" >/dev/null
api GET "/api/v1/audit?until=$TODAY" "$ADMIN"
expect_eq "4 org.add" "$(j '"\(.total) \([.items[].action] | unique | join(","))"')" "until=today: only yesterday's entries"
api GET "/api/v1/audit?since=$TODAY&action=org.add" "$ADMIN"
expect_eq "0" "$(j .total)" "since=today: none of yesterday's"
api GET "/api/v1/audit?since=2d&until=$TODAY&actor=api:alice" "$ADMIN"
expect_eq "0" "$(j .total)" "filters combine"
api GET "/api/v1/audit?offset=2&limit=1" "$ADMIN"
expect_eq "$(sql "SELECT id FROM audit ORDER BY id DESC LIMIT 1 OFFSET 2")" "$(j '.items[0].id')" "offset pages"

api GET "/api/v1/audit?actr=alice" "$ADMIN"
error 400 invalid "an unknown argument: 400"
expect_match "actr" "$(j .error.message)" "... naming it"
api GET "/api/v1/audit?since=last-tuesday" "$ADMIN"
error 400 invalid "a bad time: 400"
expect_match "since" "$(j .error.message)" "... naming the argument"
api GET "/api/v1/audit?object_id=3" "$ADMIN"
error 400 invalid "object_id without object: 400"
api GET "/api/v1/audit?limit=0" "$ADMIN"
error 400 invalid "limit 0: 400"
api GET /api/v1/audit "$PAT"
error 403 forbidden "a partner may not read the audit log: 403"
api GET /api/v1/audit ""
error 401 unauthenticated "no token: 401"

run S --json audit --actor api:alice
expect_eq "1 ticket.update 3" "$(py 'len(d), d[0]["action"], d[0]["object_id"]' | tr -d "(),'")" \
	"schakel audit --actor: the same entry, the same shape"
run S audit --object ticket --id 2
expect_eq "$(sql "SELECT count(*) FROM audit WHERE object = 'ticket:2'")" "$(($(printf '%s\n' "$OUT" | wc -l) - 1))" \
	"schakel audit --object --id: a table of that ticket's entries"
run S --json audit --until "$TODAY"
expect_eq "4" "$(py 'len(d)')" "schakel audit --until"
expect_rc 64 "schakel audit --id without --object: usage error" S audit --id 2
expect_rc 64 "schakel audit --since with a bad time: usage error" S audit --since soon

# --- events by day and feed --------------------------------------------------
api GET /api/v1/stats/ingest "$ANALYST"
status 200 "GET /stats/ingest"
DNS_R=$(sql "SELECT count(*) FROM event_recipients r JOIN events e ON e.id = r.event_id WHERE e.feed = 'DNS-Open-Resolvers'")
WEB_R=$(sql "SELECT count(*) FROM event_recipients r JOIN events e ON e.id = r.event_id WHERE e.feed = 'Compromised-Website'")
REDIS_R=$(sql "SELECT count(*) FROM event_recipients r JOIN events e ON e.id = r.event_id WHERE e.feed = 'Open-Redis'")
expect_eq "$TODAY Compromised-Website $WEB $WEB_R
$TODAY Open-Redis $REDIS $REDIS_R
$YESTERDAY DNS-Open-Resolvers $DNS $DNS_R" "$(j '.items[] | "\(.day) \(.feed) \(.events) \(.recipients)"')" \
	"per day (newest first) and feed: the events ingested and their recipient rows"
api GET "/api/v1/stats/ingest?days=1" "$ADMIN"
expect_eq "$TODAY,$TODAY" "$(j '[.items[].day] | join(",")')" "days=1: today alone"
run S --json stats ingest --days 2
expect_eq "$DNS" "$(py '[r["events"] for r in d if r["day"] == "'"$YESTERDAY"'"][0]')" "schakel stats ingest: the same counts"
run S stats ingest
expect_match "^$YESTERDAY +DNS-Open-Resolvers +$DNS +$DNS_R\$" "$OUT" "... as a table"
api GET "/api/v1/stats/ingest?days=367" "$ADMIN"
error 400 invalid "days over 366: 400"
api GET "/api/v1/stats/ingest?day=3" "$ADMIN"
error 400 invalid "an unknown argument: 400"
api GET /api/v1/stats/ingest "$PAT"
error 403 forbidden "a partner may not read the counts: 403"
api GET /api/v1/stats/orgs ""
error 401 unauthenticated "no token: 401"

# --- events by organization --------------------------------------------------
api GET /api/v1/stats/orgs "$ADMIN"
status 200 "GET /stats/orgs"
for org in "Energy Sector CERT" "Example Energy" "Example Water"; do
	want=$(S --json events list --org "$org" --limit 100000 | grep -c '^{')
	expect_eq "$want" "$(printf '%s' "$BODY" | jq -r --arg o "$org" '.items[] | select(.org == $o) | .events')" \
		"$org: as many events as schakel events list --org gives"
done
expect_eq "true" "$(j '[.items[].events] == ([.items[].events] | sort | reverse)')" "most events first"
expect_eq "" "$(j '.items[] | select(.org == "Example City") | .org')" "an organization without events is not listed"
api GET "/api/v1/stats/orgs?days=1" "$ADMIN"
EW=$(sql "SELECT count(*) FROM event_recipients r JOIN events e ON e.id = r.event_id JOIN orgs o ON o.id = r.org_id WHERE o.name = 'Example Water' AND e.received >= '$TODAY'")
expect_eq "$EW" "$(j '.items[] | select(.org == "Example Water") | .events')" "days=1: today's events only"
run S stats orgs
expect_match "^Example Energy +[0-9]+ +[0-9]+ +$TODAY" "$OUT" "schakel stats orgs: a table"

# --- the ticket list by owner and class ----------------------------------------
api GET "/api/v1/tickets?owner=alice" "$ADMIN"
expect_eq "1" "$(j '[.items[].id] | join(",")')" "owner=alice"
api GET "/api/v1/tickets?owner=ann&order=queue&open=true" "$ADMIN"
expect_eq "2,3" "$(j '[.items[].id] | sort | join(",")')" "owner=ann, in the queue"
S ticket set 3 --owner "" >/dev/null
api GET "/api/v1/tickets?owner=none" "$ADMIN"
expect_eq "3" "$(j '[.items[].id] | join(",")')" "owner=none: the unowned"
api GET "/api/v1/tickets?class=essential-public" "$ADMIN"
expect_eq "1 essential-public" "$(j '"\([.items[].id] | join(",")) \(.items[0].class)"')" "class=essential-public"
api GET "/api/v1/tickets?class=administration&owner=ann" "$ADMIN"
expect_eq "2" "$(j '[.items[].id] | join(",")')" "class and owner combine"
api GET "/api/v1/tickets?class=nuclear" "$ADMIN"
error 400 invalid "an unknown class: 400"
api GET "/api/v1/tickets?ownr=ann" "$ADMIN"
error 400 invalid "an unknown argument: 400"
run S --json queue --owner none
expect_eq "3" "$(py '",".join(str(t["id"]) for t in d)')" "schakel queue --owner none"
run S --json ticket list --class administration
expect_eq "2" "$(py '",".join(str(t["id"]) for t in d)')" "schakel ticket list --class"
run S queue --class essential-public
expect_match "^P[0-9] +#1 " "$OUT" "schakel queue --class: a table"
expect_rc 64 "schakel queue --class with an unknown class: usage error" S queue --class nuclear

# --- a ticket's history ----------------------------------------------------------
api GET /api/v1/tickets/2 "$ANALYST"
status 200 "GET /tickets/2"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE object = 'ticket:2'")" "$(j '.history | length')" \
	"its history holds its audit entries"
expect_eq "true" "$(j '[.history[].id] == ([.history[].id] | sort)')" "oldest first"
expect_eq "ticket.open" "$(j '.history[0].action')" "... from its opening"
expect_match "owner - -> ann" "$(j '[.history[].summary] | join("\n")')" "... to the owner set"
expect_eq "ticket 2" "$(j '[.history[] | "\(.object) \(.object_id)"] | unique | join(",")')" \
	"... of that ticket only, in the audit log's shape"
run S --json ticket show 2
expect_eq "$(sql "SELECT count(*) FROM audit WHERE object = 'ticket:2'")" "$(py 'len(d["history"])')" "schakel ticket show --json: the history"
run S ticket show 2
expect_match "^History:" "$OUT" "schakel ticket show: a History section"
expect_match "ticket\.update +#2: .*owner - -> ann" "$OUT" "... with the changes"

done_testing
