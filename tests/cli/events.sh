#!/bin/bash
# tests/cli/events.sh: schakel events list, purge and optout on a fresh
# store: what one organization is shown (its rows, after the TLP policy),
# filters and paging, retention with its audit row, opt-outs and their
# errors. The events are written into the store's tables directly, as
# the ingest stores them, until a command that stores events exists.
. "$(dirname "$0")/lib.sh"

DB=$(new_db events)
export SCHAKEL_NOW=1700000000 # 2023-11-14T22:13:20Z
S() { "$SCHAKEL" --db "$DB" "$@"; }

# sql STATEMENT: run SQL on the store.
sql() {
	case $DB in
	sqlite:*)
		python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "${DB#sqlite:}" "$1"
		;;
	*) pg_query "$DB" "$1" >/dev/null ;;
	esac
}

# --- a liaison with two members, and a third organization ----------------
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S org add "Energy Sector CERT" --kind liaison --class private --sector energy/electricity >/dev/null
S org add "Example Energy" --kind constituent --class oes --sector energy/electricity \
	--member-of "Energy Sector CERT" >/dev/null
S org add "Example Water" --kind constituent --class oes --sector drinking-water \
	--member-of "Energy Sector CERT" >/dev/null
S org add "Other Bank" --kind constituent --class private --sector banking >/dev/null
exec 2>&3 3>&-
id_of() { S org list --json | jq -r --arg n "$1" '.[] | select(.name == $n) | .id'; }
L=$(id_of "Energy Sector CERT")
A=$(id_of "Example Energy")
B=$(id_of "Example Water")
C=$(id_of "Other Bank")

# event N TLP TYPE FEED AGE_HOURS: the IntelMQ line of event N
# (source.ip 198.51.100.N, source.port N) and its time.
ev_time() { echo $((SCHAKEL_NOW - $1 * 3600)); }
ev_line() {
	local when
	when=$(date -u -d "@$(ev_time "$5")" +%Y-%m-%dT%H:%M:%S+00:00)
	printf '{"classification.taxonomy": "%s", "classification.type": "%s", "feed.name": "%s", "source.ip": "198.51.100.%s", "source.port": %s, "time.source": "%s", "tlp": "%s"}' \
		"$([ "$3" = scanner ] && echo information-gathering || echo malicious-code)" \
		"$3" "$4" "$1" "$1" "$when" "$2"
}
# add_event N TLP TYPE FEED AGE_HOURS: stored when it happened
add_event() {
	local line
	line=$(ev_line "$@")
	sql "INSERT INTO events (id, time, received, feed, type, tlp, hash, body) VALUES
		($1, $(ev_time "$5"), '$(date -u -d "@$(ev_time "$5")" +%Y-%m-%dT%H:%M:%SZ)', '$4', '$3', 'TLP:$2',
		 '$(printf '%032d' "$1")', '$line')"
}
# add_rcpt EVENT ORG ROLE PASS_ON NEED_TO_KNOW MEMBER REASON
add_rcpt() {
	sql "INSERT INTO event_recipients (event_id, org_id, role, pass_on, need_to_know,
		resource_id, member_id, reason) VALUES ($1, $2, '$3', $4, $5, 1, $6, '$7')"
}
#  1 AMBER         Example Energy (owner), the liaison (member Example Energy)
#  2 AMBER+STRICT  Example Energy only
#  3 AMBER+STRICT  Example Energy and, by mistake, the liaison
#  4 GREEN         Other Bank
#  5 RED           Example Energy
#  6 CLEAR         Example Water, the liaison (member Example Water); 100 days old
add_event 1 AMBER infected-system Sinkhole-HTTP 5
add_event 2 AMBER+STRICT infected-system Sinkhole-HTTP 4
add_event 3 AMBER+STRICT infected-system Sinkhole-HTTP 3
add_event 4 GREEN scanner Open-NTP 2
add_event 5 RED infected-system Sinkhole-HTTP 1
add_event 6 CLEAR infected-system Open-NTP 2400
add_rcpt 1 "$A" owner 1 1 NULL "prefix 198.51.100.0/24"
add_rcpt 1 "$L" liaison 1 1 "$A" "member Example Energy"
add_rcpt 2 "$A" owner 0 0 NULL "prefix 198.51.100.0/24"
add_rcpt 3 "$A" owner 0 0 NULL "prefix 198.51.100.0/24"
add_rcpt 3 "$L" liaison 1 1 "$A" "member Example Energy"
add_rcpt 4 "$C" owner 1 0 NULL "asn 64500"
add_rcpt 5 "$A" owner 0 0 NULL "prefix 198.51.100.0/24"
add_rcpt 6 "$B" owner 1 0 NULL "domain example.nl"
add_rcpt 6 "$L" liaison 1 0 "$B" "member Example Water"
if [ -n "$L" ] && [ -n "$C" ] && [ "$(S events list --limit 0 --json | wc -l)" = 6 ]; then
	ok "seeded four organizations and six events"
