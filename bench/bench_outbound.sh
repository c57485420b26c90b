#!/bin/bash
# bench/bench_outbound.sh BUILD: outbound delivery. schakeld sends queued
# mails of about 5 KB (the size of a digest) to Postfix's smtp-sink on
# loopback, from a fresh SQLite store: 10,000 due at once; and the same
# 10,000 with 90,000 more queued for later (a claim must not look at
# them; they are short, to keep the file small). Baseline, in the same run: Postfix's smtp-source sending as many
# mails of the same size to the same smtp-sink over one connection (the
# relay's own ceiling). With BENCH_PG (the URL of a PostgreSQL server to
# create a database on) the 10,000 are also sent from PostgreSQL, with
# one sender and with BENCH_PG_SENDERS (default 4). Each figure is the
# median of BENCH_REPEAT runs (default 3). The last line is the figure.
set -eu
build=${1:-build}
schakel="$build/schakel"
schakeld="$build/schakeld"
N=${BENCH_MAILS:-10000}
REPEAT=${BENCH_REPEAT:-3}
SENDERS=${BENCH_SENDERS:-1}
[ -x "$schakeld" ] || { echo "bench_outbound: no $schakeld (build first)" >&2; exit 1; }
for t in sqlite3 /usr/sbin/smtp-sink /usr/sbin/smtp-source; do
	command -v "$t" >/dev/null || { echo "bench_outbound: $t is needed" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
SPORT=$(port)
sink_user=()
[ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" "127.0.0.1:$SPORT" 100 >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && break; sleep 0.05; done

# A body line of 76 characters; 64 of them make about 5 KB.
LINE="Bot infection observed: 198.51.100.77 port 443 sinkhole, see the CSV below."
SIZE=$(( ${#LINE} * 64 + 64 * 2 + 200 ))

# queue DB DUE LATER: a fresh store with DUE messages due now and LATER
# due in an hour, each with a Message-ID of its own.
queue() {
	rm -f "$1" "$1"-wal "$1"-shm
	SCHAKEL_CONF=/dev/null "$schakel" --db "sqlite:$1" init >/dev/null 2>&1
	sqlite3 "$1" <<SQL >/dev/null
PRAGMA journal_mode = WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2 + $3),
body(b) AS (SELECT replace(hex(zeroblob(64)), '00', '$LINE' || char(13, 10)))
INSERT INTO mail_out (created, kind, ref, message_id, sender, recipients, subject,
	message, size, status, next_attempt)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'notification', 'bench:' || i,
	'<bench-' || i || '@example.be>', 'cert@example.be', 'soc' || i || '@example.nl',
	'Digest ' || i,
	'From: cert@example.be' || char(13, 10) || 'To: soc' || i || '@example.nl' ||
	char(13, 10) || 'Subject: Digest ' || i || char(13, 10) ||
	'Message-ID: <bench-' || i || '@example.be>' || char(13, 10) ||
	'Date: Tue, 08 Dec 2026 10:00:00 +0000' || char(13, 10) || char(13, 10) ||
	CASE WHEN i <= $2 THEN b ELSE 'later' || char(13, 10) END,
	$SIZE, 'queued',
	CASE WHEN i <= $2 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
	     ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+1 hour') END
FROM n, body;
SQL
}

# pg_queue URL DUE: the same queue in a fresh PostgreSQL database at URL.
pg_queue() {
	psql -X -q "$BENCH_PG" -c "DROP DATABASE IF EXISTS schakel_bench_outbound" \
		-c "CREATE DATABASE schakel_bench_outbound" >/dev/null
	SCHAKEL_CONF=/dev/null "$schakel" --db "$1" init >/dev/null 2>&1
	psql -X -q "$1" -c "INSERT INTO mail_out (created, kind, ref, message_id, sender,
		recipients, subject, message, size, status, next_attempt)
		SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
		'notification', 'bench:' || i, '<bench-' || i || '@example.be>',
		'cert@example.be', 'soc' || i || '@example.nl', 'Digest ' || i,
		'Subject: Digest ' || i || chr(13) || chr(10) || 'Message-ID: <bench-' || i ||
		'@example.be>' || chr(13) || chr(10) || chr(13) || chr(10) ||
		repeat('$LINE' || chr(13) || chr(10), 64), $SIZE, 'queued', '2000-01-01T00:00:00Z'
		FROM generate_series(1, $2) AS i" >/dev/null
}

# send DB DUE [SENDERS]: start schakeld on DB (a path: SQLite; else a
# URL), wait until DUE messages are sent; prints the seconds taken.
send() {
	local url=$1 count="sqlite3 $1"
	case $1 in /*) url=sqlite:$1 ;; *) count="psql -X -q -t -A $1 -c" ;; esac
	cat >"$tmp/schakel.conf" <<CONF
[store]
url = $url
[mail]
relay = smtp://127.0.0.1:$SPORT
CONF
	[ "${3:-$SENDERS}" = 1 ] || echo "senders = ${3:-$SENDERS}" >>"$tmp/schakel.conf"
	local t0 t1 sent=0
	t0=$(now)
	SCHAKEL_CONF=$tmp/schakel.conf "$schakeld" --port "$(port)" 2>"$tmp/daemon.log" &
	local pid=$!
	while [ "$sent" -lt "$2" ]; do
		sleep 0.05
		sent=$($count "SELECT count(*) FROM mail_out WHERE status = 'sent'" 2>/dev/null || echo 0)
		kill -0 "$pid" 2>/dev/null || { echo "bench_outbound: schakeld died" >&2; cat "$tmp/daemon.log" >&2; exit 1; }
	done
	t1=$(now)
	kill -TERM "$pid"
	wait "$pid" || true
	python3 -c "print($t1 - $t0)"
}

# baseline COUNT: smtp-source sends COUNT mails of SIZE bytes over one
# connection; prints the seconds taken.
baseline() {
	local t0 t1
	t0=$(now)
	/usr/sbin/smtp-source -d -s 1 -m "$1" -l "$SIZE" -f cert@example.be -t soc@example.nl \
		"127.0.0.1:$SPORT" >/dev/null
	t1=$(now)
	python3 -c "print($t1 - $t0)"
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

base=() all=() behind=() pg1=() pgn=()
PG_SENDERS=${BENCH_PG_SENDERS:-4}
for _ in $(seq "$REPEAT"); do
	base+=("$(baseline "$N")")
	queue "$tmp/all.db" "$N" 0
	all+=("$(send "$tmp/all.db" "$N")")
	queue "$tmp/behind.db" "$N" $((N * 9))
	behind+=("$(send "$tmp/behind.db" "$N")")
	if [ -n "${BENCH_PG:-}" ]; then
		pgdb="${BENCH_PG%/*}/schakel_bench_outbound"
		pg_queue "$pgdb" "$N"
		pg1+=("$(send "$pgdb" "$N" 1)")
		pg_queue "$pgdb" "$N"
		pgn+=("$(send "$pgdb" "$N" "$PG_SENDERS")")
	fi
done
if [ -n "${BENCH_PG:-}" ]; then
	python3 -c "print('schakeld, %d due, PostgreSQL, 1 sender:  %.2f s: %.0f mails/s' % ($N, $(median "${pg1[@]}"), $N / $(median "${pg1[@]}")))"
	python3 -c "print('schakeld, %d due, PostgreSQL, %d senders: %.2f s: %.0f mails/s' % ($N, $PG_SENDERS, $(median "${pgn[@]}"), $N / $(median "${pgn[@]}")))"
	psql -X -q "$BENCH_PG" -c "DROP DATABASE IF EXISTS schakel_bench_outbound" >/dev/null
fi

python3 - "$N" "$SIZE" "$REPEAT" "$SENDERS" "$(median "${base[@]}")" "$(median "${all[@]}")" \
	"$(median "${behind[@]}")" <<'PY'
import sys
n, size, rep, senders = (int(x) for x in sys.argv[1:5])
base, allq, behind = (float(x) for x in sys.argv[5:8])
b = n / base
print("smtp-source, one connection (baseline): %d mails of %d bytes in %.2f s: %.0f mails/s" % (n, size, base, b))
print("schakeld, %d due:                       %.2f s: %.0f mails/s" % (n, allq, n / allq))
print("schakeld, %d due, %d queued later:  %.2f s: %.0f mails/s" % (n, 9 * n, behind, n / behind))
print("outbound: %.0f mails/s to smtp-sink on loopback, %d queued, %d sender(s), SQLite (%.2fx the smtp-source baseline; target 1000; median of %d, startup included)" %
      (n / allq, n, senders, (n / allq) / b, rep))
PY
