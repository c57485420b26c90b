#!/bin/bash
# tests/cli/events_in.sh: events in over HTTP (POST /api/v1/events)
# against a real schakeld: IntelMQ events as JSON lines, an array and one
# object, routed and stored as `schakel ingest` does; a bad event fails
# its whole request naming line and field; the scope events:write; the
# share-back rule for a partner's events under each TLP label; media
# type and size limits; push-back under concurrency.
. "$(dirname "$0")/lib.sh"

DB=$(new_db events_in)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
CONF="$TMP/schakel.conf"
cat >"$CONF" <<CONF
[http]
threads = 4
max_events_body = 2097152
[ingest]
max_batch_events = 1000
http_concurrency = 2
[log]
level = warn
CONF

S() { "$SCHAKEL" --db "$DB" "$@"; }

# --- a constituency in the documentation ranges ----------------------------
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "CERT Test" --kind national-csirt --class administration >/dev/null
S org add "Energy Sector CERT" --kind liaison --class private --sector energy/electricity >/dev/null
S org add "Example Energy" --kind constituent --class oes --sector energy/electricity >/dev/null
S org add "Example Water" --kind constituent --class oes --sector drinking-water >/dev/null
S org add "Other Bank" --kind constituent --class private --sector banking >/dev/null
S member add "Energy Sector CERT" "Example Energy" >/dev/null
S resource add "Example Energy" prefix:198.51.100.0/24 >/dev/null
S resource add "Example Water" prefix:192.0.2.0/24 >/dev/null
S resource add "Other Bank" prefix:203.0.113.0/24 >/dev/null
S user add alice --role admin >/dev/null
S user add pat --role partner --org "Energy Sector CERT" >/dev/null
S user add eve --role partner --org "Example Energy" >/dev/null
printf 'correct horse battery\n' | S user add bob --role partner --org "Other Bank" --password-stdin >/dev/null
FEEDER=$(S token create alice --label intelmq --scope events:write)
READER=$(S token create alice --label reader)
PAT=$(S token create pat --scope events:write)
EVE=$(S token create eve --scope=events:write,events:write)
exec 2>&3 3>&-
if [ -n "$FEEDER" ] && [ -n "$READER" ] && [ -n "$PAT" ] && [ -n "$EVE" ]; then
	ok "CLI seeded the store"; else not_ok "CLI seeded the store" "$(cat "$TMP/seed.err")"; fi

# --- token scopes on the command line --------------------------------------
expect_rc 64 "token create --scope with an unknown scope: 64" S token create alice --scope events:read
expect_match "'events:read' is not a scope.*events:write" "$ERR" "the error names the known scopes"
run S token list alice --json
expect_eq '["events:write"] []' "$(printf '%s' "$OUT" | jq -c '.[].scopes' | paste -sd' ')" \
	"token list shows each token's scopes"
run S token list alice
expect_match 'SCOPES' "$OUT" "token list has a SCOPES column"
expect_match 'intelmq .* events:write' "$OUT" "the scoped token shows events:write"

