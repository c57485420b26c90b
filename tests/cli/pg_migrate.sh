#!/bin/bash
# tests/cli/pg_migrate.sh: schakel migrate moves a whole store from SQLite
# to PostgreSQL and back: the same export, the same ids, the audit log,
# users whose passwords and API tokens go on working against schakeld, ids
# that continue past the copied ones, and a target that is not empty
# refused. Runs with the PostgreSQL backend only.
. "$(dirname "$0")/lib.sh"
only_on_backend postgresql "schakel migrate is tested in the postgresql suite"

DEMO="$SRCDIR/share/demo/constituency.json"
SQ="sqlite:$TMP/source.db"
PG=$(new_db migrated)
BACK="sqlite:$TMP/back.db"
# dump URL NAME: what a store holds, ids and times included, as JSON files
# $TMP/NAME.*.json (organizations, contacts, resources, audit log).
dump() {
	"$SCHAKEL" --db "$1" org list --json >"$TMP/$2.orgs.json"
	"$SCHAKEL" --db "$1" contact list --json >"$TMP/$2.contacts.json"
	"$SCHAKEL" --db "$1" resource list --json >"$TMP/$2.resources.json"
	"$SCHAKEL" --db "$1" audit --json --limit 100000 >"$TMP/$2.audit.json"
}
# same_rows A B: the dumps A and B hold the same organizations, contacts
# and resources, and B's audit log is A's with the copy's entry on top.
same_rows() {
	python3 - "$TMP/$1" "$TMP/$2" <<'PY'
import json, sys
a, b = sys.argv[1:3]
for part in ("orgs", "contacts", "resources"):
    x, y = (json.load(open("%s.%s.json" % (p, part))) for p in (a, b))
    if x != y or not x:
        sys.exit("%s differ (or are empty)" % part)
x, y = (json.load(open("%s.audit.json" % p)) for p in (a, b))
if y[0]["action"] != "store.copy" or y[1:] != x:
    sys.exit("audit logs differ: %s" % y[0])
PY
}

# --- a source store: the demo, users, tokens ------------------------------------
exec 3>&2 2>"$TMP/seed.err"
"$SCHAKEL" --db "$SQ" import "$DEMO" >/dev/null
"$SCHAKEL" --db "$SQ" user add alice --role admin >/dev/null
printf 'correct horse battery\n' |
	"$SCHAKEL" --db "$SQ" user add pat --role partner --org "Energy Sector CERT" --password-stdin
ADMIN=$("$SCHAKEL" --db "$SQ" token create alice --label "before the move")
PAT=$("$SCHAKEL" --db "$SQ" token create pat --scope events:write)
"$SCHAKEL" --db "$SQ" org rm "Example Broadcasting" >/dev/null # a gap in the ids
exec 2>&3 3>&-
if [ -n "$ADMIN" ] && [ -n "$PAT" ]; then ok "the SQLite source store is seeded"; else
	not_ok "the SQLite source store is seeded" "$(cat "$TMP/seed.err")"; fi
MAX_ORG=$(sqlite3 "$TMP/source.db" 'SELECT max(id) FROM orgs')
MAX_RES=$(sqlite3 "$TMP/source.db" 'SELECT max(id) FROM resources')
AUDITS=$(sqlite3 "$TMP/source.db" 'SELECT count(*) FROM audit')

# --- usage -------------------------------------------------------------------------
expect_rc 0 "migrate --help" "$SCHAKEL" migrate --help
expect_match "^usage: schakel migrate \[--from URL\] --to URL" "$OUT" "migrate --help prints its usage"
expect_rc 64 "migrate without --to" "$SCHAKEL" migrate --from "$SQ"
expect_match "--to URL is required" "$ERR" "the usage error names --to"
expect_rc 64 "migrate a store onto itself" "$SCHAKEL" migrate --from "$SQ" --to "$SQ"
expect_rc 66 "migrate from an SQLite file that does not exist" \
	"$SCHAKEL" migrate --from "sqlite:$TMP/typo.db" --to "$PG"
expect_match "typo.db" "$ERR" "the missing source is named"
if [ ! -e "$TMP/typo.db" ]; then ok "a missing source is not created"; else
	not_ok "a missing source is not created"; fi
expect_rc 75 "migrate to a PostgreSQL server that is not there" \
	"$SCHAKEL" migrate --from "$SQ" --to "postgresql://postgres@127.0.0.1:$(free_port)/none"
expect_match "target store: cannot connect to PostgreSQL" "$ERR" "the error names the target and PostgreSQL"

# --- SQLite -> PostgreSQL ------------------------------------------------------------
expect_rc 0 "migrate SQLite -> PostgreSQL" "$SCHAKEL" migrate --from "$SQ" --to "$PG" --json
expect_eq "62 12 2 2 $AUDITS" "$(py '" ".join(str(d[k]) for k in ("organizations", "memberships", "users", "tokens", "audit"))')" \
	"--json counts the rows copied per table"
