# tests/cli/lib.sh: TAP helpers for end-to-end tests of the real binaries.
# Sourced by each tests/cli/*.sh; needs $SCHAKEL and $SCHAKELD from meson.
set -u

TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/schakel-test.XXXXXX")
CLEANUP_HOOKS=""
at_exit() {
	for h in $CLEANUP_HOOKS; do "$h" || true; done
	rm -rf "$TMP"
}
trap at_exit EXIT
# An installed package's /etc/schakel/schakel.conf is not the tests':
# unless a test names its own, schakel reads an empty one.
: >"$TMP/empty.conf"
export SCHAKEL_CONF="${SCHAKEL_CONF:-$TMP/empty.conf}"

# Run cleanup function NAME at exit (stop servers, ...).
on_exit() { CLEANUP_HOOKS="$1 $CLEANUP_HOOKS"; }

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'
	return 0
}

# run CMD...: run and capture stdout in $OUT, stderr in $ERR, status in $RC.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# expect_rc CODE DESC CMD...: the command exits with CODE.
expect_rc() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$RC" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc" "exit $RC, wanted $want; stdout: $OUT; stderr: $ERR"; fi
}

# expect_match PATTERN TEXT DESC: TEXT matches the grep -E PATTERN.
expect_match() {
	if printf '%s\n' "$2" | grep -qE -- "$1"; then ok "$3"; else
		not_ok "$3" "no match for /$1/ in: $2"; fi
}

expect_no_match() {
	if printf '%s\n' "$2" | grep -qE -- "$1"; then not_ok "$3" "unexpected /$1/ in: $2"; else
		ok "$3"; fi
}

# expect_eq WANT GOT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3" "wanted '$1', got '$2'"; fi
}

# A TCP port nobody listens on, on loopback.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Print the plan last and fail the script when a test failed.
done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# The store backend under test: sqlite (default) or postgresql.
BACKEND=${SCHAKEL_TEST_BACKEND:-sqlite}
if [ "$BACKEND" = postgresql ] && [ -z "${SCHAKEL_TEST_PG:-}" ]; then
	echo "1..0 # SKIP no PostgreSQL server (SCHAKEL_TEST_PG is not set; make check starts one)"
	exit 0
fi

# new_db NAME: the URL of a fresh, empty store for this test.
new_db() {
	case $BACKEND in
	sqlite)
		echo "sqlite:$TMP/$1.db"
		;;
	postgresql)
		local db
		db="t_$(basename "$TMP" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')_$1"
		psql -q -v ON_ERROR_STOP=1 "$SCHAKEL_TEST_PG" -c "CREATE DATABASE \"$db\"" >/dev/null ||
			return 1
		echo "${SCHAKEL_TEST_PG%/*}/$db"
		;;
	esac
}

# on_backend NAME: true when the tests run on that backend.
on_backend() { [ "$BACKEND" = "$1" ]; }

# only_on_backend NAME WHY: end the script here with a TAP skip unless the
# tests run on backend NAME.
only_on_backend() {
	on_backend "$1" && return 0
	echo "1..0 # SKIP $2"
	exit 0
}

# pg_query URL SQL: run SQL on a PostgreSQL database; rows unaligned, one
# a line, fields separated by '|'.
pg_query() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$1" -c "$2"; }

# lock_store URL SECONDS [TABLE]: another process takes the store's write
# lock (SQLite: BEGIN EXCLUSIVE; PostgreSQL: an exclusive lock on TABLE,
# default orgs) and holds it SECONDS; returns once it is held, the holder's pid
# in LOCKER. Export SCHAKEL_BUSY_TIMEOUT_MS (SQLite) and PGOPTIONS
# "-c lock_timeout=..." (PostgreSQL) to make writers give up early.
lock_store() {
	local flag="$TMP/locked.$$.$RANDOM"
	case $1 in
	sqlite:*)
		python3 - "${1#sqlite:}" "$flag" "$2" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("ROLLBACK")
