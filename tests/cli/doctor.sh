#!/bin/bash
# tests/cli/doctor.sh: schakel doctor on a healthy deployment (store mode
# 0600 in a closed directory, the repository's templates, smtp-sink as
# the relay, a generated key, a console, a TLS pair), then broken one
# thing at a time: each break fails or warns in its own check, with the
# fix, and only a failure makes the exit status 69.
. "$(dirname "$0")/lib.sh"

need_smtp_sink
command -v gpg >/dev/null || {
	echo "1..0 # SKIP gpg is missing"
	exit 0
}
command -v openssl >/dev/null || {
	echo "1..0 # SKIP openssl is missing"
	exit 0
}

STATE=$TMP/state
mkdir -m 700 "$STATE" "$TMP/web"
echo '<!doctype html><title>schakel</title>' >"$TMP/web/index.html"
cp -r "$SRCDIR/share/templates" "$TMP/tpl"
case $BACKEND in
sqlite) DB=sqlite:$STATE/schakel.db ;;
*) DB=$(new_db doctor) ;;
esac
KEYRING=$STATE/gnupg
# write_conf [EXTRA]: the configuration, with EXTRA lines at its end.
write_conf() {
	cat >"$TMP/schakel.conf" <<CONF
[store]
url = $DB
[pgp]
home = $KEYRING
[notify]
templates = $TMP/tpl
[mail]
relay = smtp://127.0.0.1:$SPORT
from = cert@cert.test
[http]
web_root = $TMP/web
${1:-}
CONF
}
write_conf
export SCHAKEL_CONF=$TMP/schakel.conf
S() { "$SCHAKEL" "$@"; }
PARTNER=$TMP/partner
mkdir -m 700 "$PARTNER"
G() { gpg --homedir "$PARTNER" --batch --quiet "$@"; }
kill_agents() {
	gpgconf --homedir "$KEYRING" --kill all 2>/dev/null
	gpgconf --homedir "$PARTNER" --kill all 2>/dev/null
	gpgconf --homedir "$TMP/shortring" --kill all 2>/dev/null
	gpgconf --homedir "$TMP/emptyring" --kill all 2>/dev/null
	return 0
}
on_exit kill_agents

# status CHECK: the status of CHECK in the --json report in $OUT; fix
# CHECK and finding CHECK: its texts.
field() { py "[c['$2'] for c in d['checks'] if c['check'] == '$1'][0]"; }
status() { field "$1" status; }
fix() { field "$1" fix; }
finding() { field "$1" finding; }
# doctor: schakel --json doctor into OUT, ERR, RC.
doctor() { run S --json doctor; }

S init >/dev/null
S key generate --name "CERT Test" --email cert@cert.test >/dev/null
start_sink || not_ok "smtp-sink starts" "$(cat "$TMP/sink.log")"

# --- healthy ---------------------------------------------------------------
expect_rc 0 "doctor on a healthy deployment: 0" S doctor
expect_match "^CHECK +STATUS +FINDING +FIX" "$OUT" "the table has a header"
expect_match "^[0-9]+ ok, [01] warnings, 0 failed$" "$OUT" "a summary line ends it"
doctor
expect_eq 0 "$RC" "doctor --json: 0"
for c in config store-private store migrations state-dir templates web-root tls relay \
	key-own keys-partners; do
	expect_eq ok "$(status $c)" "healthy: $c is ok"
done
# The clock is the host's: synchronized or not, never a failure.
expect_match "^(ok|warn)$" "$(status clock)" "the clock is checked"
expect_eq 0 "$(py "d['fail']")" "no check failed"
expect_eq "" "$(fix relay)" "an ok check has nothing to fix"
expect_eq 0 "$(sink_got cert@cert.test)" "the relay check sends no mail"

# --- the configuration -------------------------------------------------------
expect_rc 78 "a configuration that cannot be read: 78" S -c "$TMP/none.conf" doctor
write_conf "[mail]
rellay = smtp://127.0.0.1:25"
doctor
expect_eq 69 "$RC" "an unknown setting: 69"
expect_eq fail "$(status config)" "the config check fails"
expect_match "rellay" "$(finding config)" "it names the setting"
expect_match "correct or remove" "$(fix config)" "and says what to do"
expect_eq ok "$(status store)" "the other checks still run"
write_conf

