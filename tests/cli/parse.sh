#!/bin/bash
# tests/cli/parse.sh: schakel parse end to end: Shadowserver reports,
# IntelMQ JSON lines and CSV with a mapping, the format told from the file
# name, bad lines on stderr with the rest read, --strict, stdin, the
# configuration's TLP and schema, and the exit codes.
. "$(dirname "$0")/lib.sh"

only_on_backend sqlite "schakel parse does not use the store"

FIX=${SRCDIR:-.}/tests/fixtures/shadowserver
export SCHAKEL_CONF="$TMP/schakel.conf"
export SCHAKEL_NOW=1706702400 # 2024-01-31T12:00:00Z
printf '[feeds]\ntlp = TLP:GREEN\n' >"$SCHAKEL_CONF"
P() { "$SCHAKEL" parse "$@"; }
# py EXPR: evaluate EXPR with ev = the list of events on $OUT.
py() { printf '%s' "$OUT" | python3 -c "import json,sys; ev=[json.loads(l) for l in sys.stdin]; print($1)" 2>&1; }

# A Shadowserver report of our own, named as Shadowserver names them.
NTP="$TMP/2024-01-31-scan_ntp-be-geo.csv"
cat >"$NTP" <<'EOF'
"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sector","response_size","amplification"
"2024-01-31 02:00:00",203.0.113.194,udp,123,ntp1.example.be,ntpversion,64496,BE,,,0,,324,27.00
"2024-01-31 03:00:00",203.0.113.300,udp,123,,ntpversion,64496,BE,,,0,,324,27.00
"2024-01-31 04:00:00",2001:db8::7,udp,123,,ntpversion,64497,BE,,,0,,,
EOF

# --- help and usage -------------------------------------------------------------
expect_rc 0 "parse --help" P --help
expect_match '^usage: schakel parse FILE' "$OUT" "parse --help prints its usage"
expect_rc 64 "parse without a file" P
expect_rc 64 "an unknown --format" P --format json "$NTP"
expect_match "shadowserver, intelmq or csv, not 'json'" "$ERR" "the formats are named"
expect_rc 64 "--format csv without --mapping" P --format csv "$NTP"
expect_rc 64 "--report with --format intelmq" P --format intelmq --report scan_ntp "$NTP"
expect_rc 64 "--tlp that is no label" P --tlp YELLOW "$NTP"

# --- a Shadowserver report, one bad line ------------------------------------------
expect_rc 65 "a report with a bad line exits 65" P "$NTP"
expect_eq 2 "$(py 'len(ev)')" "the good lines are written"
expect_eq "203.0.113.194 2001:db8::7" "$(py '" ".join(e["source.ip"] for e in ev)')" \
	"events in file order"
expect_eq "NTP-Version GREEN vulnerable-system ntp 2024-01-31T12:00:00+00:00" \
	"$(py 'ev[0]["feed.name"]+" "+ev[0]["tlp"]+" "+ev[0]["classification.type"]+" "+ev[0]["protocol.application"]+" "+ev[0]["time.observation"]')" \
	"the schema's feed name and constants, the configured TLP, the time of parsing"
expect_eq "27.0 324 ntp1.example.be" \
	"$(py 'str(ev[0]["extra.amplification"])+" "+str(ev[0]["extra.response_size"])+" "+ev[0]["source.reverse_dns"]')" \
	"values converted as the schema says"
expect_match "^$NTP:3: source.ip: '203.0.113.300' is not an IP address" "$ERR" \
	"the bad line on stderr as FILE:LINE: reason"
expect_match "$NTP: shadowserver, 4 lines read, 2 events parsed, 1 rejected" "$ERR" \
	"a summary line on stderr"

# --- rows as Shadowserver quotes them, read as IntelMQ reads them -----------------
HTTP="$TMP/2024-01-31-scan_http-be-geo.csv"
cat >"$HTTP" <<'EOF'
"timestamp","ip","protocol","port","hostname","tag","asn","geo","http_code","www_authenticate","server"
"2024-01-31 02:00:00","192.0.2.1","tcp",80,,"http",64496,"BE",401,"Basic realm=\"\"OpenWebif\"\"","lighttpd"
"2024-01-31 02:00:01","192.0.2.2","tcp",80,,"http",64496,"BE",200,"a"b,"c

