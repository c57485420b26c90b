#!/bin/bash
# tests/cli/publications.sh: publications through their life by CLI and
# API (kind, Markdown body, attachments, TLP, audience, review, publish,
# withdraw); bad input (kind, TLP, an attachment over max_attachment) is
# refused naming the field with nothing stored; partners read only what
# is addressed to them and the TLP policy lets them receive; attachments
# go out as downloads; publishing queues one mail per recipient
# organization and language to its 24x7 contacts, as far as the policy
# lets it receive. Then the public pages: only TLP:CLEAR published
# advisories and publications, escaped, with the CSP header, and an Atom
# feed that feedparser reads without complaint.
. "$(dirname "$0")/lib.sh"

DB=$(new_db publications)
CONF=$TMP/p.conf
cat >"$CONF" <<CONF
[store]
url = $DB
[http]
public_url = https://cert.example/
web_root = $SRCDIR/web
[advisories]
prefix = NCSC
review = yes
[publications]
max_attachment = 2048
[notify]
templates = $SRCDIR/share/templates
sender = CERT Test
[mail]
from = cert@cert.example
CONF
export SCHAKEL_CONF=$CONF
S() { "$SCHAKEL" "$@"; }
AS() { local who=$1; shift; USER=$who "$SCHAKEL" "$@"; }
YEAR=$(date -u +%Y)

exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Example Bank" --kind constituent --class private --sector banking >/dev/null
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S user add ann --role analyst >/dev/null
S user add ben --role analyst >/dev/null
S user add bob --role partner --org "Example Bank" >/dev/null
S user add wes --role partner --org "Example Water" >/dev/null
ANN=$(S token create ann)
BEN=$(S token create ben)
BOB=$(S token create bob)
WES=$(S token create wes)
exec 2>&3 3>&-
if [ -n "$WES" ]; then ok "CLI seeded the store"; else
	not_ok "CLI seeded the store" "$(cat "$TMP/seed.err")"; fi
count() { S --json publication list | jq length; }

printf '# Assessment\n\nRansomware groups *target* water utilities.\n\n- patch\n- back up\n' \
	>"$TMP/body.md"
printf 'indicator list\n' >"$TMP/iocs.txt"
head -c 4096 /dev/zero >"$TMP/big.bin"

# --- the CLI ----------------------------------------------------------------------------
expect_rc 0 "publication new drafts with an attachment" \
	AS ann publication new --kind threat-assessment --title "Water sector threat" \
	--summary "Ransomware against water." --tlp TLP:CLEAR --body "$TMP/body.md" \
	--audience "sector:drinking-water" --attach "$TMP/iocs.txt"
expect_match "^drafted NCSC-PUB-$YEAR-0001: Water sector threat" "$OUT" "... numbered with its own prefix"

before=$(count)
expect_rc 65 "an attachment over max_attachment is refused (65)" \
	AS ann publication new --kind guidance --title "Big" --body "$TMP/body.md" \
	--attach "$TMP/iocs.txt" --attach "$TMP/big.bin"
expect_match "attachments\.big\.bin: more than max_attachment" "$ERR" "... naming the field"
expect_rc 65 "a bad kind is refused" \
	S publication new --kind rumour --title T --body "$TMP/body.md"
expect_match "^schakel: kind: 'rumour'" "$ERR" "... naming kind"
expect_rc 65 "a bad TLP is refused" \
	S publication new --kind guidance --tlp TLP:PINK --title T --body "$TMP/body.md"
expect_match "^schakel: tlp: " "$ERR" "... naming tlp"
expect_eq "$before" "$(count)" "... and nothing is stored"

expect_rc 77 "review is required before publishing" AS ann publication publish 1
expect_rc 0 "submitted" AS ann publication submit 1
expect_rc 77 "the author may not approve" AS ann publication approve 1
expect_rc 0 "another analyst approves" AS ben publication approve 1
S contact add "Example Water" --name "Ops" --email ops@water.example --role operational-24x7 >/dev/null
S contact add "Example Water" --name "Wacht" --email wacht@water.example --role operational-24x7 \
	--lang nl >/dev/null
