#!/bin/bash
# tests/cli/api_session.sh: the web console's sign-in against a real
# schakeld: sessions (cookie attributes, GET, sign-out, idle timeout and
# lifetime), CSRF on state-changing requests made with the cookie, the
# sign-in limits shared with Basic, the session id stored only hashed,
# changing passwords (the API's /me/password and `schakel user passwd`),
# the security headers, and the console's files from web_root.
. "$(dirname "$0")/lib.sh"

DB=$(new_db session)
S() { "$SCHAKEL" --db "$DB" "$@"; }
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
printf 'correct horse battery\n' | S user add bob --role admin --password-stdin >/dev/null
printf 'staple battery horse\n' | S user add carol --role analyst --password-stdin >/dev/null
printf 'purple monkey dishwasher\n' | S user add dave --role analyst --password-stdin >/dev/null
TOKEN=$(S token create bob)
exec 2>&3 3>&-
expect_match '^sk_' "$TOKEN" "CLI seeded the store"

# The console's files, and what must not be served beside them.
WEB=$TMP/web
mkdir -p "$WEB/lib" "$WEB/css"
printf '<!doctype html>\n<title>schakel</title>\n' >"$WEB/index.html"
printf 'import { api } from "./lib/api.js";\n' >"$WEB/app.js"
printf 'export const api = 1;\n' >"$WEB/lib/api.js"
printf 'body { margin: 0; }\n' >"$WEB/css/console.css"
printf 'not served\n' >"$WEB/notes.md"
printf 'secret\n' >"$TMP/outside.js"
ln -s "$TMP/outside.js" "$WEB/outside.js"
ln -s /etc/passwd "$WEB/passwd.txt"

# conf NAME [SESSION-LINES]: a configuration with the console and low limits.
conf() {
	printf '[http]\nweb_root = %s\nsignin_user_failures = 3\nsignin_address_failures = 100\n' \
		"$WEB" >"$TMP/$1.conf"
	printf '[session]\n%b' "${2:-}" >>"$TMP/$1.conf"
}

# api PATH CURL-ARGS...: sets CODE, BODY and HEADERS.
api() {
	local path=$1
	shift
	CODE=$(curl -s --path-as-is -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@" \
		"$BASE$path")
	BODY=$(cat "$TMP/body")
	HEADERS=$(tr -d '\r' <"$TMP/headers")
}
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
header() { printf '%s\n' "$HEADERS" | grep -i "^$1:" | head -n 1 | cut -d' ' -f2-; }
error() {
	if [ "$CODE" = "$1" ] && [ "$(j .error.code)" = "$2" ] &&
		[ -n "$(j '.error.message // empty')" ]; then ok "$3"; else
		not_ok "$3" "status $CODE, wanted $1 with code $2: $BODY"; fi
}
status() { expect_eq "$1" "$CODE" "$2"; }

JSON=(-H 'Content-Type: application/json')
# signin NAME PASSWORD: POST /api/v1/session; sets SID (the cookie's id)
# and CSRF on success.
signin() {
	api /api/v1/session -X POST "${JSON[@]}" \
		-d "$(jq -cn --arg n "$1" --arg p "$2" '{name: $n, password: $p}')"
	SID=$(header Set-Cookie | sed -n 's/^schakel_session=\([^;]*\);.*/\1/p')
	CSRF=$(j '.csrf_token // empty')
}
# as SID CURL-ARGS...: the cookie of session SID.
as() {
	local sid=$1
	shift
	"$@" -H "Cookie: schakel_session=$sid"
}
basic() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }
orgs_total() { api /api/v1/orgs -H "Authorization: Bearer $TOKEN"; j .total; }
RAIL='{"name":"Rail Co","kind":"constituent","class":"oes","sector":"transport/rail"}'
BANK='{"name":"Bank Co","kind":"constituent","class":"oes","sector":"banking"}'

# --- configuration --------------------------------------------------------------
conf bad1 'cookie_secure = maybe\n'
expect_rc 78 "cookie_secure other than auto, yes, no: 78" "$SCHAKELD" -c "$TMP/bad1.conf" --db "$DB"
expect_match 'bad1.conf:[0-9]+: \[session\] cookie_secure' "$ERR" "the error names the setting"
conf bad2 'idle_timeout = 0s\n'
expect_rc 78 "an idle_timeout of 0s: 78" "$SCHAKELD" -c "$TMP/bad2.conf" --db "$DB"

conf main
start_daemon "$TMP/daemon.log" -c "$TMP/main.conf" --db "$DB" || not_ok "schakeld started"

