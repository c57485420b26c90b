#!/bin/bash
# tests/cli/advisories.sh: advisories through their life by CLI and API:
# drafted from JSON, reviewed by a second analyst (the author may not),
# published with the audience resolved (classes, sectors, named
# organizations, assets within version ranges, liaisons for members),
# updated as new revisions that are all kept, withdrawn; bad input (CVSS,
# CPE, version range, an oversized text) is refused naming the field with
# nothing stored; partners read only what is addressed to them and the
# TLP policy lets them receive, and 404 for anything else.
. "$(dirname "$0")/lib.sh"

DB=$(new_db advisories)
CONF=$TMP/a.conf
cat >"$CONF" <<CONF
[store]
url = $DB
[advisories]
prefix = NCSC
review = yes
CONF
export SCHAKEL_CONF=$CONF
S() { "$SCHAKEL" "$@"; }
AS() { local who=$1; shift; USER=$who "$SCHAKEL" "$@"; }
YEAR=$(date -u +%Y)

exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Energy ISAC" --kind liaison --class private --sector energy/gas >/dev/null
S org add "Example Energy" --kind constituent --class oes --sector energy/gas \
	--member-of "Energy ISAC" >/dev/null
S org add "Example Bank" --kind constituent --class private --sector banking >/dev/null
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S org add "Example Applicant" --kind constituent --class oes --sector banking --status applied >/dev/null
S user add ann --role analyst >/dev/null
S user add ben --role analyst >/dev/null
S user add eve --role partner --org "Example Energy" >/dev/null
S user add pat --role partner --org "Energy ISAC" >/dev/null
S user add bob --role partner --org "Example Bank" >/dev/null
ANN=$(S token create ann)
BEN=$(S token create ben)
EVE=$(S token create eve)
PAT=$(S token create pat)
BOB=$(S token create bob)
exec 2>&3 3>&-
id_of() { S --json org list | jq -r ".[] | select(.name == \"$1\") | .id"; }
ISAC=$(id_of "Energy ISAC")
ENERGY=$(id_of "Example Energy")
BANK=$(id_of "Example Bank")
WATER=$(id_of "Example Water")
if [ -n "$BOB" ] && [ -n "$WATER" ]; then ok "CLI seeded the store"; else
	not_ok "CLI seeded the store" "$(cat "$TMP/seed.err")"; fi

# doc FILE [JQ FILTER]: the base advisory, changed by the filter.
doc() {
	jq "${2:-.}" >"$TMP/$1" <<'JSON'
{"title": "Remote code execution in Example Gateway",
 "summary": "Anyone on the network can run code on the gateway.",
 "description": "## Details\n\nThe management interface trusts its input.",
 "products": [{"vendor": "Example Vendor", "product": "Gateway", "versions": ">= 1.0, < 1.2.3",
   "cpe": "cpe:2.3:a:example_vendor:gateway:*:*:*:*:*:*:*:*"}],
 "cves": ["CVE-2026-12345"], "cwes": ["CWE-78"],
 "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
 "references": ["https://example.nl/advisories/gateway"],
 "remediation": "Update to 1.2.3.", "tlp": "TLP:AMBER",
 "probability": {"level": "high", "criteria": "exploited in the wild"},
 "damage": {"level": "high", "criteria": "remote code execution"},
 "audience": {"sectors": ["banking"]}}
JSON
}
count() { S --json advisory list | jq length; }

# --- drafted from JSON, scored ----------------------------------------------
doc a.json
run AS ann --json advisory new --from "$TMP/a.json"
expect_eq "0 NCSC-$YEAR-0001 draft 9.8 Critical H/H Urgent ann" \
	"$RC $(printf '%s' "$OUT" | jq -r '[.number, .status, .cvss_score, .severity, .matrix, .label, .author] | join(" ")')" \
	"advisory new: numbered NCSC-YEAR-0001, CVSS 9.8 Critical, H/H Urgent"
A1=$(printf '%s' "$OUT" | jq -r .id)

