#!/bin/bash
# tests/browser/run.sh: the browser console against a real schakeld.
# Seeds the demo of `make run` (scripts/demo-seed) into a temporary
# directory, starts Postfix's smtp-sink and schakeld (web_root = web/) on
# free loopback ports, then runs console.test.mjs, whose TAP lines are
# this test's. Without chromium, Node.js or tests/browser/node_modules
# (scripts/install-deps brings them) it is skipped, and under CI=true it
# fails. SCHAKEL_SCREENSHOTS=1 writes the console's screenshots to
# docs/img/.
# shellcheck source=../cli/lib.sh
. "$SRCDIR/tests/cli/lib.sh"

here=$SRCDIR/tests/browser
missing=""
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || missing="$CHROMIUM (Debian package chromium)"
command -v node >/dev/null 2>&1 || missing="${missing:+$missing, }node (Debian package nodejs)"
[ -d "$here/node_modules/playwright-core" ] ||
	missing="${missing:+$missing, }tests/browser/node_modules (npm ci --prefix tests/browser)"
if [ -n "$missing" ]; then
	if [ "${CI:-}" = true ]; then
		not_ok "the browser test can run" "missing: $missing; scripts/install-deps installs them"
		done_testing
		exit 1
	fi
	echo "1..0 # SKIP missing: $missing (scripts/install-deps installs them)"
	exit 0
fi

need_smtp_sink
start_sink || { not_ok "smtp-sink starts on port $SPORT"; done_testing; exit 1; }

demo=$TMP/demo
if ! scripts_out=$("$SRCDIR/scripts/demo-seed" "$demo" "$(dirname "$SCHAKEL")" "$SPORT" 2>&1); then
	not_ok "scripts/demo-seed makes the demo" "$scripts_out"
	done_testing
	exit 1
fi
ok "scripts/demo-seed makes the demo (the make run demo) in a temporary directory"
mode=$(stat -c %a "$demo/analyst.password" "$demo/partner.password" | sort -u)
expect_eq 600 "$mode" "the demo users' password files are mode 0600"

if ! start_daemon "$TMP/daemon.log" -c "$demo/schakel.conf" --db "sqlite:$demo/schakel.db"; then
	not_ok "schakeld starts with the demo" "$(cat "$TMP/daemon.log")"
	done_testing
	exit 1
fi
ok "schakeld serves the demo and the console on $BASE"

# The node test numbers its checks after these.
export BASE SINK CHROMIUM
export TAP_START=$TAP_N
export ANALYST_PASSWORD PARTNER_PASSWORD
ANALYST_PASSWORD=$(cat "$demo/analyst.password")
PARTNER_PASSWORD=$(cat "$demo/partner.password")
export SCREENSHOTS="$TMP/shots"
mkdir -p "$SCREENSHOTS"
started=$(date +%s)
(cd "$here" && node console.test.mjs)
rc=$?
echo "# the browser run took $(($(date +%s) - started)) s"
if [ "${SCHAKEL_SCREENSHOTS:-}" = 1 ]; then
	mkdir -p "$SRCDIR/docs/img"
	cp "$SCREENSHOTS"/*.png "$SRCDIR/docs/img/" 2>/dev/null || true
fi
if [ $rc -ne 0 ]; then
	echo "# schakeld's log (last lines):"
	tail -n 40 "$TMP/daemon.log" | sed 's/^/# /'
fi
exit $rc