S contact add "Example Water" --name "Board" --email board@water.example --role management >/dev/null
expect_rc 0 "published" AS ann publication publish "NCSC-PUB-$YEAR-0001"
expect_match "published .*: 1 recipients, 2 mails queued" "$OUT" \
	"... to the one drinking-water organization: a mail per language"
# pubmail REF: the recipients and subjects of the queued mails of REF.
pubmail() {
	S --json mail list --limit 1000 |
		jq -r --arg r "$1" '[.[] | select(.ref == $r and .kind == "publication")
			| .recipients + " " + .subject] | sort | join("|")'
}
expect_eq "ops@water.example [TLP:CLEAR] Threat assessment NCSC-PUB-$YEAR-0001|wacht@water.example [TLP:CLEAR] Dreigingsbeeld NCSC-PUB-$YEAR-0001" \
	"$(pubmail publication:1)" "... to its 24x7 contacts only, subject with kind and number"
if [ -x "$SMTP_SINK" ]; then
	need_smtp_sink
	start_sink
	sed "s|^from = cert@cert.example|&\nrelay = smtp://127.0.0.1:$SPORT|" "$CONF" >"$TMP/send.conf"
	expect_rc 0 "the queue is sent" env SCHAKEL_CONF="$TMP/send.conf" "$SCHAKEL" mail send
	for _ in $(seq 50); do [ "$(sink_got ops@water.example)" -ge 1 ] && break; sleep 0.1; done
	msg=$(grep -l -- "^X-Rcpt-Args: <ops@water.example>" "$SINK"/msg.* 2>/dev/null | head -1)
	text=$(tr -d '\r' <"${msg:-/dev/null}")
	expect_match "NCSC-PUB-$YEAR-0001" "$text" "smtp-sink receives it, with the number"
	expect_match "Ransomware against water\." "$text" "... the summary"
	expect_match "filename=\"iocs\.txt\"" "$text" "... and the small attachment"
else
	ok "# SKIP $SMTP_SINK is missing"
fi
run S publication attachment get 1 iocs.txt
expect_eq "indicator list" "$OUT" "attachment get writes the bytes out"
run S --json publication show 1
expect_eq "published threat-assessment 1" \
	"$(printf '%s' "$OUT" | jq -r '[.status, .kind, .revision] | join(" ")')" "show: status, kind, revision"

# --- the API ---------------------------------------------------------------------------
LOG=$TMP/schakeld.log
start_daemon "$LOG" -c "$CONF" || not_ok "schakeld starts" "$(cat "$LOG")"
api() {
	local method=$1 path=$2 token=$3
	shift 3
	CODE=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' -X "$method" \
		-H "Authorization: Bearer $token" "$@" "$BASE$path")
	BODY=$(cat "$TMP/body")
}
send() { api "$1" "$2" "$3" -H 'Content-Type: application/json' --data-binary "$4"; }
j() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }
status() { if [ "$CODE" = "$1" ]; then ok "$2"; else not_ok "$2" "status $CODE, wanted $1: $BODY"; fi; }
refused() {
	if [ "$CODE" = "$1" ] && j .error.message | grep -qF -- "$2"; then ok "$3"; else
		not_ok "$3" "status $CODE, wanted $1 naming '$2': $BODY"; fi
}
header() { tr -d '\r' <"$TMP/headers" | grep -i "^$1:" | head -1 | cut -d' ' -f2-; }
# publish_api JSON: create as ann, submit, approve as ben, publish; its id in PID.
publish_api() {
	send POST /api/v1/publications "$ANN" "$1"
	PID=$(j .id)
	send POST "/api/v1/publications/$PID/submit" "$ANN" ''
	send POST "/api/v1/publications/$PID/approve" "$BEN" ''
	send POST "/api/v1/publications/$PID/publish" "$ANN" ''
}

before=$(count)
big=$(head -c 4096 /dev/zero | base64 -w0)
send POST /api/v1/publications "$ANN" "{\"kind\": \"guidance\", \"title\": \"T\", \"body\": \"x\",
	\"attachments\": [{\"name\": \"big.bin\", \"content\": \"$big\"}]}"
