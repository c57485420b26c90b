/* lib/template.h: text templates an operator edits (mail texts), with a
 * small subset of Mustache:
 *
 *   {{name}}               the value of name
 *   {{#name}}...{{/name}}  the text between, when name is set and not empty
 *   {{^name}}...{{/name}}  the text between, when name is empty or unset
 *
 * Names are lowercase letters, digits and '_'. Sections do not nest in
 * themselves but may hold other sections. A template is checked when it
 * is loaded: unbalanced sections and names outside the allowed list are
 * errors naming file and line. Reads outside input: at most
 * TEMPLATE_MAX bytes. */
#ifndef SK_LIB_TEMPLATE_H
#define SK_LIB_TEMPLATE_H

#include <stddef.h>

struct buf;
struct sk_error;
struct template;

#define TEMPLATE_MAX (64 * 1024)

/* One value to fill in. */
struct template_var {
	const char *name;
	const char *value; /* NULL: unset */
};

/* Load path, allowing only the names in allowed (NULL-terminated).
 * SK_ENOTFOUND if the file does not exist. Caller frees with
 * template_free(). */
struct template *template_load(const char *path, const char *const *allowed,
			       struct sk_error *err);
/* The same for text held in memory; name is used in messages. */
struct template *template_parse(const char *text, size_t len, const char *name,
				const char *const *allowed, struct sk_error *err);
void template_free(struct template *t);

/* Append the template filled with vars[0..n) to out; a name not among
 * vars is unset. SK_ETOOBIG past out's cap. */
int template_render(const struct template *t, const struct template_var *vars, size_t n,
		    struct buf *out);

/* The templates <dir>/<prefix>-<lang>.txt of one kind of mail, loaded
 * as languages are asked for (at most TEMPLATE_SET_LANGS of them). Fill
 * dir, prefix and allowed (all borrowed); free with template_set_free(). */
#define TEMPLATE_SET_LANGS 8
struct template_set {
	const char *dir;
	const char *prefix;
	const char *const *allowed;
	char lang[TEMPLATE_SET_LANGS][4];
	struct template *t[TEMPLATE_SET_LANGS];
	size_t n;
};

/* The template of the first language of langs (a comma list such as
 * "nl,en", or "") that has one, else English's, which must exist
 * (SK_ECONFIG). *lang_out: the language chosen. */
struct template *template_set_pick(struct template_set *ts, const char *langs,
				   const char **lang_out, struct sk_error *err);
void template_set_free(struct template_set *ts);

/* A mail text rendered from a template whose first line is
 * "Subject: ...": cut text after that line, pointing *subject at the
 * subject and *body at the rest; -1 (nothing changed) if the first line
 * is not a subject. */
int template_split_subject(char *text, const char **subject, const char **body);

#endif
