/* ticket/intake.c: mail in, ticket out (see intake.h). Acknowledgements
 * follow RFC 3834: none to mail a machine sent (Auto-Submitted other
 * than "no", Precedence bulk, junk or list, a mailing list), to the null
 * sender, to mailer-daemon or postmaster, to our own addresses, and at
 * most ack_per_hour per address; each carries Auto-Submitted:
 * auto-replied and goes to the envelope sender. */
#include "ticket/intake.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "advisory/alert.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/template.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "mail/inbound.h"
#include "model/org.h"
#include "registry/registry.h"
#include "store/store.h"
#include "ticket/extract.h"
#include "ticket/scope.h"
#include "ticket/signature.h"

#include "config_build.h"

#define ACK_TEXT_MAX (64 * 1024)

const char *const intake_ack_names[] = {"tag",	  "number",  "subject", "requester",
					"sender", "service", "class",	NULL};

int intake_config_read(const struct config *cfg, struct intake_config *out,
		       struct sk_error *err)
{
	const char *tag = config_str(cfg, "tickets", "tag", "CSIRT");
	const char *list = config_str(cfg, "tickets", "addresses", "");
	char copy[4096], *save = NULL;
	struct sk_error why = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if (*tag == '\0' || strlen(tag) > INTAKE_TAG_MAX || strpbrk(tag, "[]# \t") != NULL)
		return config_error(
		    cfg, "tickets", "tag", err,
		    "expected 1 to %d characters without spaces, brackets or '#'",
		    INTAKE_TAG_MAX);
	snprintf(out->tag, sizeof(out->tag), "%s", tag);
	out->from = config_get(cfg, "mail", "from");
	out->sender_name = config_str(cfg, "notify", "sender", "CSIRT");
	out->templates = config_str(cfg, "notify", "templates", SCHAKEL_TEMPLATES);
	if (out->from != NULL) {
		if (mail_addr_check(out->from, out->own[out->n_own], &why) != 0)
			return config_error(cfg, "mail", "from", err, "%s", why.msg);
		out->n_own++;
	}
	if (strlen(list) >= sizeof(copy))
		return config_error(cfg, "tickets", "addresses", err, "longer than %zu bytes",
				    sizeof(copy) - 1);
	snprintf(copy, sizeof(copy), "%s", list);
	for (char *a = strtok_r(copy, ", \t", &save); a != NULL;
	     a = strtok_r(NULL, ", \t", &save)) {
		if (out->n_own == INTAKE_OWN_MAX)
			return config_error(cfg, "tickets", "addresses", err,
					    "more than %d addresses", INTAKE_OWN_MAX - 1);
		if (mail_addr_check(a, out->own[out->n_own], &why) != 0)
			return config_error(cfg, "tickets", "addresses", err, "%s", why.msg);
		out->n_own++;
	}
	if ((rc = config_bool(cfg, "tickets", "ack", true, &out->ack, err)) != 0 ||
	    (rc = config_int(cfg, "tickets", "ack_per_hour", 0, 1000, 5, &out->ack_per_hour,
			     err)) != 0 ||
	    (rc = config_int(cfg, "tickets", "max_size", 1024, INBOUND_MAX, INTAKE_SIZE_DEFAULT,
			     &out->max_size, err)) != 0 ||
	    (rc = config_int(cfg, "tickets", "max_parts", 1, 100000, MIMESCAN_PARTS_DEFAULT,
			     &out->limits.parts, err)) != 0 ||
	    (rc = config_int(cfg, "tickets", "max_depth", 1, 1000, MIMESCAN_DEPTH_DEFAULT,
			     &out->limits.depth, err)) != 0 ||
	    (rc = config_int(cfg, "tickets", "max_headers", 1, 1000000,
			     MIMESCAN_HEADERS_DEFAULT, &out->limits.headers, err)) != 0 ||
	    (rc = config_int(cfg, "tickets", "max_header_length", 1000, INBOUND_MAX,
			     MIMESCAN_HEADER_LENGTH_DEFAULT, &out->limits.header_length,
			     err)) != 0)
		return rc;
	if ((rc = sla_config_read(cfg, &out->sla, err)) != 0)
		return rc;
	if (config_get(cfg, "scope", "country") != NULL) {
		const struct scope_config sc = {
		    .country = config_get(cfg, "scope", "country"),
		    .country_mmdb = config_get(cfg, "route", "country_mmdb"),
		    .delegated = config_get(cfg, "scope", "delegated"),
		    .tlds = config_get(cfg, "scope", "tlds"),
		};
		const char *bad;

		if ((out->scope = scope_open(&sc, &bad, &why)) == NULL) {
			sla_config_free(&out->sla);
			return config_error(
			    cfg, strcmp(bad, "country_mmdb") == 0 ? "route" : "scope", bad, err,
			    "%s", why.msg);
		}
	}
	return 0;
}