# --- the daemon ------------------------------------------------------------
# start_daemon CONF PORT: schakeld in the background, waited for.
start_daemon() {
	"$SCHAKELD" -c "$1" --db "$DB" --port "$2" 2>>"$TMP/schakeld.log" &
	PIDS="${PIDS:-} $!"
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
stop_daemons() {
	for p in ${PIDS:-}; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	return 0
}
on_exit stop_daemons
if start_daemon "$CONF" "$PORT"; then ok "schakeld answers"; else
	not_ok "schakeld answers" "$(cat "$TMP/schakeld.log")"; fi

# post TOKEN TYPE FILE [CURL ARGS...]: POST the file; sets CODE, BODY, HEADERS.
post() {
	local token=$1 type=$2 file=$3 auth=()
	shift 3
	[ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
	CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X POST \
		"${auth[@]}" -H "Content-Type: $type" --data-binary "@$file" "$@" \
		"${URL:-$BASE}/api/v1/events")
	BODY=$(cat "$TMP/body")
	HEADERS=$(tr -d '\r' <"$TMP/headers")
}
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
status() {
	if [ "$CODE" = "$1" ]; then ok "$2"; else not_ok "$2" "status $CODE, wanted $1: $BODY"; fi
}
msg() { j .error.message; }
# count [ARGS...]: the events `schakel events list` shows.
count() { S events list --limit 0 --json "$@" | wc -l | tr -d ' '; }

# events N FEED FILE: N IntelMQ events as JSON lines over the four
# ranges (three owned, one nobody's), writing the expected count per
# organization into FILE.counts.
events() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
n, feed, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
nets = [("198.51.100.", "Example Energy"), ("192.0.2.", "Example Water"),
        ("203.0.113.", "Other Bank"), ("2001:db8::", None)]
counts = {}
with open(path, "w") as f:
    for i in range(n):
        pre, org = nets[i % 4]
        ip = pre + str(1 + i % 250) if ":" not in pre else pre + format(1 + i, "x")
        if org:
            counts[org] = counts.get(org, 0) + 1
        f.write(json.dumps({"feed.name": feed, "classification.type": "infected-system",
            "source.ip": ip, "source.port": 1024 + i % 60000,
            "time.source": "2026-01-0%dT12:00:00+00:00" % (1 + i % 9),
            "malware.name": "mirai", "extra.seq": i}) + "\n")
with open(path + ".counts", "w") as f:
    for org, c in sorted(counts.items()):
        f.write("%s\t%d\n" % (org, c))
PY
}

# --- 10,000 events in 10 batches --------------------------------------------
events 10000 intelmq-rest "$TMP/all.ndjson"
split -l 1000 -d "$TMP/all.ndjson" "$TMP/batch."
good=0 stored=0
for f in "$TMP"/batch.0*; do
	post "$FEEDER" application/x-ndjson "$f"
	[ "$CODE" = 201 ] && good=$((good + 1)) && stored=$((stored + $(j .stored)))
done
expect_eq "10 10000" "$good $stored" "10 batches of 1,000: 201 each, 10,000 stored"
expect_eq 1000 "$(j .received)" "the answer counts the events received"
expect_eq 10000 "$(count)" "events list shows the 10,000"
while IFS=$'\t' read -r org want; do
	expect_eq "$want" "$(count --org "$org" --feed intelmq-rest)" "$org received its $want"
done <"$TMP/all.ndjson.counts"
expect_eq "$(awk -F'\t' '$1 == "Example Energy" {print $2}' "$TMP/all.ndjson.counts")" \
	"$(count --org "Energy Sector CERT" --feed intelmq-rest)" \
	"the liaison received its member's events (TLP:AMBER)"
expect_eq 10000 "$(count --org "CERT Test" --feed intelmq-rest)" "the national CSIRT received all"
run S audit --action feed.ingest --json
expect_match 'api:alice' "$OUT" "each request is in the audit log as api:alice"

# --- one bad event: 400 naming line and field, nothing stored ---------------
events 5 bad-batch "$TMP/bad.ndjson"
sed -i '3s/"source.ip": "[^"]*"/"source.ip": "999.1.1.1"/' "$TMP/bad.ndjson"
post "$FEEDER" application/x-ndjson "$TMP/bad.ndjson"
status 400 "a batch with a bad event: 400"
expect_match '^line 3: source.ip' "$(msg)" "the error names line 3 and source.ip"
events 5 bad-batch "$TMP/bad2.ndjson"
sed -i '4s/"feed.name": "bad-batch", //' "$TMP/bad2.ndjson"
post "$FEEDER" application/x-ndjson "$TMP/bad2.ndjson"
expect_match '^line 4: .*feed.name' "$(msg)" "an event without feed.name: line 4 and the field"
expect_eq "0 10000" "$(count --feed bad-batch) $(count)" "nothing of the bad batches is stored"

# --- an array and one object as application/json ---------------------------
events 3 array-feed "$TMP/arr.ndjson"
jq -s . "$TMP/arr.ndjson" >"$TMP/arr.json"
post "$FEEDER" application/json "$TMP/arr.json"
status 201 "an array of 3 events: 201"
expect_eq "3 3" "$(j .stored) $(count --feed array-feed)" "the array's 3 events are stored"
jq -s '.[1]["source.ip"] = "not-an-ip"' "$TMP/arr.ndjson" >"$TMP/arr-bad.json"
post "$FEEDER" application/json "$TMP/arr-bad.json"
expect_match '^events\[1\]: source.ip' "$(msg)" "a bad array element is named by its index"
# As IntelMQ's REST API output bot sends one event (json.dumps of a dict).
python3 -c 'import json; print(json.dumps({"feed.name": "one-feed", "feed.accuracy": 100.0,
    "classification.type": "phishing", "source.url": "http://198.51.100.9/login",
    "time.observation": "2026-01-02T03:04:05+00:00", "raw": "cGhpc2g="}))' >"$TMP/one.json"