# --- the store ---------------------------------------------------------------
if on_backend sqlite; then
	chmod 644 "$STATE/schakel.db"
	doctor
	expect_eq 69 "$RC" "a store file others may read: 69"
	expect_eq fail "$(status store-private)" "store-private fails"
	expect_match "mode 0644" "$(finding store-private)" "it names the mode"
	expect_eq "chmod 600 $STATE/schakel.db*" "$(fix store-private)" "the fix is chmod 600"
	chmod 600 "$STATE/schakel.db"
	chmod 755 "$STATE"
	doctor
	expect_eq 0 "$RC" "a store directory others may list: only a warning"
	expect_eq warn "$(status store-private)" "store-private warns"
	expect_eq "chmod 700 $STATE" "$(fix store-private)" "the fix is chmod 700"
	chmod 700 "$STATE"
	run S --json --db "sqlite:$STATE/absent.db" doctor
	expect_eq 69 "$RC" "no store file: 69"
	expect_eq fail "$(status store)" "the store check fails"
	expect_eq "run schakel init" "$(fix store)" "the fix is schakel init"
	if [ -e "$STATE/absent.db" ]; then not_ok "doctor creates no store"; else
		ok "doctor creates no store"; fi
fi
# A password in a store URL in a file every user may read.
printf '[store]\nurl = postgresql://schakel:s3cret@127.0.0.1:1/schakel\n' >"$TMP/pw.conf"
chmod 644 "$TMP/pw.conf"
run S --json -c "$TMP/pw.conf" doctor
expect_eq 69 "$RC" "a readable password: 69"
expect_eq fail "$(status store-private)" "store-private fails on a readable password"
expect_match "chmod 640 $TMP/pw.conf" "$(fix store-private)" "the fix is chmod 640"
expect_eq fail "$(status store)" "an unreachable PostgreSQL store fails"
chmod 600 "$TMP/pw.conf"
run S --json -c "$TMP/pw.conf" doctor
expect_eq ok "$(status store-private)" "a password in a private file is fine"

# --- migrations --------------------------------------------------------------
# sql SQL: run SQL on the store under test.
sql() {
	if on_backend sqlite; then
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' \
			"$STATE/schakel.db" "$1"
	else
		pg_query "$DB" "$1" >/dev/null
	fi
}
NEWEST=$(find "$SRCDIR/src/store/migrations" -name '*.sql' | wc -l)
sql "DELETE FROM schema_migrations WHERE version = $NEWEST"
doctor
expect_eq 69 "$RC" "a store behind this schakel: 69"
expect_eq fail "$(status migrations)" "the migrations check fails"
expect_match "version $((NEWEST - 1)); this schakel needs $NEWEST" "$(finding migrations)" \
	"it names both versions"
expect_match "^run schakel init" "$(fix migrations)" "the fix is schakel init"
sql "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($NEWEST, 'x', '2024-01-01T00:00:00Z')"
sql "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2024-01-01T00:00:00Z')"
doctor
expect_eq fail "$(status migrations)" "a store of a newer schakel fails"
expect_match "newer" "$(fix migrations)" "the fix is the newer schakel"
sql "DELETE FROM schema_migrations WHERE version = 999"
doctor
expect_eq ok "$(status migrations)" "migrations are current again"

# --- templates ---------------------------------------------------------------
mv "$TMP/tpl/ticket-ack-en.txt" "$TMP/ack.txt"
doctor
expect_eq 69 "$RC" "a template missing: 69"
expect_eq fail "$(status templates)" "the templates check fails"
expect_match "ticket-ack-en.txt is missing" "$(finding templates)" "it names the file"
expect_match "restore the file" "$(fix templates)" "the fix says to restore it"
mv "$TMP/ack.txt" "$TMP/tpl/ticket-ack-en.txt"
cp "$TMP/tpl/notify-nl.txt" "$TMP/nl.txt"
echo '{{unknown_name}}' >>"$TMP/tpl/notify-nl.txt"
doctor
expect_eq fail "$(status templates)" "a template that does not parse fails"
expect_match "notify-nl.txt:[0-9]+:.*unknown_name" "$(finding templates)" "it names file, line and name"
mv "$TMP/nl.txt" "$TMP/tpl/notify-nl.txt"