# --- bad input: 65 naming the field, nothing stored -------------------------
bad() {
	local filter=$1 want=$2 desc=$3
	doc bad.json "$filter"
	run AS ann advisory new --from "$TMP/bad.json"
	if [ "$RC" = 65 ] && printf '%s' "$ERR" | grep -qF -- "$want" && [ "$(count)" = 1 ]; then
		ok "$desc"
	else
		not_ok "$desc" "exit $RC, stderr: $ERR, advisories: $(count)"
	fi
}
bad '.cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q"' "cvss: CVSS metric A: value 'Q'" \
	"a CVSS vector that does not parse: 65 naming cvss"
bad '.products += [{"cpe": "cpe:2.3:a:example:gw:1.0:*:*:*:*:*:*"}]' \
	"products[1].cpe: 12 components, a CPE 2.3 name has 13" "a CPE of 12 components: 65 naming products[1].cpe"
bad '.products[0].versions = "~> 1.2"' "products[0].versions" "an unreadable version range: 65 naming it"
bad '.products[0].purl = "npm/left-pad"' "products[0].purl" "a purl without pkg: is refused naming it"
bad ".description = \"$(head -c 70000 /dev/zero | tr '\0' x)\"" "description: 70000 bytes, at most 65536" \
	"a Markdown description over 64 KiB: 65 naming description"
run AS ann advisory edit "$A1" --cvss "CVSS:3.1/AV:N"
expect_eq "65 Remote code execution in Example Gateway CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" \
	"$RC $(S --json advisory show "$A1" | jq -r '[.title, .cvss] | join(" ")')" \
	"a bad edit is refused and the draft stays as it was"

# --- review by a second analyst ----------------------------------------------
expect_rc 77 "publish before review: refused (review = yes)" AS ann advisory publish "$A1"
expect_rc 0 "submit for review" AS ann advisory submit "$A1"
expect_rc 77 "the author may not approve its own advisory" AS ann advisory approve "$A1"
expect_match "another analyst" "$ERR" "... saying another analyst must"
expect_rc 0 "a second analyst approves" AS ben advisory approve "NCSC-$YEAR-0001"
run AS ann --json advisory publish "$A1"
expect_eq "0 $BANK:named" "$RC $(printf '%s' "$OUT" | jq -r 'map("\(.org_id):\(.relation)") | join(",")')" \
	"publish: the audience is the banking sector's active partners (not the applicant)"
run S --json advisory show "$A1"
expect_eq "published 1 ben" "$(py "d['status'], d['revision'], d['reviewer']" | tr -d "(),'")" \
	"published as revision 1, reviewer recorded"
expect_rc 65 "a published advisory is not edited" AS ann advisory edit "$A1" --title "Other"

# --- revisions ------------------------------------------------------------------
run AS ann advisory update "$A1" --summary "Fixed version corrected" --remediation "Update to 1.2.4."
expect_eq 0 "$RC" "update makes revision 2"
run S --json advisory revisions "$A1"
expect_eq "1:Initial publication:Update to 1.2.3. 2:Fixed version corrected:Update to 1.2.4." \
	"$(printf '%s' "$OUT" | jq -r 'map("\(.revision):\(.summary):\(.advisory.remediation)") | join(" ")')" \
	"both revisions are kept with their snapshots"
expect_rc 64 "update without saying what changed is a usage error" AS ann advisory update "$A1"
expect_rc 65 "update with a bad CVSS: refused" AS ann advisory update "$A1" --summary x --cvss "CVSS:3.1/x"
expect_eq 2 "$(S --json advisory show "$A1" | jq .revision)" "... and no revision is added"

# --- audience: class, sector, organization, assets, liaisons ---------------------
expect_rc 0 "asset add by CPE" S asset add "Example Water" "cpe:2.3:a:example_vendor:gateway:1.2.0:*:*:*:*:*:*:*"
expect_rc 0 "asset add by purl" S asset add "Example Bank" "pkg:generic/example-vendor/gateway@1.3.0"
expect_rc 65 "asset add of an unknown CPE form: 65" S asset add "Example Bank" "cpe:/a:example:gw"
expect_rc 65 "asset add of something else: 65" S asset add "Example Bank" "gateway 1.0"
audience() { # FILTER: the audience of a draft with that audience
	doc aud.json ".audience = $1"
	AS ann --json advisory new --from "$TMP/aud.json" >"$TMP/aud.out" 2>"$TMP/aud.err"
	S --json advisory audience "$(jq -r .id "$TMP/aud.out")" |
		jq -r 'map("\(.org_id):\(.relation)\(if .member_id then "/\(.member_id)" else "" end)") | join(",")'
}
expect_eq "$ENERGY:named,$ISAC:liaison/$ENERGY" "$(audience '{"classes": ["oes"]}')" \
	"class oes: its active members, and their liaison for them"
