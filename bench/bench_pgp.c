/* bench/bench_pgp.c: the driver of bench_pgp.sh. bench_pgp HOME [N]
 * generates schakel's key and a partner's in the empty keyring HOME,
 * composes a digest of 50 events (text and CSV, as route/notify.c makes
 * them) N times (default 200) as plain mail, the baseline, then N times
 * composed, signed and encrypted to the partner and schakel (pgp/mime.h),
 * and prints messages per second of each, the ratio last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "mail/message.h"
#include "pgp/keys.h"
#include "pgp/mime.h"
#include "pgp/pgp.h"

#define EVENTS 50

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct sk_error *err)
{
	fprintf(stderr, "bench_pgp: %s: %s\n", what, err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sk_error err = {0};
	struct pgp_key own, partner;
	struct buf csv;
	struct pgp *p;
	const char *rcpt[1];
	char *text = NULL, *sealed = NULL;
	size_t len = 0, sealed_len = 0;
	double t0, plain_s, pgp_s;
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 200;

	if (argc < 2 || n < 1 || n > 100000) {
		fprintf(stderr, "usage: bench_pgp HOME [N]\n");
		return 64;
	}
	if ((p = pgp_open(argv[1], &err)) == NULL)
		die("keyring", &err);
	if (pgp_key_generate(p, "CERT Bench", "cert@cert.test", 0, &own, &err) != 0 ||
	    pgp_key_generate(p, "Partner SOC", "soc@partner.test", 0, &partner, &err) != 0)
		die("generating keys", &err);
	rcpt[0] = partner.fpr;

	buf_init(&csv, 1 << 20);
	buf_append_str(&csv, "classification.taxonomy,classification.type,feed.name,source.ip,"
			     "source.port,source.asn,time.source,tlp\r\n");
	for (int i = 0; i < EVENTS; i++)
		buf_printf(
		    &csv,
		    "vulnerable,vulnerable-system,Shadowserver scan_ntp,192.0.2.%d,123,64496,"
		    "2026-11-30T01:%02d:00+00:00,TLP:AMBER\r\n",
		    i + 1, i);
	const struct mail_addr to = {"Partner SOC", "soc@partner.test"};
	const struct mail_header auto_gen = {"Auto-Submitted", "auto-generated"};
	const struct mail_attachment att = {"scan_ntp-vulnerable-system-2026-11-30.csv",
					    "text/csv; charset=utf-8", csv.data, csv.len};
	const struct mail_message m = {
	    .from = {"CERT Bench", "cert@cert.test"},
	    .to = &to,
	    .n_to = 1,
	    .subject = "[CERT Bench] 50 events: vulnerable-system (TLP:AMBER)",
	    .body = "Dear colleagues of Partner,\n\nIn the attached CSV file you find 50 "
		    "event(s) of type \"vulnerable-system\".\n\nThis information is classified "
		    "TLP:AMBER.\n\nKind regards,\nCERT Bench\n",
	    .headers = &auto_gen,
	    .n_headers = 1,
	    .attachments = &att,
	    .n_attachments = 1,
	    .date = 1764464400,
	    .message_id = "<bench@cert.test>",
	};

	t0 = now_s();
	for (long i = 0; i < n * 10; i++) {
		if (mail_compose(&m, &text, &len, NULL, &err) != 0)
			die("compose", &err);
		free(text);
	}
	plain_s = (now_s() - t0) / 10.0;
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		if (mail_compose(&m, &text, &len, NULL, &err) != 0)
			die("compose", &err);
		if (pgp_mime_protect(p, own.fpr, rcpt, 1, text, MAIL_MESSAGE_MAX, &sealed,
				     &sealed_len, &err) != 0)
			die("sign and encrypt", &err);
		free(text);
		free(sealed);
	}
	pgp_s = now_s() - t0;
	printf("digest: %d events, %zu bytes composed, %zu bytes signed and encrypted "
	       "(%s keys)\n",
	       EVENTS, len, sealed_len, "GnuPG default RSA-3072");
	printf("plain composition: %.0f messages/s\n", (double)n / plain_s);
	printf(
	    "signed and encrypted (PGP/MIME, one gpg run each): %.1f messages/s, %.1f ms each, "
	    "%.4f x plain composition\n",
	    (double)n / pgp_s, 1000.0 * pgp_s / (double)n, plain_s / pgp_s);
	buf_free(&csv);
	pgp_close(p);
	return 0;
}