void intake_config_free(struct intake_config *c)
{
	sla_config_free(&c->sla);
	scope_close(c->scope);
	c->scope = NULL;
}

int64_t intake_subject_number(const char *subject, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = strchr(subject, '['); p != NULL; p = strchr(p + 1, '[')) {
		const char *q = p + 1;
		int64_t number = 0;
		int digits = 0;

		if (strncasecmp(q, tag, n) != 0)
			continue;
		q += n;
		while (*q == ' ')
			q++;
		if (*q++ != '#')
			continue;
		for (; isdigit((unsigned char)*q) && digits < 18; q++, digits++)
			number = number * 10 + (*q - '0');
		if (digits > 0 && *q == ']')
			return number;
	}
	return 0;
}

/* Is addr one of ours? */
static bool own_address(const struct intake_config *c, const char *addr)
{
	for (size_t i = 0; i < c->n_own; i++)
		if (strcasecmp(c->own[i], addr) == 0)
			return true;
	return false;
}

/* Why the mail gets no acknowledgement (RFC 3834), or NULL; the address
 * it would go to in reply_to. */
static const char *ack_refusal(const struct intake_config *c, const struct inbound *in,
			       const char *envelope_from, char reply_to[MAIL_ADDR_MAX + 1])
{
	const char *to = envelope_from != NULL ? envelope_from
			 : in->has_return_path ? in->return_path
					       : in->from;
	const char *at;
	size_t local;

	if (!c->ack)
		return "acknowledgements are off (tickets.ack)";
	if (c->from == NULL)
		return "mail.from is not set";
	if (in->auto_submitted[0] != '\0' && strcmp(in->auto_submitted, "no") != 0)
		return "a machine sent it (Auto-Submitted)";
	if (strcmp(in->precedence, "bulk") == 0 || strcmp(in->precedence, "junk") == 0 ||
	    strcmp(in->precedence, "list") == 0)
		return "it is bulk or list mail (Precedence)";
	if (in->list)
		return "it came through a mailing list (List-Id)";
	if (*to == '\0')
		return "it has the null sender (a bounce)";
	if ((at = strrchr(to, '@')) == NULL)
		return "the sender's address has no domain";
	local = (size_t)(at - to);
	if ((local == 13 && strncasecmp(to, "mailer-daemon", 13) == 0) ||
	    (local == 10 && strncasecmp(to, "postmaster", 10) == 0) ||
	    strncasecmp(to, "owner-", 6) == 0 ||
	    (local > 8 && strncasecmp(at - 8, "-request", 8) == 0))
		return "it comes from a mail system's address";
	if (own_address(c, to) || own_address(c, in->from))
		return "it comes from one of our own addresses";
	if (mail_addr_check(to, reply_to, &(struct sk_error){0}) != 0)
		return "the sender's address is not one mail can go to";
	return NULL;
}

/* Whether id (without <>) can go into In-Reply-To as it is: printable
 * ASCII without spaces or angle brackets. */