refused 413 "attachments.big.bin: more than max_attachment" "API: an attachment over the limit is 413 naming it"
send POST /api/v1/publications "$ANN" '{"kind": "memo", "title": "T", "body": "x"}'
refused 400 "kind: 'memo'" "API: a bad kind is 400 naming kind"
send POST /api/v1/publications "$ANN" '{"kind": "guidance", "title": "T", "body": "x", "tlp": "TLP:BLUE"}'
refused 400 "tlp: " "API: a bad TLP is 400 naming tlp"
send POST /api/v1/publications "$ANN" '{"kind": "guidance", "title": "T", "body": "x", "cvss": "x"}'
refused 400 "cvss: no such field" "API: an advisory field is no publication field"
expect_eq "$before" "$(count)" "... and nothing is stored"
send POST /api/v1/publications "$BOB" '{"kind": "guidance", "title": "T", "body": "x"}'
status 403 "a partner may not write publications"

html=$(printf '<h1>x</h1>' | base64 -w0)
S contact add "Example Bank" --name "SOC" --email soc@bank.example --role operational-24x7 >/dev/null
publish_api "{\"kind\": \"guidance\", \"title\": \"Banking guidance\", \"summary\": \"s\",
	\"body\": \"Do this.\", \"tlp\": \"TLP:GREEN\", \"audience\": {\"sectors\": [\"banking\"]},
	\"attachments\": [{\"name\": \"page.html\", \"media_type\": \"text/html\", \"content\": \"$html\"},
	{\"name\": \"notes file.txt\", \"media_type\": \"text/plain\", \"content\": \"aGk=\"}]}"
status 200 "API: a publication drafted, reviewed and published"
expect_eq "1 1" "$(j .recipients) $(j .mails)" "... reaching the banking organization: one mail queued"
expect_eq "soc@bank.example [TLP:GREEN] Guidance NCSC-PUB-$YEAR-0002" "$(pubmail "publication:$PID")" \
	"... to its 24x7 contact"
GREEN=$PID

api GET "/api/v1/publications/$GREEN" "$BOB"
status 200 "the banking partner reads the TLP:GREEN publication addressed to it"
api GET "/api/v1/publications/$GREEN" "$WES"
status 404 "the water partner, not addressed, gets 404"
api GET /api/v1/publications "$WES"
expect_eq "1" "$(j '.items | length')" "the water partner lists only its own one"
api GET "/api/v1/publications/$GREEN/attachments/page.html" "$BOB"
status 200 "the partner downloads an attachment"
expect_match '^attachment; filename="page.html"' "$(header Content-Disposition)" "... as an attachment"
expect_eq "application/octet-stream" "$(header Content-Type)" "... an HTML file never as text/html"
expect_eq "nosniff" "$(header X-Content-Type-Options)" "... with nosniff"
api GET "/api/v1/publications/$GREEN/attachments/notes%20file.txt" "$BOB"
expect_eq "text/plain" "$(header Content-Type)" "... another with its own media type"
expect_match "filename\*=UTF-8''notes%20file.txt" "$(header Content-Disposition)" "... and its name encoded"
api GET "/api/v1/publications/$GREEN/attachments/page.html" "$WES"
status 404 "... not to a partner it is not addressed to"

send POST /api/v1/publications "$ANN" '{"kind": "best-practice", "title": "Draft only", "body": "x",
	"tlp": "TLP:CLEAR", "audience": {"all": true}}'
DRAFT=$(j .number)
publish_api '{"kind": "guidance", "title": "<script>alert(1)</script> patching", "summary": "Patch & reboot",
	"body": "## Steps\n\n1. *patch*\n2. <b>reboot</b>\n\n[more](javascript:alert(1))", "tlp": "TLP:CLEAR",
	"audience": {"all": true}}'
CLEAR=$(j .number)

