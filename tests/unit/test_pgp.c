/* tests/unit/test_pgp.c: src/pgp with real gpg in a throwaway keyring
 * (keys generated here): where the keyring is, fingerprints, key
 * look-ups and states, imports that are refused, passphrase files, and
 * PGP/MIME that gpg verifies and decrypts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "pgp/keys.h"
#include "pgp/mime.h"
#include "pgp/pgp.h"

struct fixture {
	char dir[64];
	char home[96];
	struct pgp *p;
	struct pgp_key own, partner;
};

/* Run argv; its exit status, stdout into out (may be NULL, at most
 * size - 1 bytes). */
static int run(char *const argv[], const char *in_path, char *out, size_t size)
{
	int fds[2], status = -1;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(in_path ? open(in_path, O_RDONLY) : devnull, 0);
		dup2(fds[1], 1);
		dup2(devnull, 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (out != NULL && len + 1 < size &&
	       (r = read(fds[0], out + len, size - 1 - len)) > 0)
		len += (size_t)r;
	if (out != NULL)
		out[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sk_error err = {0};

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/schakel-test-pgp-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->home, sizeof(f->home), "%s/gnupg", f->dir);
	if (pgp_home_create(f->home, &err) != 0 || (f->p = pgp_open(f->home, &err)) == NULL ||
	    pgp_key_generate(f->p, "CERT Test", "cert@cert.test", 0, &f->own, &err) != 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pgp_close(f->p);
	run((char *[]){"gpgconf", "--homedir", f->home, "--kill", "all", NULL}, NULL, NULL, 0);
	run((char *[]){"rm", "-rf", f->dir, NULL}, NULL, NULL, 0);
	free(f);
	return 0;
}

static void test_fpr_normalize(void **state)
{
	char out[PGP_FPR_MAX + 1];
	struct sk_error err = {0};

	(void)state;
	assert_int_equal(
	    pgp_fpr_normalize("0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567", out, &err),
	    0);
	assert_string_equal(out, "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_int_equal(
	    pgp_fpr_normalize("0123456789ABCDEF0123456789ABCDEF0123456", out, &err), SK_EINVAL);
	assert_int_equal(
	    pgp_fpr_normalize("0123456789ABCDEF0123456789ABCDEF0123456G", out, &err),
	    SK_EINVAL);
	assert_int_equal(pgp_fpr_normalize("", out, &err), SK_EINVAL);
	assert_int_equal(
	    pgp_fpr_normalize("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234"
			      "56789ABCDEF",
			      out, &err),
	    0);
	assert_int_equal(strlen(out), 64);
}

static void test_home_path(void **state)
{
	struct config *cfg = config_new();
	char *h;

	(void)state;
	h = pgp_home_path(cfg, "sqlite:/var/lib/x/schakel.db");
	assert_string_equal(h, "/var/lib/x/gnupg");
	free(h);
	h = pgp_home_path(cfg, "sqlite:schakel.db");
	assert_string_equal(h, "gnupg");
	free(h);
	h = pgp_home_path(cfg, "postgresql://db.example/schakel");
	assert_string_equal(h, PGP_DEFAULT_HOME);
	free(h);
	config_set(cfg, "pgp", "home", "/srv/keys");
	h = pgp_home_path(cfg, "sqlite:/var/lib/x/schakel.db");
	assert_string_equal(h, "/srv/keys");
	free(h);
	config_free(cfg);
}

static void test_home_create(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/open", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(pgp_home_create(path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/file", f->dir);
	write_file(path, "x", 0600);
	assert_int_equal(pgp_home_create(path, &err), SK_EIO);
	assert_non_null(strstr(err.msg, "not a directory"));
	snprintf(path, sizeof(path), "%s/missing/gnupg", f->dir);
	assert_null(pgp_open(path, &err));
	assert_int_equal(err.code, SK_ECONFIG);
}

static void test_usable_until(void **state)
{
	struct pgp_key k = {.state = PGP_KEY_USABLE, .expires = 1000};

	(void)state;
	assert_true(pgp_key_usable_until(&k, 900, 0));
	assert_false(pgp_key_usable_until(&k, 900, 100));
	assert_false(pgp_key_usable_until(&k, 1000, 0));
	k.expires = 0;
	assert_true(pgp_key_usable_until(&k, 900, 1000000));
	k.state = PGP_KEY_REVOKED;
	assert_false(pgp_key_usable_until(&k, 900, 0));
}

static void test_lookup_and_own(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct pgp_key k, second;

	assert_int_equal(f->own.state, PGP_KEY_USABLE);
	assert_true(f->own.secret && f->own.can_sign && f->own.can_encrypt);
	assert_string_equal(f->own.email, "cert@cert.test");
	assert_int_equal(f->own.expires, 0);
	assert_int_equal(pgp_key_get(f->p, "CERT@cert.test", false, &k, &err), 0);
	assert_string_equal(k.fpr, f->own.fpr);
	assert_int_equal(pgp_key_get(f->p, "nobody@cert.test", false, &k, &err), SK_ENOTFOUND);
	assert_int_equal(
	    pgp_key_get(f->p, "0123456789ABCDEF0123456789ABCDEF01234567", false, &k, &err),
	    SK_ENOTFOUND);
	assert_int_equal(pgp_key_get(f->p, "not a key name", false, &k, &err), SK_EINVAL);
	assert_int_equal(pgp_own_key(f->p, NULL, &k, &err), 0);
	assert_string_equal(k.fpr, f->own.fpr);
	/* A second secret key, expiring in 5 days: schakel's must be named. */
	assert_int_equal(
	    pgp_key_generate(f->p, "Other", "other@cert.test", 5 * 86400, &second, &err), 0);
	assert_true(second.expires > 0);
	assert_true(pgp_key_usable_until(&second, second.created, 4 * 86400));
	assert_false(pgp_key_usable_until(&second, second.created, 30 * 86400));
	assert_int_equal(pgp_own_key(f->p, NULL, &k, &err), SK_ECONFIG);
	assert_int_equal(pgp_own_key(f->p, f->own.fpr, &k, &err), 0);
	assert_string_equal(k.fpr, f->own.fpr);
	assert_int_equal(pgp_key_delete(f->p, second.fpr, false, &err), SK_EPERM);
	assert_int_equal(pgp_key_delete(f->p, second.fpr, true, &err), 0);
	assert_int_equal(pgp_key_get(f->p, second.fpr, false, &k, &err), SK_ENOTFOUND);
}

static void test_import_refusals(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct pgp_import r;
	char *big = xcalloc(1, PGP_KEY_FILE_MAX + 1);

	memset(big, 'A', PGP_KEY_FILE_MAX + 1);
	assert_int_equal(pgp_key_import(f->p, big, PGP_KEY_FILE_MAX + 1, false, &r, &err),
			 SK_ETOOBIG);
	free(big);
	assert_int_equal(pgp_key_import(f->p, "hello\n", 6, false, &r, &err), SK_EINVAL);
	assert_non_null(strstr(err.msg, "no OpenPGP key"));
	assert_int_equal(pgp_key_import(f->p, "", 0, false, &r, &err), SK_EINVAL);
	static const char secret[] = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxx\n"
				     "-----END PGP PRIVATE KEY BLOCK-----\n";
	assert_int_equal(pgp_key_import(f->p, secret, sizeof(secret) - 1, false, &r, &err),
			 SK_EINVAL);
	assert_non_null(strstr(err.msg, "secret key"));
}

static void test_passphrase_file(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	char path[128];

	snprintf(path, sizeof(path), "%s/pass", f->dir);
	write_file(path, "sekrit\n", 0644);
	assert_int_equal(pgp_set_passphrase_file(f->p, path, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg, "chmod 600"));
	write_file(path, "\n", 0600);
	assert_int_equal(pgp_set_passphrase_file(f->p, path, &err), SK_ECONFIG);
	assert_non_null(strstr(err.msg, "empty"));
	snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(pgp_set_passphrase_file(f->p, path, &err), SK_ECONFIG);
}

static const char message[] = "From: CERT Test <cert@cert.test>\r\n"
			      "To: soc@partner.test\r\n"
			      "Subject: [CERT] digest\r\n"
			      "MIME-Version: 1.0\r\n"
			      "Content-Type: text/plain;\r\n charset=us-ascii\r\n"
			      "Content-Transfer-Encoding: 7bit\r\n"
			      "\r\n"
			      "Dear colleagues,\r\n\r\n192.0.2.7 is compromised.\r\n";

/* The boundary of a protected message, from its header. */
static void boundary_of(const char *text, char *out, size_t size)
{
	const char *b = strstr(text, "boundary=\"");

	assert_non_null(b);
	b += strlen("boundary=\"");
	snprintf(out, size, "--%.*s", (int)strcspn(b, "\""), b);
}

static void test_mime_signed(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	char *out = NULL, bnd[128], path[128], sig[128], verify[4096];
	const char *part, *end, *sigstart;
	FILE *fp;

	assert_int_equal(
	    pgp_mime_protect(f->p, f->own.fpr, NULL, 0, message, 1 << 20, &out, NULL, &err), 0);
	assert_non_null(strstr(out, "Content-Type: multipart/signed; micalg=pgp-sha"));
	assert_non_null(strstr(out, "protocol=\"application/pgp-signature\""));
	assert_true(
	    strncmp(out,
		    "From: CERT Test <cert@cert.test>\r\nTo: soc@partner.test\r\n"
		    "Subject: [CERT] digest\r\nMIME-Version: 1.0\r\n",
		    strlen("From: CERT Test <cert@cert.test>\r\nTo: soc@partner.test\r\n"
			   "Subject: [CERT] digest\r\nMIME-Version: 1.0\r\n")) == 0);
	for (const char *c = strchr(out, '\n'); c != NULL; c = strchr(c + 1, '\n'))
		assert_true(c > out && c[-1] == '\r'); /* CRLF throughout */
	/* The signed part: Content-* fields and the body, as composed. */
	boundary_of(out, bnd, sizeof(bnd));
	part = strstr(out, bnd);
	assert_non_null(part);
	part += strlen(bnd) + 2;
	end = strstr(part, bnd);
	assert_non_null(end);
	assert_true(strncmp(part, "Content-Type: text/plain;\r\n charset=us-ascii\r\n", 44) ==
		    0);
	snprintf(path, sizeof(path), "%s/signed", f->dir);
	fp = fopen(path, "wb");
	fwrite(part, 1, (size_t)(end - part - 2), fp); /* the CRLF before it belongs to it */
	fclose(fp);
	sigstart = strstr(end, "-----BEGIN PGP SIGNATURE-----");
	assert_non_null(sigstart);
	snprintf(sig, sizeof(sig), "%s/sig.asc", f->dir);
	fp = fopen(sig, "wb");
	fputs(sigstart, fp);
	fclose(fp);
	assert_int_equal(run((char *[]){"gpg", "--homedir", f->home, "--batch", "--status-fd",
					"1", "--verify", sig, path, NULL},
			     NULL, verify, sizeof(verify)),
			 0);
	assert_non_null(strstr(verify, "VALIDSIG"));
	assert_non_null(strstr(verify, f->own.fpr));
	/* A changed body no longer verifies. */
	fp = fopen(path, "ab");
	fputs("x", fp);
	fclose(fp);
	assert_int_not_equal(
	    run((char *[]){"gpg", "--homedir", f->home, "--batch", "--verify", sig, path, NULL},
		NULL, NULL, 0),
	    0);
	free(out);
}

static void test_mime_encrypted(void **state)
{
	struct fixture *f = *state;
	struct sk_error err = {0};
	struct pgp_key partner;
	char *out = NULL, path[128], plain[8192];
	const char *rcpt[1];
	const char *armor;
	FILE *fp;

	assert_int_equal(
	    pgp_key_generate(f->p, "Partner", "soc@partner.test", 0, &partner, &err), 0);
	rcpt[0] = partner.fpr;
	assert_int_equal(
	    pgp_mime_protect(f->p, f->own.fpr, rcpt, 1, message, 1 << 20, &out, NULL, &err), 0);
	assert_non_null(strstr(out, "Content-Type: multipart/encrypted;"));
	assert_non_null(strstr(out, "Content-Type: application/pgp-encrypted"));
	assert_non_null(strstr(out, "Version: 1"));
	assert_non_null(strstr(out, "Subject: [CERT] digest"));
	assert_null(strstr(out, "compromised"));
	armor = strstr(out, "-----BEGIN PGP MESSAGE-----");
	assert_non_null(armor);
	snprintf(path, sizeof(path), "%s/msg.asc", f->dir);
	fp = fopen(path, "wb");
	fputs(armor, fp);
	fclose(fp);
	assert_int_equal(
	    run((char *[]){"gpg", "--homedir", f->home, "--batch", "--decrypt", path, NULL},
		NULL, plain, sizeof(plain)),
	    0);
	assert_true(strncmp(plain, "Content-Type: text/plain;\r\n charset=us-ascii\r\n", 44) ==
		    0);
	assert_non_null(strstr(plain, "192.0.2.7 is compromised."));
	assert_null(strstr(plain, "Subject:"));
	/* Too small a limit is an error, not a cut message. */
	free(out);
	out = NULL;
	assert_int_equal(
	    pgp_mime_protect(f->p, f->own.fpr, rcpt, 1, message, 200, &out, NULL, &err),
	    SK_ETOOBIG);
	assert_null(out);
	/* A header without its end is refused. */
	assert_int_equal(pgp_mime_protect(f->p, f->own.fpr, NULL, 0, "Subject: x\r\n", 1 << 20,
					  &out, NULL, &err),
			 SK_EINVAL);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fpr_normalize),
	    cmocka_unit_test(test_home_path),
	    cmocka_unit_test(test_usable_until),
	    TEST(test_home_create),
	    TEST(test_lookup_and_own),
	    TEST(test_import_refusals),
	    TEST(test_passphrase_file),
	    TEST(test_mime_signed),
	    TEST(test_mime_encrypted),
	};

	if (access("/usr/bin/gpg", X_OK) != 0) {
		printf("1..0 # SKIP gpg is missing\n");
		return 0;
	}
	return cmocka_run_group_tests_name("pgp", tests, NULL, NULL);
}
