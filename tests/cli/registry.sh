#!/bin/bash
# tests/cli/registry.sh: the registry commands of schakel end to end:
# --help everywhere, organizations, memberships, contacts, resources,
# whois and overlaps, with the exit codes and messages a user sees.
. "$(dirname "$0")/lib.sh"

DB=$(new_db registry)
S() { "$SCHAKEL" --db "$DB" "$@"; }
# schakel's keyring beside the SQLite store, where it is by default; set
# for PostgreSQL, whose default (/var/lib/schakel/gnupg) a test cannot use.
printf '[pgp]\nhome = %s\n' "$TMP/gnupg" >"$TMP/registry.conf"
export SCHAKEL_CONF=$TMP/registry.conf
kill_agent() { gpgconf --homedir "$TMP/gnupg" --kill all 2>/dev/null; return 0; }
on_exit kill_agent

# --- help and usage ------------------------------------------------------
expect_rc 0 "schakel --help exits 0" "$SCHAKEL" --help
expect_match '^usage: schakel' "$OUT" "--help prints usage on stdout"
expect_match 'whois' "$OUT" "--help lists the commands"
expect_rc 0 "schakel --version exits 0" "$SCHAKEL" --version
expect_match '^schakel [0-9]+\.[0-9]+' "$OUT" "--version prints the version"

for cmd in init "org add" "org list" "org show" "org set" "org rm" "member add" "member rm" \
	"contact add" "contact list" "contact rm" "resource add" "resource list" "resource rm" \
	"resource overlaps" whois import export "user add" "token create" audit migrate; do
	# shellcheck disable=SC2086
	run "$SCHAKEL" $cmd --help
	if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "^usage: schakel $cmd" && [ -z "$ERR" ]; then
		ok "schakel $cmd --help prints its usage and exits 0"
	else
		not_ok "schakel $cmd --help" "rc $RC; stdout: $OUT; stderr: $ERR"
	fi
done
for group in org member contact resource user token; do
	expect_rc 0 "schakel $group --help exits 0" "$SCHAKEL" $group --help
	expect_match "usage: schakel $group SUBCOMMAND" "$OUT" "schakel $group --help lists subcommands"
	expect_rc 64 "schakel $group without subcommand is a usage error" "$SCHAKEL" $group
done
expect_rc 64 "no command is a usage error" "$SCHAKEL"
expect_rc 64 "unknown command" "$SCHAKEL" frobnicate
expect_match "unknown command 'frobnicate'" "$ERR" "unknown command is named"
expect_rc 64 "unknown subcommand" "$SCHAKEL" org frob
expect_rc 64 "unknown global option" "$SCHAKEL" --frob org list
expect_rc 64 "unknown command option" S org list --frob
expect_match "unknown option '--frob'" "$ERR" "unknown option is named"
expect_match "Try 'schakel org list --help'" "$ERR" "usage error points at --help"
expect_rc 64 "--db without a value" "$SCHAKEL" --db
expect_rc 64 "org add without a name" S org add --kind liaison --class oes
expect_rc 64 "org add without --kind" S org add "Example Energy" --class oes
expect_rc 64 "org add with two names" S org add A B --kind liaison --class oes
expect_rc 64 "option value missing" S org add A --kind liaison --class

# --- init ------------------------------------------------------------------
expect_rc 0 "init creates the store" S init
expect_eq "store ready: $DB" "$(printf '%s\n' "$OUT" | head -n 1)" "init says where the store is"
if on_backend sqlite; then
	expect_eq "keyring: $TMP/gnupg" "$(printf '%s\n' "$OUT" | sed -n 2p)" \
		"init says where the keyring is: beside the database"
	expect_eq "700" "$(stat -c %a "$TMP/gnupg")" "init creates the keyring 0700"
fi
expect_rc 0 "init again is fine" S init

# --- organizations -----------------------------------------------------------
expect_rc 0 "add the national CSIRT" S org add "CERT Demo" --kind national-csirt \
	--class administration --country be
expect_rc 0 "add a liaison" S org add "Energy Sector CERT" --kind liaison --class oes \
	--sector energy/electricity
expect_match "added organization [0-9]+: Energy Sector CERT" "$OUT" "org add names the new org"
expect_rc 0 "add an ISP" S org add "Example ISP" --kind constituent --class private \
	--sector digital-infrastructure --notes "upstream of many"
