/* model/org.c: organizations and contacts: vocabularies and validation of
 * every field that comes from outside (CLI, API, import). */
#include "model/org.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

const char *const org_kind_names[] = { "national-csirt", "liaison", "constituent", NULL };
const char *const org_class_names[] = { "oes", "essential-public", "administration",
					"private", "public", NULL };
const char *const org_status_names[] = { "applied", "designated", "connected", "suspended",
					 NULL };
const char *const org_sector_names[] = {
	"energy/electricity", "energy/oil", "energy/gas", "transport/air", "transport/rail",
	"transport/water", "transport/road", "banking", "financial-market-infrastructure",
	"health", "drinking-water", "digital-infrastructure", "none", NULL,
};
const char *const contact_role_names[] = { "operational-24x7", "abuse", "management", "other",
					   "advisory", NULL };
const char *const contact_language_names[] = { "nl", "fr", "de", "en", NULL };

int org_vocab_parse(const char *const *names, const char *what, const char *text,
		    struct sk_error *err)
{
	struct buf allowed;
	int i = str_index(names, text);

	if (i >= 0)
		return i;
	buf_init(&allowed, 1024);
	for (int j = 0; names[j] != NULL; j++)
		buf_printf(&allowed, "%s%s", j ? ", " : "", names[j]);
	sk_error_set(err, SK_EINVAL, "%s '%s' is not one of: %s", what, text, buf_str(&allowed));
	buf_free(&allowed);
	return SK_EINVAL;
}

/* True if s holds only printable characters (no control bytes). */
static bool text_is_clean(const char *s, bool allow_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && !(allow_newlines && (*p == '\n' || *p == '\t')))
			return false;
	return true;
}

static int check_text(const char *what, const char *value, size_t max, bool required,
		      bool multiline, struct sk_error *err)
{
	size_t n = strlen(value);

	if (required && n == 0)
		return sk_error_set(err, SK_EINVAL, "%s must not be empty", what);
	if (n > max)
		return sk_error_set(err, SK_EINVAL, "%s is longer than %zu bytes", what, max);
	if (!text_is_clean(value, multiline))
		return sk_error_set(err, SK_EINVAL, "%s contains control characters", what);
	if (!multiline && n > 0 && (isspace((unsigned char)value[0]) ||
				    isspace((unsigned char)value[n - 1])))
		return sk_error_set(err, SK_EINVAL, "%s '%s' has leading or trailing spaces",
				    what, value);
	return 0;
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

void org_init(struct org *org)
{
	memset(org, 0, sizeof(*org));
	org->kind = ORG_KIND_CONSTITUENT;
	org->class = ORG_CLASS_PRIVATE;
	org->sector = xstrdup("none");
	org->status = ORG_STATUS_CONNECTED;
}

void org_clear(struct org *org)
{
	if (org == NULL)
		return;
	free(org->name);
	free(org->sector);
	free(org->notes);
	memset(org, 0, sizeof(*org));
}

void org_copy(struct org *dst, const struct org *src)
{
	*dst = *src;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	dst->sector = src->sector ? xstrdup(src->sector) : NULL;
	dst->notes = src->notes ? xstrdup(src->notes) : NULL;
}

int org_set_field(struct org *org, const char *field, const char *value, struct sk_error *err)
{
	int i;

	if (strcmp(field, "name") == 0) {
		if (check_text("name", value, ORG_NAME_MAX, true, false, err) != 0)
			return SK_EINVAL;
		replace(&org->name, value);
	} else if (strcmp(field, "kind") == 0) {
		if ((i = org_vocab_parse(org_kind_names, "kind", value, err)) < 0)
			return i;
		org->kind = (enum org_kind)i;
	} else if (strcmp(field, "class") == 0) {
		if ((i = org_vocab_parse(org_class_names, "class", value, err)) < 0)
			return i;
		org->class = (enum org_class)i;
	} else if (strcmp(field, "sector") == 0) {
		if ((i = org_vocab_parse(org_sector_names, "sector", value, err)) < 0)
			return i;
		replace(&org->sector, value);
	} else if (strcmp(field, "status") == 0) {
		if ((i = org_vocab_parse(org_status_names, "status", value, err)) < 0)
			return i;
		org->status = (enum org_status)i;
	} else if (strcmp(field, "country") == 0) {
		if (*value == '\0') {
			org->country[0] = '\0';
			return 0;
		}
		if (strlen(value) != 2 || !isalpha((unsigned char)value[0]) ||
		    !isalpha((unsigned char)value[1]))
			return sk_error_set(err, SK_EINVAL,
					    "country '%s' is not a two-letter ISO 3166 code", value);
		org->country[0] = (char)toupper((unsigned char)value[0]);
		org->country[1] = (char)toupper((unsigned char)value[1]);
		org->country[2] = '\0';
	} else if (strcmp(field, "notes") == 0) {
		if (check_text("notes", value, ORG_NOTES_MAX, false, true, err) != 0)
			return SK_EINVAL;
		replace(&org->notes, *value ? value : NULL);
	} else {
		return sk_error_set(err, SK_EINVAL,
				    "unknown field '%s' (fields: name, kind, class, sector, "
				    "country, status, notes)",
				    field);
	}
	return 0;
}

int org_validate(const struct org *org, struct sk_error *err)
{
	if (org->name == NULL || *org->name == '\0')
		return sk_error_set(err, SK_EINVAL, "organization needs a name");
	if (org->sector == NULL || str_index(org_sector_names, org->sector) < 0)
		return sk_error_set(err, SK_EINVAL, "organization %s has no valid sector",
				    org->name);
	return 0;
}

/* Room for one more element in the array v holding n of *alloc. */
static void *list_grow(void *v, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc ? *alloc * 2 : 16;
	return xreallocarray(v, *alloc, size);
}

int org_list_push(const struct org *org, void *list)
{
	struct org_list *l = list;

	l->v = list_grow(l->v, l->n, &l->alloc, sizeof(*l->v));
	org_copy(&l->v[l->n++], org);
	return 0;
}

void org_list_free(struct org_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		org_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int org_id_order(const void *pa, const void *pb)
{
	const struct org *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

void org_list_sort_by_id(struct org_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), org_id_order);
}

const struct org *org_list_find_id(const struct org_list *l, int64_t id)
{
	struct org key;

	if (l->n == 0)
		return NULL;
	key.id = id;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), org_id_order);
}

