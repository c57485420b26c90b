#!/bin/bash
# bench/bench_events_in.sh BUILD: events in over HTTP. BENCH_EVENTS
# (100,000) IntelMQ events about the synthetic constituency (bench/synth.c:
# 1,000,000 prefixes, 100,000 AS numbers, 1,000,000 domains; written by
# bench_route store, the events by bench_route events) posted to a real
# schakeld on loopback as application/x-ndjson in batches of BENCH_BATCH
# (1,000), by BENCH_CLIENTS (2, [ingest] http_concurrency) curl processes
# that each keep one connection alive and retry a 503 after its
# Retry-After. Timed from the first request to the last answer, after one
# warm-up request (which builds the daemon's routing snapshot). Baseline
# in the same run, on the same events and a copy of the same store:
# route/ingest.h reading them from a file, as `schakel ingest` does, timed
# from the first line to the commit after the registry is loaded
# (bench_ingest ingest). SQLite; medians of BENCH_ROUNDS (3). BENCH_BASE
# names a store bench_route store wrote before (writing one takes
# minutes), copied, not changed. The last line is the figure: events/s
# over HTTP and its ratio to the file.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
schakel="$build/schakel"
schakeld="$build/schakeld"
route="$build/bench/bench_route"
driver="$build/bench/bench_ingest"
N=${BENCH_EVENTS:-100000}
BATCH=${BENCH_BATCH:-1000}
CLIENTS=${BENCH_CLIENTS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
for x in "$schakel" "$schakeld" "$route" "$driver"; do
	[ -x "$x" ] || { echo "bench_events_in: no $x (build with -Dbench=true)" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "bench_events_in: curl is needed" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_events_in: sqlite3 is needed" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench-events-in.XXXXXX")
pid=""
cleanup() {
	[ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
	rm -rf "$tmp"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# cpu_ticks PID: user and system clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

if [ -n "${BENCH_BASE:-}" ]; then
	cp "$BENCH_BASE" "$tmp/base.db"
else
	"$route" store "sqlite:$tmp/base.db"
fi
"$schakel" --db "sqlite:$tmp/base.db" user add feeder --role analyst >/dev/null 2>&1
token=$("$schakel" --db "sqlite:$tmp/base.db" token create feeder --scope events:write 2>/dev/null)
"$route" events "$N" >"$tmp/events.ndjson"
mkdir "$tmp/batches"
split -l "$BATCH" -a 5 -d "$tmp/events.ndjson" "$tmp/batches/b."
nbatches=$(ls "$tmp/batches" | wc -l)
echo "events: $N in $nbatches batches of $BATCH, $(($(stat -c %s "$tmp/events.ndjson") / N)) bytes each"
head -n 1 "$tmp/events.ndjson" | sed 's/"feed.name": *"[^"]*"/"feed.name": "warm-up"/' >"$tmp/warm.ndjson"

# The curl configuration of client c: every CLIENTS-th batch from c.
port=$(free_port)
for c in $(seq 0 $((CLIENTS - 1))); do
	i=0
	for f in "$tmp"/batches/b.*; do
		if [ $((i % CLIENTS)) -eq "$c" ]; then
			[ "$i" -lt "$CLIENTS" ] || echo next
			cat <<CFG
url = "http://127.0.0.1:$port/api/v1/events"
header = "Authorization: Bearer $token"
header = "Content-Type: application/x-ndjson"
data-binary = "@$f"
output = "/dev/null"
write-out = "%{http_code}\\n"
retry = 20
CFG
		fi
		i=$((i + 1))
	done >"$tmp/client.$c"
done
printf '[http]\nthreads = 4\n[ingest]\nhttp_concurrency = %d\n[log]\nlevel = warn\n' \
	"$CLIENTS" >"$tmp/schakel.conf"

for round in $(seq 1 "$ROUNDS"); do
	# Baseline: the same events from a file.
	rm -f "$tmp/file.db"*
	cp "$tmp/base.db" "$tmp/file.db"
	sync
	line=$("$driver" ingest "sqlite:$tmp/file.db" "$tmp/events.ndjson" 2>"$tmp/ingest.err") ||
		{ cat "$tmp/ingest.err" >&2; exit 1; }
	echo "  round $round file: $line"
	echo "$line" | sed -n 's/.* in \([0-9.]*\) s (.*/\1/p' >>"$tmp/file.secs"
	echo "$line" | sed -n 's/.*; \([0-9.]*\) s of CPU.*/\1/p' >>"$tmp/file.cpu"

	# Over HTTP.
	rm -f "$tmp/http.db"*
	cp "$tmp/base.db" "$tmp/http.db"
	sync
	"$schakeld" -c "$tmp/schakel.conf" --db "sqlite:$tmp/http.db" --port "$port" \
		2>"$tmp/schakeld.log" &
	pid=$!
	for _ in $(seq 1 300); do
		curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/x-ndjson' --data-binary "@$tmp/warm.ndjson" \
		"http://127.0.0.1:$port/api/v1/events")
	[ "$code" = 201 ] || { echo "bench_events_in: warm-up answered $code" >&2; cat "$tmp/schakeld.log" >&2; exit 1; }
	rm -f "$tmp"/codes.*
	clients=()
	c0=$(cpu_ticks "$pid")
	t0=$(now_ns)
	for c in $(seq 0 $((CLIENTS - 1))); do
		curl -s -K "$tmp/client.$c" >"$tmp/codes.$c" &
		clients+=($!)
	done
	wait "${clients[@]}"
	t1=$(now_ns)
	c1=$(cpu_ticks "$pid")
	kill -TERM "$pid"
	wait "$pid" || true
	pid=""
	ok=$(cat "$tmp"/codes.* | grep -c '^201$' || true)
	[ "$ok" -eq "$nbatches" ] ||
		{ echo "bench_events_in: $ok of $nbatches batches stored: $(sort "$tmp"/codes.* | uniq -c | paste -sd' ')" >&2; exit 1; }
	stored=$(sqlite3 "$tmp/http.db" "SELECT count(*) FROM events")
	[ "$stored" -eq $((N + 1)) ] || { echo "bench_events_in: $stored events stored, not $((N + 1))" >&2; exit 1; }
	s=$(secs "$t0" "$t1")
	cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", (b - a) / hz }')
	echo "$s" >>"$tmp/http.secs"
	echo "$cpu" >>"$tmp/http.cpu"
	echo "  round $round http: $N events in $s s ($(awk -v n="$N" -v s="$s" 'BEGIN { printf "%.0f", n / s }') events/s; $cpu s of CPU in schakeld), $CLIENTS clients"
done

f=$(median <"$tmp/file.secs")
h=$(median <"$tmp/http.secs")
fc=$(median <"$tmp/file.cpu")
hc=$(median <"$tmp/http.cpu")
echo "medians of $ROUNDS: file $f s ($fc s of CPU), http $h s ($hc s of CPU in schakeld)"
awk -v n="$N" -v f="$fc" -v h="$hc" 'BEGIN {
	printf "per CPU second: %.0f events over HTTP, %.0f from a file: ratio %.2f\n",
		n / h, n / f, f / h }'
awk -v n="$N" -v f="$f" -v h="$h" 'BEGIN {
	printf "bench_events_in: %.0f events/s over HTTP in batches, %.0f events/s from a file: ratio %.2f\n",
		n / h, n / f, f / h }'
