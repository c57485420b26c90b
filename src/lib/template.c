/* lib/template.c: a template is its text and a flat list of parts; a
 * section part records where it ends, so rendering skips a hidden
 * section in one step. */
#include "lib/template.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define NAME_MAX_LEN 64
#define DEPTH_MAX    16

enum part_kind { PART_TEXT, PART_VAR, PART_SECTION, PART_INVERTED };

struct part {
	enum part_kind kind;
	size_t off, len; /* text, or the name */
	size_t end;	 /* sections: the index after the last part inside */
};

struct template
{
	char *text;
	struct part *parts;
	size_t n, alloc;
};

static void push(struct template *t, enum part_kind kind, size_t off, size_t len)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->parts = xreallocarray(t->parts, t->alloc, sizeof(*t->parts));
	}
	t->parts[t->n++] = (struct part){kind, off, len, 0};
}

static unsigned line_at(const char *text, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

static bool name_allowed(const char *name, size_t len, const char *const *allowed)
{
	for (size_t i = 0; allowed[i] != NULL; i++)
		if (strlen(allowed[i]) == len && memcmp(allowed[i], name, len) == 0)
			return true;
	return false;
}

static bool name_valid(const char *name, size_t len)
{
	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

struct template *template_parse(const char *text, size_t len, const char *name,
				const char *const *allowed, struct sk_error *err)
{
	struct template *t;
	size_t open[DEPTH_MAX], depth = 0, pos = 0;

	if (len > TEMPLATE_MAX) {
		sk_error_set(err, SK_ETOOBIG, "%s: larger than %d bytes", name, TEMPLATE_MAX);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		sk_error_set(err, SK_EINVAL, "%s: holds a NUL byte", name);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->text = xmalloc(len + 1);
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	while (pos < len) {
		const char *tag = strstr(t->text + pos, "{{");
		size_t at = tag ? (size_t)(tag - t->text) : len, inner, ilen;
		const char *close;
		char sigil;

		if (at > pos)
			push(t, PART_TEXT, pos, at - pos);
		if (tag == NULL)
			break;
		close = strstr(tag + 2, "}}");
		if (close == NULL) {
			sk_error_set(err, SK_EINVAL, "%s:%u: \"{{\" without \"}}\"", name,
				     line_at(t->text, at));
			goto fail;
		}
		inner = at + 2;
		ilen = (size_t)(close - t->text) - inner;
		sigil = ilen > 0 ? t->text[inner] : '\0';
		if (sigil == '#' || sigil == '^' || sigil == '/') {
			inner++;
			ilen--;
		}
		if (!name_valid(t->text + inner, ilen) ||
		    !name_allowed(t->text + inner, ilen, allowed)) {
			sk_error_set(err, SK_EINVAL, "%s:%u: unknown placeholder \"{{%.*s}}\"",
				     name, line_at(t->text, at), (int)(close - tag - 2),
				     tag + 2);
			goto fail;
		}
		if (sigil == '#' || sigil == '^') {
			if (depth == DEPTH_MAX) {
				sk_error_set(err, SK_EINVAL, "%s:%u: sections nested too deep",
					     name, line_at(t->text, at));
				goto fail;
			}
			open[depth++] = t->n;
			push(t, sigil == '#' ? PART_SECTION : PART_INVERTED, inner, ilen);
		} else if (sigil == '/') {
			struct part *p = depth ? &t->parts[open[depth - 1]] : NULL;

			if (p == NULL || p->len != ilen ||
			    memcmp(t->text + p->off, t->text + inner, ilen) != 0) {
				sk_error_set(err, SK_EINVAL,
					     "%s:%u: \"{{/%.*s}}\" closes no open section",
					     name, line_at(t->text, at), (int)ilen,
					     t->text + inner);
				goto fail;
			}
			p->end = t->n;
			depth--;
		} else {
			push(t, PART_VAR, inner, ilen);
		}
		pos = (size_t)(close - t->text) + 2;
	}
	if (depth > 0) {
		const struct part *p = &t->parts[open[depth - 1]];
		sk_error_set(err, SK_EINVAL, "%s:%u: section \"%.*s\" is never closed", name,
			     line_at(t->text, p->off), (int)p->len, t->text + p->off);
		goto fail;
	}
	return t;
fail:
	template_free(t);
	return NULL;
}

struct template *template_load(const char *path, const char *const *allowed,
			       struct sk_error *err)
{
	char *data = xmalloc(TEMPLATE_MAX + 1);
	struct template *t = NULL;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		sk_error_set(err, SK_ENOTFOUND, "%s: cannot open: %s", path, strerror(errno));
		free(data);
		return NULL;
	}
	n = fread(data, 1, TEMPLATE_MAX + 1, f);
	if (ferror(f))
		sk_error_set(err, SK_EIO, "%s: cannot read: %s", path, strerror(errno));
	else
		t = template_parse(data, n, path, allowed, err);
	fclose(f);
	free(data);
	return t;
}

void template_free(struct template *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->parts);
	free(t);
}

static const char *lookup(const struct template *t, const struct part *p,
			  const struct template_var *vars, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == p->len &&
		    memcmp(vars[i].name, t->text + p->off, p->len) == 0)
			return vars[i].value;
	return NULL;
}

