#!/bin/bash
# tests/cli/lmtp.sh: incident mail in over LMTP ([lmtp] listen). First
# spoken directly on schakeld's unix socket: a report becomes a ticket
# with 250 for each recipient, the same report again is stored once, a
# message too large gets 552, what is not a mail 554, a line too long
# 554, a client that says nothing 421 after [lmtp] timeout, too many bad
# commands 421; four sessions at once store each mail once; with the
# store locked 451; /metrics counts the open sessions and each message's
# outcome; on SIGTERM a message being received is finished and stored,
# an idle session gets 421. Then through a real Postfix of the test's
# own (as in postfix.sh) delivering with its lmtp client over TCP:
# ticket and acknowledgement within 60 s; with the store locked 451,
# Postfix defers the mail and its retry stores it; a 30 MB mail is
# refused for its size (over the SIZE our LHLO announces) and Postfix
# bounces it.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
start_sink
chmod 755 "$TMP"
DB=$(new_db lmtp)
LPORT=$(free_port)
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
[lmtp]
listen = unix:$TMP/lmtp
sessions = 4
timeout = 2s
CONF
export SCHAKEL_CONF=$TMP/t.conf
S() { "$SCHAKEL" "$@"; }
S init >/dev/null 2>&1
tickets() { S --json ticket list --limit 0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# A writer gives up soon on a locked store, so that 451 comes quickly.
export SCHAKEL_BUSY_TIMEOUT_MS=200 PGOPTIONS='-c lock_timeout=200'
if start_schakeld && wait_line "$TMP/daemon.log" "lmtp: mail in on unix:$TMP/lmtp"; then
	ok "schakeld listens for LMTP on unix:$TMP/lmtp"
else
	not_ok "schakeld listens for LMTP" "$(cat "$TMP/daemon.log")"
	done_testing
	exit 1
fi
expect_eq 660 "$(stat -c %a "$TMP/lmtp")" "... a socket of mode 0660"

# lmtp ADDR SENDER RCPTS FILE: one transaction (RCPTS comma-separated);
# prints the replies after the greeting and LHLO, one a line.
# lmtp_raw ADDR FILE: send FILE's bytes as they are and print every
# reply until the server closes (at most 10 s).
cat >"$TMP/lmtp.py" <<'PY'
import socket, sys, time
def connect(addr):
    if addr.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
    else:
        s = socket.socket()
        host, port = addr.rsplit(":", 1)
        addr = (host, int(port))
    s.settimeout(10)
    s.connect(addr)
    return s, s.makefile("rb")
def reply(f):
    lines = []
    while True:
        l = f.readline().decode("latin-1").rstrip("\r\n")
        lines.append(l)
        if len(l) < 4 or l[3] != "-":
            return lines
if sys.argv[1] == "raw":
    s, f = connect(sys.argv[2])
    s.sendall(open(sys.argv[3], "rb").read())
    for l in f:
        print(l.decode("latin-1").rstrip("\r\n"))
    sys.exit(0)
s, f = connect(sys.argv[1])
reply(f)
s.sendall(b"LHLO client.example.be\r\n")
reply(f)
def say(cmd):
    s.sendall(cmd)
    r = reply(f)
    print("\n".join(r))
    return r[-1]
say(b"MAIL FROM:<%s>\r\n" % sys.argv[2].encode())
rcpts = sys.argv[3].split(",")
ok = [say(b"RCPT TO:<%s>\r\n" % r.encode()).startswith("250") for r in rcpts]
if any(ok) and say(b"DATA\r\n").startswith("354"):
    data = open(sys.argv[4], "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    data = b"".join(b"." + l if l.startswith(b".") else l for l in data.splitlines(True))
    s.sendall(data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n")
    for _ in range(sum(ok)):
        print("\n".join(reply(f)))
say(b"QUIT\r\n")
PY
lmtp() { python3 "$TMP/lmtp.py" "$@"; }
lmtp_raw() { python3 "$TMP/lmtp.py" raw "$@"; }
mail() {
	local f=$1 id=$2 from=$3 subject=$4
	shift 4
	{
		printf 'From: %s\r\nTo: cert@example.be\r\nSubject: %s\r\nMessage-ID: <%s>\r\n' "$from" "$subject" "$id"
		printf 'Date: Tue, 01 Dec 2026 10:00:00 +0100\r\n'
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf '\r\nPhishing at https://www.example.be/login from 198.51.100.7.\r\n.hidden dot\r\n'
	} >"$TMP/$f"
}

# --- spoken directly --------------------------------------------------------
mail d1.eml d1@example.nl alice@example.nl "Phishing site"
run lmtp "$TMP/lmtp" alice@example.nl cert@example.be,abuse@example.be "$TMP/d1.eml"
expect_eq "2" "$(grep -c '^250 2.0.0 stored on ticket #1$' <<<"$OUT")" \
	"a report to two recipients: 250 for each, naming ticket #1"
expect_eq 1 "$(tickets)" "... one ticket"
run S --json ticket show 1
expect_match "\.hidden dot" "$(py "d['messages'][0]['body']")" "... the message stored with its dots unstuffed"
run lmtp "$TMP/lmtp" alice@example.nl cert@example.be "$TMP/d1.eml"
expect_match "^250 2.0.0 stored before on ticket #1$" "$OUT" "the same report again: 250, stored before"
expect_eq 1 "$(tickets)" "... and no second ticket"

# Four sessions at once, 10 mails each, the last two of each a copy of
# another session's mail: stored together (group commit), each copy once.
for i in $(seq 0 31); do mail "c$i.eml" "c$i@example.nl" "c$i@example.nl" "Concurrent $i"; done
CONC=()
for s in 0 1 2 3; do
	(for i in $(seq $((s * 8)) $((s * 8 + 7))) $(((s + 1) % 4 * 8)) $(((s + 1) % 4 * 8 + 1)); do
		lmtp "$TMP/lmtp" "c$i@example.nl" cert@example.be "$TMP/c$i.eml"
	done >"$TMP/conc$s.out") &
	CONC+=($!)
done
wait "${CONC[@]}"
expect_eq 40 "$(cat "$TMP"/conc*.out | grep -c '^250 2.0.0 stored')" "four sessions at once: 250 for each of 40 mails"
expect_eq 33 "$(tickets)" "... 32 new tickets, the 8 copies stored once"

printf 'this is no mail at all\r\n' >"$TMP/garbage.eml"
run lmtp "$TMP/lmtp" x@example.nl cert@example.be "$TMP/garbage.eml"
expect_match "^554 5.6.0 not a mail" "$OUT" "what is not a mail: 554 with the reason"

printf 'LHLO c\r\nMAIL FROM:<a@example.nl> SIZE=30000000\r\nQUIT\r\n' >"$TMP/size.txt"
run lmtp_raw "$TMP/lmtp" "$TMP/size.txt"
expect_match "^552 5.3.4 the message is larger than 26214400 bytes" "$OUT" \
	"MAIL FROM with SIZE= over tickets.max_size: 552"
python3 - "$TMP/big.eml" <<'PY'
import sys
line = b"x" * 76 + b"\r\n"
open(sys.argv[1], "wb").write(b"From: a@example.nl\r\nSubject: big\r\n\r\n" + line * (26 * 1024 * 1024 // 78 + 10))
PY
run lmtp "$TMP/lmtp" a@example.nl cert@example.be "$TMP/big.eml"
expect_match "^552 5.3.4 the message is too large" "$OUT" "a message over the size without SIZE=: 552 after the data"
python3 -c 'import sys; open(sys.argv[1], "w").write("From: a@example.nl\r\nSubject: long\r\n\r\n" + "y" * 70000 + "\r\n")' "$TMP/long.eml"
run lmtp "$TMP/lmtp" a@example.nl cert@example.be "$TMP/long.eml"
expect_match "^554 5.6.0 a line of the message is too long" "$OUT" "a line of 70,000 bytes: 554"
expect_eq 33 "$(tickets)" "... nothing refused was stored"

printf 'LHLO c\r\n' >"$TMP/idle.txt"
START=$(date +%s)
run lmtp_raw "$TMP/lmtp" "$TMP/idle.txt"
expect_match "^421 4.4.2 .*no command in time" "$OUT" "a client that says nothing: 421 after [lmtp] timeout"
[ $(($(date +%s) - START)) -le 6 ] && ok "... within the timeout of 2 s" || not_ok "... within the timeout of 2 s"
for _ in $(seq 12); do printf 'BOGUS\r\n'; done >"$TMP/bogus.txt"
run lmtp_raw "$TMP/lmtp" "$TMP/bogus.txt"
expect_eq 10 "$(grep -c '^500 5.5.2 unknown command' <<<"$OUT")" "bad commands: 500 each ..."
expect_match "^421 4.7.0 .*too many bad commands" "$OUT" "... and 421 after the tenth"

# --- the store locked: 451; then /metrics ------------------------------------
mail l0.eml l0@example.nl carol@example.nl "While the store is locked"
if lock_store "$DB" 3 tickets; then ok "another process holds the store's write lock"; else
	not_ok "another process holds the store's write lock"
fi
run lmtp "$TMP/lmtp" carol@example.nl cert@example.be "$TMP/l0.eml"
expect_match "^451 4.3.0 not stored, try again later" "$OUT" "with the store locked: 451"
wait "$LOCKER" 2>/dev/null

# metric SERIES: its value in $M (name and labels as written), or absent.
metric() { printf '%s\n' "$M" | awk -v s="$1" '$1 == s { v = $2 } END { print v == "" ? "absent" : v }'; }
python3 - "$TMP/lmtp" "$TMP/held" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.recv(512)
open(sys.argv[2], "w").close()
time.sleep(1)
PY
HELD=$!
for _ in $(seq 100); do [ -f "$TMP/held" ] && break; sleep 0.05; done
M=$(curl -s "http://127.0.0.1:$PORT/metrics")
expect_eq 1 "$(metric schakel_lmtp_sessions)" "/metrics: one LMTP session open"
expect_eq 33 "$(metric 'schakel_lmtp_messages_total{outcome="stored"}')" "... 33 messages stored"
expect_eq 9 "$(metric 'schakel_lmtp_messages_total{outcome="duplicate"}')" "... 9 stored before"
expect_eq 1 "$(metric 'schakel_lmtp_messages_total{outcome="refused"}')" \
	"... 1 refused by intake (size and line length are the protocol's)"
expect_eq 1 "$(metric 'schakel_lmtp_messages_total{outcome="deferred"}')" "... 1 deferred"
wait "$HELD"
for _ in $(seq 100); do
	M=$(curl -s "http://127.0.0.1:$PORT/metrics")
	[ "$(metric schakel_lmtp_sessions)" = 0 ] && break
	sleep 0.05
done
expect_eq 0 "$(metric schakel_lmtp_sessions)" "... and none once it has gone"
if command -v promtool >/dev/null; then
	printf '%s\n' "$M" >"$TMP/metrics.txt"
	if promtool check metrics <"$TMP/metrics.txt" >"$TMP/promtool.out" 2>&1; then
		ok "promtool check metrics passes"
	else
		not_ok "promtool check metrics passes" "$(cat "$TMP/promtool.out")"
	fi
fi

# --- SIGTERM: a message being received is finished, an idle session gets 421 --
mail s1.eml s1@example.nl erin@example.nl "Sent while stopping"
run python3 - "$TMP/lmtp" "$DAEMON" "$TMP/s1.eml" <<'PY'
import os, signal, socket, sys, time
def session():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    return s, s.makefile("rb")
def line(f):
    return f.readline().decode().rstrip("\r\n")
busy, bf = session()
idle, idf = session()
line(bf), line(idf)
busy.sendall(b"LHLO c\r\nMAIL FROM:<erin@example.nl>\r\nRCPT TO:<cert@example.be>\r\nDATA\r\n")
while not line(bf).startswith("354"):
    pass
data = open(sys.argv[3], "rb").read()
busy.sendall(data[:100])
os.kill(int(sys.argv[2]), signal.SIGTERM)
time.sleep(1)
busy.sendall(data[100:] + b".\r\n")
print("busy:", line(bf))
print("busy after:", line(bf) or "closed")
print("idle:", line(idf) or "closed")
PY
# (On PostgreSQL the 451 above used up a ticket id: the number is read.)
expect_match "^busy: 250 2.0.0 stored on ticket #[0-9]+$" "$OUT" "SIGTERM during DATA: the message is finished and stored"
LAST=$(sed -n 's/^busy: 250 2.0.0 stored on ticket #\([0-9]*\)$/\1/p' <<<"$OUT")
expect_eq 34 "$(tickets)" "... as the 34th ticket"
expect_match "^busy after: (421 4.3.2|closed)" "$OUT" "... then that session is closed"
expect_match "^idle: 421 4.3.2 .*shutting down" "$OUT" "... an idle session gets 421"
wait "$DAEMON" 2>/dev/null
expect_eq 0 "$?" "... and schakeld exits 0"
[ ! -e "$TMP/lmtp" ] && ok "... removing its socket" || not_ok "... removing its socket"

# --- through a real Postfix --------------------------------------------------
if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/postfix ]; then
	echo "# Postfix part skipped: needs root and Postfix"
	done_testing
	exit $?
fi
# TCP this time: Postfix's lmtp client runs as postfix, who may not
# reach a socket of root's.
sed -i "s|^listen = .*|listen = 127.0.0.1:$LPORT|" "$TMP/t.conf"
start_schakeld
wait_line "$TMP/daemon.log" "lmtp: mail in on 127.0.0.1:$LPORT" ||
	not_ok "schakeld listens on 127.0.0.1:$LPORT" "$(cat "$TMP/daemon.log")"

PF=$TMP/postfix
MX=$(free_port)
mkdir -p "$PF/spool"
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
mydestination =
relay_domains = example.be
mynetworks = 127.0.0.1/32
smtpd_relay_restrictions = permit_mynetworks, reject
transport_maps = inline:{example.be=lmtp:inet:127.0.0.1:$LPORT}
default_transport = error:no outbound mail here
message_size_limit = 40000000
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
lmtp      unix - - n - - lmtp
CF
stop_postfix() { postfix -c "$PF" stop >/dev/null 2>&1; }
on_exit stop_postfix
if postfix -c "$PF" start >"$TMP/postfix.out" 2>&1; then ok "a Postfix of our own starts on 127.0.0.1:$MX"; else
	not_ok "a Postfix of our own starts" "$(cat "$TMP/postfix.out" "$PF/maillog" 2>/dev/null)"
	done_testing
	exit 1
fi
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$MX") 2>/dev/null && break; sleep 0.1; done
submit() {
	curl -s --url "smtp://127.0.0.1:$MX" --mail-from "$2" --mail-rcpt cert@example.be \
		--upload-file "$TMP/$1"
}
wait_tickets() {
	for _ in $(seq 300); do [ "$(tickets 2>/dev/null)" = "$1" ] && return 0; sleep 0.1; done
	return 1
}

mail p1.eml p1@example.nl bob@example.nl "Defacement"
START=$(date +%s)
submit p1.eml bob@example.nl
if wait_tickets 35; then ok "Postfix delivers the report over LMTP: the 35th ticket"; else
	not_ok "Postfix delivers the report over LMTP" "$(tail -20 "$PF/maillog")"
fi
expect_match "status=sent \(250 2.0.0 stored on ticket #$((LAST + 1))\)" "$(grep 'relay=127.0.0.1' "$PF/maillog")" \
	"... Postfix logs our 250 with the ticket number"
if wait_got bob@example.nl 60; then
	ok "the acknowledgement reaches smtp-sink in $(($(date +%s) - START)) s (within 60)"
else
	not_ok "the acknowledgement reaches smtp-sink within 60 s"
fi
run S --json mail list --limit 1000
expect_eq 1 "$(py "sum('bob@example.nl' in m['recipients'] for m in d)")" "... queued once in the outbound queue"

# --- the store locked: 451, Postfix defers, the retry stores it ---------------
mail l1.eml l1@example.nl carol@example.nl "While the store is locked"
if lock_store "$DB" 4 tickets; then ok "another process holds the store's write lock"; else
	not_ok "another process holds the store's write lock"
fi
submit l1.eml carol@example.nl
for _ in $(seq 40); do grep -q "status=deferred" "$PF/maillog" && break; sleep 0.1; done
expect_match "status=deferred.*451 4.3.0 not stored, try again later" "$(grep 'status=deferred' "$PF/maillog" | tail -1)" \
	"schakeld answers 451 and Postfix defers the mail"
wait "$LOCKER" 2>/dev/null
postqueue -c "$PF" -f
if wait_tickets 36; then ok "after the lock is gone, Postfix's retry stores it"; else
	not_ok "after the lock is gone, Postfix's retry stores it" "$(tail -5 "$PF/maillog")"
fi

# --- 30 MB: 552, Postfix bounces it ---------------------------------------------
python3 - "$TMP/huge.eml" <<'PY'
import sys
line = b"z" * 76 + b"\r\n"
open(sys.argv[1], "wb").write(b"From: dave@example.nl\r\nTo: cert@example.be\r\nSubject: huge\r\n\r\n" + line * (30 * 1000 * 1000 // 78))
PY
submit huge.eml dave@example.nl
for _ in $(seq 300); do grep -q "to=<cert@example.be>.*status=bounced" "$PF/maillog" && break; sleep 0.1; done
# Postfix compares the size with the SIZE our LHLO announced and bounces
# it without sending (5.3.4), or sends MAIL FROM with SIZE= and gets 552.
expect_match "dsn=5.3.4, status=bounced.*(552 5.3.4|exceeds size limit 26214400 of server)" \
	"$(grep 'to=<cert@example.be>.*status=bounced' "$PF/maillog")" \
	"a 30 MB mail: refused for its size (5.3.4), Postfix bounces it"
expect_eq 36 "$(tickets)" "... and it is not stored"
expect_eq 1 "$(grep -c 'to=<cert@example.be>.*status=bounced' "$PF/maillog")" "... the only report Postfix bounced"

done_testing