static bool msgid_plain(const char *id)
{
	if (*id == '\0')
		return false;
	for (; *id != '\0'; id++)
		if (*id <= ' ' || *id >= 0x7f || *id == '<' || *id == '>')
			return false;
	return true;
}

/* Queue the acknowledgement of ticket t (ticket-ack-<lang>.txt, or for a
 * requester whose class has no entitlement to the service
 * ticket-not-entitled-<lang>.txt) and record it on the ticket. */
static int ack_send(struct store *st, const struct intake_config *c, const struct ticket *t,
		    const struct inbound *in, const char *to, const char *langs, bool entitled,
		    struct sk_error *err)
{
	struct template_set ts = {.dir = c->templates,
				  .prefix = entitled ? "ticket-ack" : "ticket-not-entitled",
				  .allowed = intake_ack_names};
	char number[24], msgid[MAIL_MSGID_MAX + 1], ref[MAIL_MSGID_MAX + 3];
	char *subject = NULL;
	const char *lang, *tsubject, *body;
	const struct template *tpl;
	struct buf text;
	int64_t mail_id = 0;
	int rc;

	buf_init(&text, ACK_TEXT_MAX);
	snprintf(number, sizeof(number), "%lld", (long long)t->id);
	if ((tpl = template_set_pick(&ts, langs, &lang, err)) == NULL) {
		rc = err->code ? err->code : SK_ECONFIG;
		goto out;
	}
	{
		const struct template_var vars[] = {
		    {"tag", c->tag},
		    {"number", number},
		    {"subject", t->subject},
		    {"requester", in->from},
		    {"sender", c->sender_name},
		    {"service", t->service},
		    {"class", t->class},
		};

		if (template_render(tpl, vars, sizeof(vars) / sizeof(vars[0]), &text) != 0) {
			rc = sk_error_set(err, SK_ECONFIG,
					  "%s/%s-%s.txt: the text is larger than %d bytes",
					  c->templates, ts.prefix, lang, ACK_TEXT_MAX);
			goto out;
		}
	}
	if (template_split_subject(text.data, &tsubject, &body) != 0) {
		rc = sk_error_set(err, SK_ECONFIG,
				  "%s/%s-%s.txt:1: the first line must be \"Subject: ...\"",
				  c->templates, ts.prefix, lang);
		goto out;
	}
	/* The tag always leads, so that replies thread whatever the text; a
	 * long report subject is cut to what a subject may hold. */
	subject = xasprintf("[%s #%s] %s", c->tag, number, tsubject);
	utf8_cut(subject, MAIL_SUBJECT_MAX);
	for (char *p = subject; *p != '\0'; p++) /* from a template variable */
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			*p = ' ';
	snprintf(ref, sizeof(ref), "<%s>", in->message_id);
	{
		const struct mail_addr addr = {NULL, to};
		const struct mail_header headers[] = {
		    {"Auto-Submitted", "auto-replied"},
		    {"In-Reply-To", ref},
		    {"References", ref},
		};
		/* A Message-ID that no header may carry is not answered. */
		size_t n_headers = msgid_plain(in->message_id) ? 3 : 1;
		const struct mail_message m = {
		    .from = {c->sender_name, c->from},
		    .to = &addr,
		    .n_to = 1,
		    .subject = subject,
		    .body = body,
		    .headers = headers,
		    .n_headers = n_headers,
		};
		char tref[32];

		snprintf(tref, sizeof(tref), "ticket:%lld", (long long)t->id);
		rc = mail_enqueue(st, &m, "ticket-ack", tref, &mail_id, msgid, err);
	}
	if (rc == 0) {
		char bare[MAIL_MSGID_MAX + 1];
		size_t n = strlen(msgid);

		/* Stored without <>, as inbound ids are. */
		snprintf(bare, sizeof(bare), "%.*s", n > 2 ? (int)(n - 2) : 0, msgid + 1);
		const struct store_ticket_message am = {
		    .ticket_id = t->id,
		    .kind = "ack",
		    .message_id = bare,
		    .author = c->from,
		    .recipients = to,
		    .subject = subject,
		    .body = body,
		    .mail_id = mail_id,
		};
		rc = store_ticket_message_add(st, &am, NULL, 0, NULL, err);
	}
out:
	free(subject);
	buf_free(&text);
	template_set_free(&ts);
	return rc;
}

