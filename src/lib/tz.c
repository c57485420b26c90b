/* lib/tz.c: TZif files (RFC 8536) and POSIX TZ strings read into an
 * immutable zone, so local time never depends on the process's TZ.
 *
 * Parses outside input (zone files, and whatever tz_parse() is given).
 * Limits: TZ_FILE_MAX bytes; every count is checked against the bytes
 * that are there before anything is allocated; at most 256 time types;
 * UT offsets within (-25 h, 26 h) as RFC 8536 asks; rule times within
 * +-167 h; a footer of TZ_POSIX_MAX bytes.
 *
 * SECURITY: every read is bounds-checked against len; instants are
 * clamped to +-TZ_INSTANT_MAX and offsets bounded, so that no arithmetic
 * on hostile values can overflow. */
#include "lib/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define TZ_OFFSET_MIN	 (-89999) /* RFC 8536: more than -25 h */
#define TZ_OFFSET_MAX	 93599	  /* and less than 26 h */
#define TZ_RULE_TIME_MAX (167 * 3600)
#define TZ_TYPES_MAX	 256
#define TZ_DEFAULT_DIR	 "/usr/share/zoneinfo"
#define DAY		 INT64_C(86400)
/* Every instant with a given wall time lies within this of it. */
#define TZ_WINDOW (TZ_OFFSET_MAX + 1)
/* Offset changes looked at around one wall time; real zones have two. */
#define TZ_SEGMENTS_MAX 16

enum tz_date_kind {
	TZ_DATE_JULIAN, /* Jn: 1-365, February 29 never counted */
	TZ_DATE_ZERO,	/* n: 0-365, February 29 counted */
	TZ_DATE_MONTH	/* Mm.w.d: day d of week w of month m */
};

struct tz_date {
	enum tz_date_kind kind;
	int day; /* Jn and n */
	int month, week, wday;
	int32_t time; /* seconds after local midnight, -167 h to 167 h */
};

struct tz_rule {
	int32_t std_off, dst_off; /* seconds east of UTC */
	bool has_dst;
	struct tz_date start, end; /* when DST starts and ends */
};

struct tz {
	char *name;
	size_t ntrans;
	int64_t *trans;	     /* ascending instants */
	uint8_t *trans_type; /* index into type_off, per transition */
	size_t ntypes;
	int32_t *type_off; /* type 0 also holds before the first transition */
	bool has_rule;	   /* the rule holds after the last transition */
	struct tz_rule rule;
};

static int64_t clamp_instant(int64_t t)
{
	if (t > TZ_INSTANT_MAX)
		return TZ_INSTANT_MAX;
	if (t < -TZ_INSTANT_MAX)
		return -TZ_INSTANT_MAX;
	return t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static struct tz *tz_new(const char *name)
{
	struct tz *z = xcalloc(1, sizeof(*z));

	z->name = xstrdup(name ? name : "");
	return z;
}

void tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->trans);
	free(z->trans_type);
	free(z->type_off);
	free(z);
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

/* --- POSIX TZ strings ------------------------------------------------ */

/* An abbreviation: three or more letters, or <...> of letters, digits,
 * '+' and '-'. */
static bool scan_abbr(const char **s)
{
	const char *p = *s;
	size_t n = 0;

	if (*p == '<') {
		for (p++; *p != '>'; p++, n++) {
			char c = *p;

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '+' || c == '-'))
				return false;
		}
		p++;
	} else {
		for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++)
			n++;
	}
	if (n < 3)
		return false;
	*s = p;
	return true;
}

/* Digits making a number from 0 to max. */
static bool scan_num(const char **s, int max, int *out)
{
	const char *p = *s;
	int v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > max)
			return false;
	}
	*s = p;
	*out = v;
	return true;
}

/* [+-]hh[:mm[:ss]] with hh up to max_hours, as seconds. */
static bool scan_hms(const char **s, int max_hours, int32_t *out)
{
	const char *p = *s;
	int sign = 1, h = 0, m = 0, sec = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!scan_num(&p, max_hours, &h))
		return false;
	if (*p == ':') {
		p++;
		if (!scan_num(&p, 59, &m))
			return false;
		if (*p == ':') {
			p++;
			if (!scan_num(&p, 59, &sec))
				return false;
		}
	}
	*s = p;
	*out = sign * (h * 3600 + m * 60 + sec);
	return true;
}

