#!/bin/bash
# tests/cli/notify.sh: feeds in, digests out, end to end: a registry with
# a liaison organization and its members, a Shadowserver report and
# IntelMQ events ingested, and `schakel notify --send` delivering one
# digest per organization to Postfix's smtp-sink, each with exactly its
# own events in its CSV file: nothing for organizations without events or
# opted out, an AMBER+STRICT event to its owner but not to its liaison,
# identical events once, and the text in the contact's language.
. "$(dirname "$0")/lib.sh"

need_smtp_sink

DB=$(new_db notify)
cat >"$TMP/schakel.conf" <<CONF
[store]
url = $DB
[feeds]
tlp = TLP:AMBER
[notify]
templates = $SRCDIR/share/templates
sender = CERT Test
drop_fields = extra.user_agent
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@cert.test
CONF
export SCHAKEL_CONF=$TMP/schakel.conf
S() { "$SCHAKEL" "$@"; }
# The day the feeds arrive, and the next.
DAY1=1764496800 # 2025-11-30T10:00:00Z
DAY2=$((DAY1 + 86400))

S init >/dev/null
S org add "CERT Test" --kind national-csirt --class administration >/dev/null
S org add "Sector CERT" --kind liaison --class oes --sector energy/electricity >/dev/null
S org add "Water Co" --kind constituent --class oes --sector drinking-water >/dev/null
S org add "Power Co" --kind constituent --class oes --sector energy/electricity >/dev/null
S org add "Quiet Co" --kind constituent --class private >/dev/null
S org add "Optout Co" --kind constituent --class private >/dev/null
S member add "Sector CERT" "Water Co" >/dev/null
S member add "Sector CERT" "Power Co" >/dev/null
S contact add "CERT Test" --name SOC --email soc@cert.test --role operational-24x7 >/dev/null
S contact add "Sector CERT" --name Abuse --email abuse@sector.test --role abuse --lang nl,en >/dev/null
S contact add "Water Co" --name Abuse --email abuse@water.test --role abuse --lang fr >/dev/null
S contact add "Water Co" --name CEO --email ceo@water.test --role management --lang fr >/dev/null
S contact add "Power Co" --name SOC --email soc@power.test --role operational-24x7 --lang en >/dev/null
S contact add "Quiet Co" --name SOC --email soc@quiet.test --role abuse >/dev/null
S contact add "Optout Co" --name SOC --email soc@optout.test --role abuse >/dev/null
S resource add "Water Co" prefix:192.0.2.0/26 prefix:2001:db8:10::/48 >/dev/null
S resource add "Power Co" prefix:198.51.100.0/24 domain:power.example.be >/dev/null
S resource add "Quiet Co" prefix:203.0.113.0/25 >/dev/null
S resource add "Optout Co" prefix:203.0.113.128/25 >/dev/null
expect_rc 0 "an organization opts out of a type" S optout add "Optout Co" vulnerable-system

# A Shadowserver report: two hosts of Water Co (one reported twice, the
# same observation), one of Power Co, one of Optout Co, one nobody's.
NTP=$TMP/2025-11-30-scan_ntp-test.csv
head -n 1 "$SRCDIR/tests/fixtures/shadowserver/scan_ntp.csv" >"$NTP"
for ip in 192.0.2.10 192.0.2.11 192.0.2.11 198.51.100.7 203.0.113.200 192.0.2.100; do
	echo "\"2025-11-30 01:00:00\",$ip,udp,123,,ntpversion,64496,BE,,,4,,,,,,0,,,,,,,,,,,,,,,3,,,,0,0,,324,27.00"
done >>"$NTP"
# IntelMQ events: an infected IPv6 host of Water Co, and an AMBER+STRICT
# compromise at Power Co.
cat >"$TMP/events.jsonl" <<'JSON'
{"classification.type": "infected-system", "extra.calc": "-2+3", "extra.note": "=HYPERLINK(\"http://x.test\")", "extra.user_agent": "Mozilla/4.0", "feed.name": "Sinkhole", "malware.name": "andromeda", "source.ip": "2001:db8:10::5", "time.source": "2025-11-30T02:00:00+00:00"}
{"classification.type": "system-compromise", "feed.name": "Sinkhole", "source.fqdn": "www.power.example.be", "time.source": "2025-11-30T03:00:00+00:00", "tlp": "AMBER+STRICT"}
JSON

