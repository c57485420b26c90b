#!/bin/bash
# tests/cli/pg_outage.sh: a PostgreSQL server that goes away. An import
# cut off in the middle fails with exit 75 and a message naming
# PostgreSQL, and stores nothing; commands while the server is down exit
# 75 (mailgate too: the MTA keeps the mail, and its retry stores it);
# schakeld answers /healthz with 503 while it is down and recovers by
# itself once it is back. Runs with the PostgreSQL backend only, on a
# private server that this test starts, stops and restarts.
. "$(dirname "$0")/lib.sh"
only_on_backend postgresql "a PostgreSQL outage is tested in the postgresql suite"

PGTEST="$SRCDIR/scripts/pg-test"
# The server's own directory: outside $TMP, which its user may not enter.
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/schakel-outage.XXXXXX")
stop_server() {
	"$PGTEST" stop "$PGDIR"
	rm -rf "$PGDIR"
}
on_exit stop_server
if "$PGTEST" start "$PGDIR" >/dev/null 2>"$TMP/pg.err"; then ok "a private PostgreSQL server is up"; else
	not_ok "a private PostgreSQL server is up" "$(cat "$TMP/pg.err")"
	done_testing
	exit 1
fi
DB=$("$PGTEST" createdb "$PGDIR" outage)
S() { "$SCHAKEL" --db "$DB" "$@"; }
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Example Before" --kind constituent --class private >/dev/null
S resource add "Example Before" 192.0.2.0/24 >/dev/null
S user add alice --role admin >/dev/null
ADMIN=$(S token create alice)
exec 2>&3 3>&-
expect_match '^sk_' "$ADMIN" "the store is seeded"

# A document of 5,000 organizations with 50,000 resources: its import
# runs for seconds, long enough to stop the server in the middle of it.
python3 - "$TMP/big.json" <<'PY'
import json, sys
orgs = []
for i in range(5000):
    res = [{"type": "prefix", "value": "2001:db8:%x:%x::/64" % (i, k)} for k in range(8)]
    res.append({"type": "asn", "value": "AS%d" % (64496 + i % 16)})
    res.append({"type": "domain", "value": "outage-%04d.example.nl" % i})
    orgs.append({"name": "Example Outage %04d" % i, "kind": "constituent", "class": "private",
                 "sector": "none", "resources": res})
json.dump({"schakel": 1, "organizations": orgs}, open(sys.argv[1], "w"))
PY

# --- schakeld on the store -------------------------------------------------------------
start_daemon "$TMP/schakeld.log" --db "$DB"
health() { curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz"; }
expect_eq 200 "$(health)" "schakeld is healthy"

# --- the server stops in the middle of an import ------------------------------------------
S import "$TMP/big.json" >"$TMP/import.out" 2>"$TMP/import.err" &
IMPORT=$!
# Wait until the import's transaction has written rows for half a second.
writing=no
for _ in $(seq 600); do
	n=$(pg_query "$DB" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
		AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
		AND xact_start < now() - interval '0.5 s'" 2>/dev/null)
	[ "$n" = 1 ] && { writing=yes; break; }
	kill -0 "$IMPORT" 2>/dev/null || break
	sleep 0.05
done
expect_eq yes "$writing" "the import is writing"
"$PGTEST" stop "$PGDIR"
wait "$IMPORT"
rc=$?
expect_eq 75 "$rc" "an import cut off by the server stopping exits 75"
expect_match "PostgreSQL at 127\.0\.0\.1:[0-9]+/outage" "$(cat "$TMP/import.err")" \
	"its message names PostgreSQL and where"
expect_match "lost the connection|cannot reach|terminating" "$(cat "$TMP/import.err")" \
	"its message says the connection was lost"
expect_eq "" "$(cat "$TMP/import.out")" "it claims to have imported nothing"

# --- while the server is down ---------------------------------------------------------
expect_rc 75 "a command while the server is down exits 75" S org list
expect_match "cannot connect to PostgreSQL at 127\.0\.0\.1:[0-9]+/outage" "$ERR" \
	"the message says PostgreSQL cannot be reached, and where"
expect_rc 75 "a write while the server is down exits 75" \
	S org add "Example During" --kind constituent --class private
printf 'From: soc@example.nl\nSubject: During the outage\nMessage-ID: <outage@example.nl>\n\nA report.\n' \
	>"$TMP/outage.eml"
expect_rc 75 "mailgate while the server is down exits 75 (the MTA keeps the mail)" \
	S mailgate <"$TMP/outage.eml"
expect_eq 503 "$(health)" "schakeld answers /healthz with 503 while the server is down"
code=$(curl -s -o "$TMP/down.body" -D "$TMP/down.headers" -w '%{http_code}' \
	-H "Authorization: Bearer $ADMIN" "$BASE/api/v1/orgs")
expect_eq 503 "$code" "an API request while the server is down: 503"
expect_match '^Retry-After: [0-9]+' "$(tr -d '\r' <"$TMP/down.headers")" "with Retry-After"
if kill -0 "$DAEMON_PID" 2>/dev/null; then ok "schakeld keeps running"; else not_ok "schakeld keeps running"; fi

# --- the server is back ----------------------------------------------------------------
if "$PGTEST" restart "$PGDIR" >/dev/null 2>"$TMP/pg.err"; then ok "the server restarts on its data"; else
	not_ok "the server restarts on its data" "$(cat "$TMP/pg.err")"; fi
back=no
for _ in $(seq 100); do [ "$(health)" = 200 ] && { back=yes; break; }; sleep 0.1; done
expect_eq yes "$back" "schakeld answers /healthz with 200 again, without a restart"
code=$(curl -s -o "$TMP/orgs.body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/orgs")
expect_eq "200 Example Before" "$code $(jq -r '[.items[].name] | join(",")' "$TMP/orgs.body")" \
	"the API answers again and lists only what was there before"
expect_rc 0 "export after the outage" S export "$TMP/after.json"
expect_eq 0 "$(jq '[.organizations[] | select(.name | startswith("Example Outage"))] | length' "$TMP/after.json")" \
	"the export shows none of the cut-off document's organizations"
expect_eq "1 1" "$(pg_query "$DB" 'SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM resources)' | tr '|' ' ')" \
	"the database holds no partial data"
expect_eq 0 "$(pg_query "$DB" "SELECT count(*) FROM audit WHERE summary LIKE '%Example Outage%'")" \
	"nor audit entries of it"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
	-H 'Content-Type: application/json' \
	--data-binary '{"name":"Example After","kind":"constituent","class":"private","sector":"none"}' \
	"$BASE/api/v1/orgs")
expect_eq 201 "$code" "schakeld writes again"
expect_rc 0 "the CLI writes again" S resource add "Example After" 198.51.100.0/24
run S --json mailgate <"$TMP/outage.eml"
expect_eq "0 true" "$RC $(printf '%s' "$OUT" | jq -r .created)" "the MTA's retry of mailgate stores the mail"
expect_eq "During the outage" "$(S --json ticket list | jq -r '.[0].subject')" "... on a ticket"

kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
rc=$?
DAEMON_PID=""
expect_eq 0 "$rc" "schakeld exits 0 after SIGTERM"

done_testing