static bool scan_date(const char **s, struct tz_date *d)
{
	const char *p = *s;

	if (*p == 'M') {
		p++;
		d->kind = TZ_DATE_MONTH;
		if (!scan_num(&p, 12, &d->month) || d->month < 1 || *p++ != '.' ||
		    !scan_num(&p, 5, &d->week) || d->week < 1 || *p++ != '.' ||
		    !scan_num(&p, 6, &d->wday))
			return false;
	} else if (*p == 'J') {
		p++;
		d->kind = TZ_DATE_JULIAN;
		if (!scan_num(&p, 365, &d->day) || d->day < 1)
			return false;
	} else {
		d->kind = TZ_DATE_ZERO;
		if (!scan_num(&p, 365, &d->day))
			return false;
	}
	d->time = 2 * 3600;
	if (*p == '/') {
		p++;
		if (!scan_hms(&p, TZ_RULE_TIME_MAX / 3600, &d->time))
			return false;
	}
	*s = p;
	return true;
}

/* Parse a POSIX TZ string into r; NULL, or what is wrong. */
static const char *tz_rule_parse(const char *s, struct tz_rule *r)
{
	int32_t west;

	memset(r, 0, sizeof(*r));
	if (!scan_abbr(&s))
		return "expected a standard time name of three or more letters";
	if (!scan_hms(&s, 24, &west))
		return "expected the standard time's offset ([+-]hh[:mm[:ss]])";
	r->std_off = -west; /* POSIX counts hours west of Greenwich */
	if (*s == '\0')
		return NULL;
	if (!scan_abbr(&s))
		return "expected a daylight saving time name of three or more letters";
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (!scan_hms(&s, 24, &west))
			return "expected the daylight saving time's offset";
		r->dst_off = -west;
	}
	if (*s != ',')
		return "expected ',' and the rule for daylight saving time";
	s++;
	if (!scan_date(&s, &r->start))
		return "expected the start date (Mm.w.d, Jn or n, then /time)";
	if (*s++ != ',')
		return "expected ',' and the end date";
	if (!scan_date(&s, &r->end))
		return "expected the end date (Mm.w.d, Jn or n, then /time)";
	if (*s != '\0')
		return "unexpected text after the end date";
	return NULL;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day (since the epoch) on which d falls in year. */
static int64_t tz_date_day(const struct tz_date *d, int64_t year)
{
	int64_t first, next, day;
	int wday0;

	switch (d->kind) {
	case TZ_DATE_JULIAN:
		return str_days_from_civil(year, 1, 1) + d->day - 1 +
		       (is_leap(year) && d->day >= 60);
	case TZ_DATE_ZERO:
		return str_days_from_civil(year, 1, 1) + d->day;
	case TZ_DATE_MONTH:
	default:
		first = str_days_from_civil(year, (unsigned)d->month, 1);
		next = d->month == 12 ? str_days_from_civil(year + 1, 1, 1)
				      : str_days_from_civil(year, (unsigned)d->month + 1, 1);
		wday0 = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
		day = first + (d->wday - wday0 + 7) % 7 + 7 * (d->week - 1);
		while (day >= next) /* week 5 means the last one */
			day -= 7;
		return day;
	}
}

struct tz_event {
	int64_t at;
	bool starts_dst;
};

/* The rule's changes in the years around the instant t, in order; on a
 * tie the end of DST sorts first, so that a rule saying "DST ends
 * when it starts" means DST all year, as tzcode reads it. */
static void tz_rule_events(const struct tz_rule *r, int64_t t, struct tz_event ev[8])
{
	int64_t year, y;
	unsigned m, d;

	str_civil_from_days(floor_div(t + r->std_off, DAY), &year, &m, &d);
	for (int i = 0; i < 4; i++) {
		y = year - 1 + i;
		ev[2 * i].at = tz_date_day(&r->start, y) * DAY + r->start.time - r->std_off;
		ev[2 * i].starts_dst = true;
		ev[2 * i + 1].at = tz_date_day(&r->end, y) * DAY + r->end.time - r->dst_off;
		ev[2 * i + 1].starts_dst = false;
	}
	for (int i = 1; i < 8; i++) {
		struct tz_event e = ev[i];
		int j = i;

		for (;
		     j > 0 && (ev[j - 1].at > e.at ||
			       (ev[j - 1].at == e.at && ev[j - 1].starts_dst && !e.starts_dst));
		     j--)
			ev[j] = ev[j - 1];
		ev[j] = e;
	}
}

