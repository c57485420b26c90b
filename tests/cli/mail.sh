#!/bin/bash
# tests/cli/mail.sh: the outbound mail queue end to end, with Postfix's
# smtp-sink as the relay: queue, send, list, a relay that is down (nothing
# lost), 4xx (backoff, given up after max_attempts), 5xx (failed), retry,
# TLS required, and schakeld's dispatcher delivering within seconds.
. "$(dirname "$0")/lib.sh"

need_smtp_sink

DB=$(new_db mail)
cat >"$TMP/mail.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@example.be
max_attempts = 3
CONF
export SCHAKEL_CONF=$TMP/mail.conf
S() { "$SCHAKEL" "$@"; }

# newest: the id of the newest message.
newest() { S --json mail list --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
# status_of ID: the status and attempts of mail ID ("queued 0").
status_of() {
	S mail list --limit 1000 --json | python3 -c "
import json, sys
for m in json.load(sys.stdin):
    if m['id'] == $1: print(m['status'], m['attempts'])"
}

S init >/dev/null 2>&1

# --- queueing --------------------------------------------------------------
expect_rc 0 "mail list on an empty queue" S mail list
expect_match "^no mail$" "$OUT" "an empty queue says so"
expect_rc 64 "mail test needs --to" S mail test
expect_rc 65 "mail test to a bad address: 65" S mail test --to not-an-address
expect_match "not-an-address" "$ERR" "the error names the address"
expect_rc 65 "mail test to an address with a line break: 65" \
	S mail test --to "$(printf 'soc@example.nl\r\nBcc: x@example.test')"
printf '[store]\nurl = %s\n' "$DB" >"$TMP/nofrom.conf"
expect_rc 78 "mail test without a sender: 78" S -c "$TMP/nofrom.conf" mail test --to soc@example.nl
expect_match "\[mail\] from" "$ERR" "the error names the setting"
expect_rc 0 "mail test queues a message" S --json mail test --to soc@example.nl
FIRST=$(py "d['id']")
MSGID=$(py "d['message_id']")
expect_match "^<[0-9a-f]{32}@example\.be>$" "$MSGID" "its Message-ID is at the sender's domain"
expect_rc 0 "mail list" S mail list
expect_match "^ID +STATUS +TRIES +WHEN +KIND +TO +SUBJECT" "$OUT" "the table has a header"
expect_match "^$FIRST +queued +0 .* test +soc@example\.nl +schakel test message" "$OUT" \
	"the message is queued"
expect_rc 64 "mail list --status bad: 64" S mail list --status bounced
expect_eq "queued 0" "$(status_of "$FIRST")" "queued, no attempt yet"

# --- sending -----------------------------------------------------------------
start_sink || not_ok "smtp-sink starts" "$(cat "$TMP/sink.log")"
expect_rc 0 "mail send" S mail send
expect_eq "sent 1, deferred 0, failed 0" "$OUT" "mail send counts what it sent"
expect_eq 1 "$(sink_got soc@example.nl)" "the relay received the message"
F=$(grep -l -- "^X-Rcpt-Args: <soc@example.nl>" "$SINK"/msg.* | head -n 1)
expect_match "^X-Mail-Args: <cert@example\.be>" "$(cat "$F")" "envelope from is [mail] from"
expect_match "^Message-ID: $MSGID" "$(tr -d '\r' <"$F")" "the Message-ID is the one queued"
expect_match "^Subject: schakel test message$" "$(tr -d '\r' <"$F")" "the subject arrived"
expect_match "^Auto-Submitted: auto-generated$" "$(tr -d '\r' <"$F")" "it says it was sent by a machine"
expect_eq "sent 1" "$(status_of "$FIRST")" "the message is sent"
expect_rc 0 "mail send with nothing due" S mail send
expect_eq "sent 0, deferred 0, failed 0" "$OUT" "nothing is sent twice"
expect_eq 1 "$(sink_got soc@example.nl)" "the relay received it once"
expect_rc 65 "mail retry of a sent message: 65" S mail retry "$FIRST"
expect_rc 65 "mail retry of an unknown id: 65" S mail retry 99999
expect_rc 64 "mail retry of a bad id: 64" S mail retry soc

# --- the relay is down: nothing is lost ---------------------------------------
stop_sink
S mail test --to a@example.nl >/dev/null
S mail test --to b@example.nl >/dev/null
expect_rc 75 "mail send while the relay is down: 75" S mail send
expect_eq "sent 0, deferred 1, failed 0" "$OUT" "the run stops at the first message"
expect_match "cannot take mail.*127\.0\.0\.1:$SPORT" "$ERR" "stderr names the relay"
for _ in 1 2 3 4; do S mail send >/dev/null 2>&1; done
run S --json mail list --status queued
expect_eq 2 "$(py "len(d)")" "both messages are still queued"
expect_eq "0 0" "$(py "'%d %d' % (d[0]['attempts'], d[1]['attempts'])")" \
	"a relay that is down costs no attempts (max_attempts is 3)"
expect_match "127\.0\.0\.1:$SPORT" "$(py "' '.join(m['last_error'] for m in d)")" \
	"last_error says why"
start_sink || not_ok "smtp-sink starts again"
expect_rc 0 "mail send once the relay is back" S mail send
expect_eq "sent 2, deferred 0, failed 0" "$OUT" "both go out"
expect_eq "1 1" "$(sink_got a@example.nl) $(sink_got b@example.nl)" "the relay received both"

# --- 4xx: backoff, then given up after max_attempts ---------------------------
start_sink -r RCPT
S mail test --to greylisted@example.nl >/dev/null
GREY=$(newest)
expect_rc 0 "a 4xx reply is not a relay outage" S mail send
expect_eq "sent 0, deferred 1, failed 0" "$OUT" "the message is deferred"
expect_eq "queued 1" "$(status_of "$GREY")" "one attempt counted"
run S --json mail list --status queued
expect_match "RCPT TO:<greylisted@example\.nl>: 4[0-9][0-9]" "$(py "d[0]['last_error']")" \
	"last_error names the command and the reply"
expect_rc 0 "mail send before the backoff is over" S mail send
expect_eq "sent 0, deferred 0, failed 0" "$OUT" "the deferred message waits"
NOW=$(date +%s)
expect_rc 0 "mail send after the backoff" env SCHAKEL_NOW=$((NOW + 61)) "$SCHAKEL" mail send
expect_eq "sent 0, deferred 1, failed 0" "$OUT" "deferred again (attempt 2 of 3)"
expect_eq "queued 2" "$(status_of "$GREY")" "two attempts counted"
expect_rc 0 "mail send at attempt 3 of 3" env SCHAKEL_NOW=$((NOW + 61 + 121)) "$SCHAKEL" mail send
expect_eq "sent 0, deferred 0, failed 1" "$OUT" "given up after max_attempts"
expect_eq "failed 3" "$(status_of "$GREY")" "the message failed"
run S audit --limit 5
expect_match "mail\.fail .*given up after 3 attempts" "$OUT" "the audit log records it"

# --- 5xx: refused for good, then retried -----------------------------------------
start_sink -f RCPT
S mail test --to unknown@example.nl >/dev/null
BAD=$(newest)
expect_rc 0 "a 5xx reply" S mail send
expect_eq "sent 0, deferred 0, failed 1" "$OUT" "the message fails at once"
expect_eq "failed 1" "$(status_of "$BAD")" "one attempt, failed"
expect_rc 0 "mail list --status failed" S mail list --status failed
expect_match "^$BAD +failed +1 .*unknown@example\.nl .*RCPT TO:<unknown@example\.nl>: 5" "$OUT" \
	"the failed message shows why"
start_sink
expect_rc 0 "mail retry" S mail retry "$BAD"
expect_eq "queued 0" "$(status_of "$BAD")" "queued again with no attempts"
expect_rc 0 "mail send after retry" S --json mail send
expect_eq 1 "$(py "d['sent']")" "the retried message goes out"
expect_eq 1 "$(sink_got unknown@example.nl)" "the relay received it"

# --- settings ---------------------------------------------------------------------
printf '[store]\nurl = %s\n[mail]\nrelay = http://127.0.0.1:%s\n' "$DB" "$SPORT" >"$TMP/http.conf"
expect_rc 78 "a relay that is not smtp: 78" S -c "$TMP/http.conf" mail send
expect_match "relay" "$ERR" "the error names the relay"
printf '[store]\nurl = %s\n[mail]\ntls = maybe\n' "$DB" >"$TMP/tls.conf"
expect_rc 78 "tls = maybe: 78" S -c "$TMP/tls.conf" mail send
printf '[store]\nurl = %s\n[mail]\nrelay = smtp://127.0.0.1:%s\ntls = require\nfrom = cert@example.be\n' \
	"$DB" "$SPORT" >"$TMP/require.conf"
S -c "$TMP/require.conf" mail test --to tls@example.nl >/dev/null
expect_rc 75 "tls = require with a relay without STARTTLS: 75" S -c "$TMP/require.conf" mail send
expect_eq 0 "$(sink_got tls@example.nl)" "nothing went out in the clear"
expect_rc 0 "without the requirement it goes" S mail send
expect_eq 1 "$(sink_got tls@example.nl)" "and arrives"

# --- schakeld's dispatcher --------------------------------------------------------
start_daemon "$TMP/daemon.log"
S mail test --to daemon@example.nl >/dev/null
if wait_got daemon@example.nl 15; then ok "schakeld sends queued mail within seconds"; else
	not_ok "schakeld sends queued mail within seconds" "$(cat "$TMP/daemon.log")"; fi
expect_match "mail: due mail goes to smtp://127\.0\.0\.1:$SPORT" "$(cat "$TMP/daemon.log")" \
	"schakeld logs where mail goes"
stop_sink
S mail test --to outage@example.nl >/dev/null
for _ in $(seq 100); do
	grep -q "relay cannot take mail" "$TMP/daemon.log" && break
	sleep 0.1
done
expect_match "relay cannot take mail" "$(cat "$TMP/daemon.log")" "schakeld logs the outage"
expect_eq "queued 0" "$(status_of "$(newest)")" "the message waits, no attempt used"
start_sink
if wait_got outage@example.nl 40; then ok "schakeld sends it once the relay is back"; else
	not_ok "schakeld sends it once the relay is back" "$(cat "$TMP/daemon.log")"; fi
for _ in $(seq 50); do
	grep -q "relay takes mail again" "$TMP/daemon.log" && break
	sleep 0.1
done
expect_match "relay takes mail again" "$(cat "$TMP/daemon.log")" "schakeld logs that it is back"
kill -TERM "$DAEMON_PID"
START=$(date +%s)
wait "$DAEMON_PID"
STOPPED=$?
DAEMON_PID=""
expect_eq 0 "$STOPPED" "schakeld stops cleanly with its dispatcher"
[ $(($(date +%s) - START)) -le 5 ] && ok "and at once" || not_ok "and at once"

printf '[store]\nurl = %s\n[mail]\nrelay = ftp://127.0.0.1\n' "$DB" >"$TMP/badrelay.conf"
expect_rc 78 "schakeld with a bad relay: 78" "$SCHAKELD" -c "$TMP/badrelay.conf" --port "$(free_port)"
expect_match "\[mail\] relay" "$ERR" "and says which setting"

done_testing