expect_eq "$ISAC:named,$ENERGY:named" "$(audience '{"sectors": ["energy/gas"]}')" \
	"sector energy/gas: the liaison named itself is not repeated for its member"
expect_eq "$WATER:named" "$(audience "{\"orgs\": [$WATER]}")" "an organization by id"
expect_eq "$WATER:concerned" "$(audience '{"by_assets": true}')" \
	"by assets: 1.2.0 lies in >= 1.0, < 1.2.3; the purl's 1.3.0 does not"
doc aud.json '.audience = {"by_assets": true} | .products[0].versions = "*"'
run AS ann --json advisory new --from "$TMP/aud.json"
expect_eq "$BANK:concerned,$WATER:concerned" \
	"$(S --json advisory audience "$(py "d['id']")" | jq -r 'map("\(.org_id):\(.relation)") | join(",")')" \
	"by assets with every version: the purl (namespace as vendor) matches too"
expect_eq "" "$(audience '{"orgs": [999]}')" "an unknown organization id is not resolved"
expect_match "audience.orgs\\[0\\]: no organization 999" "$(cat "$TMP/aud.err") $(S advisory audience "$(jq -r .id "$TMP/aud.out" 2>/dev/null || echo 0)" 2>&1)" \
	"... and named as audience.orgs[0]"

# --- withdraw ----------------------------------------------------------------------
expect_rc 64 "withdraw without a reason: usage error" AS ann advisory withdraw "$A1"
expect_rc 0 "withdraw with a reason" AS ann advisory withdraw "$A1" --reason "Superseded by a vendor advisory"
run S --json advisory show "$A1"
expect_eq "withdrawn 2 Superseded by a vendor advisory" \
	"$(printf '%s' "$OUT" | jq -r '[.status, (.revisions | length), .withdraw_reason] | join(" ")')" \
	"withdrawn, its revisions kept"

