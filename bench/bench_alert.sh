#!/bin/bash
# bench/bench_alert.sh BUILD: the fan-out of one urgent advisory to 5,000
# organizations with two operational-24x7 contacts each (BENCH_ORGS), on
# an SQLite store: the time from `schakel advisory publish` until its
# commit, with every mail queued (one alert per organization to its first
# contact and one advisory mail per organization to both: 10,000
# messages, 15,000 recipients), and from then until smtp-sink has them
# all, sent by schakeld. Baseline in the same run: the same 10,000 queue
# rows inserted by sqlite3 in one transaction. The last line is the
# figure.
set -eu
build=${1:-build}
schakel="$build/schakel"
schakeld="$build/schakeld"
ORGS=${BENCH_ORGS:-5000}
SINK_BIN=/usr/sbin/smtp-sink
[ -x "$schakel" ] && [ -x "$schakeld" ] || { echo "bench_alert: build $build first" >&2; exit 1; }
[ -x "$SINK_BIN" ] || { echo "bench_alert: $SINK_BIN is needed" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_alert: sqlite3 is needed" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
SPORT=$(port)
mkdir -m 700 "$tmp/gnupg"
cat >"$tmp/schakel.conf" <<CONF
[store]
url = sqlite:$tmp/bench.db
[pgp]
home = $tmp/gnupg
[notify]
templates = $here/../share/templates
sender = CERT Bench
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@cert.test
[http]
public_url = https://cert.example.test
[advisories]
review = no
CONF
export SCHAKEL_CONF=$tmp/schakel.conf

# Names under .test; phone numbers in no real plan.
python3 - "$ORGS" "$tmp/doc.json" <<'PY'
import json, sys
n = int(sys.argv[1])
doc = {"schakel": 1, "organizations": []}
for i in range(n):
    doc["organizations"].append({
        "name": "Bench Org %05d" % i, "kind": "constituent",
        "class": ["oes", "essential-public", "administration", "private", "public"][i % 5],
        "sector": "energy/electricity", "country": "BE",
        "contacts": [{"name": "SOC %d" % k, "email": "soc%d@org%05d.test" % (k, i),
                      "phone": "+32 2 555 %02d %02d" % (i % 100, k),
                      "role": "operational-24x7", "languages": [["en", "nl", "fr"][i % 3]]}
                     for k in (1, 2)]})
json.dump(doc, open(sys.argv[2], "w"))
PY
"$schakel" init >/dev/null
"$schakel" import "$tmp/doc.json" >/dev/null
cat >"$tmp/adv.json" <<'JSON'
{"title": "Remote code execution in Example Gateway",
 "summary": "Anyone on the network can run code on the gateway.",
 "products": [{"vendor": "Example Vendor", "product": "Gateway", "versions": "< 1.2.3"}],
 "tlp": "TLP:CLEAR", "audience": {"all": true},
 "probability": {"level": "high", "criteria": "exploited in the wild"},
 "damage": {"level": "high", "criteria": "remote code execution"}}
JSON
id=$("$schakel" --json advisory new --from "$tmp/adv.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

t0=$(now)
"$schakel" advisory publish "$id" >/dev/null
t1=$(now)
queued=$(sqlite3 "$tmp/bench.db" "SELECT count(*) FROM mail_out WHERE status = 'queued'")
alerts=$(sqlite3 "$tmp/bench.db" "SELECT count(*) FROM alerts")

# Baseline: the same rows, inserted again in one transaction, undone.
cols="created, kind, ref, message_id, sender, recipients, subject, message, size, status, attempts, next_attempt"
b0=$(now)
sqlite3 "$tmp/bench.db" "BEGIN; INSERT INTO mail_out ($cols) SELECT $cols FROM mail_out; ROLLBACK;"
b1=$(now)

mkdir "$tmp/sink"
# smtp-sink drops root for nobody, who must write the dump directory.
sink_user=()
if [ "$(id -u)" -eq 0 ]; then sink_user=(-u nobody); chmod 711 "$tmp"; chmod 777 "$tmp/sink"; fi
"$SINK_BIN" "${sink_user[@]}" -d "$tmp/sink/msg." "127.0.0.1:$SPORT" 100 >"$tmp/sink.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && break; sleep 0.05; done
s0=$(now)
"$schakeld" --port "$(port)" 2>"$tmp/daemon.log" &
pids="$pids $!"
while [ "$(find "$tmp/sink" -name 'msg.*' | wc -l)" -lt "$queued" ]; do
	sleep 0.5
	[ "$(python3 -c "print(int($(now) - $s0))")" -lt 900 ] || { echo "bench_alert: smtp-sink has only $(find "$tmp/sink" -name 'msg.*' | wc -l) of $queued after 15 min" >&2; exit 1; }
done
s1=$(now)
python3 - "$ORGS" "$queued" "$alerts" "$t0" "$t1" "$b0" "$b1" "$s0" "$s1" <<'PY'
import sys
orgs, queued, alerts = map(int, sys.argv[1:4])
t0, t1, b0, b1, s0, s1 = map(float, sys.argv[4:])
pub, base, send = t1 - t0, b1 - b0, s1 - s0
print("organizations: %d, 2 operational-24x7 contacts each; alerts: %d; messages queued: %d" % (orgs, alerts, queued))
print("plain queueing of the same %d rows (sqlite3, one transaction): %.2f s" % (queued, base))
print("publish until smtp-sink has them all: %.1f s (%.0f messages/s sent)" % (pub + send, queued / send))
print("publish until all queued (commit): %.2f s, %.1f x plain queueing" % (pub, pub / base))
PY