EOF
expect_rc 0 "backslashes before doubled quotes are no bad line" P "$HTTP"
expect_eq 2 "$(py 'len(ev)')" "every row of the report gives its event"
expected=$(python3 -c 'import csv,io,sys; rows=list(csv.DictReader(io.StringIO(open(sys.argv[1]).read().strip(), newline=""), dialect="unix")); print(rows[0]["www_authenticate"]+" "+rows[1]["www_authenticate"]+" "+rows[1]["server"])' "$HTTP")
expect_eq "$expected" \
	"$(py 'ev[0]["extra.www_authenticate"]+" "+ev[1]["extra.www_authenticate"]+" "+ev[1]["extra.server"]')" \
	"the values are those Python's csv module reads for IntelMQ"
expect_eq "https://www.shadowserver.org/what-we-do/network-reporting/accessible-http-report/" \
	"$(py 'ev[0]["feed.documentation"]')" "feed.documentation is the schema's url, as in IntelMQ"
EXCH="$TMP/2024-01-31-scan_exchange-be-geo.csv"
cat >"$EXCH" <<'EOF'
"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","hostname_source","sector","version","servername","url"
"2024-01-31 02:00:00","high","192.0.2.3","tcp",443,,"exchange;cve-2021-26855",64496,"BE",,,,,,"15.1.2176","mail.example.be","/owa/"
"2024-01-31 02:00:00","critical","192.0.2.4","tcp",443,,"exchange;webshell",64496,"BE",,,,,,,,
EOF
expect_rc 0 "an Exchange report" P "$EXCH"
expect_eq "vulnerable/vulnerable-system/vulnerable-exchange-server intrusions/system-compromise/exchange-server-webshell" \
	"$(py '" ".join(e["classification.taxonomy"]+"/"+e["classification.type"]+"/"+e["classification.identifier"] for e in ev)')" \
	"a CVE-tagged Exchange server is vulnerable, one with a webshell compromised"

# --- --strict ----------------------------------------------------------------------
expect_rc 65 "--strict exits 65" P --strict "$NTP"
expect_eq 1 "$(py 'len(ev)')" "--strict stops at the first bad line"
expect_match "1 events parsed, 1 rejected" "$ERR" "--strict: the summary counts what was read"
expect_rc 65 "--strict stops before the next file" P --strict "$NTP" "$NTP"
expect_eq 1 "$(py 'len(ev)')" "the second file is not read"

# --- options -----------------------------------------------------------------------
expect_rc 65 "--feed and --tlp" P --feed "NTP BE" --tlp TLP:CLEAR "$NTP"
expect_eq "NTP BE WHITE" "$(py 'ev[0]["feed.name"]+" "+ev[0]["tlp"]')" \
	"--feed names the feed; TLP:CLEAR is IntelMQ's WHITE"
expect_rc 65 "--raw" P --raw "$NTP"
expect_match '^"timestamp","ip",' \
	"$(py '__import__("base64").b64decode(ev[0]["raw"]).decode()')" "raw holds the header and the row"

# --- stdin and --report -------------------------------------------------------------
run P - --report scan_ntp <"$NTP"
expect_eq 65 "$RC" "stdin with --report"
expect_eq 2 "$(py 'len(ev)')" "stdin is read as the report given"
expect_match "^-:3: " "$ERR" "stdin's lines are named -:LINE"
expect_rc 64 "stdin without a format" P - <"$NTP"
expect_match "cannot tell the format" "$ERR" "the missing format is explained"
cp "$NTP" "$TMP/ntp.csv"
expect_rc 65 "--report for a file without the type in its name" P --report scan_ntp "$TMP/ntp.csv"
cp "$NTP" "$TMP/2024-01-31-scan_nonsense-be.csv"
expect_rc 65 "an unknown report type" P "$TMP/2024-01-31-scan_nonsense-be.csv"
expect_match "unknown Shadowserver report type 'scan_nonsense'" "$ERR" "the report type is named"

# --- missing files and several files -----------------------------------------------
expect_rc 66 "a file that does not exist exits 66" P "$TMP/2024-01-31-scan_ntp-none.csv"
expect_match "cannot open" "$ERR" "the missing file is named"
head -2 "$NTP" >"$TMP/2024-01-31-scan_ntp-one.csv"
expect_rc 66 "a missing file among good ones" P "$TMP/2024-01-31-scan_ntp-one.csv" "$TMP/none.jsonl"
expect_eq 1 "$(py 'len(ev)')" "the good file is still read"
expect_rc 0 "two good files" P "$TMP/2024-01-31-scan_ntp-one.csv" "$TMP/2024-01-31-scan_ntp-one.csv"
expect_match "2 files, 4 lines read, 2 events parsed, 0 rejected" "$ERR" "a total for several files"

