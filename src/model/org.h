/* model/org.h: organizations, their contacts and the vocabularies that
 * describe them (kind, class, sector, designation status, contact role,
 * languages). Knows no storage. */
#ifndef SK_MODEL_ORG_H
#define SK_MODEL_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_error;

#define ORG_NAME_MAX 200
#define ORG_NOTES_MAX 4000

enum org_kind { ORG_KIND_NATIONAL_CSIRT, ORG_KIND_LIAISON, ORG_KIND_CONSTITUENT };
/* Declared in priority order: oes first. */
enum org_class {
	ORG_CLASS_OES,
	ORG_CLASS_ESSENTIAL_PUBLIC,
	ORG_CLASS_ADMINISTRATION,
	ORG_CLASS_PRIVATE,
	ORG_CLASS_PUBLIC
};
enum org_status {
	ORG_STATUS_APPLIED,
	ORG_STATUS_DESIGNATED,
	ORG_STATUS_CONNECTED,
	ORG_STATUS_SUSPENDED
};

/* NULL-terminated vocabularies; the enum value is the index. */
extern const char *const org_kind_names[];
extern const char *const org_class_names[];
extern const char *const org_status_names[];
extern const char *const org_sector_names[];	/* NIS sectors and "none" */

/* An organization. Strings are owned by the struct; org_clear() frees
 * them. */
struct org {
	int64_t id;
	char *name;
	enum org_kind kind;
	enum org_class class;
	char *sector;		/* one of org_sector_names */
	char country[3];	/* ISO 3166-1 alpha-2, uppercase, or "" */
	enum org_status status;
	char *notes;		/* may be NULL */
	char created[21];	/* ISO 8601 UTC, set by the store */
	char updated[21];
};

void org_init(struct org *org);
void org_clear(struct org *org);
/* Deep copy of src into dst (dst uninitialized). */
void org_copy(struct org *dst, const struct org *src);

/* Set one field from text, validating it ("name", "kind", "class",
 * "sector", "country", "status", "notes"). SK_EINVAL names the field
 * and the allowed values. */
int org_set_field(struct org *org, const char *field, const char *value,
		  struct sk_error *err);
/* Check a complete organization (name present, ...). */
int org_validate(const struct org *org, struct sk_error *err);

/* Parse a vocabulary word; its index, or SK_EINVAL naming what is allowed. */
int org_vocab_parse(const char *const *names, const char *what, const char *text,
		    struct sk_error *err);

/* A growing array of organizations, e.g. collected from a store walk.
 * Start it zeroed; it owns its copies; free it with org_list_free(). */
struct org_list {
	struct org *v;
	size_t n, alloc;
};

/* Append a deep copy of org (borrowed) to list, a struct org_list *.
 * Shaped as a store_org_fn, to be passed straight to a store walk;
 * returns 0. */
int org_list_push(const struct org *org, void *list);
/* Clear every organization and free the array; the list is empty
 * afterwards. Accepts NULL. */
void org_list_free(struct org_list *l);
/* Sort by id, ascending, for org_list_find_id(). */
void org_list_sort_by_id(struct org_list *l);
/* The organization with id in l (sorted by id), borrowed from l; NULL
 * if there is none. */
const struct org *org_list_find_id(const struct org_list *l, int64_t id);

#define CONTACT_NAME_MAX 200
#define CONTACT_EMAIL_MAX 254
#define CONTACT_PHONE_MAX 32
#define CONTACT_FPR_LEN 40	/* v4 fingerprint, hex */

enum contact_role {
	CONTACT_ROLE_OPERATIONAL_24X7,
	CONTACT_ROLE_ABUSE,
	CONTACT_ROLE_MANAGEMENT,
	CONTACT_ROLE_OTHER,
	CONTACT_ROLE_ADVISORY
};
extern const char *const contact_role_names[];
extern const char *const contact_language_names[];	/* nl fr de en */

struct contact {
	int64_t id;
	int64_t org_id;
	char *name;
	char *email;
	char *phone;		/* may be NULL; E.164-ish: +, digits, spaces */
	enum contact_role role;
	char languages[16];	/* canonical comma list, e.g. "nl,en" */
	char pgp_fpr[CONTACT_FPR_LEN + 1];	/* uppercase hex or "" */
	char created[21];
};

void contact_init(struct contact *c);
void contact_clear(struct contact *c);
void contact_copy(struct contact *dst, const struct contact *src);
/* Fields: "name", "email", "phone", "role", "languages", "pgp". The
 * fingerprint may be given with spaces and in lowercase. */
int contact_set_field(struct contact *c, const char *field, const char *value,
		      struct sk_error *err);
int contact_validate(const struct contact *c, struct sk_error *err);

/* A growing array of contacts, like struct org_list. */
struct contact_list {
	struct contact *v;
	size_t n, alloc;
};

/* Append a deep copy of c (borrowed) to list, a struct contact_list *;
 * shaped as a store_contact_fn; returns 0. */
int contact_list_push(const struct contact *c, void *list);
/* Clear every contact and free the array. Accepts NULL. */
void contact_list_free(struct contact_list *l);

#endif
