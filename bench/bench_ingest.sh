#!/bin/bash
# bench/bench_ingest.sh BUILD: schakel ingest of Shadowserver reports into
# the store, routing and storing included, on a constituency of 1,000,000
# prefixes, 100,000 AS numbers and 1,000,000 domain names (bench/synth.c,
# written into the store by bench_route store). One report of BENCH_EVENTS
# rows (250,000) of each type in BENCH_REPORTS, made by bench_ingest csv from
# the rows of the Shadowserver samples in tests/fixtures. Each round
# ingests one report into a fresh copy of the store, timed from its first
# line to its commit after the registry is loaded (bench_ingest ingest:
# route/ingest.h, as schakel ingest runs it). Baselines in the same run, on
# the same files: sqlite3 importing the rows into a plain table (.import, in
# WAL mode) and schakel parse writing the events to /dev/null. Medians of
# BENCH_ROUNDS (3). BENCH_BACKENDS="sqlite postgresql" picks the stores;
# PostgreSQL (a server started here with scripts/pg-test, fsync off, one
# round) has no target. The last line is the figure.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
schakel="$build/schakel"
driver="$build/bench/bench_ingest"
route="$build/bench/bench_route"
N=${BENCH_EVENTS:-250000}
ROUNDS=${BENCH_ROUNDS:-3}
REPORTS=${BENCH_REPORTS:-scan_ntp event4_sinkhole_http event6_sinkhole_http scan_ssl}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
fixtures="$here/../tests/fixtures/shadowserver"
pgtest="$here/../scripts/pg-test"
for x in "$schakel" "$driver" "$route"; do
	[ -x "$x" ] || { echo "bench_ingest: no $x (build with -Dbench=true)" >&2; exit 1; }