# --- sign in ---------------------------------------------------------------------
signin bob 'correct horse battery'
status 201 "sign-in: 201"
COOKIE=$(header Set-Cookie)
expect_match '; HttpOnly(;|$)' "$COOKIE" "the cookie is HttpOnly"
expect_match '; SameSite=Strict(;|$)' "$COOKIE" "the cookie is SameSite=Strict"
expect_match '; Path=/(;|$)' "$COOKIE" "the cookie is for Path=/"
expect_no_match 'Secure' "$COOKIE" "without TLS the cookie is not Secure"
expect_match '^[A-Za-z0-9_-]{43}$' "$SID" "the cookie holds 32 random bytes in base64url"
expect_eq bob "$(j .user.name)" "the answer names the user"
expect_match '^[A-Za-z0-9_-]{20,}$' "$CSRF" "the answer holds the CSRF token"
expect_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$(j .expires)" \
	"expires is an RFC 3339 UTC time"
expect_eq 1800 "$(j .idle_timeout)" "idle_timeout is the default 30 minutes"
USER_JSON=$(printf '%s' "$BODY" | jq -c .user)
api /api/v1/me -H "Authorization: Bearer $TOKEN"
expect_eq "$(printf '%s' "$BODY" | jq -c .)" "$USER_JSON" "the user is the object GET /api/v1/me answers"
SID1=$SID CSRF1=$CSRF

as "$SID1" api /api/v1/session
status 200 "GET /api/v1/session with the cookie: 200"
expect_eq "$CSRF1" "$(j .csrf_token)" "the same CSRF token, for a page reload"
expect_eq bob "$(j .user.name)" "the same user"
api /api/v1/session
error 401 unauthenticated "GET /api/v1/session without a cookie: 401"
api /api/v1/session -H "Authorization: Bearer $TOKEN"
error 401 unauthenticated "GET /api/v1/session with a token but no session: 401"
as "$SID1" api /api/v1/orgs
status 200 "GET /api/v1/orgs with the cookie: 200"
as "${SID1%?}x" api /api/v1/orgs
error 401 unauthenticated "a cookie that names no session: 401"

# --- the session id is stored only hashed ------------------------------------------
case $DB in
sqlite:*) ROWS=$(sqlite3 "${DB#sqlite:}" "SELECT * FROM sessions") ;;
*) ROWS=$(pg_query "$DB" "SELECT * FROM sessions") ;;
esac
expect_match 'bob|[0-9a-f]{64}' "$ROWS" "the store holds the session"
expect_no_match "$SID1" "$ROWS" "the store does not hold the cookie's id"

# --- CSRF ------------------------------------------------------------------------------
as "$SID1" api /api/v1/orgs -X POST "${JSON[@]}" -d "$RAIL"
error 403 csrf "POST with the cookie and no X-CSRF-Token: 403 csrf"
as "$SID1" api /api/v1/orgs -X POST "${JSON[@]}" -H "X-CSRF-Token: ${CSRF1%?}x" -d "$RAIL"
error 403 csrf "POST with the cookie and a wrong X-CSRF-Token: 403 csrf"
as "$SID1" api /api/v1/orgs -X POST "${JSON[@]}" -H "X-CSRF-Token: " -d "$RAIL"
error 403 csrf "POST with the cookie and an empty X-CSRF-Token: 403 csrf"
expect_eq 0 "$(orgs_total)" "refused requests changed nothing"
as "$SID1" api /api/v1/orgs -X POST "${JSON[@]}" -H "X-CSRF-Token: $CSRF1" -d "$RAIL"
status 201 "POST with the cookie and its X-CSRF-Token: 201"
api /api/v1/orgs -X POST "${JSON[@]}" -H "Authorization: Bearer $TOKEN" -d "$BANK"
status 201 "POST with a Bearer token needs no CSRF token: 201"
as "$SID1" api /api/v1/orgs/2 -X PATCH "${JSON[@]}" -H "Authorization: Bearer $TOKEN" \
	-d '{"notes":"by token"}'
status 200 "the Authorization header wins over the cookie (no CSRF token needed)"
api /api/v1/orgs/2 -X PATCH "${JSON[@]}" -H "$(basic bob 'correct horse battery')" \
	-d '{"notes":"by password"}'
status 200 "Basic needs no CSRF token either"
expect_eq 2 "$(orgs_total)" "two organizations were added"

# --- security headers ------------------------------------------------------------------
CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
check_headers() {
	expect_eq "$CSP" "$(header Content-Security-Policy)" "$1: Content-Security-Policy"
	expect_eq DENY "$(header X-Frame-Options)" "$1: X-Frame-Options DENY"
	expect_eq no-referrer "$(header Referrer-Policy)" "$1: Referrer-Policy no-referrer"
	expect_eq nosniff "$(header X-Content-Type-Options)" "$1: X-Content-Type-Options nosniff"
	expect_eq "$2" "$(header Cache-Control)" "$1: Cache-Control $2"
}
as "$SID1" api /api/v1/me
check_headers "an API answer" no-store
api /api/v1/nothing
check_headers "an API error" no-store
api /
check_headers "a file of the console" no-cache

