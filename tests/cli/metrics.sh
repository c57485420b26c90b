#!/bin/bash
# tests/cli/metrics.sh: GET /metrics: who may scrape (loopback, the
# scrape token, [metrics] loopback = no), the values after API requests,
# an ingest and a mailgate mail run by the command line in processes of
# their own, mail sent through smtp-sink by schakeld's dispatcher and a
# digest queued by its notify job; and promtool check metrics on the
# answer.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
start_sink || not_ok "smtp-sink starts" "$(cat "$TMP/sink.log")"

DB=$(new_db metrics)
cat >"$TMP/m.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@cert.test
[notify]
templates = $SRCDIR/share/templates
sender = CERT Test
[tickets]
tag = CERT
CONF
export SCHAKEL_CONF=$TMP/m.conf
S() { "$SCHAKEL" "$@"; }
exec 3>&2 2>"$TMP/seed.err"
S init >/dev/null
S user add alice --role admin >/dev/null
ADMIN=$(S token create alice)
S org add "CERT Test" --kind national-csirt --class administration >/dev/null
S org add "Power Co" --kind constituent --class oes --sector energy/electricity >/dev/null
S contact add "CERT Test" --name SOC --email soc@cert.test --role operational-24x7 >/dev/null
S contact add "Power Co" --name SOC --email soc@power.test --role operational-24x7 >/dev/null
S contact add "Power Co" --name CISO --email ciso@power.test --role management >/dev/null
S resource add "Power Co" prefix:198.51.100.0/24 >/dev/null
exec 2>&3 3>&-

# scrape [CURL ARGS...]: GET /metrics; the status in CODE, the text in M.
scrape() {
	CODE=$(curl -s -o "$TMP/metrics.txt" -D "$TMP/metrics.h" -w '%{http_code}' "$@" \
		"$BASE/metrics")
	M=$(cat "$TMP/metrics.txt")
}
# value SERIES: the value of the series (name and labels exactly as
# written) in M, or "absent".
value() {
	local v
	v=$(printf '%s\n' "$M" | awk -v s="$1" '$1 == s { print $2 }')
	echo "${v:-absent}"
}

# --- a Shadowserver report (2 of 3 hosts are Power Co's) and a compromise,
# --- each ingested by a process of its own --------------------------------
NTP=$TMP/2025-11-30-scan_ntp-test.csv
head -n 1 "$SRCDIR/tests/fixtures/shadowserver/scan_ntp.csv" >"$NTP"
for ip in 198.51.100.7 198.51.100.8 203.0.113.200; do
	echo "\"2025-11-30 01:00:00\",$ip,udp,123,,ntpversion,64496,BE,,,4,,,,,,0,,,,,,,,,,,,,,,3,,,,0,0,,324,27.00"
done >>"$NTP"
expect_rc 0 "ingest a Shadowserver report" S ingest "$NTP"
NOW=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
printf '{"classification.type": "system-compromise", "feed.name": "Sinkhole", "source.ip": "198.51.100.9", "time.source": "%s"}\n' \
	"$NOW" >"$TMP/events.jsonl"
expect_rc 0 "ingest an IntelMQ compromise" S ingest --format intelmq --feed Sinkhole "$TMP/events.jsonl"

# --- a report by mail from Power Co (so its SLA clocks run): a new ticket,
# --- acknowledged; a test message --------------------------------------------
printf 'From: ciso@power.test\nTo: cert@cert.test\nSubject: Phishing\nMessage-ID: <m1@example.nl>\n\nWe see 198.51.100.7 serving phishing.\n' \
	>"$TMP/r1.eml"
expect_rc 0 "mailgate takes a report" S mailgate --sender ciso@power.test <"$TMP/r1.eml"
expect_rc 0 "mail test queues a message" S mail test --to test@example.nl

# --- schakeld: its dispatcher sends the ack, the test and the digest -------
start_daemon "$TMP/daemon.log" || not_ok "schakeld starts" "$(cat "$TMP/daemon.log")"
wait_got soc@power.test 20 || not_ok "the digest arrives" "$(cat "$TMP/daemon.log")"
wait_got test@example.nl 20 || not_ok "the test message arrives"
wait_got ciso@power.test 20 || not_ok "the acknowledgement arrives"

curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/orgs"
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/orgs"
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/orgs/99999"
curl -s -o /dev/null "$BASE/api/v1/orgs"
curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/whois"
curl -s -o /dev/null "$BASE/api/v1/no/such/thing/7"

scrape
expect_eq 200 "$CODE" "a scrape from loopback without a token: 200"
expect_match '^Content-Type: text/plain; version=0\.0\.4' "$(tr -d '\r' <"$TMP/metrics.h")" \
	"the answer is the Prometheus text format 0.0.4"
expect_no_match '^[a-z]' "$(printf '%s\n' "$M" | grep -v '^schakel_')" "every name starts with schakel_"

expect_eq 2 "$(value 'schakel_http_requests_total{route="/api/v1/orgs",method="GET",code="200"}')" \
	"requests by route pattern, method and status"
expect_eq 1 "$(value 'schakel_http_requests_total{route="/api/v1/orgs/{id}",method="GET",code="404"}')" \
	"the route is the pattern, not the path"
expect_eq 1 "$(value 'schakel_http_requests_total{route="/api/v1/orgs",method="GET",code="401"}')" \
	"a request without a token: 401"
expect_eq 1 "$(value 'schakel_http_requests_total{route="other",method="DELETE",code="405"}')" \
	"a method a route does not answer counts as route other"
