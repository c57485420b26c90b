#!/bin/bash
# tests/cli/logs.sh: schakeld's log. [log] format = text keeps the line
# people and older tests read; json writes one object a line that parses,
# with time, level, event and msg, request lines carrying the request id
# sent back as X-Request-Id; and neither format ever holds a password, a
# token, a session cookie or a CSRF token.
. "$(dirname "$0")/lib.sh"

DB=$(new_db logs)
S() { "$SCHAKEL" --db "$DB" "$@"; }
PASSWORD='correct horse battery 7Qz'
WRONG='wrong pony battery 9Xy'
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
printf '%s\n' "$PASSWORD" | S user add bob --role admin --password-stdin >/dev/null
TOKEN=$(S token create bob)
exec 2>&3 3>&-

JSON=(-H 'Content-Type: application/json')
# api PATH CURL-ARGS...: the status in CODE, the body in BODY, the
# request id answered in RID (and appended to $TMP/rids).
api() {
	local path=$1
	shift
	CODE=$(curl -s --path-as-is -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@" \
		"$BASE$path")
	BODY=$(cat "$TMP/body")
	RID=$(tr -d '\r' <"$TMP/headers" | sed -n 's/^X-Request-Id: //Ip' | head -n 1)
	echo "$RID" >>"$TMP/rids"
}
# requests: a password sign-in that fails and one that works, the
# session's cookie on a read and on a sign-out with its CSRF token,
# Bearer and Basic requests, and a path with control characters.
requests() {
	: >"$TMP/rids"
	api /api/v1/session -X POST "${JSON[@]}" \
		-d "$(jq -cn --arg p "$WRONG" '{name: "bob", password: $p}')"
	expect_eq 401 "$CODE" "$1: a wrong password: 401"
	api /api/v1/session -X POST "${JSON[@]}" \
		-d "$(jq -cn --arg p "$PASSWORD" '{name: "bob", password: $p}')"
	SID=$(tr -d '\r' <"$TMP/headers" | sed -n 's/^Set-Cookie: schakel_session=\([^;]*\);.*/\1/p')
	CSRF=$(printf '%s' "$BODY" | jq -r '.csrf_token // empty')
	expect_match '^.{20,}$' "$SID" "$1: a session cookie"
	api /api/v1/me -H "Cookie: schakel_session=$SID"
	expect_eq 200 "$CODE" "$1: the cookie signs a request in"
	api /api/v1/me -H "Authorization: Bearer $TOKEN"
	expect_eq 200 "$CODE" "$1: so does the token"
	api /api/v1/me -H "Authorization: Basic $(printf 'bob:%s' "$PASSWORD" | base64 -w0)"
	expect_eq 200 "$CODE" "$1: and the password"
	api /api/v1/session -X DELETE -H "Cookie: schakel_session=$SID" -H "X-CSRF-Token: $CSRF"
	expect_match '^20[04]$' "$CODE" "$1: sign-out with the CSRF token"
	api '/api/v1/%01%1b%ff%22x' -H "Authorization: Bearer $TOKEN"
	expect_eq 404 "$CODE" "$1: a path with control characters and a stray byte"
	expect_match '^[0-9a-f]{16}$' "$RID" "$1: X-Request-Id is 16 hex digits"
}
# no_secrets LOG WHAT: LOG holds none of the password, the wrong one, the
# token, the cookie's id or the CSRF token.
no_secrets() {
	local leaked=""
	for s in "$PASSWORD" "$WRONG" "$TOKEN" "$SID" "$CSRF" \
		"$(printf 'bob:%s' "$PASSWORD" | base64 -w0)"; do
		[ -n "$s" ] && grep -qF -- "$s" "$1" && leaked="$leaked ${s:0:6}..."
	done
	if [ -z "$leaked" ]; then ok "$2: no password, token, cookie or CSRF token"; else
		not_ok "$2: no password, token, cookie or CSRF token" "found:$leaked"; fi
}

# --- text ------------------------------------------------------------------
start_daemon "$TMP/text.log" --db "$DB" || not_ok "schakeld starts" "$(cat "$TMP/text.log")"
requests text
stop_daemon
expect_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z schakeld\[info\] GET /api/v1/me 200 [0-9]+\.[0-9]ms bob from 127\.0\.0\.1$' \
	"$(cat "$TMP/text.log")" "text: the request line as before"
expect_match "schakeld\[warn\] sign-in failed: user 'bob' from 127\.0\.0\.1$" \
	"$(cat "$TMP/text.log")" "text: the failed sign-in as before"
expect_no_match '^\{' "$(cat "$TMP/text.log")" "text: no JSON"
no_secrets "$TMP/text.log" text

# --- json ------------------------------------------------------------------
printf '[log]\nformat = json\n' >"$TMP/json.conf"
start_daemon "$TMP/json.log" -c "$TMP/json.conf" --db "$DB" ||
	not_ok "schakeld starts" "$(cat "$TMP/json.log")"
requests json
stop_daemon
CHECK=$(python3 - "$TMP/json.log" "$TMP/rids" <<'PY'
import json, re, sys
stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
bad, ids, failed, events = [], set(), [], set()
for n, line in enumerate(open(sys.argv[1], encoding="utf-8", errors="strict"), 1):
    try:
        d = json.loads(line)
    except ValueError as e:
        bad.append("line %d: %s" % (n, e))
        continue
    if not (stamp.match(d.get("time", "")) and d.get("level") and d.get("event")
            and isinstance(d.get("msg"), str)):
        bad.append("line %d lacks time, level, event or msg" % n)
    events.add(d.get("event"))
    if d.get("event") == "http.request":
        for k in ("request_id", "method", "path", "status", "duration_ms", "client"):
            if k not in d:
                bad.append("line %d: http.request without %s" % (n, k))
        ids.add(d.get("request_id"))
    if d.get("event") == "auth.failed" and d.get("user") == "bob":
        failed.append(d.get("client"))
want = set(l.strip() for l in open(sys.argv[2]) if l.strip())
print("parse:" + ("ok" if not bad else "; ".join(bad[:5])))
print("ids:" + ("ok" if want and want <= ids else "missing %s" % sorted(want - ids)))
print("failed:" + ",".join(failed))
print("events:" + ",".join(sorted(events)))
PY
)
expect_eq "parse:ok" "$(printf '%s\n' "$CHECK" | grep '^parse:')" \
	"json: every line parses and has time (RFC 3339, ms), level, event and msg"
expect_eq "ids:ok" "$(printf '%s\n' "$CHECK" | grep '^ids:')" \
	"json: every X-Request-Id answered is a request line's request_id"
expect_eq "failed:127.0.0.1" "$(printf '%s\n' "$CHECK" | grep '^failed:')" \
	"json: the failed sign-in is an auth.failed event with user and client"
expect_match '^events:.*http\.request.*log' "$(printf '%s\n' "$CHECK" | grep '^events:')" \
	"json: request lines and plain messages (event log)"
expect_match '"path":"/api/v1/\?\?\?\\"x"' "$(cat "$TMP/json.log")" \
	"json: the path is logged sanitized, and escaped"
no_secrets "$TMP/json.log" json

printf '[log]\nformat = yaml\n' >"$TMP/yaml.conf"
expect_rc 78 "an unknown log format: 78" "$SCHAKELD" -c "$TMP/yaml.conf" --db "$DB" \
	--port "$(free_port)"
expect_match "text or json" "$ERR" "the error names the formats"

done_testing
