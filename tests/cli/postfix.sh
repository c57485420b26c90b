#!/bin/bash
# tests/cli/postfix.sh: incident mail through a real Postfix. The test
# starts a Postfix instance of its own (its own configuration and queue
# under $TMP, smtpd on a loopback port) whose only transport pipes mail
# into schakel mailgate, and Postfix's smtp-sink as the relay schakeld
# sends through: a report becomes a ticket and its acknowledgement with
# the number reaches the sink within 60 seconds; a reply with the tag
# threads onto it; an Auto-Submitted mail gets no reply; the same
# message delivered twice is stored once; with the store locked mailgate
# exits 75, Postfix keeps the mail and its retry stores it.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/postfix ]; then
	echo "1..0 # SKIP needs root and Postfix (scripts/install-deps installs it)"
	exit 0
fi
need_smtp_sink
start_sink

# Postfix's pipe runs mailgate as nobody: the store, the configuration
# and the binaries must be within its reach.
chmod 755 "$TMP"
mkdir -m 777 "$TMP/store"
case $BACKEND in
sqlite) DB=sqlite:$TMP/store/tickets.db ;;
*) DB=$(new_db postfix) ;;
esac
cat >"$TMP/t.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@example.be
[notify]
templates = $SRCDIR/share/templates
sender = CERT.be
[tickets]
tag = CERT.be
CONF
chmod 644 "$TMP/t.conf"
export SCHAKEL_CONF=$TMP/t.conf
S() { "$SCHAKEL" "$@"; }
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
S init >/dev/null 2>&1
# The database belongs to the user mailgate runs as, as in a real
# installation: schakel refuses a database that others may read.
[ "$BACKEND" = sqlite ] && chown nobody "$TMP"/store/tickets.db*

# --- a Postfix of our own ---------------------------------------------------
PF=$TMP/postfix
MX=$(free_port)
mkdir -p "$PF/spool"
# What pipe(8) runs: mailgate, giving up soon on a locked store (so that
# the test is quick), with the sanitizers' leak check, which would turn
# its report into a failure Postfix cannot classify, left off.
cat >"$TMP/mailgate" <<SH
#!/bin/sh
export ASAN_OPTIONS=detect_leaks=0 SCHAKEL_BUSY_TIMEOUT_MS=200 PGOPTIONS='-c lock_timeout=200'
exec "$SCHAKEL" -c "$TMP/t.conf" mailgate --sender "\$1"
SH
chmod 755 "$TMP/mailgate"
cat >"$PF/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $TMP
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.be
mydomain = example.be
myorigin = example.be
mydestination = example.be
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
local_recipient_maps =
alias_maps =
alias_database =
local_transport = schakel
default_transport = error:no outbound mail here
schakel_destination_recipient_limit = 1
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s
delay_warning_time = 0
smtputf8_enable = no
smtpd_peername_lookup = no
disable_dns_lookups = yes
CF
cat >"$PF/master.cf" <<CF
127.0.0.1:$MX inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
schakel   unix - n n - - pipe flags=Rq user=nobody
  argv=$TMP/mailgate \${sender}
CF
stop_postfix() { postfix -c "$PF" stop >/dev/null 2>&1; }
on_exit stop_postfix
if postfix -c "$PF" start >"$TMP/postfix.out" 2>&1; then ok "a Postfix of our own starts on 127.0.0.1:$MX"; else
	not_ok "a Postfix of our own starts"
	sed 's/^/# /' "$TMP/postfix.out" "$PF/maillog"
	done_testing
	exit 1
fi
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$MX") 2>/dev/null && break; sleep 0.1; done

