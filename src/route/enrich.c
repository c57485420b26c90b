/* route/enrich.c: AS numbers, AS names and country codes for events from
 * MaxMind databases, through libmaxminddb (memory-mapped, read only).
 * The databases are the operator's files (configuration), checked for
 * their kind when opened; what they return is copied only when it has the
 * type and size expected, and goes through event_set's validation. */
#include "route/enrich.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/error.h"
#include "lib/xalloc.h"
#include "model/event.h"

struct db {
	bool open;
	char *path;
	MMDB_s mmdb;
};

struct route_enricher {
	struct db asn, country;
};

/* Open path as d; kind names the data it must hold ("an ASN"),
 * any of the words in types in its database_type. */
static int db_open(struct db *d, const char *path, const char *kind, const char *const *types,
		   struct sk_error *err)
{
	const char *type;
	int rc;

	rc = MMDB_open(path, MMDB_MODE_MMAP, &d->mmdb);
	if (rc != MMDB_SUCCESS)
		return sk_error_set(
		    err, SK_ECONFIG, "%s: cannot open it as %s database: %s", path, kind,
		    rc == MMDB_IO_ERROR ? "cannot read the file" : MMDB_strerror(rc));
	d->open = true;
	d->path = xstrdup(path);
	type = d->mmdb.metadata.database_type != NULL ? d->mmdb.metadata.database_type : "";
	for (; *types != NULL; types++)
		if (strstr(type, *types) != NULL)
			return 0;
	return sk_error_set(err, SK_ECONFIG, "%s: a %.64s database, not %s database", path,
			    *type ? type : "unnamed", kind);
}

static void db_close(struct db *d)
{
	if (d->open)
		MMDB_close(&d->mmdb);
	free(d->path);
	d->open = false;
	d->path = NULL;
}

void route_enricher_free(struct route_enricher *e)
{
	if (e == NULL)
		return;
	db_close(&e->asn);
	db_close(&e->country);
	free(e);
}

/* Paths borrowed; caller frees the result with route_enricher_free(). */
struct route_enricher *route_enricher_open(const char *asn_mmdb, const char *country_mmdb,
					   struct sk_error *err)
{
	static const char *const asn_types[] = {"ASN", "ISP", NULL};
	static const char *const country_types[] = {"Country", "City", "Enterprise", NULL};
	struct route_enricher *e = xcalloc(1, sizeof(*e));

	if (asn_mmdb != NULL && *asn_mmdb != '\0' &&
	    db_open(&e->asn, asn_mmdb, "an ASN", asn_types, err) != 0)
		goto fail;
	if (country_mmdb != NULL && *country_mmdb != '\0' &&
	    db_open(&e->country, country_mmdb, "a country", country_types, err) != 0)
		goto fail;
	return e;
fail:
	route_enricher_free(e);
	return NULL;
}

int route_enricher_active(const struct route_enricher *e)
{
	return e != NULL && (e->asn.open || e->country.open);
}

/* The entry for addr in d: 1 found, 0 not, SK_EIO. */
static int db_find(const struct db *d, const struct prefix *addr, MMDB_entry_s *entry,
		   struct sk_error *err)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	MMDB_lookup_result_s r;
	int mmdb_error = MMDB_SUCCESS;

	if (addr->family == 4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, addr->addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, addr->addr, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	r = MMDB_lookup_sockaddr(&d->mmdb, sa, &mmdb_error);
	if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0; /* an IPv4-only database knows no IPv6 address */
	if (mmdb_error != MMDB_SUCCESS)
		return sk_error_set(err, SK_EIO, "%s: %s", d->path, MMDB_strerror(mmdb_error));
	if (!r.found_entry)
		return 0;
	*entry = r.entry;
	return 1;
}

/* The value at path (NULL-terminated words) in entry, of MMDB type type:
 * 1 with it in *out, 0 if there is none of that type, SK_EIO. */
