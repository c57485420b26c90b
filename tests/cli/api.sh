#!/bin/bash
# tests/cli/api.sh: the HTTP API of a real schakeld on a fresh store:
# authentication, what partners may see and do, validation, limits and
# errors, and that API changes are the CLI's changes too.
. "$(dirname "$0")/lib.sh"

DB=$(new_db api)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
CONF="$TMP/schakel.conf"
LOG="$TMP/schakeld.log"
cat >"$CONF" <<CONF
[http]
threads = 2
max_body = 4096
[log]
level = info
CONF

S() { "$SCHAKEL" --db "$DB" "$@"; }

# --- a small constituency, made with the CLI -------------------------------
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Energy Sector CERT" --kind liaison --class private --sector energy/electricity >/dev/null
S org add "Example Energy" --kind constituent --class oes --sector energy/electricity >/dev/null
S org add "Example Water" --kind constituent --class oes --sector drinking-water >/dev/null
S org add "Other Bank" --kind constituent --class private --sector banking >/dev/null
S member add "Energy Sector CERT" "Example Energy" >/dev/null
S resource add "Example Energy" prefix:198.51.100.0/24 >/dev/null
S resource add "Other Bank" prefix:203.0.113.0/24 >/dev/null
S user add alice --role admin >/dev/null
S user add pat --role partner --org "Energy Sector CERT" >/dev/null
printf 'correct horse battery\n' | S user add bob --role partner --org "Other Bank" --password-stdin >/dev/null
ADMIN=$(S token create alice)
PAT=$(S token create pat)
BOB=$(S token create bob)
exec 2>&3 3>&-
if [ -n "$ADMIN" ] && [ -n "$PAT" ] && [ -n "$BOB" ]; then ok "CLI seeded the store"; else
	not_ok "CLI seeded the store" "tokens: '$ADMIN' '$PAT' '$BOB'; $(cat "$TMP/seed.err")"; fi

# --- the daemon ------------------------------------------------------------
"$SCHAKELD" -c "$CONF" --db "$DB" --port "$PORT" 2>"$LOG" &
PID=$!
stop_daemon() {
	[ -n "$PID" ] || return 0
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
}
on_exit stop_daemon

up=no
for _ in $(seq 1 100); do
	if curl -sf "$BASE/healthz" >/dev/null 2>&1; then up=yes; break; fi
	sleep 0.1
done
expect_eq yes "$up" "schakeld answers /healthz"