void contact_init(struct contact *c)
{
	memset(c, 0, sizeof(*c));
	c->role = CONTACT_ROLE_OTHER;
	memcpy(c->languages, "en", 3);
}

void contact_clear(struct contact *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->email);
	free(c->phone);
	memset(c, 0, sizeof(*c));
}

void contact_copy(struct contact *dst, const struct contact *src)
{
	*dst = *src;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	dst->email = src->email ? xstrdup(src->email) : NULL;
	dst->phone = src->phone ? xstrdup(src->phone) : NULL;
}

/* A plain addr-spec check: local@domain, printable, no spaces, one '@',
 * a dot in the domain. Delivery is the real test. */
static int check_email(const char *v, struct sk_error *err)
{
	const char *at = strchr(v, '@');

	if (check_text("e-mail", v, CONTACT_EMAIL_MAX, true, false, err) != 0)
		return SK_EINVAL;
	if (at == NULL || at == v || strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || v[strlen(v) - 1] == '.' || strpbrk(v, " <>(),;:\"[]\\") != NULL)
		return sk_error_set(err, SK_EINVAL, "e-mail '%s' is not an address like "
				    "name@example.be", v);
	return 0;
}

static int check_phone(const char *v, struct sk_error *err)
{
	int digits = 0;

	if (check_text("phone", v, CONTACT_PHONE_MAX, false, false, err) != 0)
		return SK_EINVAL;
	for (const char *p = v; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!(*p == '+' && p == v) && *p != ' ' && *p != '-' && *p != '(' &&
			 *p != ')')
			return sk_error_set(err, SK_EINVAL, "phone '%s' may hold only digits, "
					    "spaces, - ( ) and a leading +", v);
	}
	if (*v != '\0' && (digits < 4 || digits > 15))
		return sk_error_set(err, SK_EINVAL, "phone '%s' needs 4 to 15 digits", v);
	return 0;
}

