#!/bin/bash
# tests/cli/store_files.sh: the files of a SQLite store are the owner's
# alone (0600) whatever the umask, and schakel and schakeld refuse a
# store that others may read, saying how to fix it.
. "$(dirname "$0")/lib.sh"
only_on_backend sqlite "file modes are a property of SQLite stores"

mode() { stat -c %a "$1"; }
S() { "$SCHAKEL" --db "sqlite:$1" "${@:2}"; }

for mask in 000 022 077; do
	db=$TMP/u$mask.db
	(umask $mask && S "$db" init >/dev/null && S "$db" org add "Example $mask" --kind constituent \
		--class private >/dev/null)
	expect_eq 600 "$(mode "$db")" "umask $mask: the database is created 0600"
done

# While a connection is open, its -wal and -shm files exist: same mode.
db=$TMP/live.db
(umask 000 && S "$db" init >/dev/null)
python3 - "$db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT count(*) FROM orgs").fetchall()
time.sleep(3)
PY
holder=$!
(umask 000 && S "$db" org add "Example Live" --kind constituent --class private >/dev/null)
sleep 0.5
expect_eq "600 600" "$(mode "$db-wal") $(mode "$db-shm")" "the -wal and -shm files are 0600 too"
wait $holder

db=$TMP/open.db
S "$db" init >/dev/null
chmod 644 "$db"
expect_rc 78 "schakel init refuses a database others may read" S "$db" init
expect_match "open to other users \(mode 0644\): run chmod 600 $db" "$ERR" "the message says how to fix it"
expect_rc 78 "every command refuses it" S "$db" org list
PORT=$(free_port)
expect_rc 78 "schakeld refuses it" timeout 20 "$SCHAKELD" --db "sqlite:$db" --port "$PORT"
chmod 600 "$db"
expect_rc 0 "after chmod 600 it is used" S "$db" org list

: >"$db-wal"
chmod 640 "$db-wal"
expect_rc 78 "a -wal file open to the group is refused" S "$db" org list
chmod 600 "$db-wal"
expect_rc 0 "and used once it is 0600" S "$db" org list

(umask 000 && S "$TMP/u000.db" export "$TMP/export.json" >/dev/null)
expect_eq 600 "$(mode "$TMP/export.json")" "an export file is 0600 whatever the umask"

done_testing