done
[ -d "$fixtures" ] || { echo "bench_ingest: no Shadowserver samples in $fixtures" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_ingest: sqlite3 is needed for the baseline" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench-ingest.XXXXXX")
pgdir=""
cleanup() {
	[ -z "$pgdir" ] || { "$pgtest" stop "$pgdir"; rm -rf "$pgdir"; }
	rm -rf "$tmp"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$route" store "sqlite:$tmp/base.db"
for r in $REPORTS; do
	[ -f "$fixtures/$r.csv" ] || { echo "bench_ingest: no sample $r.csv" >&2; exit 1; }
	"$driver" csv "$fixtures/$r.csv" "$N" >"$tmp/2026-11-30-$r-bench.csv"
	echo "report $r: $N rows, $(($(stat -c %s "$tmp/2026-11-30-$r-bench.csv") / N)) bytes each"
done

# One round of report r on SQLite: parse, import, ingest; appends the
# seconds of each to $tmp/$r.{parse,import,ingest,cpu}.
round_sqlite() {
	local r=$1 f="$tmp/2026-11-30-$1-bench.csv" t0 t1 line
	t0=$(now_ns)
	"$schakel" parse "$f" >/dev/null 2>"$tmp/parse.err"
	t1=$(now_ns)
	secs "$t0" "$t1" >>"$tmp/$r.parse"
	rm -f "$tmp/import.db"*
	sqlite3 "$tmp/import.db" "PRAGMA journal_mode = WAL" >/dev/null
	sync
	t0=$(now_ns)
	sqlite3 "$tmp/import.db" ".import --csv $f rows"
	t1=$(now_ns)
	secs "$t0" "$t1" >>"$tmp/$r.import"
	[ "$(sqlite3 "$tmp/import.db" 'SELECT count(*) FROM rows')" -eq "$N" ]
	rm -f "$tmp/run.db"*
	cp "$tmp/base.db" "$tmp/run.db"
	sync # the copy's writing back is not the ingest's
	line=$("$driver" ingest "sqlite:$tmp/run.db" "$f" 2>"$tmp/ingest.err") ||
		{ cat "$tmp/ingest.err" >&2; exit 1; }
	echo "  $line"
	echo "$line" | sed -n 's/.* in \([0-9.]*\) s (.*; \([0-9.]*\) s of CPU.*/\1 \2/p' >"$tmp/fig"
	cut -d' ' -f1 "$tmp/fig" >>"$tmp/$r.ingest"
	cut -d' ' -f2 "$tmp/fig" >>"$tmp/$r.cpu"
	[ "$(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM events')" -eq "$N" ]
}

headline=""
if [[ " $BACKENDS " == *" sqlite "* ]]; then
	# The answers first: every row stored, recipients beside them.
	round_sqlite "${REPORTS%% *}"
	echo "check: $(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM events') events, $(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM event_recipients') recipient rows, $(sqlite3 "$tmp/run.db" "SELECT count(DISTINCT event_id) FROM event_recipients WHERE role = 'owner'") events with an owner"
	echo "SQLite bytes an event (${REPORTS%% *}): $(sqlite3 "$tmp/run.db" "SELECT ((SELECT sum(pgsize) FROM dbstat WHERE name = 'events') / $N) || ' in the events table (target 600), ' || ((SELECT sum(pgsize) FROM dbstat WHERE name = 'events_time') / $N) || ' its index by time, ' || ((SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'event_recipients%') / $N) || ' recipient rows and their indexes'")"
	rm -f "$tmp"/*.parse "$tmp"/*.import "$tmp"/*.ingest "$tmp"/*.cpu
	for r in $REPORTS; do
		echo "$r:"
		for _ in $(seq "$ROUNDS"); do
			round_sqlite "$r"
		done
		"$driver" parts "sqlite:$tmp/base.db" "$tmp/2026-11-30-$r-bench.csv" 2>/dev/null
	done
	tot_ingest=0 tot_import=0 tot_parse=0 tot_cpu=0 n=0
	for r in $REPORTS; do
		i=$(median <"$tmp/$r.ingest")
		c=$(median <"$tmp/$r.cpu")
		m=$(median <"$tmp/$r.import")
		p=$(median <"$tmp/$r.parse")
		awk -v r="$r" -v n="$N" -v i="$i" -v c="$c" -v m="$m" -v p="$p" 'BEGIN {
			printf "%-22s ingest %7.0f events/s (%.0f per CPU second), %.2f x sqlite3 .import (%.0f rows/s); schakel parse %.0f events/s\n",
			       r, n / i, n / c, i / m, n / m, n / p }'
		tot_ingest=$(awk -v a="$tot_ingest" -v b="$i" 'BEGIN { print a + b }')
		tot_cpu=$(awk -v a="$tot_cpu" -v b="$c" 'BEGIN { print a + b }')
		tot_import=$(awk -v a="$tot_import" -v b="$m" 'BEGIN { print a + b }')
		tot_parse=$(awk -v a="$tot_parse" -v b="$p" 'BEGIN { print a + b }')
		n=$((n + N))
	done
	headline=$(awk -v n="$n" -v i="$tot_ingest" -v c="$tot_cpu" -v m="$tot_import" -v p="$tot_parse" 'BEGIN {
		printf "SQLite %.0f events/s (target 150,000; %.0f per CPU second), %.2f x sqlite3 .import of the same rows; schakel parse alone %.0f events/s",
		       n / i, n / c, i / m, n / p }')
fi

if [[ " $BACKENDS " == *" postgresql "* ]]; then
	command -v psql >/dev/null || { echo "bench_ingest: psql is needed for PostgreSQL" >&2; exit 1; }
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench-pg.XXXXXX")
	url=$("$pgtest" start "$pgdir")
	q() { PGOPTIONS=--client-min-messages=warning psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
	echo "postgresql: $(q "$url" -c 'SHOW server_version') (scripts/pg-test: fsync and synchronous_commit off)"
	q "$url" -c "CREATE DATABASE base" >/dev/null
	"$route" store "${url%/*}/base"
	tot=0 n=0 tot_copy=0
	for r in $REPORTS; do
		f="$tmp/2026-11-30-$r-bench.csv"
		q "$url" -c "DROP TABLE IF EXISTS rows" -c "CREATE TABLE rows ($(head -1 "$f" | tr -d '\r"' | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s\"%s\" text", (i > 1 ? ", " : ""), $i }'))" >/dev/null
		t0=$(now_ns)
		q "$url" -c "\\copy rows FROM '$f' CSV HEADER" >/dev/null
		t1=$(now_ns)
		[ "$(q "$url" -c 'SELECT count(*) FROM rows')" -eq "$N" ]
		echo "  psql \\copy baseline $r: $(secs "$t0" "$t1") s"
		tot_copy=$(awk -v a="$tot_copy" -v b="$(secs "$t0" "$t1")" 'BEGIN { print a + b }')
		q "$url" -c "DROP DATABASE IF EXISTS run" -c "CREATE DATABASE run TEMPLATE base" >/dev/null
		sync
		line=$("$driver" ingest "${url%/*}/run" "$tmp/2026-11-30-$r-bench.csv" 2>"$tmp/ingest.err") ||
			{ cat "$tmp/ingest.err" >&2; exit 1; }
		echo "  $line"
		[ "$(q "${url%/*}/run" -c 'SELECT count(*) FROM events')" -eq "$N" ]
		echo "  PostgreSQL bytes an event ($r): $(q "${url%/*}/run" -c "SELECT pg_relation_size('events') / $N || ' in the events table (target 600), ' || (pg_total_relation_size('events') - pg_relation_size('events')) / $N || ' its indexes, ' || pg_total_relation_size('event_recipients') / $N || ' recipient rows and their indexes'")"
		tot=$(awk -v a="$tot" -v b="$(echo "$line" | sed -n 's/.* in \([0-9.]*\) s (.*/\1/p')" 'BEGIN { print a + b }')
		n=$((n + N))
	done
	headline="$headline${headline:+; }PostgreSQL $(awk -v n="$n" -v t="$tot" -v c="$tot_copy" 'BEGIN { printf "%.0f events/s (target 100,000), %.2f x psql \\copy of the same rows", n / t, t / c }')"
fi
echo "ingest of Shadowserver reports ($REPORTS, $N rows each), routed and stored: $headline"
