#!/bin/bash
# tests/cli/api_limits.sh: what schakeld does against clients that try to
# stall or trick it: requests framed two ways (request smuggling), failed
# password sign-ins (limits, lockout, 429, the log), a flood of password
# logins next to token requests and /healthz, clients that trickle their
# headers, and too many connections from one address.
. "$(dirname "$0")/lib.sh"

DB=$(new_db limits)
S() { "$SCHAKEL" --db "$DB" "$@"; }
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
printf 'correct horse battery\n' | S user add bob --role admin --password-stdin >/dev/null
printf 'staple battery horse\n' | S user add carol --role admin --password-stdin >/dev/null
TOKEN=$(S token create bob)
exec 2>&3 3>&-
expect_match '^sk_' "$TOKEN" "CLI seeded the store"

PIDS=""
stop_all() { for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
on_exit stop_all

# start CONF LOG: start schakeld on a free port; sets PORT and BASE.
start() {
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	"$SCHAKELD" -c "$1" --db "$DB" --port "$PORT" 2>"$2" &
	PIDS="$PIDS $!"
	for _ in $(seq 1 100); do
		curl -sf "$BASE/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# api PATH CURL-ARGS...: sets CODE, BODY and HEADERS.
api() {
	local path=$1
	shift
	CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@" "$BASE$path")
	BODY=$(cat "$TMP/body")
	HEADERS=$(tr -d '\r' <"$TMP/headers")
}
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
error() {
	if [ "$CODE" = "$1" ] && [ "$(j .error.code)" = "$2" ] &&
		[ -n "$(j '.error.message // empty')" ]; then ok "$3"; else
		not_ok "$3" "status $CODE, wanted $1 with code $2: $BODY"; fi
}

# raw REQUEST: send REQUEST (printf escapes) on one connection, read until
# the server closes it (at most 5 s); the answer in RAW.
raw() {
	RAW=$(python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
s.settimeout(5)
data = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except socket.timeout:
    data += b"\n(still open)"
sys.stdout.write(data.decode("latin-1").replace("\r", ""))
PY
)
}

# --- configuration -------------------------------------------------------------
printf '[http]\nthreads = 4\nsignin_window = forever\n' >"$TMP/bad1.conf"
expect_rc 78 "a signin_window that is not a duration: 78" "$SCHAKELD" -c "$TMP/bad1.conf" --db "$DB"
expect_match "bad1.conf:3: \[http\] signin_window" "$ERR" "the error names file, line and setting"
printf '[http]\nthreads = 2\nsignin_concurrency = 2\n' >"$TMP/bad2.conf"
expect_rc 78 "as many password checks as worker threads: 78" "$SCHAKELD" -c "$TMP/bad2.conf" --db "$DB"
expect_match "bad2.conf:3: \[http\] signin_concurrency" "$ERR" "the error names signin_concurrency"
printf '[http]\nrequest_timeout = 0s\n' >"$TMP/bad3.conf"
expect_rc 78 "request_timeout = 0s: 78" "$SCHAKELD" -c "$TMP/bad3.conf" --db "$DB"
printf '[http]\nconnections_per_client = 0\n' >"$TMP/bad4.conf"
expect_rc 78 "connections_per_client = 0: 78" "$SCHAKELD" -c "$TMP/bad4.conf" --db "$DB"

# --- one daemon with tight limits --------------------------------------------------
cat >"$TMP/tight.conf" <<CONF
[http]
threads = 4
request_timeout = 3s
connections_per_client = 6
signin_user_failures = 3
signin_address_failures = 8
signin_window = 10m
signin_lockout = 2m
CONF
LOG="$TMP/tight.log"
if start "$TMP/tight.conf" "$LOG"; then ok "schakeld starts with the limits"; else
	not_ok "schakeld starts with the limits" "$(cat "$LOG")"; fi

# --- request smuggling: RFC 9112 section 6.3 ---------------------------------------
raw 'POST /api/v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '"$TOKEN"'\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
expect_match '^HTTP/1.1 400 ' "$RAW" "Content-Length with Transfer-Encoding: 400"
expect_match '"code":"invalid".*both Content-Length and Transfer-Encoding' "$RAW" \
	"the 400 is the API's JSON error and says why"
expect_eq 1 "$(printf '%s\n' "$RAW" | grep -c '^HTTP/1.1')" \
	"the bytes after the headers are not answered as a second request"
expect_no_match 'still open' "$RAW" "the connection is closed after the 400"
raw 'POST /api/v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '"$TOKEN"'\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}'
expect_match '^HTTP/1.1 400 .*' "$RAW" "two Content-Length headers: 400"
raw 'POST /api/v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '"$TOKEN"'\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'
expect_match '^HTTP/1.1 400 ' "$RAW" "a transfer coding other than chunked: 400"
raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
expect_match '^HTTP/1.1 200 ' "$RAW" "a plain request on a raw socket still works"

# --- failed sign-ins: counted per user name, then 429 -------------------------------
for i in 1 2 3; do
	api /api/v1/me -u "bob:wrong$i"
	[ "$CODE" = 401 ] || break
done
error 401 unauthenticated "wrong passwords up to signin_user_failures: 401"
api /api/v1/me -u "bob:wrong4"
error 429 too_many_requests "the next sign-in of that user name: 429"
expect_match '^Retry-After: (1[12][0-9]|120)$' "$HEADERS" "429 carries Retry-After (the lockout, 2m)"
api /api/v1/me -u "bob:correct horse battery"
error 429 too_many_requests "while locked even the right password gets 429"
api /api/v1/me -H "Authorization: Bearer $TOKEN"
expect_eq "200 bob" "$CODE $(j .name)" "a token of the locked user still works"
api /api/v1/me -u "carol:staple battery horse"
expect_eq "200 carol" "$CODE $(j .name)" "another user from the same address signs in"
expect_match "sign-in failed: user 'bob' from 127\.0\.0\.1" "$(cat "$LOG")" \
	"each failed sign-in is logged with user name and address"
expect_match "locked for 120 seconds: too many failures of user 'bob'" "$(cat "$LOG")" \
	"the lockout is logged"
expect_no_match "wrong[1-4]|correct horse" "$(cat "$LOG")" "passwords are never logged"
expect_match "GET /api/v1/me 200 [0-9.]+ms carol from 127\.0\.0\.1" "$(cat "$LOG")" \
	"the request log names the client address"

# ... and per client address, whatever the names: bob's 3 failures and 5
# more make signin_address_failures (8).
for i in 1 2 3 4 5; do
	api /api/v1/me -u "guess$i:wrong"
	[ "$CODE" = 401 ] || break
done
expect_eq 401 "$CODE" "failures under different names: 401 up to signin_address_failures"
api /api/v1/me -u "carol:staple battery horse"
error 429 too_many_requests "then the address is locked, for every name"
expect_match "too many failures from 127\.0\.0\.1" "$(cat "$LOG")" "the address lockout is logged"

# --- slow clients: a deadline for the whole request -----------------------------------
SLOW=$(python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
t0 = time.monotonic()
s.sendall(b"GET /healthz HTTP/1.1\r\n")
s.settimeout(0.5)
for i in range(40):
    try:
        s.sendall(b"X-Slow-%d: one line a second\r\n" % i)
        if s.recv(100) == b"":
            break
    except socket.timeout:
        time.sleep(0.5)
    except OSError:
        break
print("%.1f" % (time.monotonic() - t0))
PY
)
expect_eq yes "$(awk -v t="$SLOW" 'BEGIN { print (t >= 2.5 && t < 8) ? "yes" : "no" }')" \
	"a client sending a header line a second is cut off at request_timeout 3s (after ${SLOW}s)"
expect_match "client 127\.0\.0\.1 did not send a whole request within 3 seconds" "$(cat "$LOG")" \
	"the cut is logged with the client address"
raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
expect_match '^HTTP/1.1 200 ' "$RAW" "requests that arrive in time are answered"

# --- connections per client address ---------------------------------------------------
CONNS=$(python3 - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
time.sleep(1)
alive = 0
for s in conns:
    s.setblocking(False)
    try:
        alive += s.recv(1) != b""
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
print(alive)
PY
)
expect_eq 6 "$CONNS" "connections_per_client 6: of 8 connections from one address 6 stay open"

# --- a flood of password logins leaves tokens and /healthz their threads ---------------
cat >"$TMP/flood.conf" <<CONF
[http]
threads = 4
signin_address_failures = 100000
connections_per_client = 512
CONF
start "$TMP/flood.conf" "$TMP/flood.log"
FLOOD=$(python3 - "$PORT" "$TOKEN" <<'PY'
import base64, socket, sys, threading, time
port, token = int(sys.argv[1]), sys.argv[2]
stop = time.monotonic() + 6
def req(path, auth=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    h = "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" % path
    if auth:
        h += "Authorization: %s\r\n" % auth
    s.sendall((h + "\r\n").encode())
    data = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        data += d
    s.close()
    return data.split(b" ", 2)[1].decode() if data else "none"
def flood(i):
    k = 0
    while time.monotonic() < stop:
        k += 1
        cred = base64.b64encode(b"nobody%d-%d:wrong" % (i, k)).decode()
        try:
            req("/api/v1/me", "Basic " + cred)
        except OSError:
            pass
threads = [threading.Thread(target=flood, args=(i,)) for i in range(16)]
for t in threads:
    t.start()
time.sleep(1)
worst, codes = 0.0, set()
while time.monotonic() < stop - 0.5:
    for path, auth in (("/healthz", None), ("/api/v1/me", "Bearer " + token)):
        t0 = time.monotonic()
        codes.add(req(path, auth))
        worst = max(worst, time.monotonic() - t0)
    time.sleep(0.1)
for t in threads:
    t.join()
print("%.2f %s" % (worst, ",".join(sorted(codes))))
PY
)
expect_eq 200 "${FLOOD#* }" "during 16 parallel bogus Basic logins /healthz and tokens answer 200"
expect_eq yes "$(awk -v t="${FLOOD% *}" 'BEGIN { print t < 1.0 ? "yes" : "no" }')" \
	"... each within 1 s (slowest ${FLOOD% *} s)"
expect_match "sign-in failed: user 'nobody" "$(cat "$TMP/flood.log")" "the flood's failures are logged"

done_testing