# --- the public pages ------------------------------------------------------------------
page() {
	CODE=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' "$BASE$1")
	BODY=$(cat "$TMP/body")
}
page /advisories
status 200 "GET /advisories without sign-in"
expect_match "^text/html" "$(header Content-Type)" "... is HTML"
expect_match "default-src 'none'" "$(header Content-Security-Policy)" "... with the CSP header"
expect_match "$CLEAR" "$BODY" "... listing the TLP:CLEAR publication"
expect_match "NCSC-PUB-$YEAR-0001" "$BODY" "... and the first one"
expect_no_match "Banking guidance" "$BODY" "... not the TLP:GREEN one"
expect_no_match "Draft only" "$BODY" "... nor a draft"
expect_no_match "<script>" "$BODY" "... and a title's <script> shows as text"
expect_match "&lt;script&gt;alert\(1\)&lt;/script&gt; patching" "$BODY" "... escaped"
expect_match '<html lang="en">' "$BODY" "... with a lang attribute"

page "/advisories/$CLEAR"
status 200 "the TLP:CLEAR publication has its page"
expect_match "<h3>Steps</h3>" "$BODY" "... its Markdown rendered (its headings under the page's)"
expect_match "&lt;b&gt;reboot&lt;/b&gt;" "$BODY" "... raw HTML escaped"
expect_no_match "javascript:" "$BODY" "... and a javascript: link dropped"
if printf '%s' "$BODY" | xmllint --html --noout - 2>"$TMP/lint"; then
	ok "... and the page parses as HTML without errors"; else
	not_ok "... and the page parses as HTML without errors" "$(cat "$TMP/lint")"; fi
GREEN_NO=$(S --json publication show "$GREEN" | jq -r .number)
page "/advisories/$GREEN_NO"
status 404 "a TLP:GREEN publication's page is 404"
page "/advisories/$DRAFT"
status 404 "a draft's page is 404"
page "/advisories/NCSC-PUB-$YEAR-9999"
status 404 "a number that does not exist is the same 404"
page "/advisories/$GREEN_NO/attachments/page.html"
status 404 "a TLP:GREEN publication's attachment is 404 in public"
page "/advisories/NCSC-PUB-$YEAR-0001/attachments/iocs.txt"
status 200 "a public publication's attachment downloads"
expect_match "^attachment" "$(header Content-Disposition)" "... as an attachment"
page /css/public.css
status 200 "the public stylesheet is served"

# A TLP:CLEAR advisory is listed and has its page with its label and matrix.
cat >"$TMP/adv.json" <<'JSON'
{"title": "Remote code execution in Example Gateway",
 "summary": "Anyone on the network can run code on the gateway.",
 "description": "## Details\n\nThe management interface trusts its input.",
 "remediation": "Update to 1.2.3.",
 "products": [{"vendor": "Example Vendor", "product": "Gateway", "versions": "< 1.2.3"}],
 "cves": ["CVE-2026-1234"], "references": ["https://vendor.example/sa-1"],
 "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
 "tlp": "TLP:CLEAR", "probability": {"level": "high"}, "damage": {"level": "high"},
 "audience": {"all": true}}
JSON
send POST /api/v1/advisories "$ANN" "$(cat "$TMP/adv.json")"
AID=$(j .id)
ANO=$(j .number)
send POST "/api/v1/advisories/$AID/submit" "$ANN" ''
send POST "/api/v1/advisories/$AID/approve" "$BEN" ''
# Published times are whole seconds: a second apart from the publication
# before it, the advisory is the feed's newest entry.
sleep 1
send POST "/api/v1/advisories/$AID/publish" "$ANN" ''
page "/advisories/$ANO"
status 200 "a TLP:CLEAR advisory has its page"
expect_match "Urgent" "$BODY" "... labelled Urgent"
expect_match "H/H" "$BODY" "... with its matrix cell"
expect_match "9.8 critical|9\.8" "$BODY" "... its CVSS score"
expect_match "CVE-2026-1234" "$BODY" "... its CVEs"
expect_match "Initial publication" "$BODY" "... and its revision history"

