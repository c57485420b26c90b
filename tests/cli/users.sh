#!/bin/bash
# tests/cli/users.sh: schakel user add, token create (with expiry) and
# list, an expired token at the API, audit, and the
# exit codes for configuration (78) and a busy store (75).
. "$(dirname "$0")/lib.sh"

DB=$(new_db users)
S() { "$SCHAKEL" --db "$DB" "$@"; }
py() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>&1; }

S init >/dev/null
S org add "Energy Sector CERT" --kind liaison --class oes >/dev/null
S org add "Example Energy" --kind constituent --class oes --member-of "Energy Sector CERT" >/dev/null

# --- users ---------------------------------------------------------------------
expect_rc 0 "user add admin" S user add alice --role admin
expect_match '^[A-Za-z0-9_-]{24}$' "$OUT" "a generated password is printed alone on stdout"
expect_match "shown only once" "$ERR" "stderr says the password is shown once"
PW1=$OUT
expect_rc 0 "user add analyst" S user add bob --role analyst
expect_eq 1 "$( [ "$OUT" != "$PW1" ] && echo 1)" "generated passwords differ"
expect_rc 0 "user add partner --password-stdin" S user add carol --role partner \
	--org "Example Energy" --password-stdin <<<"correct horse battery"
expect_eq "" "$OUT" "no password printed when it came from stdin"
expect_match "added user carol \(partner of Example Energy\)" "$ERR" "user add confirms on stderr"
expect_rc 0 "user add --json" S user add dave --role partner --org "Energy Sector CERT" --json
expect_eq "dave partner 24" "$(py 'd["user"]["name"]+" "+d["user"]["role"]+" "+str(len(d["password"]))')" \
	"user add --json has the user and the password"
expect_rc 64 "partner without --org" S user add erin --role partner
expect_match "needs --org" "$ERR" "partner without --org is explained"
expect_rc 64 "admin with --org" S user add erin --role admin --org "Example Energy"
expect_rc 64 "user add without --role" S user add erin
expect_rc 65 "bad role" S user add erin --role root
expect_rc 65 "duplicate user" S user add alice --role admin
expect_match "already exists" "$ERR" "duplicate user is reported"
expect_rc 65 "bad user name" S user add "erin smith" --role admin
expect_rc 65 "partner of an unknown org" S user add erin --role partner --org Nobody
expect_rc 65 "short password" S user add erin --role admin --password-stdin <<<"short"
expect_rc 65 "empty stdin" S user add erin --role admin --password-stdin </dev/null

# --- tokens ------------------------------------------------------------------------
expect_rc 0 "token create" S token create alice --label "make run"
expect_match '^sk_[A-Za-z0-9_-]{40,}$' "$OUT" "the token is printed alone on stdout"
expect_match "shown only once" "$ERR" "stderr says the token is shown once"
TOKEN=$(S token create carol 2>/dev/null)
expect_match '^sk_' "$TOKEN" "TOKEN=\$(schakel token create USER) works"
expect_eq 1 "$( [ "$TOKEN" != "$OUT" ] && echo 1)" "tokens differ"
expect_rc 0 "token create --json" S token create bob --json
expect_eq "bob True" "$(py 'd["user"]+" "+str(d["token"].startswith("sk_"))')" "token create --json"
expect_rc 65 "token for an unknown user" S token create nobody
expect_match "nobody" "$ERR" "unknown user is named"
expect_rc 64 "token create without a user" S token create
# Neither tokens nor passwords are anywhere in the stored bytes: the
# SQLite file, or everything pg_dump gets out of the PostgreSQL database.
if on_backend sqlite; then
	cp "${DB#sqlite:}" "$TMP/stored"
else
	pg_dump --data-only "$DB" >"$TMP/stored"
	expect_eq "3 3" "$(pg_query "$DB" "SELECT count(*), count(*) FILTER (WHERE hash ~ '^[0-9a-f]{64}\$') FROM tokens" | tr '|' ' ')" \
		"the tokens table holds the three tokens as hashes"
	expect_eq "4" "$(pg_query "$DB" "SELECT count(*) FROM users WHERE pwhash LIKE '\$argon2id\$%'")" \
		"every password is stored as an argon2id hash"
fi
if [ -s "$TMP/stored" ] && ! grep -qa "$TOKEN" "$TMP/stored"; then ok "tokens are not stored in clear"; else
	not_ok "tokens are not stored in clear"; fi
if [ -s "$TMP/stored" ] && ! grep -qa "correct horse battery" "$TMP/stored"; then
	ok "passwords are not stored in clear"; else not_ok "passwords are not stored in clear"; fi

# --- token expiry, last use, list ------------------------------------------------------
expect_rc 0 "token create --expires 90d" S token create bob --label ci --expires 90d
expect_match '^sk_' "$OUT" "a token that expires is printed as any other"
expect_match "expiring $(date -u -d '+90 days' +%Y-%m-%d)T" "$ERR" "stderr says when it expires"
expect_rc 0 "token create --expires --json" S token create bob --expires 12h --json
expect_eq "$(date -u -d '+12 hours' +%Y-%m-%dT%H)" "$(py 'd["expires"][:13]')" \
	"token create --json has the expiry"
