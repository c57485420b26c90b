#!/bin/bash
# bench/bench_route.sh BUILD: `schakel route` on a constituency of 1,000,000
# prefixes, 100,000 AS numbers and 1,000,000 domain names (bench/synth.c,
# the data of bench_index) in an SQLite store, with 1,000,000 IntelMQ
# events about it (BENCH_EVENTS), against a jansson parse-and-print pass
# of the same events measured in the same run. Events per second are the
# events over the time schakel route spends on them once the registry is
# loaded (it reports that time itself), median of three. The last line is
# the figure.
set -eu
build=${1:-build}
schakel="$build/schakel"
driver="$build/bench/bench_route"
N=${BENCH_EVENTS:-1000000}
[ -x "$schakel" ] || { echo "bench_route: no $schakel (build first)" >&2; exit 1; }
[ -x "$driver" ] || { echo "bench_route: no $driver (build with -Dbench=true)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench-route.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db="sqlite:$tmp/route.db"
S() { "$schakel" --db "$db" "$@"; }

median() { sort -g | sed -n 2p; }

"$driver" store "$db"
"$driver" events "$N" >"$tmp/events.jsonl"
echo "events: $N in $(($(stat -c %s "$tmp/events.jsonl") / N)) bytes each on average" \
	"(55% IPv4, 20% IPv6, 15% host names, 10% URLs; most inside the constituency)"

# The answers first: every event out, none refused, with recipients.
head -n 10000 "$tmp/events.jsonl" | S route >"$tmp/check.jsonl" 2>"$tmp/check.err"
python3 - "$tmp/check.jsonl" <<'PY'
import json, sys
n = owned = liaison = 0
for line in open(sys.argv[1]):
    ev = json.loads(line)
    roles = [r["role"] for r in ev["recipients"]]
    assert roles.count("national") == 1, ev
    n += 1
    owned += "owner" in roles
    liaison += "liaison" in roles
assert n == 10000, n
print("check: %d events routed, %.0f%% with an owner, %.0f%% with a liaison organization"
      % (n, 100.0 * owned / n, 100.0 * liaison / n))
PY

# Three runs of each; the figures are each run's own, taken around the
# work on the events (reading, parsing, routing, writing) after the
# registry is loaded; the median counts.
for _ in 1 2 3; do
	S route <"$tmp/events.jsonl" >/dev/null 2>"$tmp/route.err"
	sed 's/^/  /' "$tmp/route.err"
	grep -q ' 0 bad lines' "$tmp/route.err" || { cat "$tmp/route.err" >&2; exit 1; }
	sed -n 's/.*(\([0-9]*\) events\/s; [0-9.]* s of CPU, \([0-9]*\) events per CPU second), after \([0-9.]*\) s.*/\1 \2 \3/p' \
		"$tmp/route.err" >>"$tmp/route.fig"
done
for _ in 1 2 3; do
	"$driver" baseline <"$tmp/events.jsonl" >/dev/null 2>"$tmp/base.err"
	sed 's/^/  /' "$tmp/base.err"
	sed -n 's/.*(\([0-9]*\) lines\/s).*/\1/p' "$tmp/base.err" >>"$tmp/base.fig"
done
[ "$(wc -l <"$tmp/route.fig")" -eq 3 ] && [ "$(wc -l <"$tmp/base.fig")" -eq 3 ] ||
	{ echo "bench_route: a run gave no figures" >&2; exit 1; }

rate=$(cut -d' ' -f1 "$tmp/route.fig" | median)
cpu=$(cut -d' ' -f2 "$tmp/route.fig" | median)
load=$(cut -d' ' -f3 "$tmp/route.fig" | median)
base=$(median <"$tmp/base.fig")
awk -v rate="$rate" -v cpu="$cpu" -v base="$base" -v load="$load" \
	-v np="${BENCH_PREFIXES:-1000000}" -v na="${BENCH_ASNS:-100000}" \
	-v nd="${BENCH_DOMAINS:-1000000}" '
BEGIN {
	printf "jansson parse-and-print baseline: %d events/s\n", base
	printf "route: %d events per CPU second\n", cpu
	printf "route: %d events/s on one core (target 300,000), %.1f x a jansson " \
	       "parse-and-print pass of the same events; registry of %d prefixes, %d AS " \
	       "numbers and %d names, loaded in %.2f s\n",
	       rate, rate / base, np, na, nd, load
}'