# --- the console's files -----------------------------------------------------------------
api /
status 200 "GET / serves the console"
expect_match '^text/html' "$(header Content-Type)" "index.html as text/html"
expect_eq "$(cat "$WEB/index.html")" "$BODY" "GET / is index.html"
api /app.js
expect_match '^text/javascript' "$(header Content-Type)" "app.js as text/javascript"
api /lib/api.js
status 200 "a file in a folder is served"
expect_eq "$(cat "$WEB/lib/api.js")" "$BODY" "lib/api.js as it is"
api /css/console.css
expect_match '^text/css' "$(header Content-Type)" "console.css as text/css"
api /app.js -I
status 200 "HEAD of a file: 200"
for p in /missing.js /notes.md /outside.js /passwd.txt /../etc/passwd /lib/../app.js \
	/%2e%2e/etc/passwd /lib/%2e%2e/app.js /lib/ /lib /index.html/ /..; do
	api "$p"
	status 404 "GET $p: 404"
done
api / -X POST "${JSON[@]}" -d '{}'
status 405 "POST to a file: 405"
expect_match 'Symbolic link|symbolic link' "$(cat "$TMP/daemon.log")" \
	"the log says the symbolic links are not served"
printf 'changed\n' >"$WEB/app.js"
api /app.js
expect_match 'import' "$BODY" "files are read at start, not per request"

# --- sign-out ------------------------------------------------------------------------------
signin bob 'correct horse battery'
SID2=$SID CSRF2=$CSRF
as "$SID2" api /api/v1/session -X DELETE
error 403 csrf "sign-out without the CSRF token: 403"
as "$SID2" api /api/v1/session
status 200 "and the session goes on"
as "$SID2" api /api/v1/session -X DELETE -H "X-CSRF-Token: $CSRF2"
status 204 "sign-out: 204"
expect_match '^schakel_session=;.*Max-Age=0' "$(header Set-Cookie)" "sign-out clears the cookie"
as "$SID2" api /api/v1/orgs
error 401 unauthenticated "the signed-out cookie is refused: 401"
as "$SID2" api /api/v1/session
error 401 unauthenticated "GET /api/v1/session after sign-out: 401"
as "$SID1" api /api/v1/session
status 200 "another session of the same user goes on"
run S audit
expect_match 'session\.begin +user:[0-9]+ +bob signed in from 127\.0\.0\.1' "$OUT" \
	"the audit log has the sign-in"
expect_match 'session\.end +user:[0-9]+ +bob signed out' "$OUT" "and the sign-out"
expect_no_match 'correct horse' "$OUT" "and never the password"

# --- wrong passwords and the limits (shared with Basic) -------------------------------------
signin bob 'wrong password'
error 401 unauthenticated "a wrong password: 401"
MSG=$(j .error.message)
signin nobody 'wrong password'
error 401 unauthenticated "an unknown user: 401"
expect_eq "$MSG" "$(j .error.message)" "the same message for both"
expect_eq "" "$SID" "no cookie after a failed sign-in"
signin carol 'wrong 1'
signin carol 'wrong 2'
signin carol 'wrong 3'
signin carol 'staple battery horse'
error 429 too_many_requests "locked after 3 failed session sign-ins: 429"
expect_match '^[0-9]+$' "$(header Retry-After)" "with Retry-After"
api /api/v1/me -H "$(basic carol 'staple battery horse')"
error 429 too_many_requests "and Basic for that user is locked too"
for i in 1 2 3; do api /api/v1/me -H "$(basic dave "wrong $i")"; done
signin dave 'purple monkey dishwasher'
error 429 too_many_requests "failed Basic sign-ins lock session sign-in too"
api /api/v1/session -X POST "${JSON[@]}" -d '{"name":"bob"}'
error 400 invalid "a sign-in without a password: 400"
api /api/v1/session -X POST -d 'name=bob'
error 415 unsupported_media_type "a sign-in that is not JSON: 415"

# --- /api/v1/me/password ------------------------------------------------------------------------
signin bob 'correct horse battery'
SIDB=$SID CSRFB=$CSRF
P='{"current":"correct horse battery","new":"new horse battery"}'
as "$SID1" api /api/v1/me/password -X POST "${JSON[@]}" -d "$P"
error 403 csrf "changing the password needs the CSRF token"
as "$SID1" api /api/v1/me/password -X POST "${JSON[@]}" -H "X-CSRF-Token: $CSRF1" \
	-d '{"current":"not it","new":"new horse battery"}'