export SCHAKEL_NOW=$DAY1
expect_rc 0 "ingest a Shadowserver report" S ingest "$NTP"
expect_match "read 7, parsed 6, rejected 0" "$OUT" "ingest counts the lines it read and the events"
expect_match "matched 4, unmatched 2" "$OUT" \
	"one event is nobody's, one goes to nobody (opted out): the national CSIRT has them"
expect_match "^Water Co +3$" "$OUT" "events per organization"
expect_rc 0 "ingest IntelMQ events" S ingest --format intelmq --feed Sinkhole "$TMP/events.jsonl"

# The compromise is immediate; the rest waits for the day to end.
expect_rc 0 "notify --dry-run on the day itself" S --json notify --dry-run
expect_eq "1 Power Co system-compromise" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["digests"]), d["digests"][0]["org"], d["digests"][0]["type"])')" \
	"only the immediate type is due"
expect_match '"waiting": [1-9]' "$OUT" "the others wait for their interval"
expect_eq 0 "$(S mail list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
	"a dry run queues nothing"

start_sink || not_ok "smtp-sink starts" "$(cat "$TMP/sink.log")"
export SCHAKEL_NOW=$DAY2
expect_rc 0 "notify --send the next day" S notify --send
expect_match "^queued 6 digests" "$OUT" \
	"six digests: one per organization, feed and type (Water Co, Power Co, Sector CERT: two each)"
expect_match "sent 6, deferred 0, failed 0" "$OUT" "all six went to the relay"

# digest ADDR: each message smtp-sink got for ADDR as "subject|language
# marker|csv rows (sorted; ip or fqdn, and the organization column for a
# liaison)", one a line.
digest() {
	python3 - "$SINK" "$1" <<'PY'
import csv, email, glob, io, sys
from email import policy
out = []
for f in sorted(glob.glob(sys.argv[1] + "/msg.*")):
    raw = open(f, "rb").read()
    if ("X-Rcpt-Args: <%s>" % sys.argv[2]).encode() not in raw:
        continue
    m = email.message_from_bytes(raw, policy=policy.default)
    body = m.get_body(("plain",)).get_content()
    rows = []
    for part in m.iter_attachments():
        for r in csv.DictReader(io.StringIO(part.get_content())):
            key = r.get("source.ip") or r.get("source.fqdn")
            if "organization" in r:
                key = r["organization"] + ":" + key + ":" + r["may_pass_on"]
            rows.append(key)
        fields = part.get_content().splitlines()[0]
    lang = "fr" if "Chers" in body else "nl" if "Beste" in body else "en"
    out.append("%s|%s|%s|%s" % (m["Subject"], lang, ",".join(sorted(rows)),
                                "raw" if "raw" in fields.split(",") else "-"))
print("\n".join(out))
PY
}
expect_eq "[TLP:AMBER] 2 événement(s) vulnerable-system de NTP-Version pour Water Co|fr|192.0.2.10,192.0.2.11|-" \
	"$(digest abuse@water.test | grep vulnerable)" \
	"Water Co: its two NTP hosts once each, in French, without raw"
expect_eq 0 "$(sink_got ceo@water.test)" "the management contact is not mailed when there is an abuse contact"
expect_match "infected-system.*\|fr\|2001:db8:10::5\|" "$(digest abuse@water.test)" \
	"Water Co: its infected IPv6 host"
expect_match "^\[TLP:AMBER\+STRICT\] 1 system-compromise event\(s\) from Sinkhole for Power Co\|en\|www\.power\.example\.be\|" \
	"$(digest soc@power.test)" "Power Co: its AMBER+STRICT compromise, in English"
CSV=$(python3 - "$SINK" <<'PY'
import email, glob, sys
from email import policy
for f in sorted(glob.glob(sys.argv[1] + "/msg.*")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=policy.default)
    if "infected" in m["Subject"] and "Water Co" in m["Subject"]:
        for part in m.iter_attachments():
            print(part.get_content())
PY
)
expect_match ",\"'=HYPERLINK\(\"\"http://x.test\"\"\)\"" "$CSV" \
	"a cell a spreadsheet would run as a formula is defused: a leading quote, the cell quoted"