int template_render(const struct template *t, const struct template_var *vars, size_t n,
		    struct buf *out)
{
	size_t start = out->len;

	for (size_t i = 0; i < t->n;) {
		const struct part *p = &t->parts[i];
		const char *v;
		bool shown;
		int rc = 0;

		switch (p->kind) {
		case PART_TEXT:
			rc = buf_append(out, t->text + p->off, p->len);
			break;
		case PART_VAR:
			v = lookup(t, p, vars, n);
			if (v != NULL)
				rc = buf_append_str(out, v);
			break;
		case PART_SECTION:
		case PART_INVERTED:
			v = lookup(t, p, vars, n);
			shown = (v != NULL && *v != '\0') == (p->kind == PART_SECTION);
			if (!shown) {
				i = p->end;
				continue;
			}
			break;
		}
		if (rc != 0) {
			out->len = start;
			if (out->data != NULL)
				out->data[start] = '\0';
			return rc;
		}
		i++;
	}
	return 0;
}

/* ---- sets by language ---- */

/* The template of lang, loaded on first use; NULL with SK_ENOTFOUND if
 * there is none. *lang_out is the set's copy of lang. */
static struct template *template_set_get(struct template_set *ts, const char *lang,
					 const char **lang_out, struct sk_error *err)
{
	char path[4096];
	size_t i;

	for (i = 0; i < ts->n && strcmp(ts->lang[i], lang) != 0; i++)
		;
	if (i == ts->n) {
		if (ts->n == TEMPLATE_SET_LANGS || strlen(lang) >= sizeof(ts->lang[0])) {
			sk_error_set(err, SK_ENOTFOUND, "no template for language '%.16s'",
				     lang);
			return NULL;
		}
		snprintf(path, sizeof(path), "%s/%s-%s.txt", ts->dir, ts->prefix, lang);
		sk_error_clear(err);
		ts->t[i] = template_load(path, ts->allowed, err);
		if (ts->t[i] == NULL && err->code != SK_ENOTFOUND)
			return NULL;
		snprintf(ts->lang[i], sizeof(ts->lang[0]), "%s", lang);
		ts->n++;
	}
	*lang_out = ts->lang[i];
	if (ts->t[i] == NULL)
		sk_error_set(err, SK_ENOTFOUND, "%s/%s-%s.txt: no such template", ts->dir,
			     ts->prefix, lang);
	return ts->t[i];
}

struct template *template_set_pick(struct template_set *ts, const char *langs,
				   const char **lang_out, struct sk_error *err)
{
	char list[64];
	struct template *t;
	char *save = NULL;

	snprintf(list, sizeof(list), "%s", langs != NULL ? langs : "");
	for (char *l = strtok_r(list, ",", &save); l != NULL; l = strtok_r(NULL, ",", &save)) {
		if ((t = template_set_get(ts, l, lang_out, err)) != NULL)
			return t;
		if (err->code != SK_ENOTFOUND)
			return NULL;
	}
	if ((t = template_set_get(ts, "en", lang_out, err)) == NULL &&
	    err->code == SK_ENOTFOUND)
		err->code = SK_ECONFIG;
	return t;
}

void template_set_free(struct template_set *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		template_free(ts->t[i]);
	ts->n = 0;
}

int template_split_subject(char *text, const char **subject, const char **body)
{
	char *nl;

	if (!str_has_prefix(text, "Subject: ") || (nl = strchr(text, '\n')) == NULL)
		return -1;
	*nl = '\0';
	if (nl > text && nl[-1] == '\r')
		nl[-1] = '\0';
	*subject = text + strlen("Subject: ");
	*body = nl + 1;
	return 0;
}
