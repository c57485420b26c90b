#!/bin/bash
# tests/cli/csaf.sh: the CSAF 2.0 provider: published advisories (with
# products and CVSS, updated to revision 2, TLP:GREEN, TLP:AMBER, one
# without products: informational) exported
# with schakel csaf export; every document passes the CSAF 2.0 JSON
# schema and the mandatory tests of @secvisogram/csaf-validator-lib,
# provider-metadata.json its schema; hashes and signatures verify;
# index.txt and changes.csv list every document once; schakeld serves the
# same files, WHITE to anyone and GREEN only to an entitled partner, and
# rebuilds them when an advisory changes; a second export replaces the first.
. "$(dirname "$0")/lib.sh"

command -v gpg >/dev/null || {
	echo "1..0 # SKIP gpg is missing"
	exit 0
}
DB=$(new_db csaf)
KEYRING=$TMP/keyring
CONF=$TMP/c.conf
cat >"$CONF" <<CONF
[store]
url = $DB
[pgp]
home = $KEYRING
[advisories]
prefix = NCSC
review = no
[csaf]
publisher_name = NCSC Test
publisher_namespace = https://ncsc.example.nl
CONF
export SCHAKEL_CONF=$CONF
S() { "$SCHAKEL" "$@"; }
kill_agents() {
	gpgconf --homedir "$KEYRING" --kill all 2>/dev/null
	gpgconf --homedir "$TMP/gh" --kill all 2>/dev/null
}
on_exit kill_agents
YEAR=$(date -u +%Y)

exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S key generate --name "NCSC Test" --email csaf@ncsc.example.nl --expires never >/dev/null
S org add "Example Bank" --kind constituent --class private --sector banking >/dev/null
S org add "Example Water" --kind constituent --class essential-public --sector drinking-water >/dev/null
S user add bob --role partner --org "Example Bank" >/dev/null
S user add wes --role partner --org "Example Water" >/dev/null
BOB=$(S token create bob)
WES=$(S token create wes)
exec 2>&3 3>&-
if [ -n "$WES" ]; then ok "CLI seeded the store and generated schakel's key"; else
	not_ok "CLI seeded the store and generated schakel's key" "$(cat "$TMP/seed.err")"; fi

# publish FILTER: a published advisory, the base changed by FILTER; its id.
publish() {
	jq "$1" >"$TMP/adv.json" <<'JSON'
{"title": "Remote code execution in Example Gateway",
 "summary": "Anyone on the network can run code on the gateway.",
 "description": "## Details\n\nThe management interface trusts its input.",
 "products": [{"vendor": "Example Vendor", "product": "Gateway", "versions": ">= 1.0, < 1.2.3",
   "cpe": "cpe:2.3:a:example_vendor:gateway:*:*:*:*:*:*:*:*"},
  {"vendor": "Example Vendor", "product": "Agent", "purl": "pkg:npm/example-agent@2.0.0"}],
 "cves": ["CVE-2026-12345", "CVE-2026-12346"], "cwes": ["CWE-78"],
 "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
 "references": ["https://example.nl/advisories/gateway"],
 "remediation": "Update to 1.2.3.", "tlp": "TLP:CLEAR",
 "probability": {"level": "high", "criteria": "exploited in the wild"},
 "damage": {"level": "high", "criteria": "remote code execution"},
 "audience": {"sectors": ["banking"]}}
JSON
	local id
	id=$(S --json advisory new --from "$TMP/adv.json" | jq -r .id) &&
		S advisory publish "$id" >/dev/null && echo "$id"
}
A1=$(publish .)
S advisory update "$A1" --summary "Fixed version corrected" --remediation "Update to 1.2.4." >/dev/null
A2=$(publish '.tlp = "TLP:GREEN" | .cvss = null | .cves = [] | .title = "Weak defaults in Example Agent"')
A3=$(publish '.tlp = "TLP:AMBER" | .references = [] | .title = "Exposed debug port"')
A4=$(publish '.tlp = "TLP:AMBER+STRICT" | .products[0].versions = "*"')
# An advisory without products (informational) needs a reference.
A5=$(publish '.title = "Phishing wave against banks" | .cvss = null | .products = [] | .cves = []')
jq '.products = [] | .references = [] | .title = "No products, no references"' \
	"$TMP/adv.json" >"$TMP/adv-noref.json"
