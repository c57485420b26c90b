#!/bin/bash
# tests/cli/tls.sh: schakeld serving HTTPS with a certificate made here by
# openssl: TLS 1.2 and 1.3 only, HSTS, Secure cookies, the certificate and
# key reloaded on SIGHUP (a bad pair keeps the old one, open connections
# go on), configuration errors, and X-Forwarded-For and
# X-Forwarded-Proto believed from trusted proxies only.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || {
	echo "1..0 # SKIP openssl is not installed"
	exit 0
}

DB=$(new_db tls)
exec 3>&2 2>"$TMP/seed.err"
"$SCHAKEL" --db "$DB" init >/dev/null
printf 'correct horse battery\n' | "$SCHAKEL" --db "$DB" user add bob --role admin \
	--password-stdin >/dev/null
exec 2>&3 3>&-

# --- a CA and two server certificates for 127.0.0.1 --------------------------------
PKI=$TMP/pki
mkdir -p "$PKI"
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
newkey "$PKI/ca.key"
openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=schakel test CA" -days 2 \
	-out "$PKI/ca.pem" 2>/dev/null
printf 'subjectAltName = IP:127.0.0.1\n' >"$PKI/san.ext"
# server NAME SERIAL: NAME.pem and NAME.key, signed by the CA.
server() {
	newkey "$PKI/$1.key"
	openssl req -new -key "$PKI/$1.key" -subj "/CN=$1.example.org" -out "$PKI/$1.csr" \
		2>/dev/null
	openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
		-set_serial "$2" -days 2 -extfile "$PKI/san.ext" -out "$PKI/$1.pem" 2>/dev/null
	chmod 600 "$PKI/$1.key"
}
server first 4097  # serial 0x1001
server second 4098 # serial 0x1002
server stray 4099
if [ -s "$PKI/first.pem" ] && [ -s "$PKI/second.pem" ]; then ok "openssl made the certificates"; else
	not_ok "openssl made the certificates"; fi

# The files schakeld is configured with; replaced before a reload.
CERT=$TMP/server.pem
KEY=$TMP/server.key
install -m 644 "$PKI/first.pem" "$CERT"
install -m 600 "$PKI/first.key" "$KEY"

