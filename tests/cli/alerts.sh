#!/bin/bash
# tests/cli/alerts.sh: an urgent (High/High) advisory published at night
# (a fixed clock, a Saturday 02:30 UTC): every recipient organization's
# operational-24x7 contact gets its alert at smtp-sink within 60 s,
# encrypted to its key, next to the advisory mail; one organization
# acknowledges by the personal link, one by replying, one not at all and
# is escalated to its second contact and then to the calling list; the
# liaison receives its member's copy only as TLP allows; portal
# acknowledgement, calls, unknown and expired links, tokens kept hashed.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
command -v gpg >/dev/null || {
	echo "1..0 # SKIP gpg is missing"
	exit 0
}

DB=$(new_db alerts)
KEYRING=$TMP/keyring
cat >"$TMP/schakel.conf" <<CONF
[store]
url = $DB
[pgp]
home = $KEYRING
[notify]
templates = $SRCDIR/share/templates
sender = CERT Test
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@cert.test
[http]
public_url = https://cert.example.test/
[advisories]
review = no
[tickets]
tag = CERT
CONF
export SCHAKEL_CONF=$TMP/schakel.conf
S() { "$SCHAKEL" "$@"; }
PARTNER=$TMP/partner
mkdir -m 700 "$PARTNER"
G() { gpg --homedir "$PARTNER" --batch --quiet "$@"; }
kill_agents() {
	gpgconf --homedir "$KEYRING" --kill all 2>/dev/null
	gpgconf --homedir "$PARTNER" --kill all 2>/dev/null
	return 0
}
on_exit kill_agents
# Saturday 5 December 2026, 02:30 UTC: outside any office hours.
T0=$(date -u -d '2026-12-05 02:30:00' +%s)
export SCHAKEL_NOW=$T0

exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S key generate --name "CERT Test" --email cert@cert.test >/dev/null
S org add "Energy ISAC" --kind liaison --class private --sector energy/gas >/dev/null
S org add "Power Co" --kind constituent --class oes --sector energy/electricity \
	--member-of "Energy ISAC" >/dev/null
S org add "Gas Co" --kind constituent --class oes --sector energy/gas >/dev/null
S org add "Rail Co" --kind constituent --class essential-public --sector transport/rail >/dev/null
# contact ORG NAME ADDRESS PHONE [LANG [ROLE]]: a contact (24x7 unless
# ROLE says otherwise) with its own key.
contact() {
	G --passphrase '' --quick-gen-key "$2 <$3>" default default never 2>/dev/null
	G --armor --export "$3" >"$TMP/k.asc"
	S key import "$TMP/k.asc" >/dev/null
	S contact add "$1" --name "$2" --email "$3" --phone "$4" --role "${6:-operational-24x7}" \
		--lang "${5:-en}" --pgp "$(G --with-colons --list-keys "$3" |
			awk -F: '/^fpr/ {print $10; exit}')" >/dev/null
}
contact "Power Co" "Power SOC" soc1@power.test "+32 2 000 00 01"
contact "Power Co" "Power Duty" soc2@power.test "+32 2 000 00 02"
contact "Gas Co" "Gas SOC" soc@gas.test "+32 2 000 00 03" nl
contact "Gas Co" "Gas Advisories" adv@gas.test "+32 2 000 00 07" nl advisory
contact "Rail Co" "Rail First" first@rail.test "+32 2 000 00 04"
contact "Rail Co" "Rail Second" second@rail.test "+32 2 000 00 05"
contact "Energy ISAC" "ISAC Desk" desk@isac.test "+32 2 000 00 06" fr
S user add ann --role analyst >/dev/null
S user add pp --role partner --org "Power Co" >/dev/null
S user add rp --role partner --org "Rail Co" >/dev/null
ANN=$(S token create ann)
PP=$(S token create pp)
RP=$(S token create rp)
exec 2>&3 3>&-
gpg --homedir "$KEYRING" --armor --export cert@cert.test | G --import 2>/dev/null
id_of() { S --json org list | jq -r ".[] | select(.name == \"$1\") | .id"; }
POWER=$(id_of "Power Co")
GAS=$(id_of "Gas Co")
RAIL=$(id_of "Rail Co")
ISAC=$(id_of "Energy ISAC")
if [ -n "$RP" ] && [ -n "$ISAC" ]; then ok "seeded: four organizations, six 24x7 contacts and an advisory one, with keys"; else
	not_ok "seeded" "$(cat "$TMP/seed.err")"; fi