# submit FILE FROM: hand a message to our Postfix by SMTP.
submit() {
	curl -s --url "smtp://127.0.0.1:$MX" --mail-from "$2" --mail-rcpt cert@example.be \
		--upload-file "$TMP/$1"
}
# wait_tickets N: wait until there are N tickets (30 s at most).
wait_tickets() {
	for _ in $(seq 300); do
		[ "$(S --json ticket list --limit 0 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# wait_messages TICKET N: wait until ticket TICKET holds N mails in.
wait_messages() {
	for _ in $(seq 300); do
		[ "$(S --json ticket show "$1" 2>/dev/null | python3 -c 'import json,sys; print(sum(m["kind"] == "in" for m in json.load(sys.stdin)["messages"]))' 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
mail() {
	local f=$1 id=$2 from=$3 subject=$4
	shift 4
	{
		printf 'From: %s\r\nTo: cert@example.be\r\nSubject: %s\r\nMessage-ID: <%s>\r\n' "$from" "$subject" "$id"
		printf 'Date: Tue, 01 Dec 2026 10:00:00 +0100\r\n'
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf '\r\nPhishing at https://www.example.be/login from 198.51.100.7.\r\n'
	} >"$TMP/$f"
}

PORT=$(free_port)
"$SCHAKELD" --port "$PORT" 2>"$TMP/daemon.log" &
DAEMON=$!
stop_daemon() { kill -TERM "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; }
on_exit stop_daemon

# --- a report: a ticket, and its acknowledgement within 60 s ------------------
mail r1.eml r1@example.nl alice@example.nl "Phishing site"
START=$(date +%s)
submit r1.eml alice@example.nl
if wait_tickets 1; then ok "Postfix pipes the report into mailgate: ticket #1"; else
	not_ok "Postfix pipes the report into mailgate"
	sed 's/^/# /' "$PF/maillog" | tail -20
fi
if wait_got alice@example.nl 60; then
	ok "the acknowledgement reaches smtp-sink in $(($(date +%s) - START)) s (within 60)"
else
	not_ok "the acknowledgement reaches smtp-sink within 60 s"
fi
ACK=$(grep -l -- "^X-Rcpt-Args: <alice@example.nl>" "$SINK"/msg.* | head -1)
expect_match "^Subject: \[CERT\.be #1\]" "$(grep '^Subject:' "$ACK" 2>/dev/null)" "... carrying the ticket's tag and number"

# --- a reply with the tag threads onto it --------------------------------------
mail r2.eml r2@example.nl alice@example.nl "Re: [CERT.be #1] Received: Phishing site" "In-Reply-To: <r1@example.nl>"
submit r2.eml alice@example.nl
if wait_messages 1 2; then ok "a reply with the tag threads onto #1"; else not_ok "a reply with the tag threads onto #1"; fi
expect_eq 1 "$(S --json ticket list --limit 0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "... no new ticket"

# --- the same message twice is stored once ------------------------------------
submit r1.eml alice@example.nl
mail r3.eml r3@example.nl bob@example.nl "Another report"
submit r3.eml bob@example.nl
wait_tickets 2
expect_eq 2 "$(S --json ticket show 1 | python3 -c 'import json,sys; print(sum(m["kind"] == "in" for m in json.load(sys.stdin)["messages"]))')" \
	"the report delivered a second time is stored once"

# --- an Auto-Submitted mail gets no reply ---------------------------------------
mail a1.eml a1@example.nl robot@example.nl "Out of office" "Auto-Submitted: auto-replied"
submit a1.eml robot@example.nl
if wait_tickets 3; then ok "an Auto-Submitted mail becomes a ticket"; else not_ok "an Auto-Submitted mail becomes a ticket"; fi
wait_got bob@example.nl 60 >/dev/null
run S --json mail list --limit 1000
expect_eq 0 "$(json "sum('robot@example.nl' in m['recipients'] for m in d)")" "... and gets no acknowledgement"
expect_eq 0 "$(sink_got robot@example.nl)" "... none reaches the sink"

# --- the store locked: 75, Postfix keeps the mail, the retry stores it ---------
mail l1.eml l1@example.nl carol@example.nl "While the store is locked"
if lock_store "$DB" 4 tickets; then ok "another process holds the store's write lock"; else
	not_ok "another process holds the store's write lock"
fi
submit l1.eml carol@example.nl
for _ in $(seq 30); do grep -q "status=deferred" "$PF/maillog" && break; sleep 0.1; done
expect_match "status=deferred.*(temporary failure|75)" "$(grep 'status=deferred' "$PF/maillog" | tail -1)" \
	"mailgate exits 75 and Postfix defers the mail"
wait "$LOCKER" 2>/dev/null
postqueue -c "$PF" -f
if wait_tickets 4; then ok "after the lock is gone, Postfix's retry stores it: nothing lost"; else
	not_ok "after the lock is gone, Postfix's retry stores it"
fi
expect_eq 0 "$(grep -c 'status=bounced' "$PF/maillog")" "Postfix bounced nothing"

done_testing