# --- the Atom feed ---------------------------------------------------------------------
page /advisories.atom
status 200 "GET /advisories.atom"
expect_match "^application/atom\+xml" "$(header Content-Type)" "... is Atom"
printf '%s' "$BODY" >"$TMP/feed.xml"
# feedparser from Debian (python3-feedparser) belongs to the system's python3.
FEEDPY=python3
python3 -c 'import feedparser' 2>/dev/null || FEEDPY=/usr/bin/python3
run "$FEEDPY" - "$TMP/feed.xml" "$ANO" "$CLEAR" <<'PY'
import sys, feedparser
import xml.etree.ElementTree as ET
path, adv, pub = sys.argv[1:4]
d = feedparser.parse(path)
assert d.bozo == 0, d.get("bozo_exception")
assert d.version == "atom10", d.version
ids = [e.id for e in d.entries]
assert ids[0] == "https://cert.example/advisories/" + adv, ids
assert "https://cert.example/advisories/" + pub in ids, ids
assert len(ids) == 3, ids
first = d.entries[0]
assert first.link == "https://cert.example/advisories/" + adv
assert first.tags[0].term == "Urgent", first.tags
assert first.published and first.updated and first.summary
A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(path).getroot()
assert root.tag == A + "feed"
for need in ("id", "title", "updated", "author"):
    assert root.find(A + need) is not None, need
assert any(l.get("rel") == "self" for l in root.findall(A + "link"))
for e in root.findall(A + "entry"):
    for need in ("id", "title", "updated", "published", "summary", "link", "category"):
        assert e.find(A + need) is not None, need
print("ok")
PY
if [ "$RC" -eq 0 ]; then ok "feedparser reads the feed (bozo 0) with the right entries"; else
	not_ok "feedparser reads the feed (bozo 0) with the right entries" "$OUT $ERR"; fi
expect_no_match "Banking guidance|Draft only" "$BODY" "the feed leaves out TLP:GREEN and drafts"

# 20 a page, newest first: 20 more push the first one to page 2.
for i in $(seq 20); do
	publish_api "{\"kind\": \"guidance\", \"title\": \"Note $i\", \"summary\": \"s\", \"body\": \"x\",
		\"tlp\": \"TLP:CLEAR\", \"audience\": {\"all\": true}}"
done
page /advisories
expect_match 'rel="next" href="/advisories\?page=2"' "$BODY" "the list has a next page"
expect_no_match "NCSC-PUB-$YEAR-0001" "$BODY" "... and the oldest is not on the first"
page "/advisories?page=2"
expect_match "NCSC-PUB-$YEAR-0001" "$BODY" "page 2 shows the oldest"
expect_match 'rel="prev"' "$BODY" "... with a link back"

expect_rc 0 "withdrawn" AS ann publication withdraw "$CLEAR" --reason "superseded"
page "/advisories/$CLEAR"
status 404 "a withdrawn publication leaves the public pages"

# --- delivery under TLP:AMBER+STRICT and TLP:AMBER --------------------------------------
S org add "Grid ISAC" --kind liaison --class private --sector energy/oil >/dev/null
S org add "Example Grid" --kind constituent --class oes --sector energy/electricity \
	--member-of "Grid ISAC" >/dev/null
S contact add "Example Grid" --name "Grid" --email soc@grid.example --role operational-24x7 >/dev/null
S contact add "Grid ISAC" --name "Desk" --email desk@isac.example --role operational-24x7 >/dev/null
# publish_cli TLP: guidance to the electricity sector, reviewed
# and published; its number in NUM.
publish_cli() {
	AS ann --json publication new --kind guidance --title "Grid $1" --tlp "$1" \
		--summary "Segment the grid $1." --body "$TMP/body.md" \
		--audience "sector:energy/electricity" >"$TMP/new.json"
	NUM=$(jq -r .number "$TMP/new.json")
	AS ann publication submit "$NUM" >/dev/null
	AS ben publication approve "$NUM" >/dev/null
	run AS ann --json publication publish "$NUM"
}
publish_cli TLP:AMBER+STRICT
expect_eq "1" "$(printf '%s' "$OUT" | jq -r .mails)" \
	"TLP:AMBER+STRICT: the member is mailed, its liaison (refused by the policy) not"
expect_eq "soc@grid.example" "$(pubmail "publication:$(S --json publication show "$NUM" | jq .id)" |
	cut -d' ' -f1)" "... to the member's contact"
publish_cli TLP:AMBER
expect_eq "2 2" "$(printf '%s' "$OUT" | jq -r '"\(.recipients) \(.mails)"')" \
	"TLP:AMBER: the member and its liaison are mailed"

done_testing