# doc TLP: an urgent advisory for Power, Gas and Rail.
doc() {
	jq --arg tlp "$1" --argjson orgs "[$POWER, $GAS, $RAIL]" \
		'.tlp = $tlp | .audience = {"orgs": $orgs}' >"$TMP/adv.json" <<'JSON'
{"title": "Remote code execution in Example Gateway",
 "summary": "Anyone on the network can run code on the gateway.",
 "products": [{"vendor": "Example Vendor", "product": "Gateway", "versions": "< 1.2.3"}],
 "cves": ["CVE-2026-12345"], "remediation": "Update to 1.2.3.",
 "probability": {"level": "high", "criteria": "exploited in the wild"},
 "damage": {"level": "high", "criteria": "remote code execution"}}
JSON
}

# --- publish: queued at once, delivered within 60 s, encrypted ----------------
doc TLP:AMBER
run S --json advisory new --from "$TMP/adv.json"
A1=$(py 'd["id"]')
start_sink
START=$(date +%s)
expect_rc 0 "an urgent advisory is published at 02:30 on a Saturday" S --json advisory publish "$A1"
expect_eq "$ISAC" "$(py '[r["org_id"] for r in d if r["relation"] == "liaison"][0]')" \
	"TLP:AMBER: the liaison receives its member's copy"
expect_rc 0 "alert list" S --json alert list --advisory "$A1"
expect_eq "4 sent" "$(py 'len(d), " ".join(sorted(set(a["state"] for a in d)))' | tr -d "(),'")" \
	"one alert per recipient organization, sent"
alert_of() { S --json alert list --advisory "$1" | jq -r ".[] | select(.org_id == $2) | .id"; }
AP=$(alert_of "$A1" "$POWER")
AG=$(alert_of "$A1" "$GAS")
AR=$(alert_of "$A1" "$RAIL")
start_daemon "$TMP/daemon.log"
for a in soc1@power.test soc@gas.test first@rail.test desk@isac.test; do
	wait_got "$a" 60
done
ELAPSED=$(($(date +%s) - START))
expect_eq "yes" "$([ "$ELAPSED" -le 60 ] && echo yes)" "every first 24x7 contact had mail within 60 s (${ELAPSED}s)"
for a in soc1@power.test soc@gas.test first@rail.test desk@isac.test; do
	for _ in $(seq 100); do [ "$(sink_got "$a")" -ge 2 ] && break; sleep 0.1; done
done
for a in soc2@power.test second@rail.test adv@gas.test; do wait_got "$a" 10; done
expect_eq "2 1 2 2 1 2" "$(for a in soc1@power.test soc2@power.test soc@gas.test \
	first@rail.test second@rail.test desk@isac.test; do sink_got "$a"; done | xargs)" \
	"the alert and the advisory to each first contact, the advisory alone to the second ones"
expect_eq "1" "$(sink_got adv@gas.test)" "a contact with role advisory gets the advisory but no alert"
ENC=$(grep -L "multipart/encrypted" "$SINK"/msg.* | wc -l)
expect_eq 0 "$ENC" "every mail is PGP/MIME encrypted"
expect_no_match "Remote code execution|Anyone on the network" "$(cat "$SINK"/msg.*)" \
	"nothing of the advisory is in clear, the subject neither"