expect_rc 64 "--expires that is not a duration" S token create bob --expires soon
expect_match "90d" "$ERR" "the error shows a valid duration"
expect_rc 64 "--expires 0d" S token create bob --expires 0d
expect_rc 64 "--expires past ten years" S token create bob --expires 3651d
# A token made in 2020 to last a day has expired: the API refuses it.
OLD=$(SCHAKEL_NOW=1577836800 S token create bob --label old --expires 1d 2>/dev/null)
FRESH=$(S token create bob --label fresh --expires 1d 2>/dev/null)
PORT=$(free_port)
"$SCHAKELD" --db "$DB" --port "$PORT" 2>"$TMP/d.log" &
DPID=$!
stop_d() { kill -TERM "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }
on_exit stop_d
for _ in $(seq 1 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
me() { curl -s -w ' %{http_code}' -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/v1/me" | tr -d '\n'; }
expect_match '"name": ?"bob".* 200$' "$(me "$FRESH")" "a token before its expiry works"
OUT=$(me "$OLD")
expect_match ' 401$' "$OUT" "an expired token: 401"
expect_match '"code": ?"unauthenticated".*expired at 2020-01-02T00:00:00Z' "$OUT" \
	"the 401 says the token expired, and when"
stop_d
expect_match "sign-in failed: API token [0-9]+ of bob expired at 2020-01-02T00:00:00Z \(from 127\.0\.0\.1\)" \
	"$(cat "$TMP/d.log")" "the daemon logs the expired token with the client address"
expect_rc 0 "token list" S token list
expect_match "^ID +USER +LABEL +CREATED +EXPIRES +LAST USED +SCOPES" "$OUT" "token list has a header"
expect_match "^[0-9]+ +alice +make run +20[0-9-]+T[0-9:]+Z +never +never +-$" "$OUT" \
	"a token that never expires and was never used"
expect_match "^[0-9]+ +bob +fresh +20[0-9:TZ-]+ +$(date -u -d '+1 day' +%Y-%m-%d)T[0-9:]+Z +$(date -u +%Y-%m-%d)T" \
	"$OUT" "a token's expiry and last use"
expect_match "^[0-9]+ +bob +old +2020-01-01T00:00:00Z +2020-01-02T00:00:00Z +never +-$" "$OUT" \
	"an expired token is listed with its expiry"
expect_no_match "sk_" "$OUT" "token list never shows a token"
expect_rc 0 "token list USER --json" S token list alice --json
expect_eq "alice make run None None" \
	"$(py '" ".join([d[0]["user"], d[0]["label"], str(d[0]["expires"]), str(d[0]["last_used"])])')" \
	"token list --json has user, label, expires and last_used"
expect_eq 1 "$(py 'len(d)')" "token list USER shows that user's tokens only"
expect_rc 65 "token list of an unknown user" S token list nobody
expect_match "nobody" "$ERR" "the unknown user is named"

# --- audit -------------------------------------------------------------------------
expect_rc 0 "audit" S audit
expect_match "^AT +ACTOR +ACTION +OBJECT +SUMMARY" "$OUT" "audit has a header"
expect_match "cli:${USER:-$(id -un)} +org.add" "$OUT" "audit names the CLI user"
expect_rc 0 "audit --limit 2" S audit --limit 2
expect_eq 3 "$(printf '%s\n' "$OUT" | wc -l)" "audit --limit 2 shows two entries"
expect_rc 0 "audit --json" S audit --json --limit 100
expect_eq True "$(py 'any(e["action"] == "org.add" and "Example Energy" in e["summary"] for e in d)')" \
	"audit --json records the org add"
expect_rc 64 "audit --limit 0" S audit --limit 0
expect_rc 64 "audit --limit x" S audit --limit x

# --- configuration and store failures ----------------------------------------------
expect_rc 78 "missing config file" "$SCHAKEL" -c "$TMP/nope.conf" org list
expect_match "nope.conf" "$ERR" "missing config file is named"
printf '[store]\nurl = %s\ncolour = red\n' "$DB" >"$TMP/typo.conf"
expect_rc 78 "unknown setting" "$SCHAKEL" --config "$TMP/typo.conf" org list
expect_match "colour" "$ERR" "unknown setting is named"
printf '[store]\nurl = %s\n' "$DB" >"$TMP/good.conf"
expect_rc 0 "store URL from the config file" "$SCHAKEL" -c "$TMP/good.conf" org list
expect_match "Example Energy" "$OUT" "the config file's store is used"
expect_rc 0 "SCHAKEL_CONF" env SCHAKEL_CONF="$TMP/good.conf" "$SCHAKEL" org list
expect_rc 78 "a store in a directory that does not exist" "$SCHAKEL" --db "sqlite:$TMP/no/such/dir.db" init
expect_rc 0 "--help needs no configuration" "$SCHAKEL" -c "$TMP/nope.conf" org list --help

# Another process holding the write lock: 75, and nothing half done.
# (SQLite: the database lock; PostgreSQL: a lock on the orgs table, with
# lock_timeout set through libpq's PGOPTIONS.)
if lock_store "$DB" 5; then ok "another process holds the write lock"; else
	not_ok "another process holds the write lock"; fi
export SCHAKEL_BUSY_TIMEOUT_MS=200 PGOPTIONS="-c lock_timeout=200"
expect_rc 75 "a locked store is a temporary failure" S org add "Example Late" --kind constituent --class oes
expect_match "locked|lock timeout|try again" "$ERR" "the error says the store is busy"
unset SCHAKEL_BUSY_TIMEOUT_MS PGOPTIONS
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
expect_rc 0 "org list once the lock is gone" S org list
expect_no_match "Example Late" "$OUT" "the failed add left nothing behind"

done_testing
