#!/bin/bash
# tests/cli/pg_exactly_once.sh: two schakeld nodes send one queue of 2,000
# mails to smtp-sink; one is killed with SIGKILL halfway. The other sends
# what the dead one had claimed once its lease ends, and the relay gets
# each Message-ID exactly once. Periodic jobs: with both nodes up, one
# of them does the purge. Runs with the PostgreSQL backend only.
. "$(dirname "$0")/lib.sh"
only_on_backend postgresql "several nodes share one store only on PostgreSQL"
need_smtp_sink
N=2000
LEASE=6

DB=$(new_db once)
"$SCHAKEL" --db "$DB" init >/dev/null 2>&1
# The queue, written at once: N mails, each with a Message-ID of its own.
pg_query "$DB" "INSERT INTO mail_out (created, kind, ref, message_id, sender, recipients,
	subject, message, size, status, next_attempt)
	SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'test', 'once:' || i, '<once-' || i || '@example.be>',
	'cert@example.be', 'soc' || i || '@example.nl', 'Test ' || i,
	'From: cert@example.be' || chr(13) || chr(10) || 'Subject: Test ' || i || chr(13) ||
	chr(10) || 'Message-ID: <once-' || i || '@example.be>' || chr(13) || chr(10) ||
	chr(13) || chr(10) || 'hello' || chr(13) || chr(10), 100, 'queued',
	'2000-01-01T00:00:00Z' FROM generate_series(1, $N) AS i" >/dev/null
expect_eq "$N" "$(pg_query "$DB" "SELECT count(*) FROM mail_out WHERE status = 'queued'")" \
	"$N mails queued"

start_sink || not_ok "smtp-sink starts" "$(cat "$TMP/sink.log")"
cat >"$TMP/node.conf" <<CONF
[store]
url = $DB
[mail]
relay = smtp://127.0.0.1:$SPORT
lease = $LEASE
CONF

A_PORT=$(free_port)
B_PORT=$(free_port)
while [ "$B_PORT" = "$A_PORT" ]; do B_PORT=$(free_port); done
SCHAKEL_CONF=$TMP/node.conf "$SCHAKELD" --port "$A_PORT" 2>"$TMP/a.log" &
A_PID=$!
SCHAKEL_CONF=$TMP/node.conf "$SCHAKELD" --port "$B_PORT" 2>"$TMP/b.log" &
B_PID=$!
stop_nodes() {
	for p in $A_PID $B_PID; do kill -TERM "$p" 2>/dev/null && wait "$p"; done
	return 0
}
on_exit stop_nodes

sent() { pg_query "$DB" "SELECT count(*) FROM mail_out WHERE status = 'sent'"; }

# Kill A with SIGKILL while both send: once a quarter are recorded sent,
# which with the time a look takes is about half.
for _ in $(seq 600); do
	at_kill=$(sent)
	[ "$at_kill" -ge $((N / 4)) ] && break
	sleep 0.02
done
kill -KILL "$A_PID"
wait "$A_PID" 2>/dev/null
rc=$?
if [ "$rc" -eq 137 ] && [ "$at_kill" -lt "$N" ]; then
	ok "node A killed with SIGKILL while sending ($at_kill of $N sent just before)"; else
	not_ok "node A killed with SIGKILL while sending" "exit $rc, $at_kill sent; $(cat "$TMP/a.log")"; fi
# What A held when it died: claimed, not recorded. A commit A sent just
# before the kill may still be finishing in its server process: look once
# that is done (well within the lease, so B has taken nothing of A's yet).
sleep 1
a_held=$(pg_query "$DB" "SELECT count(*) FROM mail_out WHERE status = 'queued'
	AND holder LIKE '%:$A_PID'")
A_PID=""

# B sends the rest, and A's claimed mails once their lease ends.
for _ in $(seq 600); do
	[ "$(pg_query "$DB" "SELECT count(*) FROM mail_out WHERE status = 'queued'")" = 0 ] && break
	sleep 0.1
done
sleep 1
expect_eq "$N 0" "$(pg_query "$DB" "SELECT count(*) FILTER (WHERE status = 'sent') || ' ' ||
	count(*) FILTER (WHERE status <> 'sent') FROM mail_out")" \
	"the queue is empty: all $N sent"
grep -h '^Message-ID:' "$SINK"/msg.* | tr -d '\r' | sort >"$TMP/ids"
expect_eq "$N" "$(uniq "$TMP/ids" | wc -l)" "the relay received each of the $N Message-IDs"
expect_eq "$N" "$(wc -l <"$TMP/ids")" "and each exactly once (no duplicates)"
uniq -d "$TMP/ids" | head -5 | sed 's/^/# twice: /'
claimed_twice=$(pg_query "$DB" "SELECT count(*) FROM mail_out WHERE claim > 1")
echo "# A died holding $a_held claimed mails; A had sent $(grep -c " sent to " "$TMP/a.log"), B $(grep -c " sent to " "$TMP/b.log")"
if [ "$claimed_twice" -ge "$a_held" ]; then ok "B sent the $a_held mails A held, after A's lease ended"; else
	not_ok "B sent the mails A held, after A's lease ended" "$a_held held, $claimed_twice claimed again"; fi

# --- periodic jobs: one node a period -----------------------------------------------
expect_eq "1" "$(pg_query "$DB" "SELECT runs FROM job_lease WHERE job = 'purge'")" \
	"the purge ran once, though two nodes were up"
expect_match "^[^:]+:[0-9]+$" "$(pg_query "$DB" "SELECT holder FROM job_lease WHERE job = 'purge'")" \
	"its lease names the node that ran it"
SCHAKEL_CONF=$TMP/node.conf "$SCHAKELD" --port "$A_PORT" 2>"$TMP/c.log" &
A_PID=$!
sleep 2
expect_eq "1" "$(pg_query "$DB" "SELECT runs FROM job_lease WHERE job = 'purge'")" \
	"a node started within the period does not run it again"

stop_nodes
A_PID="" B_PID=""
expect_match "stopped" "$(tail -n 2 "$TMP/b.log")" "node B stops cleanly"
done_testing