# clear_of ADDR WORD: the decrypted text of the mail to ADDR whose text has WORD.
clear_of() {
	for f in $(grep -l -- "^X-Rcpt-Args: <$1>" "$SINK"/msg.*); do
		sed -n '/^-----BEGIN PGP MESSAGE-----/,/^-----END PGP MESSAGE-----/p' "$f" |
			tr -d '\r' | G --decrypt 2>/dev/null | python3 -c '
import email, sys
m = email.message_from_bytes(sys.stdin.buffer.read())
for p in m.walk():
    if p.get_content_type() == "text/plain":
        print(p.get("Subject", "") or m.get("Subject", ""))
        print(p.get_payload(decode=True).decode())' | grep -q -- "$2" &&
			{ sed -n '/^-----BEGIN PGP MESSAGE-----/,/^-----END PGP MESSAGE-----/p' "$f" |
				tr -d '\r' | G --decrypt 2>/dev/null | python3 -c '
import email, sys
m = email.message_from_bytes(sys.stdin.buffer.read())
print("Subject:", m.get("Subject", ""))
for p in m.walk():
    if p.get_content_type() == "text/plain":
        print(p.get_payload(decode=True).decode())'; return 0; }
	done
	return 1
}
POWER_ALERT=$(clear_of soc1@power.test "/ack/")
expect_match "Acknowledge by opening this personal link" "$POWER_ALERT" "the alert decrypts, in English"
expect_match "\[ALERT #$AP\]" "$POWER_ALERT" "its subject carries the alert's tag"
GAS_ALERT=$(clear_of soc@gas.test "/ack/")
expect_match "Bevestig met deze persoonlijke link" "$GAS_ALERT" "Gas's contact gets it in Dutch"
ISAC_MAIL=$(clear_of desk@isac.test "liaison")
expect_match "en tant que liaison de : Power Co" "$ISAC_MAIL" "the liaison's copy names its member, in French"
expect_match "et à personne d'autre" "$ISAC_MAIL" "... and may go to that member only (TLP:AMBER)"
expect_match "Anyone on the network" "$ISAC_MAIL" "... with the advisory's text as written"

# --- acknowledged by link ---------------------------------------------------------
TOKEN=$(printf '%s' "$POWER_ALERT" | grep -o 'https://cert.example.test/ack/[A-Za-z0-9_-]*' |
	head -1 | sed 's|.*/ack/||')
expect_eq 47 "${#TOKEN}" "the link carries a token"
curl -s -D "$TMP/h" -o "$TMP/page" "$BASE/ack/$TOKEN"
expect_match "200" "$(head -1 "$TMP/h")" "GET /ack/TOKEN without sign-in: 200"
expect_match "Content-Security-Policy: default-src 'none'" "$(cat "$TMP/h")" "... under the CSP"
expect_match "Remote code execution in Example Gateway" "$(cat "$TMP/page")" "... shows the alert"
expect_match "<form method=\"post\" action=\"/ack/$TOKEN\">" "$(cat "$TMP/page")" "... and one button"
expect_eq sent "$(S --json alert list --advisory "$A1" | jq -r ".[] | select(.id == $AP) | .state")" \
	"looking is no acknowledgement"
CODE=$(curl -s -o "$TMP/page" -w '%{http_code}' -X POST "$BASE/ack/$TOKEN")
expect_eq 200 "$CODE" "POST /ack/TOKEN: 200"
expect_match "Thank you: acknowledged" "$(cat "$TMP/page")" "... says thank you"
run S --json alert list --advisory "$A1"
expect_eq "acknowledged link" "$(py "[(a['state'], a['how']) for a in d if a['id'] == $AP][0]" | tr -d "(),'")" \
	"the alert is acknowledged by link"
expect_eq 0 "$(py "[a['seconds_to_acknowledge'] for a in d if a['id'] == $AP][0]")" \
	"the time to acknowledge is kept (0 s under the fixed clock)"
expect_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/ack/sk_unknownAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")" \
	"an unknown token: 404"
expect_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/ack/x%3Cscript%3E")" \
	"a malformed token: 404"
if on_backend sqlite; then
	expect_eq "0 1" "$(sqlite3 "${DB#sqlite:}" "SELECT count(*) FROM alert_tokens WHERE hash = '$TOKEN'; SELECT count(*) FROM alert_tokens WHERE length(hash) = 64 AND alert_id = $AP" | tr '\n' ' ' | sed 's/ $//')" \
		"the token is stored only as its hash"
fi

# --- acknowledged by reply ------------------------------------------------------------
printf 'From: Gas SOC <soc@gas.test>\nTo: cert@cert.test\nSubject: Re: [ALERT #%s] URGENT\nMessage-ID: <r1@gas.test>\n\nGezien, we patchen.\n' \
	"$AG" >"$TMP/reply.eml"
expect_rc 0 "a reply by mail goes through mailgate" S --json mailgate --sender soc@gas.test <"$TMP/reply.eml"
expect_eq "acknowledged mail soc@gas.test" \
	"$(S --json alert list --advisory "$A1" | jq -r ".[] | select(.id == $AG) | \"\(.state) \(.how) \(.acknowledged_by)\"")" \
	"the reply acknowledges Gas's alert"

# --- portal ----------------------------------------------------------------------------
expect_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $PP" "$BASE/api/v1/alerts/$AR/ack")" \
	"a partner of another organization cannot acknowledge Rail's alert"
expect_eq "$POWER" "$(curl -s -H "Authorization: Bearer $PP" "$BASE/api/v1/alerts" |
	jq -r '[.items[].org_id] | unique | map(tostring) | join(" ")')" \
	"a partner lists its own organization's alerts and no other's"

# --- nobody answers: second contact, then the calling list -----------------------------
expect_rc 0 "escalate before escalate_after: nothing" S --json alert escalate
expect_eq "0 0" "$(py 'd["escalated"], d["calllist"]' | tr -d "(),'")" "30 minutes have not passed"
export SCHAKEL_NOW=$((T0 + 1801))
expect_rc 0 "escalate after 30 min" S --json alert escalate
expect_eq "1 1" "$(py 'd["escalated"], d["calllist"]' | tr -d "(),'")" \
	"Rail's alert goes to its second contact, the liaison's (one contact) to the calling list"