expect_eq 1 "$(value 'schakel_http_requests_total{route="other",method="GET",code="404"}')" \
	"a path no route matches counts as route other"
expect_no_match 'no/such' "$M" "a raw path never becomes a label"
expect_eq 3 "$(value 'schakel_http_request_duration_seconds_count{route="/api/v1/orgs"}')" \
	"the latency histogram counts every request of the route"
expect_eq 3 "$(value 'schakel_http_request_duration_seconds_bucket{route="/api/v1/orgs",le="+Inf"}')" \
	"its +Inf bucket is its count"

expect_eq 3 "$(value 'schakel_events_ingested_total{feed="NTP-Version"}')" \
	"events ingested by the command line count, per feed"
expect_eq 2 "$(value 'schakel_events_routed_total{feed="NTP-Version"}')" \
	"events routed to an organization besides the national CSIRT, per feed"
expect_eq 1 "$(value 'schakel_events_ingested_total{feed="Sinkhole"}')" "the second feed"
expect_eq 1 "$(value 'schakel_events_routed_total{feed="Sinkhole"}')" "the second feed, routed"
expect_eq 1 "$(value 'schakel_tickets{type="report",status="new"}')" "the mailgate's ticket"
expect_eq 0 "$(value 'schakel_tickets{type="incident",status="open"}')" \
	"statuses without tickets are 0"
for clock in acknowledge first_response resolve; do
	expect_eq 1 "$(value "schakel_sla_clocks_due{clock=\"$clock\"}")" \
		"the new ticket's $clock clock runs"
done
expect_eq 0 "$(value 'schakel_sla_clocks_breached{clock="acknowledge"}')" "and is not breached"
expect_eq 1 "$(value 'schakel_digests_queued_total')" "the notify job queued the compromise's digest"
expect_eq 1 "$(value 'schakel_digest_events_total')" "with its one event"
expect_eq 3 "$(value 'schakel_mail_sent_total')" "the dispatcher sent the ack, the test and the digest"
expect_eq 3 "$(value 'schakel_mail_messages{status="sent"}')" "the queue holds them as sent"
expect_eq 0 "$(value 'schakel_mail_messages{status="queued"}')" "nothing waits"
expect_eq 0 "$(value 'schakel_mail_failed_total')" "nothing failed"
expect_eq 0 "$(value 'schakel_store_errors_total{kind="io"}')" "no store errors"
expect_eq 0 "$(value 'schakel_lmtp_sessions')" "no LMTP session open (tests/cli/lmtp.sh counts them)"
expect_eq 0 "$(value 'schakel_lmtp_messages_total{outcome="stored"}')" "no message in over LMTP"

# A refused message counts as failed.
start_sink -f RCPT
S mail test --to refused@example.nl >/dev/null
for _ in $(seq 100); do
	grep -q "refused" "$TMP/daemon.log" && break
	sleep 0.1
done
scrape
expect_eq 1 "$(value 'schakel_mail_failed_total')" "a message the relay refused: failed"
expect_eq 1 "$(value 'schakel_mail_messages{status="failed"}')" "and failed in the queue"

if command -v promtool >/dev/null; then
	if promtool check metrics <"$TMP/metrics.txt" >"$TMP/promtool.out" 2>&1; then
		ok "promtool check metrics passes"
	else
		not_ok "promtool check metrics passes" "$(cat "$TMP/promtool.out")"
	fi
elif [ "${CI:-}" = true ]; then
	not_ok "promtool check metrics passes" "promtool is missing (scripts/install-deps)"
else
	ok "promtool check metrics passes # SKIP promtool is missing (apt install prometheus)"
fi

scrape -H "Authorization: Bearer $ADMIN"
expect_eq 403 "$CODE" "an API token is no scrape token; without [metrics] token_file: 403"
stop_daemon

# --- the scrape token ------------------------------------------------------
printf 'scrape-secret-123\n' >"$TMP/token"
chmod 644 "$TMP/token"
printf '[metrics]\ntoken_file = %s\n' "$TMP/token" >"$TMP/open.conf"
expect_rc 78 "a token file others may read: 78" "$SCHAKELD" -c "$TMP/open.conf" --db "$DB" \
	--port "$(free_port)"
expect_match "chmod 600" "$ERR" "the error says how to fix it"
chmod 600 "$TMP/token"
printf '[store]\nurl = %s\n[metrics]\ntoken_file = %s\nloopback = no\n' "$DB" "$TMP/token" \
	>"$TMP/token.conf"
# Forty days later every clock of the open ticket is past due.
SCHAKEL_NOW=$(($(date +%s) + 40 * 86400)) start_daemon "$TMP/token.log" -c "$TMP/token.conf" ||
	not_ok "schakeld starts with a token" "$(cat "$TMP/token.log")"
scrape
expect_eq 401 "$CODE" "loopback = no: without the token 401"
scrape -H "Authorization: Bearer scrape-secret-124"
expect_eq 401 "$CODE" "a wrong token: 401"
scrape -H "Authorization: Bearer scrape-secret-123"
expect_eq 200 "$CODE" "the scrape token: 200"
for clock in acknowledge first_response resolve; do
	expect_eq "0 1" "$(value "schakel_sla_clocks_due{clock=\"$clock\"}") $(value "schakel_sla_clocks_breached{clock=\"$clock\"}")" \
		"past its due time the $clock clock is breached"
done
expect_match '^schakel_http_requests_total\{route="/metrics",method="GET",code="401"\} 2$' "$M" \
	"refused scrapes are counted"
stop_daemon
expect_no_match "scrape-secret" "$(cat "$TMP/token.log")" "the token is never logged"

done_testing
