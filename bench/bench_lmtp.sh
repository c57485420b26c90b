#!/bin/bash
# bench/bench_lmtp.sh BUILD: incident mail in over LMTP. Throughput: N
# report mails of about 10 KB (each from its own sender, so each a new
# ticket with its acknowledgement queued) delivered by bench/lmtp_client
# to schakeld's [lmtp] unix socket over 1 session, then over 4 at once,
# each into a fresh SQLite store, with schakeld sending the
# acknowledgements to Postfix's smtp-sink meanwhile, as in production.
# Baseline in the same run: `schakel mailgate`, one process a mail, as
# bench_mailgate.sh runs it, into a fresh store of its own; and the
# anchor's recorded figure for rt-mailgate (2.0 mails/s). Latency: the
# time from the 250 at the client to the acknowledgement at the relay,
# over ACKS reports one at a time. Each throughput figure is the median
# of REPEAT runs. The last line is the figure.
set -eu
build=${1:-build}
schakel="$build/schakel"
schakeld="$build/schakeld"
client="$build/bench/lmtp_client"
N=${BENCH_MAILS:-2000}
NGATE=${BENCH_MAILGATE_MAILS:-300}
ACKS=${BENCH_ACKS:-10}
REPEAT=${BENCH_REPEAT:-3}
ANCHOR=2.0 # rt-mailgate, mails/s, as recorded by the anchor
for x in "$schakel" "$schakeld" "$client"; do
	[ -x "$x" ] || { echo "bench_lmtp: no $x (build first)" >&2; exit 1; }