error 403 forbidden "a wrong current password: 403"
as "$SID1" api /api/v1/me/password -X POST "${JSON[@]}" -H "X-CSRF-Token: $CSRF1" \
	-d '{"current":"correct horse battery","new":"too short"}'
error 400 invalid "a new password under 12 characters: 400"
as "$SID1" api /api/v1/me/password -X POST "${JSON[@]}" -H "X-CSRF-Token: $CSRF1" -d "$P"
status 204 "the password is changed: 204"
as "$SID1" api /api/v1/session
status 200 "the session that changed it goes on"
as "$SIDB" api /api/v1/session
error 401 unauthenticated "the user's other sessions ended"
api /api/v1/me -H "$(basic bob 'correct horse battery')"
error 401 unauthenticated "the old password is refused"
api /api/v1/me -H "$(basic bob 'new horse battery')"
status 200 "the new password works"
api /api/v1/me/password -X POST "${JSON[@]}" -H "$(basic bob 'new horse battery')" \
	-d '{"current":"new horse battery","new":"newer horse battery"}'
status 204 "with Basic, no CSRF token is needed"
run S audit
expect_match 'user\.passwd +user:[0-9]+ +changed the password of bob' "$OUT" \
	"the change is audited"

# --- schakel user passwd --------------------------------------------------------------------------
signin bob 'newer horse battery'
SIDC=$SID
expect_rc 0 "user passwd --stdin" S user passwd bob --stdin <<<"brand new battery staple"
as "$SIDC" api /api/v1/session
error 401 unauthenticated "user passwd ends the user's sessions"
as "$SID1" api /api/v1/session
error 401 unauthenticated "all of them"
api /api/v1/me -H "$(basic bob 'newer horse battery')"
error 401 unauthenticated "the old password fails"
signin bob 'brand new battery staple'
status 201 "the new password signs in"
expect_rc 65 "user passwd --stdin refuses a short password" S user passwd bob --stdin <<<"short"
expect_match 'at least 12 characters' "$ERR" "saying how long it must be"
expect_rc 65 "user passwd of an unknown user: 65" S user passwd nobody --stdin <<<"long enough password"
expect_rc 64 "user passwd without a name: 64" S user passwd
expect_rc 0 "user passwd without --stdin" S user passwd carol
NEWPW=$OUT
expect_match '^[A-Za-z0-9_-]{24}$' "$NEWPW" "prints a random password"
expect_match 'shown only once' "$ERR" "and says it is shown once"
expect_rc 0 "user passwd --json" S user passwd dave --stdin --json <<<"a fine long password"
expect_eq dave "$(printf '%s' "$OUT" | jq -r .user.name)" "--json names the user"
stop_daemon

# --- idle timeout, lifetime, Secure ------------------------------------------------------------------
conf short 'idle_timeout = 4s\nlifetime = 9s\ncookie_secure = yes\n'
start_daemon "$TMP/short.log" -c "$TMP/short.conf" --db "$DB" || not_ok "schakeld restarted"
signin carol "$NEWPW"
status 201 "sign-in with the printed password"
expect_match '; Secure(;|$)' "$(header Set-Cookie)" "cookie_secure = yes: the cookie is Secure"
expect_eq 4 "$(j .idle_timeout)" "idle_timeout as configured"
SIDL=$SID
# last_seen moves every half idle timeout: a slow request or a missed
# update (best effort) still leaves the session within its 4 s.
for _ in 1 2 3 4 5; do
	sleep 1.1
	as "$SIDL" api /api/v1/session
done
status 200 "requests keep a session past its idle timeout"
sleep 4.2
as "$SIDL" api /api/v1/session
error 401 unauthenticated "past its lifetime the session has ended"
signin carol "$NEWPW"
SIDI=$SID
as "$SIDI" api /api/v1/session
status 200 "a new session"
sleep 4.2
as "$SIDI" api /api/v1/session
error 401 unauthenticated "idle past idle_timeout, the session has ended"
stop_daemon

# --- no console installed ------------------------------------------------------------------------------
printf '[http]\nweb_root = %s/nothing\n' "$TMP" >"$TMP/none.conf"
start_daemon "$TMP/none.log" -c "$TMP/none.conf" --db "$DB" || not_ok "schakeld without a console"
api /
error 404 not_found "without web_root GET / is 404"
expect_match 'not installed' "$(j .error.message)" "saying the console is not installed"
check_headers "the 404 without a console" no-store
api /api/v1/me -H "Authorization: Bearer $TOKEN"
status 200 "and the API runs"
expect_match 'web console is not installed' "$(cat "$TMP/none.log")" "the log says so"
stop_daemon

done_testing