PIDS=""
stop_all() { for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
on_exit stop_all

# conf NAME LINES: a configuration with [http] LINES (printf %b) and the store.
conf() { printf '[store]\nurl = %s\n[http]\n%b' "$DB" "$2" >"$TMP/$1.conf"; }
# start CONF LOG SCHEME: schakeld on a free port (PORT, BASE); PID; waits
# until /healthz answers over SCHEME.
start() {
	PORT=$(free_port)
	BASE="$3://127.0.0.1:$PORT"
	"$SCHAKELD" -c "$1" --port "$PORT" 2>"$2" &
	PID=$!
	PIDS="$PIDS $PID"
	for _ in $(seq 100); do
		curl -sf --cacert "$PKI/ca.pem" "$BASE/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# api PATH CURL-ARGS...: sets CODE, BODY and HEADERS.
api() {
	local path=$1
	shift
	CODE=$(curl -s --cacert "$PKI/ca.pem" -o "$TMP/body" -D "$TMP/headers" \
		-w '%{http_code}' "$@" "$BASE$path")
	BODY=$(cat "$TMP/body")
	HEADERS=$(tr -d '\r' <"$TMP/headers")
}
header() { printf '%s\n' "$HEADERS" | grep -i "^$1:" | head -n 1 | cut -d' ' -f2-; }
signin() {
	api /api/v1/session -X POST -H 'Content-Type: application/json' \
		-d "{\"name\":\"$1\",\"password\":\"$2\"}" "${@:3}"
}
# serial: the serial of the certificate a new connection sees.
serial() {
	openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" </dev/null 2>/dev/null |
		openssl x509 -noout -serial 2>/dev/null
}

# --- configuration errors: 78, naming what is wrong ---------------------------------
conf nokey "tls_cert = $CERT\n"
expect_rc 78 "tls_cert without tls_key: 78" "$SCHAKELD" -c "$TMP/nokey.conf"
expect_match 'tls_key' "$ERR" "the error asks for tls_key"
conf nocert "tls_key = $KEY\n"
expect_rc 78 "tls_key without tls_cert: 78" "$SCHAKELD" -c "$TMP/nocert.conf"
conf absent "tls_cert = $TMP/absent.pem\ntls_key = $KEY\n"
expect_rc 78 "a certificate file that does not exist: 78" "$SCHAKELD" -c "$TMP/absent.conf" \
	--port "$(free_port)"
expect_match "tls_cert $TMP/absent.pem: cannot open" "$ERR" "the error names the file"
printf 'not a certificate\n' >"$TMP/junk.pem"
conf junk "tls_cert = $TMP/junk.pem\ntls_key = $KEY\n"
expect_rc 78 "a certificate file that is not PEM: 78" "$SCHAKELD" -c "$TMP/junk.conf" \
	--port "$(free_port)"
expect_match "tls_cert $TMP/junk.pem: not PEM" "$ERR" "the error names the certificate file"
conf wrong "tls_cert = $CERT\ntls_key = $PKI/stray.key\n"
expect_rc 78 "the key of another certificate: 78" "$SCHAKELD" -c "$TMP/wrong.conf" \
	--port "$(free_port)"
expect_match "tls_key $PKI/stray.key: not the key of the certificate in $CERT" "$ERR" \
	"the error names the key and the certificate"
install -m 644 "$PKI/first.key" "$TMP/open.key"
conf open "tls_cert = $CERT\ntls_key = $TMP/open.key\n"
expect_rc 78 "a key others may read: 78" "$SCHAKELD" -c "$TMP/open.conf" --port "$(free_port)"
expect_match "tls_key $TMP/open.key: others may read it \(mode 0644\)" "$ERR" \
	"the error names the key file and its mode"
conf proxies "trusted_proxies = 127.0.0.1, proxy.example.org\n"
expect_rc 78 "a trusted proxy that is not an address: 78" "$SCHAKELD" -c "$TMP/proxies.conf"
expect_match 'trusted_proxies.*proxy\.example\.org' "$ERR" "the error names the entry"

# --- HTTPS --------------------------------------------------------------------------
conf tls "tls_cert = $CERT\ntls_key = $KEY\ntrusted_proxies = 127.0.0.1, ::1\nsignin_address_failures = 2\n"
LOG=$TMP/tls.log
if start "$TMP/tls.conf" "$LOG" https; then ok "schakeld answers /healthz over HTTPS"; else
	not_ok "schakeld answers /healthz over HTTPS" "$(cat "$LOG")"; fi
TLS_PID=$PID
api /healthz
expect_eq 200 "$CODE" "curl --cacert trusts the certificate for 127.0.0.1"
expect_eq "max-age=31536000" "$(header Strict-Transport-Security)" "HTTPS answers carry HSTS"
expect_match "HTTPS only \(TLS 1\.2 and 1\.3\), certificate $CERT" "$(cat "$LOG")" \
	"the start-up log says it serves HTTPS"

code=$(curl -s --cacert "$PKI/ca.pem" --tlsv1.2 --tls-max 1.2 -o /dev/null -w '%{http_code}' \
	"$BASE/healthz")
expect_eq 200 "$code" "TLS 1.2 works"
code=$(curl -s --cacert "$PKI/ca.pem" --tlsv1.3 -o /dev/null -w '%{http_code}' "$BASE/healthz")
expect_eq 200 "$code" "TLS 1.3 works"

# The clients below do speak TLS 1.0 and 1.1 (security level 0): shown
# against an openssl server that allows them, then refused by schakeld.
OLD=(-cipher 'DEFAULT@SECLEVEL=0')
SPORT=$(free_port)
openssl s_server -accept "$SPORT" -cert "$PKI/first.pem" -key "$PKI/first.key" "${OLD[@]}" \
	-www >/dev/null 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
wait_port() { for _ in $(seq 50); do (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; }
wait_port "$SPORT"
# hello PORT FLAG: an openssl s_client handshake with FLAG; its output in OUT.
hello() { OUT=$(echo | openssl s_client -connect "127.0.0.1:$1" "$2" "${OLD[@]}" 2>&1); }
hello "$SPORT" -tls1_1
if [[ $OUT == *"Protocol  : TLSv1.1"* && $OUT != *"Cipher is (NONE)"* ]]; then
	ok "control: the client speaks TLS 1.1"; else not_ok "control: the client speaks TLS 1.1" "$OUT"; fi
code=$(curl -s --cacert "$PKI/ca.pem" --tls-max 1.1 --ciphers 'DEFAULT@SECLEVEL=0' \
	-o /dev/null -w '%{http_code}' "https://127.0.0.1:$SPORT/")
expect_eq 200 "$code" "control: curl speaks TLS 1.1"
kill "$SPID" 2>/dev/null

expect_rc 35 "curl --tls-max 1.1: the handshake fails" curl -s --cacert "$PKI/ca.pem" \
	--tls-max 1.1 --ciphers 'DEFAULT@SECLEVEL=0' "$BASE/healthz"
expect_rc 35 "curl --tls-max 1.0: the handshake fails" curl -s --cacert "$PKI/ca.pem" \
	--tls-max 1.0 --ciphers 'DEFAULT@SECLEVEL=0' "$BASE/healthz"
hello "$PORT" -tls1_1
expect_match 'Cipher is \(NONE\)' "$OUT" "openssl s_client -tls1_1 is refused"
hello "$PORT" -tls1
expect_match 'Cipher is \(NONE\)' "$OUT" "openssl s_client -tls1 is refused"
hello "$PORT" -tls1_2
expect_match 'Protocol  *: TLSv1\.2' "$OUT" "openssl s_client -tls1_2 is served"
expect_no_match 'Cipher is \(NONE\)' "$OUT" "with a cipher"
run curl -s "http://127.0.0.1:$PORT/healthz"
if [ "$RC" != 0 ] && [ -z "$OUT" ]; then ok "plain HTTP to the HTTPS port gets no answer"; else
	not_ok "plain HTTP to the HTTPS port gets no answer" "rc $RC: $OUT"; fi
api /healthz
expect_eq 200 "$CODE" "failed handshakes leave the server serving"

# --- cookies: Secure under cookie_secure = auto --------------------------------------
signin bob 'correct horse battery'
expect_eq 201 "$CODE" "sign-in over HTTPS: 201"
expect_match '; Secure(;|$)' "$(header Set-Cookie)" "cookie_secure = auto over HTTPS: Secure"

# --- SIGHUP: a new certificate for new connections; open ones go on -----------------
expect_eq "serial=1001" "$(serial)" "a new connection sees the first certificate"
# A connection opened before the reload sends its second request after it.
(
	printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
	sleep 2
	printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
	sleep 1
) | openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" -quiet \
	>"$TMP/held.out" 2>/dev/null &
HELD=$!
for _ in $(seq 50); do grep -q '200 OK' "$TMP/held.out" 2>/dev/null && break; sleep 0.1; done
install -m 644 "$PKI/second.pem" "$CERT"
install -m 600 "$PKI/second.key" "$KEY"
kill -HUP "$TLS_PID"
if wait_line "$LOG" "SIGHUP: TLS certificate and key reloaded"; then ok "the reload is logged"; else
	not_ok "the reload is logged" "$(cat "$LOG")"; fi
expect_eq "serial=1002" "$(serial)" "after SIGHUP a new connection sees the second certificate"
wait "$HELD"
expect_eq 2 "$(grep -c '^HTTP/1.1 200 OK' "$TMP/held.out")" \
	"a connection opened before the reload answers a request sent after it"
if kill -0 "$TLS_PID"; then ok "schakeld goes on after SIGHUP"; else not_ok "schakeld goes on after SIGHUP"; fi

# A bad replacement: logged, and the second certificate stays.
install -m 600 "$PKI/stray.key" "$KEY"
kill -HUP "$TLS_PID"
wait_line "$LOG" "SIGHUP: .*tls_key $KEY: not the key of the certificate" || true
expect_match "\[error\] SIGHUP: \[http\] tls_key $KEY: not the key of the certificate in $CERT; the old certificate stays" \
	"$(cat "$LOG")" "a key that does not fit is logged as an error"
expect_eq "serial=1002" "$(serial)" "after a bad reload the old certificate stays in use"
install -m 644 "$PKI/second.key" "$KEY"
kill -HUP "$TLS_PID"
if wait_line "$LOG" "tls_key $KEY: others may read it"; then
	ok "a key others may read is refused on reload"; else
	not_ok "a key others may read is refused on reload" "$(cat "$LOG")"; fi
api /healthz
expect_eq 200 "$CODE" "and HTTPS goes on"

# --- X-Forwarded-For from a trusted proxy (127.0.0.1 here) ---------------------------
api /healthz -H 'X-Forwarded-For: 10.1.2.3, 203.0.113.9'
wait_line "$LOG" "GET /healthz 200 .* from 203\.0\.113\.9" || true
expect_match "GET /healthz 200 [0-9.]+ms - from 203\.0\.113\.9" "$(cat "$LOG")" \
	"from a trusted proxy the log names the forwarded address"
# Sign-in failures count per forwarded address (signin_address_failures = 2).
for name in guess1 guess2; do
	api /api/v1/me -u "$name:wrong" -H 'X-Forwarded-For: 203.0.113.20'
done
api /api/v1/me -u "bob:correct horse battery" -H 'X-Forwarded-For: 203.0.113.20'
expect_eq 429 "$CODE" "failures from one forwarded address lock that address"
api /api/v1/me -u "bob:correct horse battery" -H 'X-Forwarded-For: 203.0.113.21'
expect_eq 200 "$CODE" "another forwarded address behind the same proxy is not locked"
kill -TERM "$TLS_PID"
wait "$TLS_PID"
expect_eq 0 "$?" "SIGTERM stops the HTTPS server with status 0"

# --- a peer that is not a trusted proxy -----------------------------------------------
conf plain "trusted_proxies = 192.0.2.1\n"
LOG=$TMP/plain.log
start "$TMP/plain.conf" "$LOG" http || not_ok "schakeld starts without TLS" "$(cat "$LOG")"
api /healthz -H 'X-Forwarded-For: 203.0.113.9'
expect_eq "" "$(header Strict-Transport-Security)" "plain HTTP answers carry no HSTS"
wait_line "$LOG" "GET /healthz 200" || true
expect_match "GET /healthz 200 [0-9.]+ms - from 127\.0\.0\.1" "$(cat "$LOG")" \
	"from an untrusted peer X-Forwarded-For is ignored"
expect_no_match "203\.0\.113\.9" "$(cat "$LOG")" "the forged address is not logged"
signin bob 'correct horse battery' -H 'X-Forwarded-Proto: https'
expect_no_match 'Secure' "$(header Set-Cookie)" \
	"X-Forwarded-Proto from an untrusted peer does not make the cookie Secure"
kill -HUP "$PID"
if wait_line "$LOG" "SIGHUP: no TLS to reload"; then ok "SIGHUP without TLS is logged"; else
	not_ok "SIGHUP without TLS is logged" "$(cat "$LOG")"; fi

conf proxied "trusted_proxies = 127.0.0.1\n"
LOG=$TMP/proxied.log
start "$TMP/proxied.conf" "$LOG" http || not_ok "schakeld starts behind a proxy" "$(cat "$LOG")"
signin bob 'correct horse battery'
expect_no_match 'Secure' "$(header Set-Cookie)" "plain HTTP, no X-Forwarded-Proto: not Secure"
signin bob 'correct horse battery' -H 'X-Forwarded-Proto: https'
expect_match '; Secure(;|$)' "$(header Set-Cookie)" \
	"X-Forwarded-Proto: https from a trusted proxy makes the cookie Secure"

done_testing