static int db_value(const struct db *d, MMDB_entry_s *entry, const char *const *path,
		    uint32_t type, MMDB_entry_data_s *out, struct sk_error *err)
{
	int rc = MMDB_aget_value(entry, out, path);

	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS)
		return sk_error_set(err, SK_EIO, "%s: %s", d->path, MMDB_strerror(rc));
	return out->has_data && out->type == type;
}

/* e, addr borrowed; out written in full. */
int route_enrich_lookup(const struct route_enricher *e, const struct prefix *addr,
			struct route_geo *out, struct sk_error *err)
{
	static const char *const asn_path[] = {"autonomous_system_number", NULL};
	static const char *const name_path[] = {"autonomous_system_organization", NULL};
	static const char *const cc_path[] = {"country", "iso_code", NULL};
	MMDB_entry_data_s v;
	MMDB_entry_s entry;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((addr->family != 4 || addr->len != 32) && (addr->family != 6 || addr->len != 128))
		return sk_error_set(err, SK_EINVAL, "not an IP address");
	if (e->asn.open) {
		rc = db_find(&e->asn, addr, &entry, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			rc =
			    db_value(&e->asn, &entry, asn_path, MMDB_DATA_TYPE_UINT32, &v, err);
			if (rc < 0)
				return rc;
			if (rc == 1)
				out->asn = v.uint32;
			rc = db_value(&e->asn, &entry, name_path, MMDB_DATA_TYPE_UTF8_STRING,
				      &v, err);
			if (rc < 0)
				return rc;
			if (rc == 1 && v.data_size > 0 && v.data_size < ROUTE_AS_NAME_MAX) {
				memcpy(out->as_name, v.utf8_string, v.data_size);
				out->as_name[v.data_size] = '\0';
			}
		}
	}
	if (e->country.open) {
		rc = db_find(&e->country, addr, &entry, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			rc = db_value(&e->country, &entry, cc_path, MMDB_DATA_TYPE_UTF8_STRING,
				      &v, err);
			if (rc < 0)
				return rc;
			if (rc == 1 && v.data_size == 2) {
				out->cc[0] = v.utf8_string[0];
				out->cc[1] = v.utf8_string[1];
			}
		}
	}
	return 0;
}

/* e borrowed; ev changes only where it lacked a value. */
int route_enrich_event(const struct route_enricher *e, struct event *ev, struct sk_error *err)
{
	const struct prefix *ip = event_get_prefix(ev, EVENT_SOURCE_IP);
	bool want_asn = !event_has(ev, EVENT_SOURCE_ASN);
	bool want_name = !event_has(ev, EVENT_SOURCE_AS_NAME);
	bool want_cc = !event_has(ev, EVENT_SOURCE_GEOLOCATION_CC);
	struct route_geo geo;
	int64_t asn;
	int rc, done = 0;

	if (ip == NULL || !route_enricher_active(e) || (!want_asn && !want_name && !want_cc))
		return 0;
	rc = route_enrich_lookup(e, ip, &geo, err);
	if (rc != 0)
		return rc;
	/* A value the event will not take (an AS number it refuses, a name
	 * with stray spaces) is left out, not an error of the event. */
	if (want_asn && geo.asn != 0 && event_set_int(ev, EVENT_SOURCE_ASN, geo.asn, NULL) == 0)
		done |= ROUTE_ENRICH_ASN;
	if (want_name && geo.as_name[0] != '\0' && event_get_int(ev, EVENT_SOURCE_ASN, &asn) &&
	    asn == geo.asn && event_set_field(ev, EVENT_SOURCE_AS_NAME, geo.as_name, NULL) == 0)
		done |= ROUTE_ENRICH_AS_NAME;
	if (want_cc && geo.cc[0] != '\0' &&
	    event_set_field_n(ev, EVENT_SOURCE_GEOLOCATION_CC, geo.cc, 2, NULL) == 0)
		done |= ROUTE_ENRICH_CC;
	return done;
}