post "$FEEDER" "application/json; charset=utf-8" "$TMP/one.json"
status 201 "one IntelMQ object: 201"
expect_eq 1 "$(count --org "Example Energy" --feed one-feed)" "the object is routed by its URL's host"
post "$FEEDER" application/json "$TMP/bad.ndjson"
status 400 "JSON lines sent as application/json: 400"

# --- who may submit ---------------------------------------------------------
post "$READER" application/x-ndjson "$TMP/arr.ndjson"
status 403 "an admin token without the scope: 403"
expect_match 'events:write' "$(msg)" "the 403 names the missing scope"
post "" application/x-ndjson "$TMP/arr.ndjson"
status 401 "no token: 401"
post "" application/x-ndjson "$TMP/arr.ndjson" -u "bob:correct horse battery"
status 403 "HTTP Basic (no scopes): 403"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d '{"name":"bob","password":"correct horse battery"}' -D "$TMP/h" "$BASE/api/v1/session")
SID=$(tr -d '\r' <"$TMP/h" | sed -n 's/^Set-Cookie: schakel_session=\([^;]*\);.*/\1/p')
CSRF=$(jq -r .csrf_token "$TMP/body")
post "" application/x-ndjson "$TMP/arr.ndjson" -H "Cookie: schakel_session=$SID" -H "X-CSRF-Token: $CSRF"
status 403 "a session cookie (no scopes): 403"
expect_match 'events:write' "$(msg)" "... for want of the scope, not of the CSRF token"
expect_eq 3 "$(count --feed array-feed)" "the refused requests stored nothing"

# --- media type and limits ---------------------------------------------------
post "$FEEDER" text/plain "$TMP/arr.ndjson"
status 415 "text/plain: 415"
events 1001 too-many "$TMP/many.ndjson"
post "$FEEDER" application/x-ndjson "$TMP/many.ndjson"
status 413 "1,001 events in one request: 413"
expect_match 'max_batch_events' "$(msg)" "the 413 names the limit"
jq -s . "$TMP/many.ndjson" >"$TMP/many.json"
post "$FEEDER" application/json "$TMP/many.json"
status 413 "an array of 1,001 events: 413"
head -c 3000000 /dev/zero | tr '\0' ' ' >"$TMP/huge"
post "$FEEDER" application/x-ndjson "$TMP/huge"
status 413 "a body over max_events_body: 413"
expect_match '2097152' "$(msg)" "the 413 names the body limit"
expect_eq 0 "$(count --feed too-many)" "nothing over the limits is stored"

# --- shared back by a partner ------------------------------------------------
CERT_ID=$(S org list --json | jq -r '.[] | select(.name == "Energy Sector CERT") | .id')
python3 - "$TMP/share.ndjson" <<'PY'
import json, sys
rows = [("198.51.100.1", "RED"), ("198.51.100.2", "AMBER+STRICT"), ("198.51.100.3", "AMBER"),
        ("198.51.100.4", "GREEN"), ("198.51.100.5", "WHITE"), ("203.0.113.6", "AMBER")]
with open(sys.argv[1], "w") as f:
    for i, (ip, tlp) in enumerate(rows):
        f.write(json.dumps({"feed.name": "share-back", "feed.provider": "someone else",
            "extra.source_org_id": 1, "classification.type": "scanner", "source.ip": ip,
            "source.port": i + 1, "tlp": tlp, "time.source": "2026-01-01T00:00:00Z"}) + "\n")