A6=$(S --json advisory new --from "$TMP/adv-noref.json" | jq -r .id)
run S advisory publish "$A6"
expect_eq "1 1" "$([ "$RC" != 0 ] && echo 1) $(echo "$ERR$OUT" | grep -c 'references: an advisory without products')" \
	"publishing one without products or references is refused, naming references"
if [ -n "$A1" ] && [ -n "$A2" ] && [ -n "$A3" ] && [ -n "$A4" ] && [ -n "$A5" ]; then
	ok "five advisories published, the first updated to revision 2"
else
	not_ok "five advisories published" "$A1 $A2 $A3 $A4 $A5"
fi

# --- export --------------------------------------------------------------------
OUTDIR=$TMP/site
run S csaf export "$OUTDIR/"
expect_eq "0" "$RC" "csaf export writes the tree"
W=$OUTDIR/.well-known/csaf
expect_eq "" "$(ls -d "$OUTDIR.tmp" "$OUTDIR.old" 2>/dev/null)" "... and leaves no temporary directory"
DOCS=$(cd "$W" && find white green amber red -name '*.json' ! -name 'csaf-feed-*' | sort)
expect_eq "amber/$YEAR/ncsc-$YEAR-0003.json amber/$YEAR/ncsc-$YEAR-0004.json green/$YEAR/ncsc-$YEAR-0002.json white/$YEAR/ncsc-$YEAR-0001.json white/$YEAR/ncsc-$YEAR-0005.json" \
	"$(echo $DOCS)" "one document per advisory, by TLP directory and year, named after its tracking id"
D1=$W/white/$YEAR/ncsc-$YEAR-0001.json
expect_eq "csaf_security_advisory 2 1,2 WHITE final 9.8 CRITICAL CVE-2026-12345,CVE-2026-12346" \
	"$(jq -r '[.document.category, .document.tracking.version,
		(.document.tracking.revision_history | map(.number) | join(",")),
		.document.distribution.tlp.label, .document.tracking.status,
		.vulnerabilities[0].scores[0].cvss_v3.baseScore,
		.vulnerabilities[0].scores[0].cvss_v3.baseSeverity,
		(.vulnerabilities | map(.cve) | join(","))] | join(" ")' "$D1")" \
	"the document: security advisory, revision 2 with its history, TLP WHITE, CVSS, both CVEs"

expect_eq "csaf_informational_advisory false false" \
	"$(jq -r '[.document.category, has("vulnerabilities"), has("product_tree")] | join(" ")' "$W/white/$YEAR/ncsc-$YEAR-0005.json")" \
	"an advisory without products: an informational advisory without vulnerabilities"

