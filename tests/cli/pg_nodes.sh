#!/bin/bash
# tests/cli/pg_nodes.sh: two schakeld nodes over one PostgreSQL database:
# what is written through one is read at once through the other, writes
# through both at the same time all land, a name taken twice at once is
# stored once, and both stop cleanly. Runs with the PostgreSQL backend
# only.
. "$(dirname "$0")/lib.sh"
only_on_backend postgresql "several nodes share one store only on PostgreSQL"

DB=$(new_db nodes)
"$SCHAKEL" --db "$DB" init >/dev/null 2>&1
"$SCHAKEL" --db "$DB" user add alice --role admin >/dev/null 2>&1
ADMIN=$("$SCHAKEL" --db "$DB" token create alice 2>/dev/null)

A_PORT=$(free_port)
B_PORT=$(free_port)
while [ "$B_PORT" = "$A_PORT" ]; do B_PORT=$(free_port); done
A="http://127.0.0.1:$A_PORT"
B="http://127.0.0.1:$B_PORT"
"$SCHAKELD" --db "$DB" --port "$A_PORT" 2>"$TMP/a.log" &
A_PID=$!
"$SCHAKELD" --db "$DB" --port "$B_PORT" 2>"$TMP/b.log" &
B_PID=$!
stop_nodes() {
	for p in $A_PID $B_PID; do kill -TERM "$p" 2>/dev/null && wait "$p"; done
	return 0
}
on_exit stop_nodes

# up URL PID: wait until URL/healthz answers (at most 10 s).
up() {
	for _ in $(seq 100); do
		curl -sf "$1/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
if up "$A" "$A_PID" && up "$B" "$B_PID"; then ok "two nodes serve one PostgreSQL database"; else
	not_ok "two nodes serve one PostgreSQL database" "$(cat "$TMP/a.log" "$TMP/b.log")"; fi

# api NODE METHOD PATH [JSON]: sets CODE and BODY.
api() {
	local node=$1 method=$2 path=$3
	local data=()
	[ $# -ge 4 ] && data=(-H 'Content-Type: application/json' --data-binary "$4")
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$method" \
		-H "Authorization: Bearer $ADMIN" "${data[@]}" "$node$path")
	BODY=$(cat "$TMP/body")
}
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }

# --- a write through A is read through B at once ----------------------------------
api "$A" POST /api/v1/orgs '{"name":"Example Harbour","kind":"constituent","class":"oes","sector":"transport/water","country":"NL"}'
expect_eq 201 "$CODE" "A: POST an organization"
ORG=$(j .id)
api "$B" GET "/api/v1/orgs/$ORG"
expect_eq "200 Example Harbour transport/water" "$CODE $(j '.name + " " + .sector')" \
	"B reads the organization A just created"
api "$A" POST "/api/v1/orgs/$ORG/resources" '{"value":"198.51.100.128/25"}'
expect_eq 201 "$CODE" "A: add a prefix"
RES=$(j .id)
api "$B" GET "/api/v1/whois?q=198.51.100.200"
expect_eq "Example Harbour 198.51.100.128/25" "$(j '.matches[0].org.name + " " + .matches[0].via.value')" \
	"B's whois finds the prefix A just added"
api "$A" PATCH "/api/v1/orgs/$ORG" '{"notes":"quay 7"}'
api "$B" GET "/api/v1/orgs/$ORG"
expect_eq "quay 7" "$(j .notes)" "B reads A's change"
run "$SCHAKEL" --db "$DB" whois 198.51.100.200
expect_match "Example Harbour +198.51.100.128/25" "$OUT" "the CLI on the same database sees it too"

# --- a delete through B is gone at A ----------------------------------------------
api "$B" DELETE "/api/v1/orgs/$ORG/resources/$RES"
expect_eq 204 "$CODE" "B: delete the prefix"
api "$A" GET "/api/v1/orgs/$ORG/resources/$RES"
expect_eq 404 "$CODE" "A no longer finds the resource"
api "$A" GET "/api/v1/whois?q=198.51.100.200"
expect_eq 0 "$(j '.matches | length')" "A's whois no longer finds it"
api "$B" DELETE "/api/v1/orgs/$ORG"
expect_eq 204 "$CODE" "B: delete the organization"
api "$A" GET "/api/v1/orgs/$ORG"
expect_eq 404 "$CODE" "the organization is gone at A"

# --- writes through both nodes at once ----------------------------------------------
CURLS=""
for node in A B; do
	url=$A
	[ $node = B ] && url=$B
	for i in $(seq 1 15); do
		curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $ADMIN" \
			-H 'Content-Type: application/json' \
			--data-binary "{\"name\":\"Example Node $node $i\",\"kind\":\"constituent\",\"class\":\"private\",\"sector\":\"none\"}" \
			"$url/api/v1/orgs" &
		CURLS="$CURLS $!"
	done
done >"$TMP/codes"
wait_curls() { for p in $CURLS; do wait "$p"; done; CURLS=""; }
wait_curls
expect_eq "30" "$(grep -c '^201$' "$TMP/codes")" "30 organizations POSTed through both nodes at once: all 201"
api "$B" GET "/api/v1/orgs?limit=100"
expect_eq 30 "$(j '[.items[].name | select(startswith("Example Node"))] | length')" \
	"all 30 are stored, whichever node took them"
for node in "$A" "$B"; do
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $ADMIN" \
		-H 'Content-Type: application/json' \
		--data-binary '{"name":"Example Twice","kind":"constituent","class":"private","sector":"none"}' \
		"$node/api/v1/orgs" &
	CURLS="$CURLS $!"
done >"$TMP/twice"
wait_curls
expect_eq "201 409" "$(sort "$TMP/twice" | paste -sd' ')" \
	"the same name through both nodes at once: one 201, one 409"
expect_eq 1 "$(pg_query "$DB" "SELECT count(*) FROM orgs WHERE name = 'Example Twice'")" \
	"the name is stored once"
expect_eq 32 "$(pg_query "$DB" "SELECT count(*) FROM audit WHERE action = 'org.add' AND actor = 'api:alice'")" \
	"one audit entry per organization added, from either node"

# --- both stop cleanly --------------------------------------------------------------
kill -TERM "$A_PID"
wait "$A_PID"
a_rc=$?
kill -TERM "$B_PID"
wait "$B_PID"
b_rc=$?
A_PID="" B_PID=""
expect_eq "0 0" "$a_rc $b_rc" "both nodes exit 0 after SIGTERM"
expect_match "stopped" "$(tail -n 2 "$TMP/a.log")" "node A logs that it stopped"
expect_match "stopped" "$(tail -n 2 "$TMP/b.log")" "node B logs that it stopped"

done_testing
