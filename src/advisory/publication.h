/* advisory/publication.h: publications: threat assessments, resilience
 * measures, guidance and best practices. A publication is a Markdown
 * document with attachments; what it shares with an advisory (number,
 * title, summary, TLP, audience, status, revisions, times, author and
 * reviewer) is held in an advisory, so that the audience, its resolver
 * and the TLP policy are the advisories' own. The workflow is the
 * advisories': draft -> (review, when [advisories] review = yes) ->
 * published -> withdrawn, each step asking access/access.h and writing
 * an audit row. Partners read published (and withdrawn) publications
 * whose audience holds their organization, as far as the policy lets it
 * receive them; to anyone else a publication does not exist
 * (SK_ENOTFOUND). Reads outside input: the limits are below and in
 * struct publication_settings; errors name the field. */
#ifndef SK_ADVISORY_PUBLICATION_H
#define SK_ADVISORY_PUBLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "advisory/advisory.h"
#include "advisory/audience.h"
#include "store/store.h"

struct buf;
struct config;
struct json_t;
struct sk_error;
struct user;

#define PUBLICATION_BODY_MAX	   (256 * 1024) /* Markdown */
#define PUBLICATION_NAME_MAX	   100		/* an attachment's file name */
#define PUBLICATION_MEDIA_TYPE_MAX 127

enum publication_kind {
	PUBLICATION_THREAT_ASSESSMENT,
	PUBLICATION_RESILIENCE_MEASURE,
	PUBLICATION_GUIDANCE,
	PUBLICATION_BEST_PRACTICE
};
/* "threat-assessment", "resilience-measure", "guidance",
 * "best-practice"; NULL-terminated. */
extern const char *const publication_kind_names[];

struct publication_attachment {
	char name[PUBLICATION_NAME_MAX + 1];
	char media_type[PUBLICATION_MEDIA_TYPE_MAX + 1];
	size_t size;
};

struct publication {
	struct advisory base; /* the shared fields; no products, scores ... */
	enum publication_kind kind;
	char *body; /* Markdown */
	struct publication_attachment *att;
	size_t n_att;
};

/* A file to attach: borrowed. */
struct publication_file {
	const char *name, *media_type;
	const void *data;
	size_t size;
};

struct publication_settings {
	char prefix[32];	/* [publications] prefix, default "<advisory prefix>-PUB" */
	bool review;		/* [advisories] review */
	size_t max_attachment;	/* [publications] max_attachment, bytes, default 10 MiB */
	size_t max_attachments; /* [publications] max_attachments, default 10 */
	size_t max_total;	/* [publications] max_total, bytes, default 50 MiB */
};

/* Read [publications] (and [advisories] review) from cfg (may be NULL:
 * the defaults); a bad value is SK_ECONFIG naming it. */
int publication_settings_load(const struct config *cfg, struct publication_settings *out,
			      struct sk_error *err);

void publication_init(struct publication *p);
/* Free what p owns and leave it as publication_init() does. */
void publication_clear(struct publication *p);

/* Set the fields doc names of those an author writes: kind, title,
 * summary, body, tlp, audience. Another name, a wrong type or a value
 * over its limit: SK_EINVAL or SK_ETOOBIG naming the field. */
int publication_set_json(struct publication *p, const struct json_t *doc, struct sk_error *err);
/* One field from text, as the CLI's options: kind, title, summary,
 * body, tlp. */
int publication_set_field(struct publication *p, const char *field, const char *value,
			  struct sk_error *err);
/* Check every field, naming the first that is wrong; for_publish also
 * asks for a summary and an audience. */
int publication_validate(struct publication *p, bool for_publish, struct sk_error *err);
/* Check a file to attach against cfg and what p holds already: its
 * name (a plain file name: no path, no control characters, at most
 * PUBLICATION_NAME_MAX bytes), media type ("type/subtype"), size. */
int publication_file_check(const struct publication *p, const struct publication_settings *cfg,
			   const struct publication_file *f, struct sk_error *err);

/* The publication as JSON (attachments by name, media type and size);
 * caller owns the reference. */
struct json_t *publication_to_json(const struct publication *p);
/* Read back what publication_to_json() wrote. */
int publication_from_json(struct publication *p, const struct json_t *doc,
			  struct sk_error *err);

/* ---- the workflow (publication_workflow.c) ---- */

/* Draft a new publication as u from the fields of *in (borrowed) and
 * files (checked first: all are stored or none), numbered
 * "<prefix>-<year>-<NNNN>". The stored publication into *out. */
int publication_new(struct store *st, const struct user *u,
		    const struct publication_settings *cfg, const struct publication *in,
		    const struct publication_file *files, size_t n_files,
		    struct publication *out, struct sk_error *err);
/* Attach f to a draft. */
int publication_attach(struct store *st, const struct user *u,
		       const struct publication_settings *cfg, int64_t id,
		       const struct publication_file *f, struct sk_error *err);
/* Publication id as u may see it into *out. */
int publication_get(struct store *st, const struct user *u, int64_t id, struct publication *out,
		    struct sk_error *err);
/* The id of ref, an id or a number. */
int publication_ref(struct store *st, const char *ref, int64_t *id_out, struct sk_error *err);
/* Publications u may see, newest first, of status (NULL: all), each to
 * fn (borrowed for the call). */
typedef int (*publication_fn)(const struct publication *p, void *ctx);
int publication_list(struct store *st, const struct user *u, const char *status,
		     publication_fn fn, void *ctx, struct sk_error *err);
/* The bytes and media type of attachment name of publication id, as u
 * may see it. */
int publication_attachment(struct store *st, const struct user *u, int64_t id, const char *name,
			   struct buf *data_out, char media_type[128], struct sk_error *err);

/* Submit a draft for review; approve one in review (staff, not its
 * author); as advisories. */
int publication_submit(struct store *st, const struct user *u, int64_t id,
		       struct sk_error *err);
int publication_approve(struct store *st, const struct user *u, int64_t id,
			struct sk_error *err);
/* Publish (approved, or without review when it is not required):
 * revision 1; the recipients into *rcpt_out (may be NULL): see
 * publication_published(). */
int publication_publish(struct store *st, const struct user *u,
			const struct publication_settings *cfg, int64_t id,
			struct advisory_recipients *rcpt_out, struct sk_error *err);
/* Withdraw a published publication with a reason (required). */
int publication_withdraw(struct store *st, const struct user *u, int64_t id, const char *reason,
			 struct sk_error *err);

/* The call point where a publication becomes public, as
 * advisory_published(): publish calls it inside its transaction and it
 * resolves the audience (advisory/audience.h) into *out. Delivery
 * consumes the recipients with their TLP relation. */
int publication_published(struct store *st, const struct publication *p,
			  struct advisory_recipients *out, struct sk_error *err);

/* Publication id if it is published and the TLP policy lets it reach
 * the public, else SK_ENOTFOUND. */
int publication_get_public(struct store *st, int64_t id, struct publication *out,
			   struct sk_error *err);

/* Published publications the TLP policy lets reach the public, newest
 * first, each to fn: for the public pages and the feed. */
int publication_public_each(struct store *st, publication_fn fn, void *ctx,
			    struct sk_error *err);

#endif