/* The ticket the mail belongs to, if any: by the subject's tag, then by
 * the messages it answers. */
static int thread_find(struct store *st, const struct intake_config *c,
		       const struct inbound *in, struct ticket *t, const char **by,
		       struct sk_error *err)
{
	int64_t number = intake_subject_number(in->subject, c->tag);
	char kind[8];
	int64_t id;
	int rc;

	if (number > 0) {
		rc = store_ticket_get(st, number, t, err);
		if (rc != SK_ENOTFOUND) {
			*by = "tag";
			return rc;
		}
	}
	for (size_t i = 0; i < in->n_refs; i++) {
		rc = store_ticket_message_find(st, in->refs[i], &id, kind, err);
		if (rc == SK_ENOTFOUND)
			continue;
		if (rc == 0)
			rc = store_ticket_get(st, id, t, err);
		*by = "reference";
		return rc;
	}
	sk_error_clear(err);
	return SK_ENOTFOUND;
}

/* The owners of what the report names, one row per owner (or one
 * without). A URL is looked up by its host. */
struct owners {
	struct store *st;
	int64_t ticket_id;
	const char *kind, *value, *derived_from;
	char first[RESOURCE_TEXT_MAX]; /* the most specific resource */
	int n;
	int rc;
	struct sk_error *err;
};

static int owner_add(const struct org *org, const struct resource *via, void *ctx)
{
	struct owners *o = ctx;
	char value[RESOURCE_TEXT_MAX], reason[RESOURCE_TEXT_MAX + 16];

	resource_format_value(via, value, sizeof(value));
	/* Only the most specific resource's owners: the rest cover it. */
	if (o->n > 0 && strcmp(o->first, value) != 0)
		return 1;
	if (o->n == 0)
		snprintf(o->first, sizeof(o->first), "%s", value);
	snprintf(reason, sizeof(reason), "%s %s", resource_type_names[via->type], value);
	o->n++;
	o->rc = store_ticket_item_add(o->st, o->ticket_id, o->kind, o->value, org->id, reason,
				      o->derived_from, o->err);
	return o->rc;
}