# api METHOD PATH TOKEN [CURL ARGS...]: sets CODE, BODY and HEADERS.
api() {
	local method=$1 path=$2 token=$3
	local auth=()
	shift 3
	[ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
	CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method" \
		"${auth[@]}" "$@" "$BASE$path")
	BODY=$(cat "$TMP/body")
	HEADERS=$(tr -d '\r' <"$TMP/headers")
}
# send METHOD PATH TOKEN JSON: a request with a JSON body.
send() {
	api "$1" "$2" "$3" -H 'Content-Type: application/json' --data-binary "$4"
}
# j FILTER: jq on the last body.
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
# status WANT DESC: the last answer had status WANT (and the body on failure).
status() {
	if [ "$CODE" = "$1" ]; then ok "$2"; else not_ok "$2" "status $CODE, wanted $1: $BODY"; fi
}
# error WANT_STATUS WANT_CODE DESC: an error in the API's one shape.
error() {
	if [ "$CODE" = "$1" ] && [ "$(j .error.code)" = "$2" ] &&
		[ -n "$(j '.error.message // empty')" ]; then ok "$3"; else
		not_ok "$3" "status $CODE, wanted $1 with code $2: $BODY"; fi
}

api GET /healthz ""
status 200 "healthz needs no token"
expect_eq ok "$(j .status)" "healthz says ok"

# --- authentication --------------------------------------------------------
api GET /api/v1/me ""
error 401 unauthenticated "no token: 401"
expect_match '^WWW-Authenticate: Bearer' "$HEADERS" "401 carries WWW-Authenticate: Bearer"
api GET /api/v1/me "sk_not-a-real-token-at-all-0000000000000000000000"
error 401 unauthenticated "a wrong token: 401"
api GET /api/v1/orgs "" -H "Authorization: Digest username=alice"
error 401 unauthenticated "an unknown scheme: 401"
api GET /api/v1/me "$ADMIN"
status 200 "GET /me with a token"
expect_eq "alice admin" "$(j '.name + " " + .role')" "/me names the caller and role"
api GET /api/v1/me "" -u "bob:correct horse battery"
status 200 "HTTP Basic with the right password"
expect_eq bob "$(j .name)" "Basic authenticates bob"
api GET /api/v1/me "" -u "bob:wrong"
error 401 unauthenticated "Basic with a wrong password: 401"
api GET /api/v1/me "" -u "nobody:correct horse battery"
error 401 unauthenticated "Basic with an unknown user: 401"
api GET /api/v1/me "" -u "alice:"
error 401 unauthenticated "Basic with an empty password: 401"

# id_of NAME: an organization's id, as the admin sees it.
id_of() {
	curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/orgs" |
		jq -r --arg n "$1" '.items[] | select(.name == $n) | .id'
}
CERT=$(id_of "Energy Sector CERT")
ENERGY=$(id_of "Example Energy")
WATER=$(id_of "Example Water")
BANK=$(id_of "Other Bank")

# --- what partners see -----------------------------------------------------
api GET /api/v1/orgs "$PAT"
status 200 "a liaison partner lists organizations"
expect_eq "Energy Sector CERT,Example Energy" "$(j '[.items[].name] | join(",")')" \
	"a liaison partner sees itself and its members only"
api GET /api/v1/orgs "$BOB"
expect_eq "Other Bank" "$(j '[.items[].name] | join(",")')" "a constituent partner sees only itself"

# --- searching organizations -------------------------------------------------
# names: the names of the last list, comma-separated.
names() { j '[.items[].name] | join(",")'; }
api GET "/api/v1/orgs?q=EXAMPLE" "$ADMIN"
expect_eq "Example Energy,Example Water" "$(names)" "?q= is a substring of the name, in any case"
api GET "/api/v1/orgs?q=ex&kind=constituent&class=oes&sector=drinking-water" "$ADMIN"
expect_eq "Example Water" "$(names)" "?q= combines with ?kind=, ?class= and ?sector="
api GET "/api/v1/orgs?sector=banking" "$ADMIN"
expect_eq "Other Bank" "$(names)" "?sector= alone"
api GET "/api/v1/orgs?q=e&limit=2&offset=1" "$ADMIN"
expect_eq "Example Energy,Example Water|4" "$(names)|$(j .total)" \
	"?limit= and ?offset= page the hits, total counts them all"
api GET "/api/v1/orgs?q=_" "$ADMIN"
expect_eq "0" "$(j .total)" "?q=_ is an underscore, not a wildcard"
api GET "/api/v1/orgs?q=$(printf 'a%.0s' $(seq 101))" "$ADMIN"
error 400 invalid "?q= of 101 bytes: 400"
api GET "/api/v1/orgs?kind=cooperative" "$ADMIN"
error 400 invalid "an unknown ?kind=: 400"
api GET "/api/v1/orgs?q=bank" "$PAT"
expect_eq "0" "$(j .total)" "a partner's search leaves out what it may not read"
api GET "/api/v1/orgs?q=ENERGY" "$PAT"
expect_eq "Energy Sector CERT,Example Energy" "$(names)" "a liaison's search finds its member"
api GET "/api/v1/orgs?q=energy" "$BOB"
expect_eq "0" "$(j .total)" "a constituent's search finds no one else"
api GET "/api/v1/orgs?q=bank" "$BOB"
expect_eq "Other Bank" "$(names)" "a constituent's search finds itself"

api GET "/api/v1/orgs/$ENERGY" "$PAT"
status 200 "a liaison partner reads its member"
api GET "/api/v1/orgs/$BANK" "$PAT"
error 404 not_found "a partner reading another organization: 404"
OTHER_MSG=$(j .error.message)
api GET "/api/v1/orgs/$WATER" "$BOB"
error 404 not_found "a partner reading a non-member: 404"
api GET /api/v1/orgs/999999 "$PAT"
expect_eq "$(echo "$OTHER_MSG" | sed "s/$BANK/999999/")" "$(j .error.message)" \
	"the 404 for another organization reads as for one that does not exist"
api GET "/api/v1/orgs/$BANK/resources" "$PAT"
error 404 not_found "a partner listing another organization's resources: 404"
api GET "/api/v1/orgs/$ENERGY/resources" "$PAT"
expect_eq "198.51.100.0/24" "$(j '.items[0].value')" "a liaison partner lists its member's resources"
api GET "/api/v1/orgs/$ENERGY/liaisons" "$PAT"
expect_eq "Energy Sector CERT" "$(j '[.items[].name] | join(",")')" "liaisons of a member"
api GET "/api/v1/whois?q=198.51.100.7" "$BOB"
status 200 "a partner asks whois"
expect_eq 0 "$(j '.matches | length')" "whois hides owners a partner may not read"
api GET "/api/v1/whois?q=198.51.100.7" "$PAT"
expect_eq "Example Energy 198.51.100.0/24" "$(j '.matches[0].org.name + " " + .matches[0].via.value')" \
	"whois shows a liaison partner its member"

# --- partners may not write ------------------------------------------------
send POST /api/v1/orgs "$PAT" '{"name":"Sneaky","kind":"constituent","class":"private","sector":"none"}'
error 403 forbidden "a partner creating an organization: 403"
send PATCH "/api/v1/orgs/$CERT" "$PAT" '{"notes":"mine"}'
error 403 forbidden "a partner changing its own organization: 403"
send PATCH "/api/v1/orgs/$BANK" "$PAT" '{"notes":"theirs"}'
error 403 forbidden "a partner changing another organization: 403, as for its own"
send POST "/api/v1/orgs/$ENERGY/resources" "$PAT" '{"value":"192.0.2.0/24"}'
error 403 forbidden "a partner adding a resource: 403"
api DELETE "/api/v1/orgs/$ENERGY" "$PAT"
error 403 forbidden "a partner deleting its member: 403"
api PUT "/api/v1/orgs/$CERT/members/$WATER" "$PAT"
error 403 forbidden "a partner adding a member: 403"

# --- create, read, change, delete as an admin --------------------------------
send POST /api/v1/orgs "$ADMIN" \
	'{"name":"Example Rail","kind":"constituent","class":"oes","sector":"transport/rail","country":"BE"}'
status 201 "POST /orgs creates an organization"
RAIL=$(j .id)
expect_match "^Location: /api/v1/orgs/$RAIL\$" "$HEADERS" "201 carries the Location of the new organization"
api GET "/api/v1/orgs/$RAIL" "$ADMIN"
expect_eq "Example Rail transport/rail" "$(j '.name + " " + .sector')" "the new organization reads back"
run S org list
expect_match "Example Rail" "$OUT" "the CLI sees the organization the API created"
send POST /api/v1/orgs "$ADMIN" '{"name":"Example Rail","kind":"constituent","class":"oes","sector":"none"}'
error 409 conflict "a duplicate organization name: 409"
send POST /api/v1/orgs "$ADMIN" '{"name":"Broken","kind":"cooperative","class":"oes","sector":"none"}'
error 400 invalid "a bad kind: 400"
expect_match "kind" "$(j .error.message)" "the 400 names the field"

send POST "/api/v1/orgs/$RAIL/resources" "$ADMIN" '{"type":"prefix","value":"192.0.2.0/24"}'
status 201 "POST a prefix resource"
RES=$(j .id)
expect_match "^Location: /api/v1/orgs/$RAIL/resources/$RES\$" "$HEADERS" "201 carries the resource's Location"
send POST "/api/v1/orgs/$RAIL/resources" "$ADMIN" '{"type":"prefix","value":"192.0.2.0/24"}'
error 409 conflict "the same resource twice: 409"
send POST "/api/v1/orgs/$RAIL/resources" "$ADMIN" '{"type":"prefix","value":"192.0.2.1/24"}'
error 400 invalid "a prefix with host bits: 400"
expect_match "192\.0\.2\.1/24.*host bits" "$(j .error.message)" "the 400 says host bits are set"
send POST "/api/v1/orgs/$RAIL/resources" "$ADMIN" '{"value":"AS64500"}'
status 201 "a resource without type: its type is guessed"
expect_eq "asn AS64500" "$(j '.type + " " + .value')" "AS64500 is an AS number"
send POST "/api/v1/orgs/$RAIL/resources" "$ADMIN" '"rail.example.be"'
expect_eq "201 domain" "$CODE $(j .type)" "a bare JSON string is a resource too"
api GET "/api/v1/orgs/$RAIL/resources/$RES" "$ADMIN"
expect_eq "192.0.2.0/24" "$(j .value)" "GET one resource"
api GET "/api/v1/orgs/$ENERGY/resources/$RES" "$ADMIN"
error 404 not_found "a resource under the wrong organization: 404"

api GET "/api/v1/whois?q=192.0.2.55" "$ADMIN"
expect_eq "Example Rail 192.0.2.0/24" "$(j '.matches[0].org.name + " " + .matches[0].via.value')" \
	"whois finds the resource the API added"
expect_eq "192.0.2.55" "$(j .query)" "whois echoes the query"
api GET "/api/v1/whois?q=rail.example.be" "$ADMIN"
expect_eq "Example Rail" "$(j '.matches[0].org.name')" "whois finds a domain"
api GET "/api/v1/whois" "$ADMIN"
error 400 invalid "whois without q: 400"
api GET "/api/v1/whois?q=not%20a%20thing!" "$ADMIN"
error 400 invalid "whois of nonsense: 400"

send PATCH "/api/v1/orgs/$RAIL" "$ADMIN" '{"sector":"transport/water","notes":"moved"}'
status 200 "PATCH changes an organization"
expect_eq "transport/water moved Example Rail" "$(j '.sector + " " + .notes + " " + .name')" \
	"PATCH changes the given fields and keeps the others"
send PATCH "/api/v1/orgs/$RAIL" "$ADMIN" '{"colour":"red"}'
error 400 invalid "PATCH with an unknown key: 400"
expect_match 'colour' "$(j .error.message)" "the 400 names the unknown key"
send PATCH "/api/v1/orgs/$RAIL" "$ADMIN" '{"name":"Other Bank"}'
error 409 conflict "renaming onto an existing name: 409"
api GET "/api/v1/orgs/$RAIL" "$ADMIN"
expect_eq "Example Rail transport/water" "$(j '.name + " " + .sector')" "failed PATCHes changed nothing"

# contacts
send POST "/api/v1/orgs/$RAIL/contacts" "$ADMIN" \
	'{"name":"Rail SOC","email":"soc@rail.example.be","role":"operational-24x7","languages":["nl","en"]}'
status 201 "POST a contact"
CID=$(j .id)
api GET "/api/v1/orgs/$RAIL/contacts" "$ADMIN"
expect_eq "soc@rail.example.be" "$(j '.items[0].email')" "the contact is listed"
send POST "/api/v1/orgs/$RAIL/contacts" "$ADMIN" '{"name":"X","email":"not-an-address","role":"abuse"}'
error 400 invalid "a contact with a bad e-mail address: 400"
api DELETE "/api/v1/orgs/$RAIL/contacts/$CID" "$ADMIN"
status 204 "DELETE a contact"
api DELETE "/api/v1/orgs/$RAIL/contacts/$CID" "$ADMIN"
error 404 not_found "DELETE it again: 404"

# memberships
api PUT "/api/v1/orgs/$CERT/members/$RAIL" "$ADMIN"
status 201 "PUT a membership"
api PUT "/api/v1/orgs/$CERT/members/$RAIL" "$ADMIN"
status 200 "PUT it again: already a member"
api GET "/api/v1/orgs/$CERT/members" "$ADMIN"
expect_eq "Example Energy,Example Rail" "$(j '[.items[].name] | join(",")')" "members are listed"
api GET /api/v1/orgs "$PAT"
expect_match "Example Rail" "$(j '[.items[].name] | join(",")')" "the liaison partner now sees the new member"
api PUT "/api/v1/orgs/$BANK/members/$RAIL" "$ADMIN"
error 400 invalid "a member of a non-liaison: 400"
api DELETE "/api/v1/orgs/$CERT/members/$RAIL" "$ADMIN"
status 204 "DELETE a membership"
api DELETE "/api/v1/orgs/$CERT/members/$RAIL" "$ADMIN"
error 404 not_found "DELETE it again: 404"

# paging
api GET "/api/v1/orgs?limit=2&offset=1" "$ADMIN"
expect_eq "2 5 Example Energy" "$(j '(.items | length | tostring) + " " + (.total | tostring) + " " + .items[0].name')" \
	"limit and offset page the list; total counts all"
api GET "/api/v1/orgs?limit=0" "$ADMIN"
error 400 invalid "limit=0: 400"

# deleting
api DELETE "/api/v1/orgs/$RAIL/resources/$RES" "$ADMIN"
status 204 "DELETE a resource"
api GET "/api/v1/whois?q=192.0.2.55" "$ADMIN"
expect_eq 0 "$(j '.matches | length')" "whois no longer finds it"
api DELETE "/api/v1/orgs/$RAIL" "$ADMIN"
status 204 "DELETE an organization"
api GET "/api/v1/orgs/$RAIL" "$ADMIN"
error 404 not_found "it is gone"
run S org list
expect_no_match "Example Rail" "$OUT" "the CLI no longer lists it"

# --- bad requests ----------------------------------------------------------
api GET /api/v1/orgs/999999 "$ADMIN"
error 404 not_found "an unknown organization: 404"
api GET /api/v1/orgs/abc "$ADMIN"
error 404 not_found "an id that is not a number: 404"
send POST /api/v1/orgs "$ADMIN" '{"name": "Half'
error 400 invalid "malformed JSON: 400"
expect_match "malformed JSON at line 1" "$(j .error.message)" "the 400 says where the JSON broke"
send POST /api/v1/orgs "$ADMIN" '["name"]'
error 400 invalid "a JSON array where an object belongs: 400"
send POST /api/v1/orgs "$ADMIN" ''
error 400 invalid "an empty body: 400"
api POST /api/v1/orgs "$ADMIN" -H 'Content-Type: text/plain' --data-binary '{"name":"x"}'
error 415 unsupported_media_type "a body that is not application/json: 415"
api POST /api/v1/orgs "$ADMIN" -H 'Content-Type: application/json; charset=utf-8' \
	--data-binary '{"name":"Charset Org","kind":"constituent","class":"private","sector":"none"}'
status 201 "application/json with a charset parameter is JSON"
head -c 5000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
api POST /api/v1/orgs "$ADMIN" -H 'Content-Type: application/json' --data-binary @"$TMP/big.json"
error 413 too_large "a body over max_body (Content-Length): 413"
api POST /api/v1/orgs "$ADMIN" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$TMP/big.json"
error 413 too_large "a chunked body over max_body: 413"
api POST /api/v1/orgs "" -H 'Content-Type: application/json' --data-binary @"$TMP/big.json"
error 401 unauthenticated "an unauthenticated body is refused before it is read: 401"
api PUT /api/v1/orgs "$ADMIN"
error 405 method_not_allowed "a wrong method: 405"
expect_match '^Allow: GET, HEAD, POST$' "$HEADERS" "405 carries Allow"
api POST "/api/v1/orgs/$ENERGY/members" "$ADMIN"
expect_eq "405" "$CODE" "POST on a GET-only collection: 405"
api GET /api/v1/nothing "$ADMIN"
error 404 not_found "an unknown path: 404"
api GET "/api/v1/orgs/$(head -c 2000 /dev/zero | tr '\0' 'a')" "$ADMIN"
error 414 uri_too_long "a path over the limit: 414"
api GET "/api/v1/whois?q=$(head -c 3000 /dev/zero | tr '\0' 'a')" "$ADMIN"
error 414 uri_too_long "a query over the limit: 414"
hdrs=()
for i in $(seq 1 80); do hdrs+=(-H "X-Filler-$i: x"); done
api GET /api/v1/me "$ADMIN" "${hdrs[@]}"
error 431 header_too_large "too many header lines: 431"
api HEAD /api/v1/me "$ADMIN" -I
status 200 "HEAD is answered like GET"
expect_no_match '"name"' "$BODY" "HEAD has no body"

# --- the audit log names the API user ---------------------------------------
run S audit --limit 500 --json
expect_eq "api:alice" "$(printf '%s' "$OUT" |
	jq -r '[.[] | select(.action == "org.add" and (.summary | test("Example Rail")))][0].actor')" \
	"the audit log names the API user as actor api:<user>"