static int tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	struct tz_event ev[8];
	int off = r->std_off;

	if (!r->has_dst)
		return r->std_off;
	tz_rule_events(r, t, ev);
	for (int i = 0; i < 8 && ev[i].at <= t; i++)
		off = ev[i].starts_dst ? r->dst_off : r->std_off;
	return off;
}

static int64_t tz_rule_next(const struct tz_rule *r, int64_t t)
{
	struct tz_event ev[8];

	if (!r->has_dst)
		return INT64_MAX;
	tz_rule_events(r, t, ev);
	for (int i = 0; i < 8; i++)
		if (ev[i].at > t)
			return ev[i].at;
	return INT64_MAX;
}

static bool offset_ok(int64_t off)
{
	return off >= TZ_OFFSET_MIN && off <= TZ_OFFSET_MAX;
}

/* The rule's offsets and times must be in range: then every sum on them
 * stays far from overflow. */
static const char *tz_rule_check(const struct tz_rule *r)
{
	if (!offset_ok(r->std_off) || (r->has_dst && !offset_ok(r->dst_off)))
		return "an offset of 25 hours or more";
	return NULL;
}

struct tz *tz_posix(const char *spec, struct sk_error *err)
{
	struct tz_rule rule;
	const char *why;
	struct tz *z;

	if (spec == NULL || strlen(spec) > TZ_POSIX_MAX) {
		sk_error_set(err, SK_EINVAL, "TZ string is missing or longer than %d bytes",
			     TZ_POSIX_MAX);
		return NULL;
	}
	why = tz_rule_parse(spec, &rule);
	if (why == NULL)
		why = tz_rule_check(&rule);
	if (why != NULL) {
		sk_error_set(err, SK_EINVAL, "TZ string '%s': %s", spec, why);
		return NULL;
	}
	z = tz_new(spec);
	z->ntypes = 1;
	z->type_off = xcalloc(1, sizeof(*z->type_off));
	z->type_off[0] = rule.std_off;
	z->has_rule = true;
	z->rule = rule;
	return z;
}

struct tz *tz_utc(void)
{
	struct tz *z = tz_new("UTC");

	z->ntypes = 1;
	z->type_off = xcalloc(1, sizeof(*z->type_off));
	return z;
}

/* --- TZif files ------------------------------------------------------- */