else
	not_ok "seeded four organizations and six events" "$(cat "$TMP/seed.err")"
fi

# ports ARGS...: the source.port of each event `events list --json ARGS` prints.
ports() { S events list --json "$@" | jq -r '."source.port"' | paste -sd, -; }

# --- one organization's events, after the TLP policy -----------------------
expect_eq "1,2,3,4,5,6" "$(ports --limit 0)" "all events for the national CSIRT"
expect_eq "4" "$(ports --org "Other Bank")" "Other Bank sees only its own event"
expect_eq "1,6" "$(ports --org "Energy Sector CERT")" \
	"the liaison sees its member's AMBER event, not the AMBER+STRICT ones"
expect_eq "1,2,3" "$(ports --org "Example Energy")" \
	"the owner sees AMBER and AMBER+STRICT, not RED"
run S events list --org "Energy Sector CERT" --json
expect_eq "liaison|member Example Energy|$A|true|true" \
	"$(printf '%s\n' "$OUT" | head -1 | jq -r '."schakel.recipient" | [.role, .reason, .member_id, .may_pass_on, .need_to_know] | join("|")')" \
	"a liaison's row says why it receives the event and how it may pass it on"
expect_eq "1" "$(printf '%s\n' "$OUT" | head -1 | jq -r '."schakel.id"')" "JSON lines carry schakel.id"

run S events list --org "Energy Sector CERT"
expect_match "^ID +TIME +FEED +TYPE +TLP +SOURCE +ROLE +REASON" "$OUT" "the table for one organization"
expect_match "^1 +2023-11-14T17:13:20Z +Sinkhole-HTTP +infected-system +TLP:AMBER +198\.51\.100\.1 +liaison +member Example Energy" \
	"$OUT" "a row names its time, feed, type, label, source, role and reason"
expect_no_match "198\.51\.100\.[2345]" "$OUT" "no row of another organization or refused by TLP"
run S events list
expect_match "^1 .*Energy Sector CERT \(liaison\), Example Energy \(owner\)|^1 .*Example Energy \(owner\), Energy Sector CERT \(liaison\)" \
	"$OUT" "without --org, a row lists its recipients"

# --- filters and paging ----------------------------------------------------
expect_eq "4" "$(ports --type scanner)" "--type"
expect_eq "4,6" "$(ports --feed Open-NTP)" "--feed"
expect_eq "2,3,4" "$(ports --since 2023-11-14T18:13:20Z --until 2023-11-14T21:13:20Z)" \
	"--since includes, --until excludes"
expect_eq "4,5" "$(ports --since 150m)" "--since with a span back from now"
expect_eq "6" "$(ports --until 2023-11-01)" "--until with a date"
run S events list --limit 2 --json
expect_eq 2 "$(printf '%s\n' "$OUT" | wc -l)" "--limit"
expect_match "continue with --after 2" "$ERR" "a full page says how to go on"
expect_eq "3,4" "$(ports --limit 2 --after 2)" "--after continues"
run S events list --limit 2 --after 4 --json
expect_eq "" "$ERR" "the last page says nothing more"
expect_rc 65 "an unknown type is refused" S events list --type no-such-type
expect_match "no-such-type" "$ERR" "... naming it"
expect_rc 65 "a bad time is refused" S events list --since yesterday
expect_match "since.*yesterday" "$ERR" "... naming the option and the text"
expect_rc 65 "an unknown organization is refused" S events list --org "No Such Org"
expect_rc 64 "a bad limit is a usage error" S events list --limit many

