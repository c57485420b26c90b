#!/bin/bash
# tests/cli/exchange.sh: schakel import and export end to end: the demo
# constituency imports and exports to the same document, a document with
# one bad entry stores nothing, and export -> import -> export is stable.
. "$(dirname "$0")/lib.sh"

DB=$(new_db exchange)
DEMO="$SRCDIR/share/demo/constituency.json"
S() { "$SCHAKEL" --db "$DB" "$@"; }

# --- the demo constituency ---------------------------------------------------
expect_rc 0 "import the demo constituency" S import "$DEMO"
expect_match "imported .*constituency.json: 63 organizations added or changed, 12 memberships, [0-9]+ contacts and [0-9]+ resources added" \
	"$OUT" "import prints counts"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
orgs = d["organizations"]
kinds = [o["kind"] for o in orgs]
classes = {}
for o in orgs:
    if o["kind"] == "constituent":
        classes[o["class"]] = classes.get(o["class"], 0) + 1
print(kinds.count("national-csirt"), kinds.count("liaison"), sorted(classes.items()))' "$DEMO"
expect_eq "1 2 [('administration', 12), ('essential-public', 12), ('oes', 12), ('private', 12), ('public', 12)]" \
	"$OUT" "demo: a national CSIRT, two liaisons, twelve members of every class"
expect_rc 0 "export" S export "$TMP/demo-export.json"
expect_eq "" "$OUT" "export to a file prints nothing"
if same_doc "$DEMO" "$TMP/demo-export.json"; then ok "the demo exports as it was imported"; else
	not_ok "the demo exports as it was imported" "$(diff "$DEMO" "$TMP/demo-export.json" | head -20)"; fi
expect_rc 0 "whois in the demo" S whois 198.51.100.7
expect_match "Example Telecom +198.51.100.0/24" "$OUT" "demo: the ISP holds the /24"
expect_match "Example Power Grid +198.51.100.0/28" "$OUT" "demo: its customer holds a /28"
expect_rc 0 "import the demo again" S import "$DEMO" --json
expect_eq "0 0 0 0" "$(py '" ".join(str(d[k]) for k in ("organizations","memberships","contacts","resources"))')" \
	"importing the same document again changes nothing"

# --- all or nothing ---------------------------------------------------------
S export >"$TMP/before.json"
python3 - "$DEMO" "$TMP/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["organizations"].append({"name": "Example New Org", "kind": "constituent", "class": "oes",
                           "resources": [{"type": "prefix", "value": "203.0.113.0/24"}]})
org = next(o for o in d["organizations"] if o["name"] == "Example Bank")
org["class"] = "private"
org["resources"].insert(1, {"type": "prefix", "value": "198.51.100.1/24"})
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
BANK=$(python3 -c 'import json,sys; print([o["name"] for o in json.load(open(sys.argv[1]))["organizations"]].index("Example Bank"))' "$TMP/bad.json")
expect_rc 65 "a document with one bad entry is refused" S import "$TMP/bad.json"
expect_match "organizations\[$BANK\] \(Example Bank\): resources\[1\]: 198.51.100.1/24: host bits are set" \
	"$ERR" "the error names the entry, the resource and the problem"
S export >"$TMP/after.json"
if same_doc "$TMP/before.json" "$TMP/after.json"; then ok "the bad document stored nothing"; else
	not_ok "the bad document stored nothing" "$(diff "$TMP/before.json" "$TMP/after.json" | head)"; fi
expect_rc 0 "whois after the refused import" S whois 203.0.113.9
expect_no_match "Example New Org" "$OUT" "no organization of the refused document was added"

printf '{"schakel": 1, "organizations": [\n  {"name": "A"},\n  {"name": "B",}\n]}\n' >"$TMP/syntax.json"
expect_rc 65 "malformed JSON" S import "$TMP/syntax.json"
expect_match "syntax.json:3:[0-9]+: " "$ERR" "malformed JSON: file, line and column"
printf '{"schakel": 1, "organizations": [{"name": "Example Lab", "members": ["Nobody"], "kind": "liaison"}]}' >"$TMP/member.json"
expect_rc 65 "unknown member" S import "$TMP/member.json"
expect_match "organizations\[0\] \(Example Lab\): members\[0\]: no organization named 'Nobody'" "$ERR" \
	"unknown member is named"
expect_rc 0 "org show after refused member import" S org list
expect_no_match "Example Lab" "$OUT" "the refused document added no organization"
printf '{"name": "not an export"}' >"$TMP/other.json"
expect_rc 65 "a JSON document of another kind" S import "$TMP/other.json"
expect_match "not a schakel export document" "$ERR" "a foreign document is recognized"
expect_rc 66 "import a missing file" S import "$TMP/missing.json"
expect_match "missing.json" "$ERR" "missing file is named"
expect_rc 64 "import without a file" S import

# --- update and stdin ----------------------------------------------------------
printf '{"schakel": 1, "organizations": [{"name": "Example Bank", "class": "private", "resources": ["203.0.113.0/24", "AS64499"]}, {"name": "Example Lab", "contacts": [{"name": "Lab SOC", "email": "soc@example-lab.test"}]}]}' >"$TMP/stdin.json"
expect_rc 0 "import from stdin updates and adds" S import - --json <"$TMP/stdin.json"
expect_eq "2 0 1 1" "$(py '" ".join(str(d[k]) for k in ("organizations","memberships","contacts","resources"))')" \
	"stdin import: one org changed, one added, one contact, one new resource"
expect_rc 0 "org show after update" S org show "Example Bank" --json
expect_eq "private True" "$(py 'd["class"]+" "+str(any(r["value"]=="AS64499" for r in d["resources"]))')" \
	"the update kept what the document left out"

# --- round trip through a fresh store -----------------------------------------
export SCHAKEL_NOW=1700000000
S export >"$TMP/first.json"
FRESH=$(new_db fresh)
expect_rc 0 "import the export into a fresh store" "$SCHAKEL" --db "$FRESH" import "$TMP/first.json"
"$SCHAKEL" --db "$FRESH" export "$TMP/second.json"
if cmp -s "$TMP/first.json" "$TMP/second.json"; then ok "export -> import -> export gives the same document"; else
	not_ok "export -> import -> export gives the same document" "$(diff "$TMP/first.json" "$TMP/second.json" | head)"; fi
expect_match '"exported": "2023-11-14T22:13:20Z"' "$(head -3 "$TMP/first.json")" "export carries its time"
unset SCHAKEL_NOW

done_testing