expect_rc 0 "add a member, --json, --member-of" S org add "Example Energy" --kind constituent \
	--class oes --sector energy/gas --member-of "Energy Sector CERT" --json
expect_eq "Example Energy/oes/energy/gas" "$(py 'd["name"]+"/"+d["class"]+"/"+d["sector"]')" \
	"org add --json prints the organization"
ENERGY_ID=$(py 'd["id"]')
expect_rc 65 "bad kind is a data error" S org add "Bad" --kind company --class oes
expect_match "kind 'company' is not one of: national-csirt, liaison, constituent" "$ERR" \
	"bad kind lists the allowed kinds"
expect_rc 65 "bad sector" S org add "Bad" --kind constituent --class oes --sector energy
expect_rc 65 "bad country" S org add "Bad" --kind constituent --class oes --country BEL
expect_rc 65 "duplicate organization" S org add "Example ISP" --kind constituent --class oes
expect_match "already exists" "$ERR" "duplicate organization is reported"
expect_rc 65 "--member-of a constituent" S org add "Bad" --kind constituent --class oes \
	--member-of "Example ISP"
expect_match "not a liaison" "$ERR" "--member-of needs a liaison"
expect_rc 65 "--member-of an unknown org" S org add "Bad" --kind constituent --class oes \
	--member-of "Nobody"
expect_rc 0 "org list" S org list
expect_match "^ID +NAME +KIND +CLASS +SECTOR +STATUS" "$OUT" "org list has a header"
expect_match "^[0-9]+ +Example Energy +constituent +oes +energy/gas +connected" "$OUT" \
	"org list shows a row per organization"