expect_match ",\"'-2\+3\"," "$CSV" "... also one that starts with a minus and a digit"
expect_no_match "user_agent|Mozilla" "$CSV" "a field in [notify] drop_fields is not sent"
expect_match "vulnerable-system.*\|en\|198.51.100.7\|" "$(digest soc@power.test)" \
	"Power Co: its NTP host"
SECTOR=$(digest abuse@sector.test)
expect_eq 2 "$(printf '%s\n' "$SECTOR" | grep -c .)" "Sector CERT: two digests"
expect_match "\|nl\|Power Co:198.51.100.7:need-to-know,Water Co:192.0.2.10:need-to-know,Water Co:192.0.2.11:need-to-know\|" \
	"$SECTOR" "Sector CERT: its members' NTP hosts, to pass on need-to-know, in Dutch"
expect_match "infected-system.*\|nl\|Water Co:2001:db8:10::5:need-to-know\|" "$SECTOR" \
	"Sector CERT: its member's infected IPv6 host"
expect_no_match "power.example.be|system-compromise" "$SECTOR" \
	"Sector CERT: not the AMBER+STRICT compromise"
expect_eq 0 "$(sink_got soc@quiet.test)" "nothing for an organization without events"
expect_eq 0 "$(sink_got soc@optout.test)" "nothing for an organization that opted out"
expect_eq 0 "$(sink_got soc@cert.test)" "the national CSIRT gets no digests"

expect_rc 0 "notify again" S notify --send
expect_match "^queued 0 digests" "$OUT" "nothing is notified twice"

# --- the same events through the API of a running schakeld -----------------
for u in water:"Water Co" power:"Power Co" sector:"Sector CERT"; do
	S user add "${u%%:*}" --role partner --org "${u#*:}" >/dev/null
done
S user add analyst --role analyst >/dev/null
WATER=$(S token create water 2>/dev/null)
POWER=$(S token create power 2>/dev/null)
SECTOR_T=$(S token create sector 2>/dev/null)
ANALYST=$(S token create analyst 2>/dev/null)
start_daemon "$TMP/daemon.log"
# events TOKEN [QUERY]: the events the API gives, as sorted "ip-or-fqdn:role".
events() {
	curl -s -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/v1/events?${2:-}" |
		python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted("%s:%s" % (e.get("source.ip") or e.get("source.fqdn"),
                                 e["schakel.recipient"]["role"]) for e in d["items"])))'
}
expect_eq "192.0.2.10:owner 192.0.2.11:owner 192.0.2.11:owner 2001:db8:10::5:owner" \
	"$(events "$WATER")" "API: Water Co's token gets Water Co's events and no others"
expect_eq "198.51.100.7:owner www.power.example.be:owner" "$(events "$POWER")" \
	"API: Power Co's token gets Power Co's events, its AMBER+STRICT one too"
expect_eq "192.0.2.10:liaison 192.0.2.11:liaison 192.0.2.11:liaison 198.51.100.7:liaison 2001:db8:10::5:liaison" \
	"$(events "$SECTOR_T")" "API: the liaison's token gets its members' events but not the AMBER+STRICT one"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $WATER" \
	"http://127.0.0.1:$PORT/api/v1/events?org=$(S --json org show 'Power Co' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
expect_eq 403 "$code" "API: a partner asking for another organization's events: 403"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/events")
expect_eq 401 "$code" "API: no token: 401"
expect_match "^[0-9]+$" "$(curl -s -H "Authorization: Bearer $ANALYST" \
	"http://127.0.0.1:$PORT/api/v1/events?limit=3" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"])) if d["next"] else print("no next")')" \
	"API: the analyst pages through every event"
hdr=$(curl -s -D - -o "$TMP/page.json" -H "Authorization: Bearer $ANALYST" \
	"http://127.0.0.1:$PORT/api/v1/events?limit=3" | tr -d '\r')
expect_match "^Transfer-Encoding: chunked$" "$hdr" "API: a page is streamed"
expect_eq "$(jq -r .next "$TMP/page.json")" "$(printf '%s\n' "$hdr" | sed -n 's/^X-Next-Cursor: //p')" \
	"... with its next cursor in a header and in the body"
expect_eq 4 "$(curl -s -H "Authorization: Bearer $ANALYST" \
	"http://127.0.0.1:$PORT/api/v1/events?limit=3&format=csv" | wc -l | tr -d ' ')" \
	"... as CSV too: a header and three rows"

done_testing