# --- the validators ---------------------------------------------------------------
run python3 "$SRCDIR/tests/csaf/schema.py" csaf $(for d in $DOCS; do echo "$W/$d"; done)
expect_eq "0" "$RC" "every document validates against the CSAF 2.0 JSON schema"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run python3 "$SRCDIR/tests/csaf/schema.py" provider "$W/provider-metadata.json"
expect_eq "0" "$RC" "provider-metadata.json validates against its schema"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
if [ -d "$SRCDIR/tests/csaf/node_modules/@secvisogram/csaf-validator-lib" ]; then
	run node "$SRCDIR/tests/csaf/validate.mjs" $(for d in $DOCS; do echo "$W/$d"; done)
	expect_eq "0" "$RC" "every document passes the mandatory tests of csaf-validator-lib"
	[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
else
	ok "# SKIP csaf-validator-lib is not installed (scripts/install-deps)"
fi

# --- hashes, signatures, listings ---------------------------------------------------
bad=""
GH=$TMP/gh
mkdir -m 700 "$GH"
gpg --homedir "$GH" --batch --quiet --import "$W"/openpgp/*.asc 2>/dev/null
for f in $(cd "$W" && find . -type f ! -name '*.sha256' ! -name '*.sha512' ! -name '*.asc'); do
	d=$(dirname "$W/$f")
	(cd "$d" && sha256sum --quiet -c "$(basename "$f").sha256" && sha512sum --quiet -c "$(basename "$f").sha512") \
		>/dev/null 2>&1 || bad="$bad hash:$f"
	gpg --homedir "$GH" --batch --verify "$W/$f.asc" "$W/$f" >/dev/null 2>&1 || bad="$bad sig:$f"
done
expect_eq "" "$bad" "every file's .sha256, .sha512 and .asc verify with sha256sum, sha512sum and gpg"
listed() { # DIR: what index.txt and changes.csv name, sorted
	(cat "$W/$1/index.txt"; cut -d, -f1 "$W/$1/changes.csv" | tr -d '"') | sort | uniq -c | awk '{print $1 ":" $2}' | tr '\n' ' '
}
expect_eq "2:$YEAR/ncsc-$YEAR-0003.json 2:$YEAR/ncsc-$YEAR-0004.json " "$(listed amber)" \
	"amber/index.txt and changes.csv list each of its documents once"
expect_eq "2:$YEAR/ncsc-$YEAR-0001.json 2:$YEAR/ncsc-$YEAR-0005.json " "$(listed white)" "... and so do white's"
expect_eq "$YEAR/ncsc-$YEAR-0001.json $YEAR/ncsc-$YEAR-0005.json" \
	"$(jq -r '[.feed.entry[].link[0].href] | sort | join(" ")' "$W/white/csaf-feed-tlp-white.json" | sed "s|[^ ]*/white/||g")" \
	"the ROLIE feed of white links each of its documents"

# --- schakeld serves the same files -------------------------------------------------------
start_daemon "$TMP/d.log"
URL=$BASE
get() { curl -s -o "$TMP/got" -w '%{http_code}' "$@"; }
expect_eq "200 same" "$(get "$URL/.well-known/csaf/provider-metadata.json") $(cmp -s "$TMP/got" "$W/provider-metadata.json" && echo same)" \
	"provider-metadata.json: served without signing in, the same bytes as the export"
expect_eq "200 same" "$(get "$URL/.well-known/csaf/white/$YEAR/ncsc-$YEAR-0001.json") $(cmp -s "$TMP/got" "$D1" && echo same)" \
	"a WHITE document: served to anyone, the same bytes"
expect_eq "200 same" "$(get "$URL/.well-known/csaf/white/index.txt.sha512") $(cmp -s "$TMP/got" "$W/white/index.txt.sha512" && echo same)" \
	"a WHITE hash file: the same bytes"
G2=green/$YEAR/ncsc-$YEAR-0002.json
expect_eq "401" "$(get "$URL/.well-known/csaf/$G2")" "a GREEN document without signing in: 401"
expect_eq "200 same" "$(get -H "Authorization: Bearer $BOB" "$URL/.well-known/csaf/$G2") $(cmp -s "$TMP/got" "$W/$G2" && echo same)" \
	"... served to a partner of the banking sector it is addressed to"
expect_eq "200" "$(get -H "Authorization: Bearer $WES" "$URL/.well-known/csaf/$G2")" \
	"... and to another partner of the community (TLP:GREEN)"
A3P=amber/$YEAR/ncsc-$YEAR-0003.json
expect_eq "200 404 401" "$(get -H "Authorization: Bearer $BOB" "$URL/.well-known/csaf/$A3P") $(get -H "Authorization: Bearer $WES" "$URL/.well-known/csaf/$A3P") $(get "$URL/.well-known/csaf/$A3P")" \
	"an AMBER document: the addressed partner reads it, another partner 404, no user 401"
expect_eq "404" "$(get -H "Authorization: Bearer $BOB" "$URL/.well-known/csaf/amber/index.txt")" \
	"AMBER's index.txt: 404 for a partner (only staff read the AMBER listings)"
S advisory update "$A2" --summary "Workaround added" --remediation "Disable the agent." >/dev/null
get -H "Authorization: Bearer $BOB" "$URL/.well-known/csaf/$G2" >/dev/null
expect_eq "2 Disable the agent." "$(jq -r '[.document.tracking.version, .vulnerabilities[0].remediations[0].details] | join(" ")' "$TMP/got")" \
	"schakeld rebuilds the tree when an advisory changes: revision 2 is served"
run S csaf export "$OUTDIR"
expect_eq "0 2 " "$RC $(jq -r .document.tracking.version "$W/$G2") $(ls -d "$OUTDIR.tmp" "$OUTDIR.old" 2>/dev/null)" \
	"a second export replaces the tree and leaves no temporary directory"
expect_eq "200 same" "$(get -H "Authorization: Bearer $BOB" "$URL/.well-known/csaf/$G2") $(cmp -s "$TMP/got" "$W/$G2" && echo same)" \
	"... with the bytes schakeld serves"
expect_eq "404" "$(get --path-as-is "$URL/.well-known/csaf/white/../amber/index.txt")" "a path with .. is 404"
stop_daemon
done_testing