# --- the relay ---------------------------------------------------------------
stop_sink
doctor
expect_eq 69 "$RC" "the relay closed: 69"
expect_eq fail "$(status relay)" "the relay check fails"
expect_match "127\.0\.0\.1:$SPORT" "$(finding relay)" "it names the relay"
expect_match "\[mail\] relay" "$(fix relay)" "the fix names [mail] relay"
start_sink
doctor
expect_eq ok "$(status relay)" "the relay answers again"

# --- keys ----------------------------------------------------------------------
G --passphrase '' --quick-gen-key "Short <short@water.test>" default default 10d 2>/dev/null
G --armor --export short@water.test >"$TMP/short.asc"
S key import "$TMP/short.asc" >/dev/null
doctor
expect_eq 0 "$RC" "a partner's key expiring in 10 days: only a warning"
expect_eq warn "$(status keys-partners)" "keys-partners warns"
expect_match "1 of 1 .*short@water\.test \(in (9|10) days\)" "$(finding keys-partners)" \
	"it names the key and the days left"
expect_match "schakel key import" "$(fix keys-partners)" "the fix is a new key's import"
mkdir -m 700 "$TMP/shortring"
KEYRING=$TMP/shortring write_conf
S key generate --name "CERT Test" --email cert@cert.test --expires 10d >/dev/null
doctor
expect_eq warn "$(status key-own)" "schakel's own key expiring in 10 days warns"
expect_match "expires in (9|10) days" "$(finding key-own)" "it says when"
expect_match "quick-set-expire" "$(fix key-own)" "the fix is extending it"
mkdir -m 700 "$TMP/emptyring"
KEYRING=$TMP/emptyring write_conf
doctor
expect_eq 69 "$RC" "no key of schakel's own: 69"
expect_eq fail "$(status key-own)" "key-own fails"
expect_match "schakel key generate" "$(fix key-own)" "the fix is generating one"
gpgconf --homedir "$TMP/emptyring" --kill all 2>/dev/null
write_conf

# --- TLS -----------------------------------------------------------------------
# cert DAYS NAME: a self-signed certificate NAME.crt with its key NAME.key.
cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days "$1" -subj /CN=localhost \
		-keyout "$TMP/$2.key" -out "$TMP/$2.crt" 2>/dev/null
	chmod 600 "$TMP/$2.key"
}
cert 5 short
cert 365 long
tls_conf() { write_conf "[http]
tls_cert = $TMP/$1.crt
tls_key = $TMP/$2.key"; }
tls_conf long long
doctor
expect_eq ok "$(status tls)" "a certificate valid for a year is ok"
tls_conf short short
doctor
expect_eq 0 "$RC" "a certificate expiring in 5 days: only a warning"
expect_eq warn "$(status tls)" "the tls check warns"
expect_match "expires in [45] days" "$(finding tls)" "it says when"
expect_match "renew $TMP/short.crt" "$(fix tls)" "the fix is renewing it"
chmod 644 "$TMP/short.key"
doctor
expect_eq 69 "$RC" "a TLS key others may read: 69"
expect_eq "chmod 600 $TMP/short.key" "$(fix tls)" "the fix is chmod 600"
tls_conf long short
chmod 600 "$TMP/short.key"
doctor
expect_eq fail "$(status tls)" "a key of another certificate fails"
expect_match "do not make a pair" "$(finding tls)" "it says they do not fit"
write_conf

# --- the console -------------------------------------------------------------
rm "$TMP/web/index.html"
doctor
expect_eq 0 "$RC" "no console files: only a warning"
expect_eq warn "$(status web-root)" "web-root warns"
expect_match "\[http\] web_root" "$(fix web-root)" "the fix names [http] web_root"

expect_rc 0 "doctor --help" S doctor --help
expect_match "69 when one failed" "$OUT" "--help gives the exit codes"
expect_rc 64 "doctor takes no arguments" S doctor extra

done_testing
