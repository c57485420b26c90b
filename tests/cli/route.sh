#!/bin/bash
# tests/cli/route.sh: schakel route end to end on a small registry (a
# national CSIRT, two liaison organizations, an ISP and members with
# nested IPv4 prefixes, an IPv6 prefix, an AS number and a domain): the
# recipients of each event in both match modes, under every TLP label,
# with an opt-out, the default TLP from the command line and the
# configuration, bad lines, usage errors, and nothing written to the store.
. "$(dirname "$0")/lib.sh"

DB=$(new_db route)
S() { "$SCHAKEL" --db "$DB" "$@"; }
# rcpt N: the recipients of output line N as "org/role/reason/PN[/member]"
# (P may_pass_on, N need_to_know, 1 or 0), joined by "; ".
rcpt() {
	printf '%s\n' "$OUT" | python3 -c '
import json, sys
line = sys.stdin.read().splitlines()[int(sys.argv[1]) - 1]
ev = json.loads(line)
out = []
for r in ev["recipients"]:
    assert set(r) == {"org", "org_id", "role", "reason", "may_pass_on", "need_to_know"} | (
        {"member"} if r["role"] == "liaison" else set()), r
    s = "%s/%s/%s/%d%d" % (r["org"], r["role"], r["reason"], r["may_pass_on"], r["need_to_know"])
    if r["role"] == "liaison":
        s += "/" + r["member"]
    out.append(s)
print("; ".join(out))' "$1" 2>&1
}
# field N NAME: a field of output line N.
field() {
	printf '%s\n' "$OUT" | python3 -c '
import json, sys
print(json.loads(sys.stdin.read().splitlines()[int(sys.argv[1]) - 1]).get(sys.argv[2]))' "$1" "$2" 2>&1
}
# ev IDENTIFIER-FIELDS [MORE]: one event line.
ev() {
	printf '{"feed.name": "Test Feed", "classification.type": "%s", "time.source": "2024-01-31T12:00:00Z", %s}\n' \
		"${TYPE:-infected-system}" "$1"
}
state() {
	printf '%s %s' "$(S audit --limit 100000 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
		"$(S events list --limit 0 --json | wc -l)"
}

# --- the registry ----------------------------------------------------------
expect_rc 0 "init" S init
for a in '"CERT Demo" --kind national-csirt --class administration' \
	'"Energy Sector CERT" --kind liaison --class oes' \
	'"Health ISAC" --kind liaison --class essential-public' \
	'"Example ISP" --kind constituent --class private' \
	'"Example Energy" --kind constituent --class oes --member-of "Energy Sector CERT"' \
	'"Example Hospital" --kind constituent --class essential-public --member-of "Health ISAC"'; do
	eval "run S org add $a"
	[ "$RC" -eq 0 ] || not_ok "org add $a" "$ERR"
done
expect_rc 0 "the ISP's resources" S resource add "Example ISP" prefix:198.51.100.0/24 \
	prefix:2001:db8::/32 asn:AS64496
expect_rc 0 "the Energy's resources" S resource add "Example Energy" prefix:198.51.100.0/26 \
	prefix:2001:db8:1::/48 domain:example.be
expect_rc 0 "the Hospital's resources" S resource add "Example Hospital" prefix:198.51.100.0/28
expect_rc 0 "the Hospital opts out of scanner" S optout add "Example Hospital" scanner
BEFORE=$(state)

# --- help and usage ----------------------------------------------------------
expect_rc 0 "route --help" "$SCHAKEL" route --help
expect_match "^usage: schakel route \[--tlp LABEL\] \[--match most-specific\|all-covering\]" \
	"$OUT" "route --help prints its usage"
expect_rc 64 "--match must be a mode" S route --match best </dev/null
expect_match "most-specific or all-covering" "$ERR" "a bad --match names the modes"
expect_rc 64 "--tlp must be a label" S route --tlp ORANGE </dev/null
expect_match "not a TLP label" "$ERR" "a bad --tlp says so"
expect_rc 64 "an unknown option" S route --frob </dev/null
expect_rc 66 "a missing file" S route "$TMP/nonexistent.jsonl"

