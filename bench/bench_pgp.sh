#!/bin/bash
# bench/bench_pgp.sh BUILD: signing and encrypting a 50-event digest
# (PGP/MIME, one gpg run per message, as the dispatcher does) against
# composing the same digest in clear, measured in the same run by
# bench/bench_pgp.c in a throwaway keyring. BENCH_PGP_N messages (default
# 200). The last line is the figure.
set -eu
build=${1:-build}
driver="$build/bench/bench_pgp"
[ -x "$driver" ] || { echo "bench_pgp: no $driver (build with -Dbench=true)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench-pgp.XXXXXX")
mkdir -m 700 "$tmp/gnupg"
trap 'gpgconf --homedir "$tmp/gnupg" --kill all 2>/dev/null; rm -rf "$tmp"' EXIT
"$driver" "$tmp/gnupg" "${BENCH_PGP_N:-200}"