int intake_items_store(struct store *st, int64_t ticket_id, const struct extract_result *x,
		       const char *derived_from, struct sk_error *err)
{
	for (size_t i = 0; i < x->count; i++) {
		const struct extract_item *it = &x->items[i];
		const char *query = it->kind == EXTRACT_URL ? it->host : it->text;
		struct owners o = {
		    st, ticket_id, extract_kind_names[it->kind], it->text, derived_from, "", 0,
		    0,	err};
		int rc = 0;

		if (query != NULL && it->kind != EXTRACT_CVE) {
			rc = registry_whois(st, query, owner_add, &o, err);
			/* Enough owners, or not a value the registry holds. */
			if (rc == 1 || rc == SK_EINVAL) {
				sk_error_clear(err);
				rc = 0;
			}
			if (rc == 0)
				rc = o.rc;
		}
		if (rc == 0 && o.n == 0)
			rc = store_ticket_item_add(st, ticket_id, o.kind, it->text, 0, "",
						   derived_from, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void intake_sla_apply(const struct sla_config *sla, struct ticket *t, int64_t opened,
		      bool *entitled)
{
	int cls = str_index(org_class_names, t->class);
	int service = str_index(sla_service_names, t->service);
	int sev = str_index(sla_severity_names, t->severity);
	char *due[SLA_CLOCK_COUNT] = {t->due_ack, t->due_response, t->due_resolve};
	struct sk_error ignore = {0};
	struct sla_due d;

	*entitled = true;
	if (cls < 0 || service < 0 || sev < 0)
		return;
	t->priority = sla_priority((enum org_class)cls, (enum sla_severity)sev);
	if (sla_due(sla, (enum sla_service)service, (enum org_class)cls, (enum sla_severity)sev,
		    opened, &d, &ignore) != 0) {
		*entitled = false;
		d.coverage = SLA_COVERAGE_NONE;
		for (int k = 0; k < SLA_CLOCK_COUNT; k++)
			d.due[k] = INT64_MAX;
	}
	snprintf(t->coverage, sizeof(t->coverage), "%s", sla_coverage_names[d.coverage]);
	for (int k = 0; k < SLA_CLOCK_COUNT; k++)
		if (d.due[k] == INT64_MAX)
			due[k][0] = '\0';
		else
			str_time_iso((time_t)d.due[k], due[k]);
}

/* A new report from the mail's sender: whose contact wrote it, its
 * priority and due times, whether it is ours, and what it names. */
static int report_open(struct store *st, const struct intake_config *c,
		       const struct inbound *in, struct ticket *t, char langs[16],
		       bool *entitled, struct sk_error *err)
{
	struct extract_result x = {0};
	struct contact who;
	int rc;

	ticket_init(t, TICKET_REPORT);
	snprintf(t->subject, sizeof(t->subject), "%s", in->subject);
	snprintf(t->requester, sizeof(t->requester), "%s", in->from);
	langs[0] = '\0';
	rc = store_contact_find_email(st, in->from, &who, err);
	if (rc == 0) {
		struct org o;

		t->org_id = who.org_id;
		snprintf(langs, 16, "%s", who.languages);
		contact_clear(&who);
		if ((rc = store_org_get(st, t->org_id, &o, err)) == 0) {
			snprintf(t->class, sizeof(t->class), "%s", org_class_names[o.class]);
			org_clear(&o);
		}
	}
	if (rc != 0 && rc != SK_ENOTFOUND)
		return rc;
	sk_error_clear(err);
	intake_sla_apply(&c->sla, t, (int64_t)str_time_now(), entitled);
	if (in->encrypted) {
		snprintf(t->scope_reason, sizeof(t->scope_reason),
			 "the report is encrypted, not yet read: decrypt it to judge "
			 "(schakel ticket decrypt)");
	} else if (in->not_parsed[0] != '\0') {
		snprintf(t->scope_reason, sizeof(t->scope_reason),
			 "the report was not parsed (%s): judge it from the mail as received",
			 in->not_parsed);
	} else {
		if ((rc = extract_text(in->text, strlen(in->text), &x, err)) != 0)
			return rc;
		if (c->scope == NULL) {
			snprintf(t->scope_reason, sizeof(t->scope_reason),
				 "no national scope is configured ([scope] country)");
		} else {
			struct scope_verdict v;

			scope_check(c->scope, &x, &v);
			snprintf(t->scope, sizeof(t->scope), "%s",
				 scope_answer_names[v.answer]);
			snprintf(t->scope_reason, sizeof(t->scope_reason), "%s", v.reason);
		}
	}
	rc = store_ticket_add(st, t, err);
	if (rc == 0)
		rc = intake_items_store(st, t->id, &x, NULL, err);
	extract_result_free(&x);
	return rc;
}

int intake_mail(struct store *st, const struct intake_config *c, const char *envelope_from,
		const void *raw, size_t len, struct intake_result *out, struct sk_error *err)
{
	struct store_ticket_part parts[INBOUND_PARTS_MAX];
	char reply_to[MAIL_ADDR_MAX + 1], langs[16] = "";
	struct signature sig = {0};
	struct inbound in;
	struct ticket t;
	const char *why;
	int64_t other;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((int64_t)len > c->max_size) {
		out->refused = true;
		return sk_error_set(
		    err, SK_ETOOBIG,
		    "the message has %zu bytes, more than tickets.max_size (%lld)", len,
		    (long long)c->max_size);
	}
	if ((rc = inbound_parse(raw, len, &c->limits, &in, err)) != 0) {
		out->refused = true;
		goto done;
	}
	out->encrypted = in.encrypted;
	snprintf(out->not_parsed, sizeof(out->not_parsed), "%s", in.not_parsed);
	/* gpg runs before the transaction, which stays short. */
	if (in.signed_)
		signature_check(st, c->pgp_home, raw, len, &c->limits, &sig);
	snprintf(out->signature, sizeof(out->signature), "%s", sig.status);
	snprintf(out->signature_why, sizeof(out->signature_why), "%s", sig.why);
	if ((rc = store_begin(st, err)) != 0)
		goto done;
	rc = store_ticket_message_dup(st, in.message_id, in.body_hash, in.from, &other, err);
	if (rc == 0) {
		out->duplicate = true;
		out->ticket_id = other;
		goto out;
	}
	if (rc != SK_ENOTFOUND)
		goto out;
	/* A reply to an alert of an urgent advisory acknowledges it. */
	if ((other = intake_subject_number(in.subject, ALERT_TAG)) > 0 &&
	    alert_ack_mail(st, other, in.from, err) != 0)
		sk_error_clear(err);
	rc = thread_find(st, c, &in, &t, &out->threaded_by, err);
	if (rc == SK_ENOTFOUND) {
		out->threaded_by = "new";
		out->created = true;
		rc = report_open(st, c, &in, &t, langs, &out->entitled, err);
	}
	if (rc != 0)
		goto out;
	out->ticket_id = t.id;
	for (size_t i = 0; i < in.n_parts; i++)
		parts[i] = (struct store_ticket_part){
		    in.parts[i].content_type, in.parts[i].filename, in.parts[i].size,
		    in.parts[i].encrypted, in.parts[i].signed_};
	{
		const struct store_ticket_message m = {
		    .ticket_id = t.id,
		    .kind = "in",
		    .message_id = in.message_id,
		    .author = in.from,
		    .subject = in.subject,
		    .body = in.encrypted ? "" : in.text,
		    .encrypted = in.encrypted,
		    .raw = raw,
		    .size = len,
		    .body_hash = in.body_hash,
		    .not_parsed = in.not_parsed,
		    .sig_status = sig.status,
		    .sig_fpr = sig.fpr,
		    .sig_contact_id = sig.contact_id,
		    .sig_org_id = sig.org_id,
		};
		rc = store_ticket_message_add(st, &m, parts, in.n_parts, NULL, err);
	}
	if (rc != 0 || !out->created)
		goto out;
	why = ack_refusal(c, &in, envelope_from, reply_to);
	if (why == NULL && c->ack_per_hour >= 0) {
		char since[21];
		int64_t sent = 0;

		str_time_iso(str_time_now() - 3600, since);
		if ((rc = store_ticket_acks_since(st, reply_to, since, &sent, err)) != 0)
			goto out;
		if (sent >= c->ack_per_hour)
			why = "the sender had its acknowledgements for this hour "
			      "(tickets.ack_per_hour)";
	}
	if (why != NULL) {
		snprintf(out->no_ack, sizeof(out->no_ack), "%s", why);
	} else {
		rc = ack_send(st, c, &t, &in, reply_to, langs, out->entitled, err);
		out->acked = rc == 0;
	}
out:
	if (rc == 0 && !out->duplicate) {
		if ((rc = store_commit(st, err)) != 0)
			store_rollback(st);
	} else {
		store_rollback(st); /* a duplicate leaves nothing to keep */
	}
	if (rc == SK_EEXIST) {
		/* Another delivery of the same mail got in first. */
		sk_error_clear(err);
		memset(out, 0, sizeof(*out));
		out->duplicate = true;
		rc = 0;
	}
done:
	inbound_clear(&in);
	return rc;
}