# --- most specific -------------------------------------------------------------
{
	ev '"source.ip": "198.51.100.5"'			  # 1: nested /28
	ev '"source.ip": "198.51.100.50"'			  # 2: /26
	ev '"source.ip": "198.51.100.200"'			  # 3: /24
	ev '"source.ip": "2001:db8:1::7"'			  # 4: IPv6 /48
	ev '"source.fqdn": "www.example.be"'			  # 5: domain
	ev '"source.fqdn": "www.badexample.be"'			  # 6: label boundary
	ev '"source.ip": "203.0.113.9", "source.asn": 64496'	  # 7: AS number
	ev '"source.ip": "192.0.2.77"'				  # 8: nobody's
	ev '"source.ip": "198.51.100.5", "tlp": "AMBER+STRICT"'	  # 9
	ev '"source.ip": "198.51.100.5", "tlp": "RED"'		  # 10
	ev '"source.ip": "198.51.100.5", "tlp": "WHITE"'	  # 11
	TYPE=scanner ev '"source.ip": "198.51.100.5"'		  # 12: opted out
	ev '"source.url": "https://WWW.Example.BE:8443/login"'	  # 13: URL host
} >"$TMP/events.jsonl"
expect_rc 0 "route the events" S route "$TMP/events.jsonl"
expect_eq 13 "$(printf '%s\n' "$OUT" | grep -c .)" "one line out per event"
A="/11" # TLP:AMBER, the default: pass on, need to know
expect_eq "Example Hospital/owner/prefix 198.51.100.0/28$A; Health ISAC/liaison/prefix 198.51.100.0/28$A/Example Hospital; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 1)" "a nested /28: its owner, its liaison, the national CSIRT"
expect_eq "Example Energy/owner/prefix 198.51.100.0/26$A; Energy Sector CERT/liaison/prefix 198.51.100.0/26$A/Example Energy; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 2)" "a /26"
expect_eq "Example ISP/owner/prefix 198.51.100.0/24$A; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 3)" "the ISP's /24"
expect_eq "Example Energy/owner/prefix 2001:db8:1::/48$A; Energy Sector CERT/liaison/prefix 2001:db8:1::/48$A/Example Energy; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 4)" "IPv6"
expect_eq "Example Energy/owner/domain example.be$A; Energy Sector CERT/liaison/domain example.be$A/Example Energy; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 5)" "a domain"
expect_eq "CERT Demo/national/national CSIRT$A" "$(rcpt 6)" "badexample.be is not under example.be"
expect_eq "Example ISP/owner/asn 64496$A; CERT Demo/national/national CSIRT$A" "$(rcpt 7)" \
	"no prefix covers it: the AS number"
expect_eq "CERT Demo/national/national CSIRT$A" "$(rcpt 8)" "nobody's: the national CSIRT only"
expect_eq "Example Hospital/owner/prefix 198.51.100.0/28/00; CERT Demo/national/national CSIRT/00" \
	"$(rcpt 9)" "AMBER+STRICT: the owner, not its liaison"
expect_eq "CERT Demo/national/national CSIRT/00" "$(rcpt 10)" "RED: the national CSIRT only"
expect_eq "Example Hospital/owner/prefix 198.51.100.0/28/10; Health ISAC/liaison/prefix 198.51.100.0/28/10/Example Hospital; CERT Demo/national/national CSIRT/10" \
	"$(rcpt 11)" "WHITE (CLEAR): everyone may pass it on"
expect_eq "Health ISAC/liaison/prefix 198.51.100.0/28$A/Example Hospital; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 12)" "an owner that opted out gets nothing, its liaison still does"
expect_eq "Example Energy/owner/domain example.be$A; Energy Sector CERT/liaison/domain example.be$A/Example Energy; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 13)" "the host of source.url"
expect_eq "AMBER AMBER+STRICT WHITE" "$(field 1 tlp) $(field 9 tlp) $(field 11 tlp)" \
	"the output carries the label used (IntelMQ's words)"
expect_eq "198.51.100.5 Test Feed information-gathering" \
	"$(field 12 source.ip) $(field 12 feed.name) $(field 12 classification.taxonomy)" \
	"the event itself is written back"
expect_match "13 events routed \(most-specific\), 0 bad lines, 29 recipients, 3 events for the national CSIRT only" \
	"$ERR" "the summary counts"