# schakeld's clock stays at 02:30; the mail is due at 03:00.
expect_rc 0 "the queue is sent" S mail send
expect_eq 2 "$(sink_got second@rail.test)" "Rail's second contact is mailed the alert"
expect_match "you are contact 2" "$(clear_of second@rail.test "/ack/")" "... told nobody answered before"
export SCHAKEL_NOW=$((T0 + 3602))
expect_rc 0 "escalate again" S --json alert escalate
expect_eq "0 1" "$(py 'd["escalated"], d["calllist"]' | tr -d "(),'")" "after Rail's last contact: the calling list"
expect_rc 0 "calllist" S alert calllist "$A1"
expect_match "Rail Co +essential-public +calllist +Rail First: \+32 2 000 00 04; Rail Second: \+32 2 000 00 05" \
	"$OUT" "the calling list: Rail with its 24x7 phones"
expect_no_match "Power Co|Gas Co" "$OUT" "acknowledged organizations are not on it"
oncall=$(S --json alert list | jq '[.[] | select(.state == "calllist")] | length')
expect_eq "schakel_alerts_unacknowledged{state=\"calllist\"} $oncall" \
	"$(curl -s "$BASE/metrics" | grep '^schakel_alerts_unacknowledged{state="calllist"}')" \
	"/metrics counts the alerts on the calling list"
expect_rc 0 "a call that reached nobody" S alert call "$AR" --reached no --notes "voicemail"
expect_rc 0 "calllist --json" S --json alert calllist "$A1"
expect_eq "Rail Co False voicemail" "$(py "[(e['alert']['org'], e['calls'][-1]['reached'], e['calls'][-1]['notes']) for e in d if e['alert']['id'] == $AR][0]" | tr -d "(),'")" \
	"the call is on the list: not reached, notes"
send_call() {
	curl -s -o "$TMP/call.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $ANN" \
		-H 'Content-Type: application/json' -d "$1" "$BASE/api/v1/alerts/$AR/calls"
}
expect_eq 201 "$(send_call '{"reached": true, "who": "Rail Second", "notes": "patching"}')" \
	"API: the duty officer records a call"
expect_eq "ann Rail Second" "$(jq -r '.calls[-1] | "\(.by) \(.who)"' "$TMP/call.json")" "... by the user, who was reached"
expect_eq 200 "$(curl -s -o "$TMP/cl.json" -w '%{http_code}' -H "Authorization: Bearer $ANN" "$BASE/api/v1/advisories/$A1/calllist")" \
	"API: the calling list"
expect_eq "$AR" "$(jq -r '.items[0].alert.id' "$TMP/cl.json")" "... Rail first"
expect_eq 200 "$(curl -s -o "$TMP/ack.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $RP" "$BASE/api/v1/alerts/$AR/ack")" \
	"Rail's partner acknowledges in the portal"
expect_eq "acknowledged portal rp" "$(jq -r '"\(.state) \(.how) \(.acknowledged_by)"' "$TMP/ack.json")" "... recorded as such"
expect_rc 0 "alert ack by phone" S alert ack "$(alert_of "$A1" "$ISAC")" --how phone --notes "called the desk"
expect_eq 200 "$(curl -s -o "$TMP/l.json" -w '%{http_code}' -H "Authorization: Bearer $ANN" "$BASE/api/v1/alerts?advisory=$A1")" \
	"API: the alerts of the advisory"
expect_eq "link mail phone portal" "$(jq -r '[.items[].how] | sort | join(" ")' "$TMP/l.json")" \
	"every alert acknowledged, each its own way"

# --- expired links ---------------------------------------------------------------------
stop_daemon
SCHAKEL_NOW=$((T0 + 8 * 86400)) start_daemon "$TMP/daemon2.log"
expect_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/ack/$TOKEN")" "after 7 days the link is 404"
stop_daemon

# --- TLP:AMBER+STRICT: the liaison gets nothing -------------------------------------------
doc TLP:AMBER+STRICT
run S --json advisory new --from "$TMP/adv.json"
A2=$(py 'd["id"]')
expect_rc 0 "an urgent TLP:AMBER+STRICT advisory is published" S --json advisory publish "$A2"
expect_eq 0 "$(py 'len([r for r in d if r["relation"] == "liaison"])')" "no liaison recipient"
expect_eq "3 no" "$(S --json alert list --advisory "$A2" | jq -r "[length, (map(.org_id) | index($ISAC) != null | if . then \"yes\" else \"no\" end)] | join(\" \")")" \
	"three alerts, none for the liaison"

done_testing
