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

# new_db NAME: the URL of a fresh, empty store for this test.
new_db() {
	echo "sqlite:$TMP/$1.db"
}