PY
		;;
	*)
		printf 'BEGIN;\nLOCK TABLE %s IN EXCLUSIVE MODE;\n\\! touch %s\nSELECT pg_sleep(%s);\nROLLBACK;\n' \
			"${3:-orgs}" "$flag" "$2" | PGOPTIONS='' psql -X -q "$1" >/dev/null &
		;;
	esac
	# shellcheck disable=SC2034 # read by the caller
	LOCKER=$!
	for _ in $(seq 100); do [ -f "$flag" ] && return 0; sleep 0.05; done
	return 1
}

# py EXPR: the Python expression EXPR of d, the JSON document in $OUT
# (what went wrong, if it is not JSON).
py() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>&1; }

# same_doc A B: the two export documents are equal but for "exported".
same_doc() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("exported", None)
sys.exit(0 if a == b else 1)
PY
}

# ---- schakeld ----
# start_daemon LOG [ARGS...]: schakeld with ARGS on a free port of loopback
# (PORT; BASE is its URL), in the background with its pid in DAEMON_PID
# and its stderr in LOG, stopped at exit; returns once it answers
# /healthz, at most 10 s.
DAEMON_PID=""
start_daemon() {
	local log=$1
	shift
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	"$SCHAKELD" "$@" --port "$PORT" 2>"$log" &
	DAEMON_PID=$!
	case " $CLEANUP_HOOKS " in *" stop_daemon "*) ;; *) on_exit stop_daemon ;; esac
	for _ in $(seq 100); do
		curl -sf "$BASE/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
# stop_daemon: stop the schakeld start_daemon started, and wait for it.
stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=""
}

# ---- Postfix's smtp-sink as the SMTP relay ----
# need_smtp_sink: end the script with a TAP skip if smtp-sink is missing;
# else set SPORT (its port) and SINK (where it writes one file a message).
SMTP_SINK=/usr/sbin/smtp-sink
SINK_PID=""
need_smtp_sink() {
	if [ ! -x "$SMTP_SINK" ]; then
		echo "1..0 # SKIP $SMTP_SINK is missing (scripts/install-deps installs postfix)"
		exit 0
	fi
	SPORT=$(free_port)
	SINK=$TMP/sink
	mkdir -p "$SINK"
	# smtp-sink drops root for nobody, who must reach and write the dump
	# directory.
	SINK_USER=()
	if [ "$(id -u)" -eq 0 ]; then
		SINK_USER=(-u nobody)
		chmod 711 "$TMP"
		chmod 777 "$SINK"
	fi
	on_exit stop_sink
}
stop_sink() {
	[ -n "$SINK_PID" ] || return 0
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=""
}
# start_sink [OPTIONS]: smtp-sink on $SPORT writing one file a message
# into $SINK; returns once it accepts connections.
start_sink() {
	stop_sink
	"$SMTP_SINK" "${SINK_USER[@]}" "$@" -d "$SINK/msg." "127.0.0.1:$SPORT" 10 \
		>>"$TMP/sink.log" 2>&1 &
	SINK_PID=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
# wait_line FILE REGEX: wait until FILE has a line matching REGEX (a
# daemon writes its log while it already answers); at most 5 s.
wait_line() {
	for _ in $(seq 50); do
		grep -Eqs -- "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}
# sink_got ADDR: the number of messages smtp-sink received for ADDR.
sink_got() { grep -l -- "^X-Rcpt-Args: <$1>" "$SINK"/msg.* 2>/dev/null | wc -l; }
# wait_got ADDR SECONDS: wait until a message for ADDR arrived.
wait_got() {
	for _ in $(seq $(($2 * 10))); do
		[ "$(sink_got "$1")" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# start_schakeld: run $SCHAKELD on a free port (in PORT) with its log in
# $TMP/daemon.log, stopped at exit; returns once it answers /healthz.
start_schakeld() {
	PORT=$(free_port)
	"$SCHAKELD" --port "$PORT" 2>"$TMP/daemon.log" &
	DAEMON=$!
	on_exit stop_schakeld
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
stop_schakeld() { kill -TERM "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; }
