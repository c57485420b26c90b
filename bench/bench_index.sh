#!/bin/bash
# bench/bench_index.sh BUILD: the constituency index (src/route/index*.c) on
# a synthetic constituency of 1,000,000 prefixes, 100,000 AS numbers and
# 1,000,000 domain names: build time, memory, bytes per prefix, and
# look-ups per CPU second on one core against a linear scan, IPv4 and IPv6
# also apart, one at a time and in batches. The last line is the figure.
set -eu
build=${1:-build}
exe="$build/bench/bench_index"
[ -x "$exe" ] || { echo "bench_index: no $exe (build with -Dbench=true first)" >&2; exit 1; }
exec "$exe"