expect_no_match "Bad" "$OUT" "failed adds stored nothing"
aligned=$(printf '%s\n' "$OUT" | python3 -c 'import re,sys
L = sys.stdin.read().splitlines(); k = L[0].index("KIND"); s = L[0].index("STATUS")
print(all(re.match("(national-csirt|liaison|constituent) ", l[k:]) and l[s:] == "connected" for l in L[1:]))')
expect_eq True "$aligned" "org list columns are aligned"
expect_rc 0 "org list --json (after the subcommand)" S org list --json
expect_eq 4 "$(py 'len(d)')" "org list --json is an array of 4"
expect_rc 0 "org list --json (before the command)" "$SCHAKEL" --json --db "$DB" org list --kind liaison
expect_eq "Energy Sector CERT" "$(py '",".join(o["name"] for o in d)')" "org list --kind filters"
expect_rc 0 "org list --class oes" S org list --class oes
expect_no_match "Example ISP" "$OUT" "org list --class leaves other classes out"
expect_rc 65 "org list --class bad" S org list --class big
expect_rc 0 "org list --search, any case" S org list --search "EXAMPLE e" --json
expect_eq "Example Energy" "$(py '",".join(o["name"] for o in d)')" \
	"org list --search finds a substring of the name, ignoring case"
expect_rc 0 "org list --search with --kind and --sector" S org list --search cert \
	--kind liaison --sector energy/electricity --json
expect_eq "Energy Sector CERT" "$(py '",".join(o["name"] for o in d)')" \
	"org list --search combines with the other filters"
expect_rc 0 "org list --search _" S org list --search _
expect_eq "no organizations" "$OUT" "org list --search takes _ as itself, not as a wildcard"
expect_rc 65 "org list --search too long" S org list --search "$(printf 'a%.0s' $(seq 101))"
expect_match "longer than 100 bytes" "$ERR" "org list --search says how long it may be"

expect_rc 0 "org show by name" S org show "Example Energy"
expect_match "^class: +oes" "$OUT" "org show prints fields"
expect_match "^liaisons: +Energy Sector CERT" "$OUT" "org show names the liaisons"
expect_rc 0 "org show by id" S org show "$ENERGY_ID"
expect_match "^name: +Example Energy" "$OUT" "org show finds an org by id"
expect_rc 0 "org show a liaison --json" S org show "Energy Sector CERT" --json
expect_eq "['Example Energy']" "$(py 'd["members"]')" "org show --json lists members"
expect_rc 65 "org show unknown" S org show "Nobody"
expect_match "no organization 'Nobody'" "$ERR" "unknown organization is named"
expect_rc 65 "org show unknown id" S org show 9999

expect_rc 0 "org set" S org set "Example ISP" class=oes "notes=Peering at the IX" country=NL
expect_rc 0 "org show after set" S org show "Example ISP" --json
expect_eq "oes|Peering at the IX|NL" "$(py 'd["class"]+"|"+d["notes"]+"|"+d["country"]')" \
	"org set changed the fields"
expect_rc 0 "org set clears with an empty value" S org set "Example ISP" country= notes=
expect_rc 0 "org show after clearing" S org show "Example ISP" --json
expect_eq "None|None" "$(py 'str(d["country"])+"|"+str(d["notes"])')" "country and notes cleared"
expect_rc 65 "org set bad field" S org set "Example ISP" colour=red
expect_match "unknown field 'colour'" "$ERR" "org set names the bad field"
expect_rc 65 "org set bad value" S org set "Example ISP" class=big
expect_rc 64 "org set without =" S org set "Example ISP" class
expect_rc 64 "org set without fields" S org set "Example ISP"

# --- memberships -----------------------------------------------------------
expect_rc 0 "member add" S member add "Energy Sector CERT" "Example ISP"
expect_match "Example ISP is now a member of Energy Sector CERT" "$OUT" "member add confirms"
expect_rc 65 "member add twice" S member add "Energy Sector CERT" "Example ISP"
expect_match "already a member" "$ERR" "duplicate membership is reported"
expect_rc 65 "member add to a constituent" S member add "Example ISP" "Example Energy"
expect_match "not a liaison" "$ERR" "only liaisons have members"
expect_rc 65 "member add unknown" S member add "Energy Sector CERT" "Nobody"
expect_rc 64 "member add needs two organizations" S member add "Energy Sector CERT"
expect_rc 0 "member rm" S member rm "Energy Sector CERT" "Example ISP"
expect_rc 65 "member rm of a non-member" S member rm "Energy Sector CERT" "Example ISP"
expect_rc 0 "org show after member rm" S org show "Energy Sector CERT" --json
expect_eq "['Example Energy']" "$(py 'd["members"]')" "member rm removed only that membership"

# --- contacts ----------------------------------------------------------------
# A contact's fingerprint must name a key in schakel's keyring.
mkdir -m 700 "$TMP/soc-gpg"
gpg --homedir "$TMP/soc-gpg" --batch --quiet --passphrase '' \
	--quick-gen-key "SOC <soc@example.be>" default default never 2>/dev/null
gpg --homedir "$TMP/soc-gpg" --batch --armor --export soc@example.be >"$TMP/soc.asc"
FPR=$(gpg --homedir "$TMP/soc-gpg" --with-colons --list-keys soc@example.be |
	awk -F: '/^fpr/ {print $10; exit}')
gpgconf --homedir "$TMP/soc-gpg" --kill all
expect_rc 65 "contact add with a key not in the keyring" S contact add "Example Energy" \
	--name "Duty Officer" --email soc@example.be \
	--pgp "0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567"
expect_match "no such key in schakel's keyring" "$ERR" "the fingerprint is refused, saying why"
expect_rc 0 "import the contact's key" S key import "$TMP/soc.asc"
LOWER=$(printf '%s' "$FPR" | tr 'A-F' 'a-f' | sed 's/..../& /g')
expect_rc 0 "contact add" S contact add "Example Energy" --name "Duty Officer" \
	--email soc@example.be --phone "+32 2 555 01 23" --role operational-24x7 --lang en,nl \
	--pgp "$LOWER" --json
expect_eq "nl,en|$FPR" \
	"$(py '",".join(d["languages"])+"|"+d["pgp_fingerprint"]')" "contact add normalizes"
CONTACT_ID=$(py 'd["id"]')
expect_rc 0 "second contact" S contact add "Example ISP" --name "Abuse Desk" \
	--email abuse@example.nl --role abuse
expect_rc 65 "contact with a bad e-mail" S contact add "Example ISP" --name X --email nope
expect_match "e-mail 'nope'" "$ERR" "bad e-mail is named"
expect_rc 65 "contact with a bad fingerprint" S contact add "Example ISP" --name X \
	--email x@example.nl --pgp 1234
expect_rc 65 "contact with a bad language" S contact add "Example ISP" --name X \
	--email x@example.nl --lang nl,es
expect_rc 65 "contact with a bad role" S contact add "Example ISP" --name X \
	--email x@example.nl --role ceo
expect_rc 64 "contact add without --email" S contact add "Example ISP" --name X
expect_rc 65 "contact add to an unknown org" S contact add "Nobody" --name X --email x@example.nl
expect_rc 0 "contact list" S contact list
expect_match "^ID +ORG +NAME +EMAIL +ROLE +LANGUAGES" "$OUT" "contact list has a header"
expect_match "Example Energy +Duty Officer +soc@example.be +operational-24x7 +nl,en" "$OUT" \
	"contact list shows the contact"
expect_rc 0 "contact list ORG --json" S contact list "Example ISP" --json
expect_eq "abuse@example.nl" "$(py '",".join(c["email"] for c in d)')" "contact list ORG filters"
expect_rc 64 "contact rm needs a numeric id" S contact rm abc
expect_rc 65 "contact rm unknown id" S contact rm 9999
expect_rc 0 "contact rm" S contact rm "$CONTACT_ID"
expect_rc 0 "contact list after rm" S contact list "Example Energy"
expect_match "no contacts" "$OUT" "contact rm removed it"

# --- resources -----------------------------------------------------------------
expect_rc 0 "resource add, typed and bare" S resource add "Example ISP" \
	prefix:198.51.100.0/24 asn:AS64496 domain:example.be 2001:db8::/32
expect_match "added prefix 198.51.100.0/24 to Example ISP" "$OUT" "resource add confirms"
expect_rc 0 "resource add nested" S resource add "Example Energy" 198.51.100.0/28 \
	2001:db8:1::/48 AS64500 shop.example.be --json
expect_eq 4 "$(py 'len(d)')" "resource add --json lists what was added"
expect_rc 65 "prefix with host bits" S resource add "Example Energy" prefix:198.51.100.1/24
expect_match "host bits are set" "$ERR" "host bits are reported"
expect_rc 65 "IPv4 /33" S resource add "Example Energy" prefix:198.51.100.0/33
expect_match "198.51.100.0/33" "$ERR" "/33 is named"
expect_rc 65 "IPv6 /129" S resource add "Example Energy" prefix:2001:db8::/129
expect_rc 65 "garbage prefix" S resource add "Example Energy" prefix:banana
expect_match "banana" "$ERR" "garbage prefix is named"
expect_rc 65 "IPv4 with a leading zero" S resource add "Example Energy" prefix:198.051.100.0/24
expect_rc 65 "AS0" S resource add "Example Energy" asn:AS0
expect_rc 65 "ASN too large" S resource add "Example Energy" asn:AS4294967296
expect_rc 65 "ASN not a number" S resource add "Example Energy" asn:ASxyz
expect_rc 65 "domain with an underscore" S resource add "Example Energy" domain:exa_mple.be
expect_rc 65 "domain label of 64 characters" S resource add "Example Energy" \
	"domain:$(printf 'a%.0s' $(seq 64)).example.be"
long=$(printf 'abcdefghi.%.0s' $(seq 26))be
expect_rc 65 "domain over 253 bytes" S resource add "Example Energy" "domain:$long"
expect_rc 65 "not a resource at all" S resource add "Example Energy" nonsense
expect_rc 65 "resource for an unknown org" S resource add "Nobody" 203.0.113.0/24
expect_match "no organization 'Nobody'" "$ERR" "unknown org is named"
expect_rc 65 "duplicate resource" S resource add "Example ISP" 198.51.100.0/24
expect_match "already has prefix 198.51.100.0/24" "$ERR" "duplicate resource is named"
expect_rc 65 "one bad value stores none" S resource add "Example Energy" 203.0.113.0/24 \
	prefix:203.0.113.1/24
expect_rc 65 "one duplicate stores none" S resource add "Example Energy" 203.0.113.0/24 AS64500
expect_rc 64 "resource add without values" S resource add "Example Energy"
expect_rc 0 "resource list ORG" S resource list "Example Energy"
expect_no_match "203.0.113" "$OUT" "failed resource adds stored nothing"
expect_match "^ID +ORG +TYPE +VALUE" "$OUT" "resource list has a header"
expect_rc 0 "resource list --type prefix --json" S resource list --type prefix --json
expect_eq "198.51.100.0/24 2001:db8::/32 198.51.100.0/28 2001:db8:1::/48" \
	"$(py '" ".join(r["value"] for r in sorted(d, key=lambda r: r["id"]))')" \
	"resource list --type filters"
expect_rc 65 "resource list --type bad" S resource list --type url

# --- whois and overlaps ----------------------------------------------------------
expect_rc 0 "whois an address" S whois 198.51.100.7
expect_match "^ORG +VIA +KIND +CLASS" "$OUT" "whois has a header"
expect_eq "Example Energy 198.51.100.0/28|Example ISP 198.51.100.0/24" \
	"$(printf '%s\n' "$OUT" | awk 'NR>1{print $1" "$2" "$3}' | paste -sd'|')" \
	"whois names the owners with their prefixes, most specific first"
expect_rc 0 "whois --json" S whois 198.51.100.7 --json
expect_eq "198.51.100.7: Example Energy 198.51.100.0/28, Example ISP 198.51.100.0/24" \
	"$(py 'd["query"]+": "+", ".join(m["org"]["name"]+" "+m["via"]["value"] for m in d["matches"])')" \
	"whois --json has query and matches"
expect_rc 0 "whois IPv6" S whois 2001:db8:1::abc
expect_match "Example Energy +2001:db8:1::/48" "$OUT" "whois IPv6 finds the /48"
expect_rc 0 "whois AS" S whois AS64500
expect_match "Example Energy +AS64500" "$OUT" "whois finds an AS number"
expect_rc 0 "whois a typed value" S whois asn:AS64500
expect_match "Example Energy +AS64500" "$OUT" "whois takes typed values like resource add"
expect_rc 0 "whois a name under a domain" S whois www.shop.example.be
expect_eq "shop.example.be example.be" "$(printf '%s\n' "$OUT" | awk 'NR>1{print $3}' | paste -sd' ')" \
	"whois domain: closest parent first"
expect_rc 0 "whois badexample.be" S whois badexample.be
expect_match "badexample.be: no owner in the registry" "$OUT" "label boundaries are respected"
expect_rc 0 "whois an address nobody owns" S whois 192.0.2.1
expect_eq "192.0.2.1: no owner in the registry" "$OUT" "no owner is said plainly"
expect_rc 0 "whois --json without owner" S whois 192.0.2.1 --json
expect_eq 0 "$(py 'len(d["matches"])')" "no owner: empty matches"
expect_rc 65 "whois garbage" S whois 'xyz!'
expect_match "not an IP address, prefix, AS number or domain name" "$ERR" "whois garbage is explained"
expect_rc 65 "whois host bits" S whois 198.51.100.1/24
expect_match "host bits are set" "$ERR" "whois host bits is explained"
expect_rc 64 "whois without a value" S whois

expect_rc 0 "resource overlaps" S resource overlaps
expect_match "198.51.100.0/28 +Example Energy +198.51.100.0/24 +Example ISP" "$OUT" \
	"overlaps lists the nested IPv4 pair"
expect_match "2001:db8:1::/48 +Example Energy +2001:db8::/32 +Example ISP" "$OUT" \
	"overlaps lists the nested IPv6 pair"
expect_rc 0 "resource overlaps --json" S resource overlaps --json
expect_eq 2 "$(py 'len(d)')" "overlaps --json has both pairs"

expect_rc 0 "resource rm ORG VALUE" S resource rm "Example Energy" prefix:198.51.100.0/28
expect_match "removed prefix 198.51.100.0/28 from Example Energy" "$OUT" "resource rm confirms"
expect_rc 65 "resource rm again" S resource rm "Example Energy" 198.51.100.0/28
expect_match "has no prefix 198.51.100.0/28" "$ERR" "resource rm of a missing value"
RID=$(S resource list "Example Energy" --type asn --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_rc 0 "resource rm ID" S resource rm "$RID"
expect_rc 65 "resource rm unknown ID" S resource rm 99999
expect_rc 64 "resource rm non-numeric single argument" S resource rm abc
expect_rc 0 "whois after rm" S whois 198.51.100.7
expect_no_match "Example Energy" "$OUT" "removed prefix no longer answers"
expect_rc 0 "whois AS after rm" S whois AS64500
expect_match "no owner" "$OUT" "removed ASN no longer answers"

expect_rc 0 "org rm" S org rm "Example Energy"
expect_match "removed organization [0-9]+: Example Energy" "$OUT" "org rm confirms"
expect_rc 65 "org rm again" S org rm "Example Energy"
expect_rc 0 "whois after org rm" S whois 2001:db8:1::1
expect_no_match "Example Energy" "$OUT" "org rm removed its resources"

done_testing
