/* mail/smtp.c: messages to the relay over libcurl's SMTP, one
 * connection for many: MAIL FROM, RCPT TO for each recipient, DATA;
 * STARTTLS when offered (or required),
 * implicit TLS for smtps://, certificates verified. The relay's replies
 * are watched (CURLOPT_DEBUGFUNCTION) so that an error names the command
 * refused and the reply, which also decides whether the fault is the
 * relay's or the message's. Replies are cut at REPLY_MAX bytes;
 * credentials sent during AUTH are never recorded. */
#include "mail/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dso.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define REPLY_MAX   300
#define COMMAND_MAX 300

/* libcurl, loaded when a relay is first checked or a mail sent
 * (lib/dso.h). */
/* clang-format off */
#define CURL_FUNCTIONS(X)                                                                  \
	X(easy_cleanup) X(easy_init) X(easy_perform) X(easy_setopt) X(easy_strerror)      \
	X(free) X(global_init) X(slist_append) X(slist_free_all) X(url) X(url_cleanup)     \
	X(url_get) X(url_set)
/* clang-format on */

static struct {
#define CURL_POINTER(f) __typeof__(curl_##f) *f;
	CURL_FUNCTIONS(CURL_POINTER)
#undef CURL_POINTER
} curl;
static bool curl_loaded;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static struct sk_error curl_error;

static void curl_init(void)
{
#define CURL_SYMBOL(f) {"curl_" #f, (void **)&curl.f},
	static const struct dso_symbol syms[] = {CURL_FUNCTIONS(CURL_SYMBOL)};
#undef CURL_SYMBOL
	CURLcode cc;

	if (dso_load("libcurl.so.4", syms, sizeof(syms) / sizeof(syms[0]), &curl_loaded,
		     &curl_error) != 0)
		return;
	if ((cc = curl.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		sk_error_set(&curl_error, SK_EIO, "cannot initialise libcurl: %s",
			     curl.easy_strerror(cc));
}

/* 0 once libcurl is loaded and initialised, else the reason in err. */
static int curl_ready(struct sk_error *err)
{
	pthread_once(&curl_once, curl_init);
	return curl_error.code == 0 ? 0
				    : sk_error_set(err, curl_error.code, "%s", curl_error.msg);
}

int smtp_relay_check(const char *relay, struct sk_error *err)
{
	char *scheme = NULL, *host = NULL, *query = NULL;
	CURLU *u;
	int rc = 0;

	if (relay == NULL || *relay == '\0')
		return sk_error_set(err, SK_ECONFIG, "the relay is empty");
	if (strlen(relay) > SMTP_RELAY_MAX)
		return sk_error_set(err, SK_ECONFIG, "the relay URL is longer than %d bytes",
				    SMTP_RELAY_MAX);
	if ((rc = curl_ready(err)) != 0)
		return rc;
	u = curl.url();
	if (u == NULL)
		abort();
	if (curl.url_set(u, CURLUPART_URL, relay, 0) != CURLUE_OK ||
	    curl.url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || *host == '\0') {
		rc = sk_error_set(err, SK_ECONFIG,
				  "relay '%.100s' is not a URL like smtp://host:port or "
				  "smtps://host:port",
				  relay);
	} else if (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0) {
		rc = sk_error_set(err, SK_ECONFIG,
				  "relay '%.100s': the scheme must be smtp (STARTTLS when "
				  "offered) or smtps (TLS), not %s",
				  relay, scheme);
	} else if (curl.url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
		rc = sk_error_set(err, SK_ECONFIG, "relay '%.100s': a query is not allowed",
				  relay);
	}
	curl.free(scheme);
	curl.free(host);
	curl.free(query);
	curl.url_cleanup(u);
	return rc;
}

void smtp_relay_display(const char *relay, char *out, size_t size)
{
	const char *scheme_end = relay ? strstr(relay, "://") : NULL;
	const char *host, *at;

	if (relay == NULL) {
		snprintf(out, size, "(none)");
		return;
	}
	if (scheme_end == NULL) {
		snprintf(out, size, "%s", relay);
		return;
	}
	host = scheme_end + 3;
	at = memchr(host, '@', strcspn(host, "/"));
	if (at == NULL)
		snprintf(out, size, "%s", relay);
	else
		snprintf(out, size, "%.*s%s", (int)(host - relay), relay, at + 1);
}

/* What curl said and heard, for the error message: the command the
 * relay first refused, with its reply (the last line of it). */
struct talk {
	char command[COMMAND_MAX + 1]; /* the last command sent ("RCPT TO:<...>") */
	char verb[9];		       /* its verb, upper case */
	char bad_command[COMMAND_MAX + 1];
	char bad_verb[9];
	char bad_reply[REPLY_MAX + 1];
	bool in_bad; /* the refusal's reply lines are still coming */
};

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *up = arg;
	size_t room = size * nitems, n = up->len - up->pos;

	if (n > room)
		n = room;
	memcpy(buf, up->data + up->pos, n);
	up->pos += n;
	return n;
}

/* Copy the first line of data[len] into out[size], without the line end
 * and anything unprintable. */
static void line_copy(char *out, size_t size, const char *data, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && data[i] != '\r' && data[i] != '\n' && n + 1 < size; i++)
		out[n++] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '?';
	out[n] = '\0';
}

