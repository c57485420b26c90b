/* registry/exchange_json.c: organizations, contacts, resources and users
 * as JSON, and JSON applied to them: the shapes the API, export and
 * import share. */
#include "registry/exchange.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "registry/exchange_int.h"
#include "store/store.h"

/* ---- single objects ---------------------------------------------------- */

/* s with every byte that is not part of valid UTF-8 replaced by '?'; caller
 * frees. Stored text is checked at the door, this only keeps output valid. */
static char *utf8_scrub(const char *s)
{
	char *t = xstrdup(s);
	unsigned char *p = (unsigned char *)t;

	while (*p) {
		int n = *p < 0x80	      ? 1
			: (*p & 0xe0) == 0xc0 ? 2
			: (*p & 0xf0) == 0xe0 ? 3
			: (*p & 0xf8) == 0xf0 ? 4
					      : 0;
		int i;

		for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
			;
		if (n == 0 || i < n || (n == 2 && *p < 0xc2)) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
	return t;
}

/* A JSON string for s, or null for NULL (and for "" when empty_is_null). */
json_t *exchange_jstr(const char *s, bool empty_is_null)
{
	json_t *v;
	char *t;

	if (s == NULL || (empty_is_null && *s == '\0'))
		return json_null();
	v = json_string(s);
	if (v != NULL)
		return v;
	t = utf8_scrub(s);
	v = json_string(t);
	free(t);
	return v != NULL ? v : json_string("");
}

json_t *exchange_org_json(const struct org *org)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(org->id));
	json_object_set_new(o, "name", exchange_jstr(org->name, false));
	json_object_set_new(o, "kind", json_string(org_kind_names[org->kind]));
	json_object_set_new(o, "class", json_string(org_class_names[org->class]));
	json_object_set_new(o, "sector", exchange_jstr(org->sector, false));
	json_object_set_new(o, "country", exchange_jstr(org->country, true));
	json_object_set_new(o, "status", json_string(org_status_names[org->status]));
	json_object_set_new(o, "notes", exchange_jstr(org->notes, true));
	json_object_set_new(o, "created", exchange_jstr(org->created, true));
	json_object_set_new(o, "updated", exchange_jstr(org->updated, true));
	return o;
}

/* "nl,en" as ["nl", "en"]. */
static json_t *languages_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n > 0)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

json_t *exchange_contact_json(const struct contact *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "org_id", json_integer(c->org_id));
	json_object_set_new(o, "name", exchange_jstr(c->name, false));
	json_object_set_new(o, "email", exchange_jstr(c->email, false));
	json_object_set_new(o, "phone", exchange_jstr(c->phone, true));
	json_object_set_new(o, "role", json_string(contact_role_names[c->role]));
	json_object_set_new(o, "languages", languages_json(c->languages));
	json_object_set_new(o, "pgp_fingerprint", exchange_jstr(c->pgp_fpr, true));
	json_object_set_new(o, "created", exchange_jstr(c->created, true));
	return o;
}

/* {"type": ..., "value": ...}: the part of a resource the export keeps. */
json_t *exchange_resource_value_json(const struct resource *r)
{
	char value[RESOURCE_TEXT_MAX];
	json_t *o = json_object();

	if (resource_format_value(r, value, sizeof(value)) < 0)
		value[0] = '\0';
	json_object_set_new(o, "type", json_string(resource_type_names[r->type]));
	json_object_set_new(o, "value", exchange_jstr(value, false));
	return o;
}

json_t *exchange_resource_json(const struct resource *r)
{
	json_t *o = json_object();
	json_t *tv = exchange_resource_value_json(r);

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "org_id", json_integer(r->org_id));
	json_object_update(o, tv);
	json_decref(tv);
	json_object_set_new(o, "created", exchange_jstr(r->created, true));
	return o;
}

json_t *exchange_user_json(const struct user *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "name", exchange_jstr(u->name, false));
	json_object_set_new(o, "role", json_string(user_role_names[u->role]));
	json_object_set_new(o, "org_id", u->org_id > 0 ? json_integer(u->org_id) : json_null());
	return o;
}

/* ---- applying JSON to the model ------------------------------------------ */

/* The text of a string member; null gives "" where nullable. Borrowed. */
static int json_text(const json_t *v, const char *key, bool nullable, const char **out,
		     struct sk_error *err)
{
	if (nullable && json_is_null(v)) {
		*out = "";
		return 0;
	}
	if (!json_is_string(v))
		return sk_error_set(err, SK_EINVAL, "\"%s\" must be a string%s", key,
				    nullable ? " or null" : "");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return sk_error_set(err, SK_EINVAL, "\"%s\" contains a NUL character", key);
	*out = json_string_value(v);
	return 0;
}

static const char *const org_keys[] = {"name",	  "kind",   "class", "sector",
				       "country", "status", "notes", NULL};

/* Apply obj's fields to org, ignoring the keys in skip (may be NULL); org
 * is changed only on success. */
int exchange_org_apply_keys(struct org *org, const json_t *obj, const char *const *skip,
			    struct sk_error *err)
{
	struct org tmp;
	const char *key, *text;
	json_t *v;
	int rc = 0;