# --- the API ---------------------------------------------------------------------------
LOG=$TMP/schakeld.log
start_daemon "$LOG" -c "$CONF" || not_ok "schakeld starts" "$(cat "$LOG")"
api() {
	local method=$1 path=$2 token=$3
	shift 3
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$method" \
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
# publish_api JSON: create as ann, submit, approve as ben, publish; its id in AID.
publish_api() {
	send POST /api/v1/advisories "$ANN" "$1"
	AID=$(j .id)
	send POST "/api/v1/advisories/$AID/submit" "$ANN" ''
	send POST "/api/v1/advisories/$AID/approve" "$BEN" ''
	send POST "/api/v1/advisories/$AID/publish" "$ANN" ''
}
before=$(count)
doc bad.json '.cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"'
send POST /api/v1/advisories "$ANN" "$(cat "$TMP/bad.json")"
refused 400 "cvss: CVSS base metric A is missing" "API: a bad CVSS vector is 400 naming cvss"
doc bad.json '.products[0].cpe = "cpe:2.3:a:x"'
send POST /api/v1/advisories "$ANN" "$(cat "$TMP/bad.json")"
refused 400 "products[0].cpe: 4 components" "API: a short CPE is 400 naming products[0].cpe"
expect_eq "$before" "$(count)" "... and nothing is stored"
send POST /api/v1/advisories "$EVE" '{"title": "Partner draft"}'
status 403 "a partner may not write advisories"

doc amber.json '.tlp = "TLP:AMBER" | .audience = {"sectors": ["banking"]}'
send POST /api/v1/advisories "$ANN" "$(cat "$TMP/amber.json")"
status 201 "API: create"
AMBER=$(j .id)
send POST "/api/v1/advisories/$AMBER/submit" "$ANN" ''
send POST "/api/v1/advisories/$AMBER/approve" "$ANN" ''
status 403 "API: the author may not approve"
send POST "/api/v1/advisories/$AMBER/approve" "$BEN" ''
status 200 "API: a second analyst approves"
send POST "/api/v1/advisories/$AMBER/publish" "$ANN" ''
expect_eq "200 published $BANK" "$CODE $(j .advisory.status) $(j '.recipients | map(.org_id) | join(",")')" \
	"API: publish answers the advisory and its recipients"
send POST "/api/v1/advisories/$AMBER/update" "$ANN" '{"summary": "Workaround added", "changes": {"remediation": "Block port 8443."}}'
expect_eq "200 2" "$CODE $(j .advisory.revision)" "API: update makes revision 2"
api GET "/api/v1/advisories/$AMBER/revisions" "$BOB"
expect_eq "200 2" "$CODE $(j '.items | length')" "a partner in the audience reads the revisions"
api GET "/api/v1/advisories/$AMBER" "$BOB"
status 200 "TLP:AMBER to the banking sector: the bank (named) reads it"
api GET "/api/v1/advisories/$AMBER" "$EVE"
status 404 "... another partner gets 404, not 403"
api GET "/api/v1/advisories/$A1" "$BOB"
status 200 "a withdrawn advisory stays readable to its audience"

doc clear.json ".tlp = \"TLP:CLEAR\" | .audience = {\"orgs\": [$ENERGY]}"
publish_api "$(cat "$TMP/clear.json")"
CLEAR=$AID
api GET "/api/v1/advisories/$CLEAR" "$PAT"
status 200 "TLP:CLEAR to a member: its liaison reads it for its member"
doc strict.json ".tlp = \"TLP:AMBER+STRICT\" | .audience = {\"orgs\": [$ENERGY]}"
publish_api "$(cat "$TMP/strict.json")"
STRICT=$AID
api GET "/api/v1/advisories/$STRICT" "$EVE"
status 200 "TLP:AMBER+STRICT: the named organization reads it"
api GET "/api/v1/advisories/$STRICT" "$PAT"
status 404 "... its liaison does not (the policy refuses liaisons)"
doc red.json '.tlp = "TLP:RED" | .audience = {"by_assets": true}'
publish_api "$(cat "$TMP/red.json")"
api GET "/api/v1/advisories/$AID" "$ANN"
expect_eq "200 published" "$CODE $(j .status)" "TLP:RED by assets is published"
api GET "/api/v1/advisories/$AID/audience" "$ANN"
expect_eq "200 0" "$CODE $(j '.items | length')" "... but reaches no concerned organization under TLP:RED"
api GET "/api/v1/advisories" "$BOB"
expect_eq "200 $AMBER,$A1" "$CODE $(j '.items | map(.id) | join(",")')" \
	"a partner's list holds only what is addressed to it"
api GET "/api/v1/advisories?status=draft" "$EVE"
expect_eq "200 0" "$CODE $(j '.items | length')" "a partner sees no drafts"
api GET "/api/v1/advisories?status=draft" "$ANN"
expect_eq "200" "$CODE" "staff list drafts"

# --- assets through the API ---------------------------------------------------------
send POST "/api/v1/orgs/$BANK/assets" "$ANN" '{"name": "cpe:2.3:a:example_vendor:gateway:1.2.0:*:*:*:*:*:*"}'
refused 400 "12 components, a CPE 2.3 name has 13" "API: an asset CPE of 12 components is 400"
send POST "/api/v1/orgs/$BANK/assets" "$ANN" '{"name": "pkg:npm/%40example/widget@2.0.1"}'
status 201 "API: add an asset by purl"
ASSET=$(j .id)
api GET "/api/v1/orgs/$BANK/assets" "$BOB"
expect_eq "200 @example widget 2.0.1" "$CODE $(j '.items[-1] | "\(.vendor) \(.product) \(.version)"')" \
	"a partner reads its own assets"
api GET "/api/v1/orgs/$BANK/assets" "$EVE"
status 403 "... not another organization's"
api DELETE "/api/v1/orgs/$BANK/assets/$ASSET" "$BOB"
status 403 "a partner does not remove assets"
api DELETE "/api/v1/orgs/$BANK/assets/$ASSET" "$ANN"
status 200 "staff remove an asset"

stop_daemon
done_testing
