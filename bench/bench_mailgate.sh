#!/bin/bash
# bench/bench_mailgate.sh BUILD: incident mail in. Throughput: N report
# mails of about 10 KB, each handed to its own `schakel mailgate` process
# one after another, as an MTA's pipe transport does, into a fresh SQLite
# store (each a new ticket with its acknowledgement queued); against the
# baseline of the same mails, each stored by its own sqlite3 process into a
# bare table; and against the floor of any process-per-mail design with
# this binary, `schakel --version` run as often (loading its libraries and
# no more). Latency: with schakeld running and Postfix's smtp-sink as the
# relay, the time from handing a report to mailgate until its
# acknowledgement reaches the sink. The last line is the figure.
set -eu
build=${1:-build}
schakel="$build/schakel"
schakeld="$build/schakeld"
N=${BENCH_MAILS:-2000}
ACKS=${BENCH_ACKS:-10}
[ -x "$schakel" ] || { echo "bench_mailgate: no $schakel (build first)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_mailgate: sqlite3 is needed for the baseline" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# N mails of about 10 KB from N senders (each gets its acknowledgement),
# naming addresses, domains and a URL as reports do.
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

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SPORT=$(port)
cat >"$tmp/schakel.conf" <<CONF
[store]
url = sqlite:$tmp/mailgate.db
[mail]
from = cert@example.be
relay = smtp://127.0.0.1:$SPORT
[notify]
templates = $here/../share/templates
[tickets]
tag = CERT.be
CONF
export SCHAKEL_CONF=$tmp/schakel.conf
"$schakel" init >/dev/null 2>&1

now() { date +%s.%N; }

# Baseline: each mail stored by a process of its own, in a transaction.
sqlite3 "$tmp/base.db" "PRAGMA journal_mode=WAL; CREATE TABLE mail (id INTEGER PRIMARY KEY, raw BLOB);" >/dev/null
t0=$(now)
for f in "$tmp"/mail/*.eml; do
	sqlite3 "$tmp/base.db" "INSERT INTO mail (raw) VALUES (readfile('$f'));"
done
t1=$(now)
for f in "$tmp"/mail/*.eml; do
	"$schakel" mailgate <"$f" >/dev/null
done
t2=$(now)
for f in "$tmp"/mail/*.eml; do
	"$schakel" --version >/dev/null
done
t3=$(now)
tickets=$("$schakel" --json ticket list --limit 0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
acks=$(sqlite3 "$tmp/mailgate.db" "SELECT count(*) FROM mail_out WHERE kind = 'ticket-ack'")
[ "$tickets" = "$N" ] && [ "$acks" = "$N" ] || { echo "bench_mailgate: $tickets tickets, $acks acknowledgements for $N mails" >&2; exit 1; }

# Latency: schakeld sends what mailgate queued.
if [ -x /usr/sbin/smtp-sink ]; then
	mkdir -p "$tmp/sink" && chmod 777 "$tmp/sink" "$tmp"
	sink_user=(); [ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
	/usr/sbin/smtp-sink "${sink_user[@]}" -d "$tmp/sink/msg." "127.0.0.1:$SPORT" 10 >/dev/null 2>&1 &
	pids+=($!)
	"$schakel" mail send --limit 100000 >/dev/null 2>&1 || true # the throughput run's
	rm -f "$tmp"/sink/msg.*
	"$schakeld" --port "$(port)" 2>"$tmp/daemon.log" &
	pids+=($!)
	sleep 1
	lat=()
	for i in $(seq "$ACKS"); do
		sed "s/bench0*\([0-9]\)/lat$i-\1/; s/reporter[0-9]*@/late$i@/" "$tmp/mail/000000.eml" >"$tmp/lat.eml"
		s=$(now)
		"$schakel" mailgate <"$tmp/lat.eml" >/dev/null
		until grep -qs "^X-Rcpt-Args: <late$i@example.nl>" "$tmp"/sink/msg.* 2>/dev/null; do
			sleep 0.02
			python3 -c "import sys; sys.exit(0 if $(now) - $s < 90 else 1)" || { echo "bench_mailgate: no acknowledgement in 90 s" >&2; exit 1; }
		done
		lat+=("$(python3 -c "print($(now) - $s)")")
	done
	latency=$(printf '%s\n' "${lat[@]}" | sort -n | python3 -c '
import sys
v = [float(x) for x in sys.stdin]
print("acknowledgement latency over %d reports: median %.1f s, max %.1f s (schakeld looks every second)" % (len(v), v[len(v) // 2], v[-1]))')
else
	latency="acknowledgement latency: skipped (no /usr/sbin/smtp-sink)"
fi

python3 - "$N" "$size" "$t0" "$t1" "$t2" "$t3" "$latency" <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3 = (float(x) for x in sys.argv[3:7])
base, gate, floor = n / (t1 - t0), n / (t2 - t1), n / (t3 - t2)
print("sqlite3, a process a mail (baseline): %d mails of %d bytes in %.2f s: %.0f mails/s" % (n, size, t1 - t0, base))
print("schakel mailgate, a process a mail:   %d mails in %.2f s: %.0f mails/s, each a ticket with its acknowledgement queued" % (n, t2 - t1, gate))
print("schakel --version, as many processes: %.2f s: %.0f/s (the floor)" % (t3 - t2, floor))
print(sys.argv[7])
print("mailgate: %.0f mails/s sequential on SQLite (%.2fx the sqlite3 baseline; target 200)" % (gate, gate / base))
PY