# --- all covering, defaults, configuration ---------------------------------------
run S route --match all-covering "$TMP/events.jsonl"
expect_eq "Example Hospital/owner/prefix 198.51.100.0/28$A; Example Energy/owner/prefix 198.51.100.0/26$A; Example ISP/owner/prefix 198.51.100.0/24$A; Health ISAC/liaison/prefix 198.51.100.0/28$A/Example Hospital; Energy Sector CERT/liaison/prefix 198.51.100.0/26$A/Example Energy; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 1)" "all covering: every owner, each with its liaisons"
expect_eq "Example Energy/owner/prefix 2001:db8:1::/48$A; Example ISP/owner/prefix 2001:db8::/32$A; Energy Sector CERT/liaison/prefix 2001:db8:1::/48$A/Example Energy; CERT Demo/national/national CSIRT$A" \
	"$(rcpt 4)" "all covering, IPv6"
run S route --tlp TLP:GREEN "$TMP/events.jsonl"
expect_eq "Example ISP/owner/prefix 198.51.100.0/24/10; CERT Demo/national/national CSIRT/10" \
	"$(rcpt 3)" "--tlp sets the label of events without one"
expect_eq "GREEN RED" "$(field 3 tlp) $(field 10 tlp)" "--tlp leaves an event's own label"
printf '[feeds]\ntlp = TLP:RED\n[route]\nmatch = all-covering\n' >"$TMP/route.conf"
run "$SCHAKEL" -c "$TMP/route.conf" --db "$DB" route "$TMP/events.jsonl"
expect_eq "CERT Demo/national/national CSIRT/00" "$(rcpt 2)" "[feeds] tlp is the default label"
expect_match "\(all-covering\)" "$ERR" "[route] match is the default mode"
printf '[route]\nmatch = nearest\n' >"$TMP/bad.conf"
expect_rc 78 "a bad [route] match" "$SCHAKEL" -c "$TMP/bad.conf" --db "$DB" route "$TMP/events.jsonl"
expect_match "\[route\] match" "$ERR" "the bad setting is named"
printf '[route]\nasn_mmdb = %s\n' "$TMP/nonexistent.mmdb" >"$TMP/bad.conf"
expect_rc 78 "a missing ASN database" "$SCHAKEL" -c "$TMP/bad.conf" --db "$DB" route </dev/null
expect_match "nonexistent.mmdb" "$ERR" "the missing database is named"

# --- bad lines, stdin ------------------------------------------------------------
{
	ev '"source.ip": "198.51.100.50"'
	echo '{"feed.name": "x"'
	ev '"source.ip": "198.51.100.300"'
	ev '"source.ip": "198.51.100.5"'
} >"$TMP/bad.jsonl"
run S route <"$TMP/bad.jsonl"
expect_eq 65 "$RC" "bad lines: exit 65"
expect_eq 2 "$(printf '%s\n' "$OUT" | grep -c .)" "the good lines are still written"
expect_match "^stdin:2: invalid JSON" "$ERR" "a bad line is named FILE:LINE"
expect_match "^stdin:3: source.ip" "$ERR" "a bad value is named"
expect_match "2 events routed \(most-specific\), 2 bad lines" "$ERR" "bad lines are counted"

# --- enrichment ----------------------------------------------------------------------
# MaxMind's test databases ship in the repository: missing ones are a failure.
FIX="$SRCDIR/tests/fixtures/mmdb"
if [ -f "$FIX/GeoLite2-ASN-Test.mmdb" ]; then
	printf '[route]\nasn_mmdb = %s\ncountry_mmdb = %s\n' "$FIX/GeoLite2-ASN-Test.mmdb" \
		"$FIX/GeoIP2-Country-Test.mmdb" >"$TMP/mmdb.conf"
	ev '"source.ip": "89.160.20.128"' >"$TMP/geo.jsonl"
	run "$SCHAKEL" -c "$TMP/mmdb.conf" --db "$DB" route <"$TMP/geo.jsonl"
	expect_eq "29518 Bredband2 AB SE" \
		"$(field 1 source.asn) $(field 1 source.as_name) $(field 1 source.geolocation.cc)" \
		"route.asn_mmdb and route.country_mmdb fill in what the event lacks"
	expect_match "1 enriched" "$ERR" "enrichment is counted"
else
	not_ok "the MaxMind test databases are in tests/fixtures/mmdb" "no $FIX/GeoLite2-ASN-Test.mmdb"
fi

# --- nothing written --------------------------------------------------------------
expect_eq "$BEFORE" "$(state)" "routing wrote nothing: the audit log and the events are as they were"
done_testing