/* "nl, EN" -> "nl,en" in the order of contact_language_names. */
static int parse_languages(const char *v, char out[16], struct sk_error *err)
{
	bool seen[4] = { false };
	char word[16];
	const char *p = v;
	size_t n = 0;

	while (*p) {
		size_t len = strcspn(p, ", ");
		int i;

		if (len > 0) {
			if (len >= sizeof(word))
				return sk_error_set(err, SK_EINVAL, "language list '%s': unknown "
						    "language (use nl, fr, de, en)", v);
			memcpy(word, p, len);
			word[len] = '\0';
			str_lower(word);
			if ((i = org_vocab_parse(contact_language_names, "language", word, err)) < 0)
				return i;
			seen[i] = true;
		}
		p += len;
		p += strspn(p, ", ");
	}
	out[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (!seen[i])
			continue;
		if (n > 0)
			out[n++] = ',';
		memcpy(out + n, contact_language_names[i], 3);
		n += 2;
	}
	if (n == 0)
		return sk_error_set(err, SK_EINVAL, "language list is empty (use nl, fr, de, en)");
	return 0;
}

static int parse_fingerprint(const char *v, char out[CONTACT_FPR_LEN + 1], struct sk_error *err)
{
	char fpr[CONTACT_FPR_LEN + 1];
	size_t n = 0;

	for (const char *p = v; *p; p++) {
		if (*p == ' ')
			continue;
		if (!isxdigit((unsigned char)*p) || n == CONTACT_FPR_LEN)
			return sk_error_set(err, SK_EINVAL, "OpenPGP fingerprint '%s' is not 40 "
					    "hexadecimal digits", v);
		fpr[n++] = (char)toupper((unsigned char)*p);
	}
	if (n != 0 && n != CONTACT_FPR_LEN)
		return sk_error_set(err, SK_EINVAL, "OpenPGP fingerprint '%s' is not 40 "
				    "hexadecimal digits", v);
	fpr[n] = '\0';
	memcpy(out, fpr, n + 1);
	return 0;
}

int contact_set_field(struct contact *c, const char *field, const char *value,
		      struct sk_error *err)
{
	int i;

	if (strcmp(field, "name") == 0) {
		if (check_text("contact name", value, CONTACT_NAME_MAX, true, false, err) != 0)
			return SK_EINVAL;
		replace(&c->name, value);
	} else if (strcmp(field, "email") == 0) {
		if (check_email(value, err) != 0)
			return SK_EINVAL;
		replace(&c->email, value);
	} else if (strcmp(field, "phone") == 0) {
		if (check_phone(value, err) != 0)
			return SK_EINVAL;
		replace(&c->phone, *value ? value : NULL);
	} else if (strcmp(field, "role") == 0) {
		if ((i = org_vocab_parse(contact_role_names, "role", value, err)) < 0)
			return i;
		c->role = (enum contact_role)i;
	} else if (strcmp(field, "languages") == 0) {
		return parse_languages(value, c->languages, err);
	} else if (strcmp(field, "pgp") == 0) {
		return parse_fingerprint(value, c->pgp_fpr, err);
	} else {
		return sk_error_set(err, SK_EINVAL,
				    "unknown contact field '%s' (fields: name, email, phone, "
				    "role, languages, pgp)",
				    field);
	}
	return 0;
}

int contact_validate(const struct contact *c, struct sk_error *err)
{
	if (c->name == NULL || *c->name == '\0')
		return sk_error_set(err, SK_EINVAL, "contact needs a name");
	if (c->email == NULL || *c->email == '\0')
		return sk_error_set(err, SK_EINVAL, "contact %s needs an e-mail address", c->name);
	return 0;
}

int contact_list_push(const struct contact *c, void *list)
{
	struct contact_list *l = list;

	l->v = list_grow(l->v, l->n, &l->alloc, sizeof(*l->v));
	contact_copy(&l->v[l->n++], c);
	return 0;
}

void contact_list_free(struct contact_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		contact_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
