/* advisory/csaf.h: an advisory as a CSAF 2.0 document (OASIS CSAF 2.0,
 * profile csaf_security_advisory, or csaf_informational_advisory when it
 * names no product), its file name and the [csaf] settings of the
 * publisher. docs/csaf.md gives the mapping. */
#ifndef SK_ADVISORY_CSAF_H
#define SK_ADVISORY_CSAF_H

#include <stddef.h>

#include "model/tlp.h"

struct advisory;
struct config;
struct sk_error;
struct json_t;

#define CSAF_URL_MAX 512

/* [csaf]: who publishes and where the provider tree is served. Strings
 * borrowed from the configuration; base_url has no trailing "/". */
struct csaf_settings {
	const char *publisher_name;   /* [csaf] publisher_name */
	char namespace[CSAF_URL_MAX]; /* [csaf] publisher_namespace, https */
	char base_url[CSAF_URL_MAX];  /* [csaf] base_url, else the namespace */
};

/* Read and check [csaf]: both publisher settings are required and the
 * URLs must be https. SK_ECONFIG naming the setting. */
int csaf_settings_read(const struct config *cfg, struct csaf_settings *out,
		       struct sk_error *err);

/* The CSAF 2.0 label of t (TLP v1): "WHITE" for CLEAR, "AMBER" for both
 * AMBER and AMBER+STRICT. */
const char *csaf_tlp_word(enum tlp_label t);
/* The provider directory of t: "white", "green", "amber" or "red". */
const char *csaf_tlp_dir(enum tlp_label t);

/* The file name CSAF gives tracking id: lowercase, every character
 * other than [a-z0-9+-] as "_", then ".json". Its length, or -1 when it
 * does not fit in size. */
int csaf_file_name(const char *tracking_id, char *out, size_t size);

/* Published advisory a (with its revisions) as a CSAF 2.0 document;
 * caller owns the reference. a and s are borrowed. */
struct json_t *csaf_document(const struct advisory *a, const struct csaf_settings *s);

#endif