struct tzif_header {
	char version; /* '\0', '2', '3' or '4' */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t get64(const uint8_t *p)
{
	return (int64_t)((uint64_t)get32(p) << 32 | get32(p + 4));
}

static int tz_damaged(struct sk_error *err, const char *name, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int tz_damaged(struct sk_error *err, const char *name, size_t at, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return sk_error_set(err, SK_EINVAL,
			    "time zone '%.64s': damaged TZif file at byte %zu: %s", name, at,
			    what);
}

static int tzif_header_read(const uint8_t *p, size_t len, size_t at, struct tzif_header *h,
			    const char *name, struct sk_error *err)
{
	if (len - at < 44)
		return tz_damaged(err, name, at, "header cut short (%zu of 44 bytes)",
				  len - at);
	if (memcmp(p + at, "TZif", 4) != 0)
		return tz_damaged(err, name, at, "no 'TZif' magic");
	h->version = (char)p[at + 4];
	if (h->version != '\0' && (h->version < '2' || h->version > '4'))
		return tz_damaged(err, name, at + 4, "unknown version 0x%02x", p[at + 4]);
	h->isutcnt = get32(p + at + 20);
	h->isstdcnt = get32(p + at + 24);
	h->leapcnt = get32(p + at + 28);
	h->timecnt = get32(p + at + 32);
	h->typecnt = get32(p + at + 36);
	h->charcnt = get32(p + at + 40);
	return 0;
}

/* Bytes of the data block after a header, for times of tsize bytes. */
static uint64_t tzif_block_size(const struct tzif_header *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
	       (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Read the data block at p[at..) into z. */
static int tzif_block_read(const uint8_t *p, size_t len, size_t at, const struct tzif_header *h,
			   unsigned tsize, struct tz *z, struct sk_error *err)
{
	const char *name = z->name;
	size_t times = at, types = times + (size_t)h->timecnt * tsize;
	size_t infos = types + h->timecnt;

	if (tzif_block_size(h, tsize) > len - at)
		return tz_damaged(err, name, at, "data block of %llu bytes, only %zu left",
				  (unsigned long long)tzif_block_size(h, tsize), len - at);
	if (h->typecnt == 0 || h->typecnt > TZ_TYPES_MAX)
		return tz_damaged(err, name, at, "%u time types (1 to %d allowed)", h->typecnt,
				  TZ_TYPES_MAX);
	if (h->charcnt == 0)
		return tz_damaged(err, name, at, "no time zone abbreviations");
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt))
		return tz_damaged(err, name, at,
				  "standard/UT indicator counts do not match %u types",
				  h->typecnt);
	if (h->leapcnt != 0)
		return tz_damaged(err, name, at,
				  "leap-second zones (\"right/\") are not supported");
	z->ntrans = h->timecnt;
	z->ntypes = h->typecnt;
	z->trans = xcalloc(z->ntrans ? z->ntrans : 1, sizeof(*z->trans));
	z->trans_type = xcalloc(z->ntrans ? z->ntrans : 1, 1);
	z->type_off = xcalloc(z->ntypes, sizeof(*z->type_off));
	for (size_t i = 0; i < z->ntrans; i++) {
		size_t where = times + i * tsize;

		z->trans[i] = tsize == 8 ? get64(p + where) : (int32_t)get32(p + where);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return tz_damaged(err, name, where,
					  "transition %zu is not later than the one before", i);
		z->trans_type[i] = p[types + i];
		if (z->trans_type[i] >= z->ntypes)
			return tz_damaged(err, name, types + i,
					  "transition %zu uses time type %u of %zu", i,
					  z->trans_type[i], z->ntypes);
	}
	for (size_t i = 0; i < z->ntypes; i++) {
		const uint8_t *info = p + infos + i * 6;
		int32_t off = (int32_t)get32(info);

		if (!offset_ok(off))
			return tz_damaged(
			    err, name, infos + i * 6,
			    "time type %zu has an offset of %ld s (25 hours or more)", i,
			    (long)off);
		if (info[4] > 1 || info[5] >= h->charcnt)
			return tz_damaged(
			    err, name, infos + i * 6 + 4,
			    "time type %zu has a bad DST flag or abbreviation index", i);
		z->type_off[i] = off;
	}
	return 0;
}

/* The footer after a version 2+ block: "\n" TZ string "\n". */
static int tzif_footer_read(const uint8_t *p, size_t len, size_t at, struct tz *z,
			    struct sk_error *err)
{
	char spec[TZ_POSIX_MAX + 1];
	const uint8_t *end;
	const char *why;
	size_t n;

	if (at >= len || p[at] != '\n')
		return tz_damaged(err, z->name, at, "no footer (a newline and a TZ string)");
	end = memchr(p + at + 1, '\n', len - at - 1);
	if (end == NULL)
		return tz_damaged(err, z->name, at, "footer does not end with a newline");
	n = (size_t)(end - (p + at + 1));
	if (n > TZ_POSIX_MAX)
		return tz_damaged(err, z->name, at, "footer longer than %d bytes",
				  TZ_POSIX_MAX);
	if (n == 0)
		return 0; /* no rule: the last transition's type goes on */
	memcpy(spec, p + at + 1, n);
	spec[n] = '\0';
	if (memchr(spec, '\0', n) != NULL)
		return tz_damaged(err, z->name, at + 1, "footer contains a NUL byte");
	why = tz_rule_parse(spec, &z->rule);
	if (why == NULL)
		why = tz_rule_check(&z->rule);
	if (why != NULL)
		return tz_damaged(err, z->name, at + 1, "footer TZ string '%s': %s", spec, why);
	z->has_rule = true;
	return 0;
}

struct tz *tz_parse(const void *data, size_t len, const char *name, struct sk_error *err)
{
	const uint8_t *p = data;
	struct tzif_header h;
	struct tz *z = tz_new(name);
	size_t at = 0;
	int rc;

	if (len > TZ_FILE_MAX) {
		sk_error_set(err, SK_ETOOBIG,
			     "time zone '%.64s': TZif file larger than %d bytes", z->name,
			     TZ_FILE_MAX);
		goto fail;
	}
	if ((rc = tzif_header_read(p, len, 0, &h, z->name, err)) != 0)
		goto fail;
	at = 44;
	if (h.version != '\0') {
		/* Skip the 32-bit block: the 64-bit one says the same and more. */
		if (tzif_block_size(&h, 4) > len - at) {
			tz_damaged(err, z->name, at, "version 1 data block cut short");
			goto fail;
		}
		at += (size_t)tzif_block_size(&h, 4);
		if ((rc = tzif_header_read(p, len, at, &h, z->name, err)) != 0)
			goto fail;
		at += 44;
		if ((rc = tzif_block_read(p, len, at, &h, 8, z, err)) != 0)
			goto fail;
		at += (size_t)tzif_block_size(&h, 8);
		if ((rc = tzif_footer_read(p, len, at, z, err)) != 0)
			goto fail;
	} else if ((rc = tzif_block_read(p, len, at, &h, 4, z, err)) != 0) {
		goto fail;
	}
	return z;
fail:
	tz_free(z);
	return NULL;
}

/* Only names that stay inside the zone directory. */
static bool tz_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '-' ||
		      *c == '/'))
			return false;
	return true;
}

