#!/bin/bash
# tests/cli/api_daemon.sh: schakeld as a program: options, configuration
# errors and their exit codes, listening, logging, signals, and 503 when
# the store is busy.
. "$(dirname "$0")/lib.sh"

DB=$(new_db daemon)
"$SCHAKEL" --db "$DB" init >/dev/null 2>&1
"$SCHAKEL" --db "$DB" user add alice --role admin >/dev/null 2>&1
ADMIN=$("$SCHAKEL" --db "$DB" token create alice 2>/dev/null)

PIDS=""
stop_all() { for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
on_exit stop_all

# start LOG ARGS...: start schakeld in the background; sets PID.
start() {
	local log=$1
	shift
	"$SCHAKELD" "$@" 2>"$log" &
	PID=$!
	PIDS="$PIDS $PID"
}
# up URL: wait until URL/healthz answers (at most 10 s).
up() {
	for _ in $(seq 1 100); do
		curl -sf "$1/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# stop SIGNAL: stop $PID with SIGNAL; its exit status in $STOPPED.
stop() {
	kill "-$1" "$PID"
	wait "$PID"
	STOPPED=$?
}

# --- options -------------------------------------------------------------
expect_rc 0 "--help exits 0" "$SCHAKELD" --help
expect_match "^Usage: schakeld" "$OUT" "--help prints the usage"
expect_rc 0 "--version exits 0" "$SCHAKELD" --version
expect_match "^schakeld [0-9]+\.[0-9]+\.[0-9]+$" "$OUT" "--version prints the version"
expect_rc 64 "an unknown option: 64" "$SCHAKELD" --frobnicate
expect_rc 64 "--port that is not a number: 64" "$SCHAKELD" --db "$DB" --port eighty
expect_match "--port 'eighty'" "$ERR" "the error names --port"
expect_rc 64 "--port out of range: 64" "$SCHAKELD" --db "$DB" --port 70000
expect_rc 64 "a stray argument: 64" "$SCHAKELD" --db "$DB" serve

# --- configuration errors --------------------------------------------------
printf '[http]\nport = 8080\nthreds = 4\n' >"$TMP/typo.conf"
expect_rc 78 "an unknown setting: 78" "$SCHAKELD" -c "$TMP/typo.conf" --db "$DB"
expect_match "threds" "$ERR" "the error names the unknown setting"
printf '[http]\nthreads = 0\n' >"$TMP/zero.conf"
expect_rc 78 "threads = 0: 78" "$SCHAKELD" -c "$TMP/zero.conf" --db "$DB"
expect_match "zero.conf:2" "$ERR" "the error names file and line"
printf '[log]\nlevel = chatty\n' >"$TMP/level.conf"
expect_rc 78 "a bad log level: 78" "$SCHAKELD" -c "$TMP/level.conf" --db "$DB"
expect_rc 78 "a listen address that is not numeric: 78" \
	"$SCHAKELD" --db "$DB" --listen localhost.example.nl --port "$(free_port)"
expect_match "localhost.example.nl" "$ERR" "the error names the address"
expect_rc 78 "a missing -c file: 78" "$SCHAKELD" -c "$TMP/absent.conf" --db "$DB"

# --- serving, from the configuration ---------------------------------------
PORT=$(free_port)
cat >"$TMP/ok.conf" <<CONF
[store]
url = $DB
pool_size = 2
[http]
listen = 127.0.0.1
port = $PORT
threads = 3
CONF
start "$TMP/a.log" -c "$TMP/ok.conf"
if up "http://127.0.0.1:$PORT"; then ok "store, address and port come from the configuration"; else
	not_ok "store, address and port come from the configuration" "$(cat "$TMP/a.log")"; fi
wait_line "$TMP/a.log" "listening on" || true
expect_match "listening on 127\.0\.0\.1 port $PORT \(3 threads, 2 store connections\)" \
	"$(cat "$TMP/a.log")" "the start-up line says where and how it listens"
A_PID=$PID

expect_rc 74 "a port already in use: 74" "$SCHAKELD" --db "$DB" --port "$PORT"
expect_match "cannot listen" "$ERR" "the error says it cannot listen"

code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
	"http://127.0.0.1:$PORT/api/v1/orgs")
expect_eq 200 "$code" "the API answers"
PID=$A_PID
stop INT
expect_eq 0 "$STOPPED" "SIGINT stops schakeld with status 0"
expect_match "Interrupt: stopping" "$(cat "$TMP/a.log")" "the log says why it stops"

# IPv6 loopback, where the machine has one.
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	PORT6=$(free_port)
	start "$TMP/v6.log" --db "$DB" --listen ::1 --port "$PORT6"
	if up "http://[::1]:$PORT6"; then ok "listens on IPv6 ::1"; else
		not_ok "listens on IPv6 ::1" "$(cat "$TMP/v6.log")"; fi
	stop TERM
	expect_eq 0 "$STOPPED" "SIGTERM stops the IPv6 server with status 0"
else
	ok "listens on IPv6 ::1 # SKIP no IPv6 loopback"
	ok "SIGTERM stops the IPv6 server with status 0 # SKIP no IPv6 loopback"
fi

# --- log level -------------------------------------------------------------
PORT=$(free_port)
printf '[log]\nlevel = warn\n' >"$TMP/quiet.conf"
start "$TMP/quiet.log" -c "$TMP/quiet.conf" --db "$DB" --port "$PORT"
up "http://127.0.0.1:$PORT"
curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/me"
stop TERM
expect_no_match "GET /api/v1/me" "$(cat "$TMP/quiet.log")" "at level warn requests are not logged"

# --- a busy store: 503 with Retry-After --------------------------------------
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
SCHAKEL_BUSY_TIMEOUT_MS=200 PGOPTIONS="-c lock_timeout=200" start "$TMP/busy.log" --db "$DB" --port "$PORT"
up "$BASE"
# Another process holds the write lock for a few seconds.
if lock_store "$DB" 3; then ok "another process holds the write lock"; else
	not_ok "another process holds the write lock"; fi
code=$(curl -s -o "$TMP/busy.body" -D "$TMP/busy.headers" -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
	--data-binary '{"name":"Busy Org"}' "$BASE/api/v1/orgs")
expect_eq 503 "$code" "a write while the store is locked: 503"
expect_match '^Retry-After: [0-9]+' "$(tr -d '\r' <"$TMP/busy.headers")" "503 carries Retry-After"
expect_eq unavailable "$(jq -r .error.code "$TMP/busy.body" 2>/dev/null)" "503 has code unavailable"
wait "$LOCKER"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
	-H 'Content-Type: application/json' --data-binary '{"name":"Busy Org"}' "$BASE/api/v1/orgs")
expect_eq 201 "$code" "the same write succeeds once the lock is gone"
stop TERM
expect_eq 0 "$STOPPED" "SIGTERM stops schakeld with status 0"

done_testing