	if (!json_is_object(obj))
		return sk_error_set(err, SK_EINVAL, "an organization must be a JSON object");
	org_copy(&tmp, org);
	json_object_foreach((json_t *)obj, key, v)
	{
		bool nullable = strcmp(key, "country") == 0 || strcmp(key, "notes") == 0;

		if (skip != NULL && str_index(skip, key) >= 0)
			continue;
		if (str_index(org_keys, key) < 0) {
			rc =
			    sk_error_set(err, SK_EINVAL,
					 "unknown key \"%s\" (keys: name, kind, class, sector, "
					 "country, status, notes)",
					 key);
			goto out;
		}
		rc = json_text(v, key, nullable, &text, err);
		if (rc != 0)
			goto out;
		rc = org_set_field(&tmp, key, text, err);
		if (rc != 0)
			goto out;
	}
out:
	if (rc != 0) {
		org_clear(&tmp);
		return rc;
	}
	org_clear(org);
	*org = tmp;
	return 0;
}

int exchange_org_apply(struct org *org, const json_t *obj, struct sk_error *err)
{
	return exchange_org_apply_keys(org, obj, NULL, err);
}

/* ["nl", "en"] or "nl,en" as the text contact_set_field() takes. */
static int languages_text(const json_t *v, struct buf *out, struct sk_error *err)
{
	size_t i;
	json_t *item;

	if (json_is_string(v))
		return buf_append_str(out, json_string_value(v)) == 0
			   ? 0
			   : sk_error_set(err, SK_EINVAL, "\"languages\" is too long");
	if (!json_is_array(v))
		return sk_error_set(err, SK_EINVAL,
				    "\"languages\" must be a list like [\"nl\", \"en\"]");
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return sk_error_set(err, SK_EINVAL,
					    "\"languages\"[%zu] must be a string", i);
		if (buf_printf(out, "%s%s", i ? "," : "", json_string_value(item)) != 0)
			return sk_error_set(err, SK_EINVAL, "\"languages\" is too long");
	}
	return 0;
}

int exchange_contact_apply(struct contact *c, const json_t *obj, struct sk_error *err)
{
	static const char *const keys[] = {"name",	"email",	   "phone", "role",
					   "languages", "pgp_fingerprint", NULL};
	struct contact tmp;
	struct buf langs;
	const char *key, *text;
	json_t *v;
	int rc = 0;

	if (!json_is_object(obj))
		return sk_error_set(err, SK_EINVAL, "a contact must be a JSON object");
	contact_copy(&tmp, c);
	buf_init(&langs, 64);
	json_object_foreach((json_t *)obj, key, v)
	{
		if (str_index(keys, key) < 0) {
			rc = sk_error_set(err, SK_EINVAL,
					  "unknown key \"%s\" (keys: name, email, phone, role, "
					  "languages, pgp_fingerprint)",
					  key);
			goto out;
		}
		if (strcmp(key, "languages") == 0) {
			buf_reset(&langs);
			rc = languages_text(v, &langs, err);
			if (rc == 0)
				rc = contact_set_field(&tmp, key, buf_str(&langs), err);
		} else {
			bool nullable =
			    strcmp(key, "phone") == 0 || strcmp(key, "pgp_fingerprint") == 0;

			rc = json_text(v, key, nullable, &text, err);
			if (rc == 0)
				rc = contact_set_field(
				    &tmp, key[0] == 'p' && key[1] == 'g' ? "pgp" : key, text,
				    err);
		}
		if (rc != 0)
			goto out;
	}
out:
	buf_free(&langs);
	if (rc != 0) {
		contact_clear(&tmp);
		return rc;
	}
	contact_clear(c);
	*c = tmp;
	return 0;
}

/* Make sure the message names the value it is about (or, for a typed
 * "prefix:..." value, the part after the type). */
static void name_value(struct sk_error *err, const char *text)
{
	const char *colon = strchr(text, ':');

	if (err == NULL || strstr(err->msg, text) != NULL ||
	    (colon != NULL && colon[1] != '\0' && strstr(err->msg, colon + 1) != NULL))
		return;
	sk_error_prefix(err, "%s", text);
}

int exchange_resource_parse(const json_t *value, struct resource *out, struct sk_error *err)
{
	const char *text = NULL, *key;
	const json_t *type = NULL;
	json_t *v;
	int rc, t;

	if (json_is_string(value)) {
		rc = json_text(value, "value", false, &text, err);
		if (rc == 0)
			rc = resource_parse(text, out, err);
		if (rc != 0 && text != NULL)
			name_value(err, text);
		return rc;
	}
	if (!json_is_object(value))
		return sk_error_set(err, SK_EINVAL,
				    "a resource must be a string or an object "
				    "with \"type\" and \"value\"");
	json_object_foreach((json_t *)value, key, v)
	{
		if (strcmp(key, "type") == 0) {
			type = v;
		} else if (strcmp(key, "value") == 0) {
			rc = json_text(v, key, false, &text, err);
			if (rc != 0)
				return rc;
		} else {
			return sk_error_set(err, SK_EINVAL,
					    "unknown key \"%s\" (keys: type, value)", key);
		}
	}
	if (text == NULL)
		return sk_error_set(err, SK_EINVAL, "\"value\" is missing");
	if (type == NULL) {
		rc = resource_parse(text, out, err);
	} else {
		const char *tname;

		rc = json_text(type, "type", false, &tname, err);
		if (rc != 0)
			return rc;
		t = org_vocab_parse(resource_type_names, "resource type", tname, err);
		if (t < 0)
			return t;
		rc = resource_parse_typed((enum resource_type)t, text, out, err);
	}
	if (rc != 0)
		name_value(err, text);
	return rc;
}