expect_eq "$PG" "$(py 'd["to"]')" "--json names the target"
"$SCHAKEL" --db "$SQ" export "$TMP/sqlite.export.json"
"$SCHAKEL" --db "$PG" export "$TMP/pg.export.json"
if same_doc "$TMP/sqlite.export.json" "$TMP/pg.export.json"; then ok "both stores export the same document"; else
	not_ok "both stores export the same document" "$(diff "$TMP/sqlite.export.json" "$TMP/pg.export.json" | head)"; fi
dump "$SQ" sq
dump "$PG" pg
run same_rows sq pg
if [ "$RC" -eq 0 ]; then ok "ids, times and the audit log are kept"; else not_ok "ids, times and the audit log are kept" "$ERR"; fi
expect_match "cli:.*store\.copy.*62 organizations" "$("$SCHAKEL" --db "$PG" audit --limit 1)" \
	"the target's audit log records the copy"
expect_eq "$(sqlite3 "$TMP/source.db" 'SELECT pwhash FROM users ORDER BY id' | md5sum)" \
	"$(pg_query "$PG" 'SELECT pwhash FROM users ORDER BY id' | md5sum)" "password hashes are copied as they are"
expect_eq '["events:write"]' "$("$SCHAKEL" --db "$PG" token list pat --json | jq -c '.[0].scopes')" \
	"a token's scopes are copied"

expect_rc 65 "migrate into a store that is not empty" "$SCHAKEL" migrate --from "$SQ" --to "$PG"
expect_match "not empty \(62 organizations, 2 users" "$ERR" "the refusal says why"
expect_eq 62 "$(pg_query "$PG" 'SELECT count(*) FROM orgs')" "the refused migration copied nothing"

# --- schakeld on the PostgreSQL store --------------------------------------------------
start_daemon "$TMP/schakeld.log" --db "$PG"
me=$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/me" | jq -r '.name + " " + .role')
expect_eq "alice admin" "$me" "a token created before the move authenticates against schakeld"
me=$(curl -s -u "pat:correct horse battery" "$BASE/api/v1/me" | jq -r '.name + " " + .role')
expect_eq "pat partner" "$me" "a password set before the move still works"
seen=$(curl -s -H "Authorization: Bearer $PAT" "$BASE/api/v1/orgs" | jq -r '[.items[].name] | join(",")')
expect_match "^Energy Sector CERT,Example " "$seen" "the partner still sees its liaison and members"
code=$(curl -s -o "$TMP/post" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
	-H 'Content-Type: application/json' \
	--data-binary '{"name":"Example Port","kind":"constituent","class":"oes","sector":"transport/water"}' \
	"$BASE/api/v1/orgs")
expect_eq "201 $((MAX_ORG + 1))" "$code $(jq -r .id "$TMP/post")" "an organization added through the API gets the next id"
code=$(curl -s -o "$TMP/post" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
	-H 'Content-Type: application/json' --data-binary '{"value":"192.0.2.0/25"}' \
	"$BASE/api/v1/orgs/$((MAX_ORG + 1))/resources")
expect_eq "201 $((MAX_RES + 1))" "$code $(jq -r .id "$TMP/post")" "so does a new resource"
stop_daemon
expect_rc 0 "org add on the migrated store" "$SCHAKEL" --db "$PG" org add "Example Ferry" \
	--kind constituent --class private --json
expect_eq "$((MAX_ORG + 2))" "$(py 'd["id"]')" "the CLI's new organization gets the id after that"
expect_rc 0 "a new user" "$SCHAKEL" --db "$PG" user add carol --role analyst --json
expect_eq 3 "$(py 'd["user"]["id"]')" "users continue too"
expect_rc 0 "a new token" "$SCHAKEL" --db "$PG" token create carol --json
expect_eq 3 "$(py 'd["id"]')" "and tokens"

# --- PostgreSQL -> SQLite ------------------------------------------------------------
expect_rc 0 "migrate PostgreSQL -> SQLite (--from the configured store)" \
	"$SCHAKEL" --db "$PG" migrate --to "$BACK"
expect_match "^migrated postgresql://.* to sqlite:.*back\.db: 64 organizations, 12 memberships, [0-9]+ contacts, [0-9]+ resources, 3 users, 3 API tokens" \
	"$OUT" "migrate says what it copied"
"$SCHAKEL" --db "$PG" export "$TMP/pg2.export.json"
"$SCHAKEL" --db "$BACK" export "$TMP/back.export.json"
if same_doc "$TMP/pg2.export.json" "$TMP/back.export.json"; then ok "the SQLite copy exports the same document"; else
	not_ok "the SQLite copy exports the same document" "$(diff "$TMP/pg2.export.json" "$TMP/back.export.json" | head)"; fi
dump "$PG" pg2
dump "$BACK" back
run same_rows pg2 back
if [ "$RC" -eq 0 ]; then ok "ids, times and the audit log survive the way back"; else
	not_ok "ids, times and the audit log survive the way back" "$ERR"; fi
expect_rc 0 "org add on the SQLite copy" "$SCHAKEL" --db "$BACK" org add "Example Tug" \
	--kind constituent --class private --json
expect_eq "$((MAX_ORG + 3))" "$(py 'd["id"]')" "SQLite ids continue past the copied ones"
expect_eq "alice" "$(sqlite3 "$TMP/back.db" "SELECT u.name FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.label = 'before the move'")" \
	"the token stays with its user"

done_testing