done
[ -x /usr/sbin/smtp-sink ] || { echo "bench_lmtp: /usr/sbin/smtp-sink is needed (postfix)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_lmtp: sqlite3 is needed to count" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# N mails of about 10 KB from N senders, as bench_mailgate.sh makes them.
python3 - "$N" "$tmp/mail" <<'PY'
import os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
para = ("We observed suspicious traffic from 198.51.100.%d and 2001:db8:%x::7 towards "
        "www.example.be; the phishing page is at hxxps://login.example.nl/secure. ")
for i in range(n):
    body = "".join(para % (i % 250, i) for _ in range(66))
    text = ("From: Reporter %d <reporter%d@example.nl>\r\nTo: cert@example.be\r\n"
            "Subject: Phishing report %d\r\nMessage-ID: <bench%d@example.nl>\r\n"
            "Date: Tue, 01 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" % (i, i, i, i))
    text += "\r\n".join(body[k:k + 76] for k in range(0, len(body), 76)) + "\r\n"
    open("%s/%06d.eml" % (out, i), "w").write(text)
PY
size=$(du -b "$tmp/mail/000000.eml" | cut -f1)
mkdir "$tmp/gate"
for f in $(ls "$tmp/mail" | head -n "$NGATE"); do ln -s "$tmp/mail/$f" "$tmp/gate/$f"; done

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
SPORT=$(port)
mkdir -p "$tmp/sink" && chmod 777 "$tmp/sink" && chmod 755 "$tmp"
sink_user=(); [ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" -d "$tmp/sink/msg." "127.0.0.1:$SPORT" 100 >/dev/null 2>&1 &
pids+=($!)

# conf NAME: a configuration with a fresh store NAME.db; its path.
conf() {
	cat >"$tmp/$1.conf" <<CONF
[store]
url = sqlite:$tmp/$1.db
[mail]
from = cert@example.be
relay = smtp://127.0.0.1:$SPORT
[notify]
templates = $here/../share/templates
[tickets]
tag = CERT.be
[lmtp]
listen = unix:$tmp/lmtp
sessions = 8
CONF
	SCHAKEL_CONF=$tmp/$1.conf "$schakel" init >/dev/null 2>&1
	echo "$tmp/$1.conf"
}
# daemon CONF: schakeld on CONF, once its LMTP socket is there.
daemon() {
	rm -f "$tmp/lmtp"
	"$schakeld" -c "$1" --port "$(port)" 2>>"$tmp/daemon.log" &
	DPID=$!
	pids+=("$DPID")
	for _ in $(seq 100); do [ -S "$tmp/lmtp" ] && return 0; sleep 0.1; done
	echo "bench_lmtp: schakeld did not listen:" >&2; cat "$tmp/daemon.log" >&2; exit 1
}
stop() { kill -TERM "$DPID"; wait "$DPID" 2>/dev/null || true; }
# check DB N: N tickets and N acknowledgements queued.
check() {
	local t a
	t=$(sqlite3 "$1" "SELECT count(*) FROM tickets")
	a=$(sqlite3 "$1" "SELECT count(*) FROM mail_out WHERE kind = 'ticket-ack'")
	[ "$t" = "$2" ] && [ "$a" = "$2" ] || { echo "bench_lmtp: $t tickets, $a acknowledgements for $2 mails" >&2; exit 1; }
}

gate=() one=() four=()
for r in $(seq "$REPEAT"); do
	# Baseline: mailgate, a process a mail.
	c=$(conf "gate$r")
	t0=$(now)
	for f in "$tmp"/gate/*.eml; do SCHAKEL_CONF=$c "$schakel" mailgate <"$f" >/dev/null; done
	t1=$(now)
	check "$tmp/gate$r.db" "$NGATE"
	gate+=("$(python3 -c "print($NGATE / ($t1 - $t0))")")
	# LMTP, 1 session and 4.
	for k in 1 4; do
		c=$(conf "lmtp$k-$r")
		daemon "$c"
		read -r _ secs rate < <("$client" "unix:$tmp/lmtp" "$tmp/mail" "$k")
		stop
		check "$tmp/lmtp$k-$r.db" "$N"
		if [ "$k" = 1 ]; then one+=("$rate"); else four+=("$rate"); fi
		echo "run $r, $k session(s): $N mails in $secs s: $rate mails/s"
	done
	echo "run $r, mailgate: $NGATE mails: ${gate[-1]} mails/s"
	rm -f "$tmp"/*.db* "$tmp"/sink/msg.*
done

# Latency: one report at a time on a fresh store, from the 250 to the
# acknowledgement at smtp-sink.
c=$(conf latency)
daemon "$c"
lat=()
for i in $(seq "$ACKS"); do
	rm -rf "$tmp/one" && mkdir "$tmp/one"
	sed "s/bench0*\([0-9]\)/lat$i-\1/; s/reporter[0-9]*@/late$i@/" "$tmp/mail/000000.eml" >"$tmp/one/a.eml"
	"$client" "unix:$tmp/lmtp" "$tmp/one" 1 "$tmp/t250" >/dev/null
	until grep -qs "^X-Rcpt-Args: <late$i@example.nl>" "$tmp"/sink/msg.* 2>/dev/null; do
		sleep 0.01
		python3 -c "import sys; sys.exit(0 if $(now) - $(cat "$tmp/t250") < 90 else 1)" ||
			{ echo "bench_lmtp: no acknowledgement in 90 s" >&2; exit 1; }
	done
	lat+=("$(python3 -c "print($(now) - $(cat "$tmp/t250"))")")
done
stop

python3 - "$N" "$size" "$NGATE" "$ANCHOR" "${gate[*]}" "${one[*]}" "${four[*]}" "${lat[*]}" <<'PY'
import statistics, sys
n, size, ngate, anchor = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
gate, one, four, lat = ([float(x) for x in a.split()] for a in sys.argv[5:9])
g, o, f = statistics.median(gate), statistics.median(one), statistics.median(four)
print("mailgate, a process a mail (baseline): %d mails of %d bytes: %.0f mails/s (median of %d)" % (ngate, size, g, len(gate)))
print("LMTP, 1 session:  %d mails: %.0f mails/s (runs: %s)" % (n, o, ", ".join("%.0f" % x for x in one)))
print("LMTP, 4 sessions: %d mails: %.0f mails/s (runs: %s)" % (n, f, ", ".join("%.0f" % x for x in four)))
print("250 to acknowledgement at the relay over %d reports: p50 %.2f s, max %.2f s" % (len(lat), statistics.median(lat), max(lat)))
print("LMTP on SQLite: %.0f mails/s with 1 session (%.1fx mailgate, %.0fx rt-mailgate's %.1f/s; target 200), "
      "%.0f with 4 (%.1fx mailgate, %.0fx rt-mailgate; target 400), p50 250 to acknowledgement %.2f s (target < 1)"
      % (o, o / g, o / anchor, anchor, f, f / g, f / anchor, statistics.median(lat)))
PY