# --- a store copy carries events -------------------------------------------
COPY=$(new_db events_copy)
run "$SCHAKEL" migrate --from "$DB" --to "$COPY"
expect_match "and 6 events with 9 recipient rows, 0 opt-outs" "$OUT" "migrate copies events"
expect_eq "$(S events list --org "Energy Sector CERT" --json)" \
	"$("$SCHAKEL" --db "$COPY" events list --org "Energy Sector CERT" --json)" \
	"... which read the same from the copy"

# --- retention -------------------------------------------------------------
# Event 7 is as old as event 6 but was stored only now (a late feed).
sql "INSERT INTO events (id, time, received, feed, type, tlp, hash, body) VALUES
	(7, $(ev_time 2400), '2023-11-14T22:13:20Z', 'Open-NTP', 'scanner', 'TLP:CLEAR',
	 '$(printf '%032d' 7)', '$(ev_line 7 CLEAR scanner Open-NTP 2400)')"
run S purge --dry-run
expect_match "^would delete 1 event older than 2023-08-16T22:13:20Z \(90 days\)$" "$OUT" \
	"purge --dry-run counts with the default retention"
expect_match "^would delete 0 sent or failed mail messages" "$OUT" "... and the mail it would delete"
expect_eq 7 "$(S events list --limit 0 --json | wc -l)" "a dry run deletes nothing"
printf '[events]\nretention_days = 100\n' >"$TMP/keep100.conf"
run "$SCHAKEL" -c "$TMP/keep100.conf" --db "$DB" purge
expect_match "^deleted 0 events .*\(100 days\)$" "$OUT" "purge reads events.retention_days"
run S purge
expect_match "^deleted 1 event older than 2023-08-16T22:13:20Z" "$OUT" "purge deletes past retention"
expect_eq "1,2,3,4,5,7" "$(ports --limit 0)" "the old event is gone, the one stored late stays"
expect_eq "1" "$(ports --org "Energy Sector CERT")" "... with its recipient rows"
run S audit --json
expect_eq "event.purge" "$(printf '%s' "$OUT" | jq -r '.[0].action')" "purge writes an audit row"
run S purge --days 0
expect_eq 64 "$RC" "--days 0 is refused"
run S --json purge --days 1
expect_eq "0" "$(printf '%s' "$OUT" | jq -r '.deleted')" "purge --days 1 keeps the last day"
SCHAKEL_NOW=$((SCHAKEL_NOW + 2 * 86400)) run S --json purge --days 1
expect_eq "6" "$(printf '%s' "$OUT" | jq -r '.deleted')" "... and deletes it two days later"
expect_eq "0" "$(printf '%s' "$OUT" | jq -r '.mail_deleted')" "... with the count of mail deleted"
expect_eq "0" "$(S events list --limit 0 --json | wc -l | tr -d ' ')" "every event is gone"

# --- opt-outs --------------------------------------------------------------
expect_rc 0 "optout add" S optout add "Example Water" scanner c2server
expect_match "Example Water opts out of events of type c2-server" "$OUT" "a legacy type is read as the current one"
run S optout list
expect_match "^Example Water +c2-server" "$OUT" "optout list"
expect_match "^Example Water +scanner" "$OUT" "optout list shows each type"
expect_rc 65 "an opt-out twice is refused" S optout add "Example Water" scanner
expect_match "already" "$ERR" "... saying so"
expect_rc 65 "an unknown type is refused" S optout add "Example Water" spamm
expect_rc 65 "an unknown organization is refused" S optout add "No Such Org" scanner
expect_rc 65 "all or none: one bad type adds none" S optout add "Other Bank" scanner nope
expect_eq "" "$(S optout list "Other Bank" --json | jq -r '.[].type')" "... none was added"
expect_rc 0 "optout rm" S optout rm "Example Water" scanner
expect_eq "c2-server" "$(S optout list "Example Water" --json | jq -r '.[].type')" "one opt-out left"
expect_rc 65 "removing one that is not there is refused" S optout rm "Example Water" scanner
run S audit --json
expect_eq "optout.remove" "$(printf '%s' "$OUT" | jq -r '.[0].action')" "opt-outs write audit rows"

done_testing