static int debug_cb(CURL *h, curl_infotype type, char *data, size_t len, void *arg)
{
	static const char *const verbs[] = {"EHLO", "HELO", "STARTTLS", "MAIL", "RCPT",
					    "DATA", "QUIT", "RSET",	"NOOP", NULL};
	struct talk *t = arg;
	char verb[9];
	size_t n;

	(void)h;
	if (t == NULL) /* between messages: QUIT as the session ends */
		return 0;
	if (type == CURLINFO_HEADER_IN) {
		bool refusal = len >= 3 && (data[0] == '4' || data[0] == '5');

		if (refusal && t->bad_reply[0] == '\0') {
			snprintf(t->bad_command, sizeof(t->bad_command), "%s",
				 t->command[0] ? t->command : "connecting");
			snprintf(t->bad_verb, sizeof(t->bad_verb), "%s", t->verb);
			t->in_bad = true;
		}
		if (t->in_bad)
			line_copy(t->bad_reply, sizeof(t->bad_reply), data, len);
	} else if (type == CURLINFO_HEADER_OUT) {
		t->in_bad = false;
		n = strcspn(data, " :\r\n");
		n = n < len ? n : len;
		snprintf(verb, sizeof(verb), "%.*s", (int)(n < 8 ? n : 8), data);
		for (char *p = verb; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (str_index(verbs, verb) >= 0) {
			line_copy(t->command, sizeof(t->command), data, len);
			snprintf(t->verb, sizeof(t->verb), "%s", verb);
		} else {
			/* AUTH and the credentials that follow it. */
			snprintf(t->command, sizeof(t->command), "AUTH");
			snprintf(t->verb, sizeof(t->verb), "AUTH");
		}
	}
	return 0;
}

/* Which side a failure is on, from the command the relay refused and
 * its reply code (0: it refused none; the connection failed). A refused
 * MAIL FROM is the relay's or the configuration's doing, unless the
 * relay refuses the message's size. */
static enum smtp_result classify(const struct talk *t, long code)
{
	if (code == 0 || code == 421)
		return SMTP_RELAY_DOWN;
	if (strcmp(t->bad_verb, "MAIL") == 0)
		return code == 552 ? SMTP_REJECT : SMTP_RELAY_DOWN;
	if (strcmp(t->bad_verb, "RCPT") != 0 && strcmp(t->bad_verb, "DATA") != 0)
		return SMTP_RELAY_DOWN;
	return code >= 500 ? SMTP_REJECT : SMTP_DEFER;
}

/* One connection to the relay, kept between messages: libcurl keeps
 * the connection of an easy handle open after a message the relay took
 * and sends the next MAIL FROM on it. After any failure the handle is
 * dropped, so that the next message starts on a fresh connection. */
struct smtp_session {
	const struct smtp_config *cfg;
	CURL *h;
	char relay[SMTP_RELAY_MAX + 1]; /* for messages, without a password */
};

struct smtp_session *smtp_session_new(const struct smtp_config *cfg)
{
	struct smtp_session *s = xcalloc(1, sizeof(*s));

	s->cfg = cfg;
	smtp_relay_display(cfg->relay, s->relay, sizeof(s->relay));
	return s;
}

void smtp_session_free(struct smtp_session *s)
{
	if (s == NULL)
		return;
	if (s->h != NULL)
		curl.easy_cleanup(s->h); /* QUIT */
	free(s);
}

/* The options that stay the same from message to message. */
static void session_setup(struct smtp_session *s)
{
	const struct smtp_config *cfg = s->cfg;
	CURL *h = s->h;

	curl.easy_setopt(h, CURLOPT_URL, cfg->relay);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl.easy_setopt(
	    h, CURLOPT_USE_SSL,
	    (long)(cfg->tls == SMTP_TLS_REQUIRE ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl.easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout);
	curl.easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeout);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl.easy_setopt(h, CURLOPT_VERBOSE, 1L);
}

enum smtp_result smtp_session_send(struct smtp_session *s, const char *sender,
				   const char *const *rcpt, size_t n_rcpt, const char *msg,
				   size_t len, struct sk_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "", from[300];
	struct upload up = {msg, len, 0};
	struct curl_slist *to = NULL;
	struct talk t = {.in_bad = false};
	enum smtp_result res;
	long code = 0;
	CURLcode cc;

	if (curl_ready(err) != 0)
		return SMTP_RELAY_DOWN;
	if (s->h == NULL) {
		if ((s->h = curl.easy_init()) == NULL) {
			sk_error_set(err, SK_EIO, "cannot initialise libcurl");
			return SMTP_RELAY_DOWN;
		}
		session_setup(s);
	}
	for (size_t i = 0; i < n_rcpt; i++) {
		char *a = xasprintf("<%s>", rcpt[i]);
		struct curl_slist *next = curl.slist_append(to, a);

		free(a);
		if (next == NULL)
			abort();
		to = next;
	}
	snprintf(from, sizeof(from), "<%s>", sender ? sender : "");
	curl.easy_setopt(s->h, CURLOPT_MAIL_FROM, from);
	curl.easy_setopt(s->h, CURLOPT_MAIL_RCPT, to);
	curl.easy_setopt(s->h, CURLOPT_READDATA, &up);
	curl.easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl.easy_setopt(s->h, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(s->h, CURLOPT_DEBUGDATA, &t);

	cc = curl.easy_perform(s->h);
	if (cc == CURLE_OK) {
		res = SMTP_SENT;
	} else {
		if (t.bad_reply[0] != '\0')
			code = strtol(t.bad_reply, NULL, 10);
		res = classify(&t, code >= 400 && code < 600 ? code : 0);
		if (t.bad_reply[0] != '\0')
			sk_error_set(err, SK_ETEMP, "%s: %s: %s", s->relay, t.bad_command,
				     t.bad_reply);
		else
			sk_error_set(err, SK_ETEMP, "%s: %s", s->relay,
				     errbuf[0] ? errbuf : curl.easy_strerror(cc));
		if (res == SMTP_REJECT && err != NULL)
			err->code = SK_EINVAL;
	}
	/* Nothing may point at this frame after the call. */
	curl.easy_setopt(s->h, CURLOPT_MAIL_RCPT, (struct curl_slist *)NULL);
	curl.easy_setopt(s->h, CURLOPT_READDATA, (void *)NULL);
	curl.easy_setopt(s->h, CURLOPT_ERRORBUFFER, (char *)NULL);
	curl.easy_setopt(s->h, CURLOPT_DEBUGDATA, (void *)NULL);
	curl.slist_free_all(to);
	if (res != SMTP_SENT) {
		/* The relay's state after a refusal is not known: start over. */
		curl.easy_cleanup(s->h);
		s->h = NULL;
	}
	return res;
}

enum smtp_result smtp_send(const struct smtp_config *cfg, const char *sender,
			   const char *const *rcpt, size_t n_rcpt, const char *msg, size_t len,
			   struct sk_error *err)
{
	struct smtp_session *s = smtp_session_new(cfg);
	enum smtp_result res = smtp_session_send(s, sender, rcpt, n_rcpt, msg, len, err);

	smtp_session_free(s);
	return res;
}

int smtp_probe(const struct smtp_config *cfg, struct sk_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "", relay[SMTP_RELAY_MAX + 1];
	struct talk t = {.in_bad = false};
	CURLcode cc;
	CURL *h;

	smtp_relay_display(cfg->relay, relay, sizeof(relay));
	if (curl_ready(err) != 0)
		return err != NULL ? err->code : SK_EIO;
	if ((h = curl.easy_init()) == NULL)
		return sk_error_set(err, SK_EIO, "cannot initialise libcurl");
	curl.easy_setopt(h, CURLOPT_URL, cfg->relay);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl.easy_setopt(
	    h, CURLOPT_USE_SSL,
	    (long)(cfg->tls == SMTP_TLS_REQUIRE ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	/* Greeting, EHLO, STARTTLS and AUTH, then stop. */
	curl.easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout);
	curl.easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeout);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl.easy_setopt(h, CURLOPT_DEBUGDATA, &t);
	curl.easy_setopt(h, CURLOPT_VERBOSE, 1L);
	cc = curl.easy_perform(h);
	curl.easy_cleanup(h);
	if (cc == CURLE_OK)
		return 0;
	if (t.bad_reply[0] != '\0')
		return sk_error_set(err, SK_ETEMP, "%s: %s: %s", relay, t.bad_command,
				    t.bad_reply);
	return sk_error_set(err, SK_ETEMP, "%s: %s", relay,
			    errbuf[0] ? errbuf : curl.easy_strerror(cc));
}