# --- IntelMQ JSON lines -------------------------------------------------------------
cat >"$TMP/events.jsonl" <<'EOF'
{"feed.name": "Replay", "classification.type": "infected-system", "source.ip": "198.51.100.7", "time.source": "2024-01-31T10:00:00+00:00", "tlp": "RED"}
{"feed.name": "Replay", "classification.type": "infected-system", "source.ip": "198.51.100.8", "time.source": "2024-01-31T10:00:00+00:00"}
EOF
expect_rc 0 "*.jsonl is read as IntelMQ JSON" P "$TMP/events.jsonl"
expect_eq "RED GREEN" "$(py '" ".join(e["tlp"] for e in ev)')" \
	"an event's own TLP stays; the others get the default"
expect_match "events.jsonl: intelmq, 2 lines read, 2 events parsed, 0 rejected" "$ERR" \
	"the format is told from the name"
expect_rc 65 "--format shadowserver on JSON" P --format shadowserver --report scan_ntp "$TMP/events.jsonl"

# --- CSV with a mapping -------------------------------------------------------------
cat >"$TMP/list.ini" <<'EOF'
[csv]
time_format = %d/%m/%Y %H:%M
[constants]
feed.name = Example Blocklist
classification.type = blacklist
[columns]
ip = source.ip
"first seen" = time.source
reason = extra.reason
EOF
printf 'ip,first seen,reason\n192.0.2.1,31/01/2024 11:00,spam\n192.0.2.2,yesterday,spam\n' >"$TMP/list.csv"
expect_rc 65 "CSV with --mapping" P --mapping "$TMP/list.ini" "$TMP/list.csv"
expect_eq "192.0.2.1 Example Blocklist 2024-01-31T11:00:00+00:00 spam" \
	"$(py 'ev[0]["source.ip"]+" "+ev[0]["feed.name"]+" "+ev[0]["time.source"]+" "+ev[0]["extra.reason"]')" \
	"the mapping says which column is which field"
expect_match "list.csv:3: time.source: 'yesterday' is not a time" "$ERR" "a bad CSV line is named"
expect_rc 66 "a mapping file that does not exist" P --mapping "$TMP/none.ini" "$TMP/list.csv"
printf '[columns]\nip = source.address\n' >"$TMP/bad.ini"
expect_rc 65 "a bad mapping file" P --mapping "$TMP/bad.ini" "$TMP/list.csv"
expect_match "bad.ini:2: 'source.address' is not an IntelMQ field" "$ERR" \
	"mapping errors name the line"

# --- configuration ------------------------------------------------------------------
printf '[feeds]\ntlp = YELLOW\n' >"$TMP/bad.conf"
expect_rc 78 "a bad [feeds] tlp exits 78" env SCHAKEL_CONF="$TMP/bad.conf" "$SCHAKEL" parse "$NTP"
printf '[feeds]\nshadowserver_schema = %s\n' "$TMP/none.json" >"$TMP/bad.conf"
expect_rc 78 "a missing schema file exits 78" env SCHAKEL_CONF="$TMP/bad.conf" "$SCHAKEL" parse "$NTP"
expect_match "shadowserver_schema" "$ERR" "the setting is named"

if [ -d "$FIX" ]; then
	# Shadowserver's own schema file replaces the built-in mapping: it
	# keeps the legacy "sic" column as text.
	cp "$FIX/scan_chargen.csv" "$TMP/2010-02-10-scan_chargen-test.csv"
	expect_rc 0 "an IntelMQ sample" P --feed "Open Chargen" "$TMP/2010-02-10-scan_chargen-test.csv"
	WANT=$(head -1 "$FIX/scan_chargen.expected.jsonl")
	expect_eq True "$(py "all(ev[0].get(k) == v for k, v in json.loads('''$WANT''').items())")" \
		"the first event has every field IntelMQ gives it"
	expect_eq None "$(py 'ev[0].get("extra.sic")')" "the built-in mapping leaves sic 0 out"
	printf '[feeds]\nshadowserver_schema = %s\n' "$FIX/schema/intelmq.json" >"$TMP/full.conf"
	run env SCHAKEL_CONF="$TMP/full.conf" "$SCHAKEL" parse "$TMP/2010-02-10-scan_chargen-test.csv"
	expect_eq 0 "$RC" "the configured schema file"
	expect_eq "0 Open-Chargen" "$(py 'ev[0]["extra.sic"]+" "+ev[0]["feed.name"]')" \
		"the configured schema is the one used"
else
	ok "# SKIP no fixtures at $FIX"
fi

done_testing