expect_eq "" "$(printf '%s' "$OUT" | jq -r '.[] | select(.actor | test("pat|bob")) | .actor')" \
	"refused partner writes left no audit entries"

# --- the request log ---------------------------------------------------------
expect_match 'GET /api/v1/me 200 [0-9.]+ms alice' "$(cat "$LOG")" "one log line per request: method path status duration user"
expect_match 'GET /api/v1/me 401 [0-9.]+ms -' "$(cat "$LOG")" "refused requests are logged too"
expect_no_match 'q=|198\.51\.100\.7' "$(cat "$LOG")" "query strings (addresses) stay out of the log"

# --- graceful shutdown ---------------------------------------------------------
# A request in flight when SIGTERM arrives still gets its answer.
(
	printf '{"name": "Late Org", '
	sleep 1.5
	printf '"kind": "constituent", "class": "private", "sector": "none"}'
) | curl -s -o "$TMP/late" -w '%{http_code}' -X POST -T - -H "Authorization: Bearer $ADMIN" \
	-H 'Content-Type: application/json' "$BASE/api/v1/orgs" >"$TMP/late.code" &
CURL=$!
sleep 0.7
kill -TERM "$PID"
wait "$CURL"
expect_eq 201 "$(cat "$TMP/late.code")" "a request in flight at SIGTERM is answered"
wait "$PID"
rc=$?
PID=""
expect_eq 0 "$rc" "schakeld exits 0 after SIGTERM"
expect_match 'stopped' "$(tail -n 3 "$LOG")" "schakeld logs that it stopped"
if curl -s -o /dev/null "$BASE/healthz"; then not_ok "the port is closed after shutdown"; else
	ok "the port is closed after shutdown"; fi
run S org list
expect_match "Late Org" "$OUT" "the late request was stored"

done_testing