PY
post "$PAT" application/x-ndjson "$TMP/share.ndjson"
status 201 "a liaison partner with the scope submits 6 events"
ports() { S events list --limit 0 --json --feed share-back "$@" | jq -r '."source.port"' | paste -sd, -; }
expect_eq "1,2,3,4,5,6" "$(ports --org "CERT Test")" "the national CSIRT receives all six"
expect_eq "" "$(ports --org "Energy Sector CERT")" "the source receives none back"
expect_eq "3,4,5" "$(ports --org "Example Energy")" \
	"its member: AMBER, GREEN, CLEAR only (not RED, not AMBER+STRICT)"
expect_eq "6" "$(ports --org "Other Bank")" "another organization as usual"
run S events list --limit 0 --json --feed share-back
expect_eq "Energy Sector CERT" "$(printf '%s\n' "$OUT" | jq -r '."feed.provider"' | sort -u)" \
	"feed.provider is the partner's organization"
expect_eq "$CERT_ID" "$(printf '%s\n' "$OUT" | jq -r '."extra.source_org_id"' | sort -u)" \
	"each event is marked with its source organization"
printf '%s\n' '{"feed.name":"own","classification.type":"scanner","source.ip":"198.51.100.77","tlp":"GREEN","time.source":"2026-01-01T00:00:00Z"}' >"$TMP/own.ndjson"
post "$EVE" application/x-ndjson "$TMP/own.ndjson"
status 201 "a constituent partner submits an event about itself"
expect_eq "0 1 1" "$(count --org "Example Energy" --feed own) $(count --org "Energy Sector CERT" --feed own) $(count --org "CERT Test" --feed own)" \
	"not back to itself; its liaison and the national CSIRT receive it"

# --- a registry change reaches the running daemon within a second ------------
S org add "Late Water" --kind constituent --class oes --sector drinking-water >/dev/null 2>&1
S resource add "Late Water" prefix:192.0.2.128/25 >/dev/null 2>&1
sleep 1.2
printf '%s\n' '{"feed.name":"late","classification.type":"scanner","source.ip":"192.0.2.200","time.source":"2026-01-01T00:00:00Z"}' >"$TMP/late.ndjson"
post "$FEEDER" application/x-ndjson "$TMP/late.ndjson"
expect_eq "201 1 0" "$CODE $(count --org "Late Water" --feed late) $(count --org "Example Water" --feed late)" \
	"an organization added while schakeld runs receives its events (most specific prefix)"

# --- push-back ---------------------------------------------------------------
sed 's/^http_concurrency = 2/http_concurrency = 1/' "$CONF" >"$TMP/one.conf"
PORT1=$(free_port)
if start_daemon "$TMP/one.conf" "$PORT1"; then ok "a second schakeld with http_concurrency 1"; else
	not_ok "a second schakeld with http_concurrency 1" "$(tail -5 "$TMP/schakeld.log")"; fi
events 1000 burst "$TMP/burst.ndjson"
curls=()
for i in $(seq 1 10); do
	curl -s -o /dev/null -D "$TMP/burst.h$i" -w '%{http_code}\n' -X POST \
		-H "Authorization: Bearer $FEEDER" -H 'Content-Type: application/x-ndjson' \
		--data-binary "@$TMP/burst.ndjson" "http://127.0.0.1:$PORT1/api/v1/events" \
		>"$TMP/burst.c$i" &
	curls+=($!)
done
wait "${curls[@]}"
codes=$(cat "$TMP"/burst.c* | sort | uniq -c | awk '{print $2 ":" $1}' | paste -sd' ')
n201=$(cat "$TMP"/burst.c* | grep -c '^201$')
n503=$(cat "$TMP"/burst.c* | grep -c '^503$')
expect_eq 10 "$((n201 + n503))" "10 concurrent POSTs: each 201 or 503 ($codes)"
if [ "$n503" -ge 1 ]; then ok "some were pushed back with 503"; else
	not_ok "some were pushed back with 503" "$codes"; fi
retry=yes
for i in $(seq 1 10); do
	if grep -q '^HTTP/1.1 503' "$TMP/burst.h$i" && ! grep -qi '^Retry-After: [0-9]' "$TMP/burst.h$i"; then
		retry=no; fi
done
expect_eq yes "$retry" "every 503 carries Retry-After"
expect_eq "$((n201 * 1000))" "$(count --feed burst)" "none lost: 1,000 stored for each 201"

done_testing
