/* advisory/publication_delivery.c: what a published publication says
 * in its mails; the composition per organization and language is
 * advisory/delivery.c's. The attachments go with the mail when they are
 * small together (PUBLICATION_MAIL_ATTACH_MAX), else only their names. */
#include "advisory/publication_delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "mail/message.h"
#include "model/user.h"

static const char *const publication_vars[] = {"org",
					       "number",
					       "title",
					       "tlp",
					       "kind",
					       "threat_assessment",
					       "resilience_measure",
					       "guidance",
					       "best_practice",
					       "summary",
					       "body",
					       "attachments",
					       "attached",
					       "public",
					       "url",
					       "liaison",
					       "members",
					       "pass_on",
					       "need_to_know",
					       "sender",
					       NULL};

/* Load the attachments of p into data[] and att[] when there are at
 * most MAIL_ATTACH_MAX of them of at most PUBLICATION_MAIL_ATTACH_MAX
 * bytes together; else none. The count into *n_out. */
static int load_attachments(struct store *st, const struct publication *p, struct buf *data,
			    struct mail_attachment *att, char (*types)[128], size_t *n_out,
			    struct sk_error *err)
{
	size_t total = 0;
	int rc = 0;

	*n_out = 0;
	if (p->n_att > MAIL_ATTACH_MAX)
		return 0;
	for (size_t i = 0; i < p->n_att; i++)
		total += p->att[i].size;
	if (total > PUBLICATION_MAIL_ATTACH_MAX)
		return 0;
	for (size_t i = 0; i < p->n_att && rc == 0; i++) {
		buf_init(&data[i], PUBLICATION_MAIL_ATTACH_MAX);
		rc = store_publication_attachment(st, p->base.id, p->att[i].name, &data[i],
						  types[i], err);
		att[i] = (struct mail_attachment){p->att[i].name, types[i], data[i].data,
						  data[i].len};
	}
	if (rc == 0)
		*n_out = p->n_att;
	return rc;
}

int publication_deliver(struct store *st, const struct delivery_settings *ds,
			const struct publication *p, const struct advisory_recipients *r,
			size_t *n_out, struct sk_error *err)
{
	struct buf *data = xcalloc(p->n_att + 1, sizeof(*data));
	struct mail_attachment *att = xcalloc(p->n_att + 1, sizeof(*att));
	char(*types)[128] = xcalloc(p->n_att + 1, sizeof(*types));
	const bool public = p->base.tlp == TLP_CLEAR;
	struct buf names, url;
	size_t n_att = 0, none = 0;
	int rc;

	if (n_out == NULL)
		n_out = &none;
	*n_out = 0;
	buf_init(&names, 64 * 1024);
	buf_init(&url, 2 * DELIVERY_URL_MAX);
	for (size_t i = 0; i < p->n_att; i++)
		buf_printf(&names, "- %s (%zu bytes)\n", p->att[i].name, p->att[i].size);
	if (public && ds->public_url[0] != '\0')
		buf_printf(&url, "%s/advisories/%s", ds->public_url, p->base.number);
	if ((rc = load_attachments(st, p, data, att, types, &n_att, err)) == 0) {
		const struct template_var vars[] = {
		    {"number", p->base.number},
		    {"title", p->base.title},
		    {"tlp", tlp_name(p->base.tlp)},
		    {"kind", publication_kind_names[p->kind]},
		    {"threat_assessment",
		     p->kind == PUBLICATION_THREAT_ASSESSMENT ? "yes" : NULL},
		    {"resilience_measure",
		     p->kind == PUBLICATION_RESILIENCE_MEASURE ? "yes" : NULL},
		    {"guidance", p->kind == PUBLICATION_GUIDANCE ? "yes" : NULL},
		    {"best_practice", p->kind == PUBLICATION_BEST_PRACTICE ? "yes" : NULL},
		    {"summary", p->base.summary},
		    {"body", p->body},
		    {"attachments", names.len ? buf_str(&names) : NULL},
		    {"attached", n_att > 0 ? "yes" : NULL},
		    {"public", public ? "yes" : NULL},
		    {"url", url.len ? buf_str(&url) : NULL},
		};
		const struct delivery_item it = {.kind = "publication",
						 .allowed = publication_vars,
						 .vars = vars,
						 .n_vars = sizeof(vars) / sizeof(vars[0]),
						 .attachments = n_att ? att : NULL,
						 .n_attachments = n_att,
						 .number = p->base.number,
						 .tlp = p->base.tlp,
						 .id = p->base.id};

		rc = delivery_queue(st, ds, &it, r, n_out, err);
	}
	for (size_t i = 0; i < p->n_att; i++)
		buf_free(&data[i]);
	buf_free(&names);
	buf_free(&url);
	free(data);
	free(att);
	free(types);
	return rc;
}

int publication_publish_deliver(struct store *st, const struct user *u,
				const struct publication_settings *cfg,
				const struct delivery_settings *ds, int64_t id,
				struct advisory_recipients *rcpt_out, size_t *n_out,
				struct sk_error *err)
{
	struct advisory_recipients r = {0};
	struct publication p;
	int rc;

	publication_init(&p);
	if ((rc = store_begin(st, err)) != 0)
		return rc;
	if ((rc = publication_publish(st, u, cfg, id, &r, err)) == 0 &&
	    (rc = publication_get(st, u, id, &p, err)) == 0)
		rc = publication_deliver(st, ds, &p, &r, n_out, err);
	publication_clear(&p);
	if ((rc = store_finish(st, rc, err)) == 0 && rcpt_out != NULL) {
		*rcpt_out = r;
		memset(&r, 0, sizeof(r));
	}
	advisory_recipients_free(&r);
	return rc;
}