struct tz *tz_load(const char *name, struct sk_error *err)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	uint8_t *data = NULL;
	struct tz *z = NULL;
	struct stat st;
	size_t got = 0;
	int fd = -1;

	if (dir == NULL || *dir == '\0')
		dir = TZ_DEFAULT_DIR;
	if (name == NULL || !tz_name_ok(name)) {
		sk_error_set(err, SK_EINVAL,
			     "time zone name '%.64s' is not valid (letters, digits and _+-/ "
			     "only, no '..', not starting with '/')",
			     name ? name : "");
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		sk_error_set(err, SK_ECONFIG, "time zone directory name '%.64s' is too long",
			     dir);
		return NULL;
	}
	/* Non-blocking: a FIFO put where a zone should be must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (strcmp(name, "UTC") == 0) /* works without tzdata */
			z = tz_utc();
		else
			sk_error_set(err, SK_ECONFIG, "time zone '%s' not found (looked in %s)",
				     name, dir);
		goto out;
	}
	if (st.st_size > TZ_FILE_MAX) {
		sk_error_set(err, SK_ETOOBIG, "time zone '%s': %s is larger than %d bytes",
			     name, path, TZ_FILE_MAX);
		goto out;
	}
	data = xmalloc((size_t)st.st_size + 1);
	/* One byte more than fstat said, to notice a file that grew. */
	while (got <= (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sk_error_set(err, SK_EIO, "time zone '%s': reading %s: %s", name, path,
				     strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > (size_t)st.st_size) {
		sk_error_set(err, SK_ETEMP, "time zone '%s': %s changed while being read", name,
			     path);
		goto out;
	}
	z = tz_parse(data, got, name, err);
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return z;
}

/* --- Look-ups ---------------------------------------------------------- */

/* The index of the last transition at or before t; t >= trans[0]. */
static size_t tz_find(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->ntrans; /* trans[lo] <= t < trans[hi] */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int tz_offset(const struct tz *z, int64_t utc)
{
	utc = clamp_instant(utc);
	if (z->ntrans == 0 || utc > z->trans[z->ntrans - 1]) {
		if (z->has_rule)
			return tz_rule_offset(&z->rule, utc);
		return z->type_off[z->ntrans ? z->trans_type[z->ntrans - 1] : 0];
	}
	if (utc < z->trans[0])
		return z->type_off[0];
	return z->type_off[z->trans_type[tz_find(z, utc)]];
}

/* The first instant after t at which the offset may change. */
static int64_t tz_next_change(const struct tz *z, int64_t t)
{
	size_t i;

	if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1])
		return z->has_rule ? tz_rule_next(&z->rule, t) : INT64_MAX;
	if (t < z->trans[0])
		return z->trans[0];
	i = tz_find(z, t);
	return z->trans[i + 1];
}

/* Walk the stretches of constant offset that could hold the wall time,
 * oldest first: the first that holds it gives the earlier instant of an
 * overlap; a boundary that jumps over it is a gap. */
int64_t tz_local_to_utc(const struct tz *z, int64_t local)
{
	int64_t start, end, at;
	int off, prev_off = 0;

	local = clamp_instant(local);
	start = local - TZ_WINDOW;
	off = tz_offset(z, start);
	for (int i = 0; i < TZ_SEGMENTS_MAX; i++) {
		end = tz_next_change(z, start);
		if (i > 0 && local >= start + prev_off && local < start + off)
			return local - prev_off;
		at = local - off;
		if (at >= start && at < end)
			return at;
		if (end > local + TZ_WINDOW)
			break;
		prev_off = off;
		start = end;
		off = tz_offset(z, start);
	}
	return local - tz_offset(z, local - tz_offset(z, local));
}
