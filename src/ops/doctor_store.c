/* ops/doctor_store.c: the store's checks: its files kept from other
 * users (SQLite) or its password kept from them (PostgreSQL), whether it
 * opens, whether its schema is this schakel's, and room in its
 * directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "ops/doctor_int.h"
#include "store/store.h"

bool doctor_url_has_password(const char *url)
{
	const char *auth = strstr(url, "://"), *at, *colon;

	if (strstr(url, "password=") != NULL)
		return true;
	if (auth == NULL)
		return false;
	auth += 3;
	at = strchr(auth, '@');
	colon = strchr(auth, ':');
	return at != NULL && colon != NULL && colon < at &&
	       strcspn(auth, "/?") > (size_t)(at - auth);
}

/* The SQLite file of url, or NULL for another backend or no file. */
static const char *sqlite_path(const char *url)
{
	const char *path;

	if (!str_has_prefix(url, "sqlite:"))
		return NULL;
	path = url + strlen("sqlite:");
	if (*path == '\0' || strcmp(path, ":memory:") == 0 || str_has_prefix(path, "file:"))
		return NULL;
	return path;
}

/* The directory holding path; caller frees. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* The database file and its -wal and -shm: mode 0600 and ours; the
 * directory closed to others. False when the file is missing. */
static bool check_sqlite_private(const char *path, struct doctor_report *r)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char *dir = dir_of(path), fix[DOCTOR_TEXT_MAX];
	struct stat sb;
	bool found = true;

	if (stat(path, &sb) != 0) { /* nothing exposed; the store check fails */
		doctor_add(r, "store-private", DOCTOR_OK, NULL, "database %s: %s", path,
			   strerror(errno));
		found = false;
		goto out;
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *file = xasprintf("%s%s", path, suffixes[i]);
		bool exposed = stat(file, &sb) == 0 && !doctor_mode_private(sb.st_mode);

		free(file);
		if (exposed) {
			snprintf(fix, sizeof(fix), "chmod 600 %s*", path);
			doctor_add(r, "store-private", DOCTOR_FAIL, fix,
				   "database %s%s is mode %04o: other users may read it", path,
				   suffixes[i], (unsigned)(sb.st_mode & 07777));
			goto out;
		}
	}
	if (stat(path, &sb) == 0 && sb.st_uid != geteuid()) {
		doctor_add(
		    r, "store-private", DOCTOR_WARN,
		    "chown it to the user schakeld runs as, and run schakel doctor as that "
		    "user",
		    "database %s belongs to uid %ld, not to the user running this (uid %ld)",
		    path, (long)sb.st_uid, (long)geteuid());
		goto out;
	}
	if (stat(dir, &sb) == 0 && !doctor_mode_private(sb.st_mode)) {
		snprintf(fix, sizeof(fix), "chmod 700 %s", dir);
		doctor_add(r, "store-private", DOCTOR_WARN, fix,
			   "directory %s is mode %04o: other users may list it", dir,
			   (unsigned)(sb.st_mode & 07777));
		goto out;
	}
	doctor_add(r, "store-private", DOCTOR_OK, NULL,
		   "database %s is mode 0600 and yours, in a closed directory", path);
out:
	free(dir);
	return found;
}

/* A password in the store URL must not sit in a file every user reads. */
static void check_url_private(const struct doctor_setup *d, struct doctor_report *r)
{
	const char *in_file = config_get(d->cfg, "store", "url");
	char fix[DOCTOR_TEXT_MAX];
	struct stat sb;

	if (!doctor_url_has_password(d->store_url)) {
		doctor_add(r, "store-private", DOCTOR_OK, NULL,
			   "the store URL holds no password");
		return;
	}
	if (in_file == NULL || strcmp(in_file, d->store_url) != 0 || d->config_path == NULL ||
	    stat(d->config_path, &sb) != 0 || (sb.st_mode & 004) == 0) {
		doctor_add(r, "store-private", DOCTOR_OK, NULL,
			   "the store URL's password is not in a file every user may read");
		return;
	}
	snprintf(fix, sizeof(fix),
		 "chmod 640 %s (group schakel), or put the password in ~/.pgpass of the user "
		 "schakeld runs as",
		 d->config_path);
	doctor_add(r, "store-private", DOCTOR_FAIL, fix,
		   "%s is mode %04o and [store] url holds a password: every user may read it",
		   d->config_path, (unsigned)(sb.st_mode & 07777));
}

/* Open the store without migrating and compare its schema with ours. */
static void check_schema(const struct doctor_setup *d, bool exists, struct doctor_report *r)
{
	struct sk_error err = {0};
	int have = 0, newest = 0;

	if (!exists) {
		doctor_add(r, "store", DOCTOR_FAIL, "run schakel init",
			   "there is no store at %s", sqlite_path(d->store_url));
		doctor_add(r, "migrations", DOCTOR_FAIL, "run schakel init",
			   "no schema: there is no store yet");
		return;
	}
	if (store_schema_version(d->store_url, &have, &newest, &err) != 0) {
		doctor_add(r, "store", DOCTOR_FAIL,
			   err.code == SK_ETEMP
			       ? "start the database server, or correct [store] url"
			       : "correct [store] url, or the store's files as the error says",
			   "%s", err.msg);
		doctor_add(r, "migrations", DOCTOR_FAIL, "make the store usable first",
			   "not read: the store cannot be opened");
		return;
	}
	doctor_add(r, "store", DOCTOR_OK, NULL, "%s opens",
		   sqlite_path(d->store_url) ? sqlite_path(d->store_url)
					     : "the PostgreSQL store");
	if (have > newest)
		doctor_add(r, "migrations", DOCTOR_FAIL,
			   "run the newer schakel that migrated this store",
			   "the store is at schema version %d, newer than this schakel's %d",
			   have, newest);
	else if (have == 0)
		doctor_add(r, "migrations", DOCTOR_FAIL, "run schakel init",
			   "the store records no schema version");
	else if (have < newest)
		doctor_add(r, "migrations", DOCTOR_FAIL,
			   "run schakel init (it applies the missing migrations; schakeld does "
			   "at start too)",
			   "the store is at schema version %d; this schakel needs %d", have,
			   newest);
	else
		doctor_add(r, "migrations", DOCTOR_OK, NULL, "schema version %d, the newest",
			   have);
}

/* The directory the store (SQLite) or else the keyring lives in:
 * writable, and room on its file system. */
static void check_state_dir(const struct doctor_setup *d, struct doctor_report *r)
{
	const char *path = sqlite_path(d->store_url);
	char *dir = path ? dir_of(path) : xstrdup(d->pgp_home), fix[DOCTOR_TEXT_MAX];
	struct statvfs vfs;
	uint64_t avail;

	if (access(dir, W_OK) != 0) {
		snprintf(fix, sizeof(fix), "make %s writable for the user schakeld runs as",
			 dir);
		doctor_add(r, "state-dir", DOCTOR_FAIL, fix, "%s: %s", dir,
			   errno == EACCES ? "not writable for this user" : strerror(errno));
	} else if (statvfs(dir, &vfs) != 0) {
		doctor_add(r, "state-dir", DOCTOR_FAIL, NULL, "%s: %s", dir, strerror(errno));
	} else {
		avail = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
		if (avail < DOCTOR_DISK_MIN)
			doctor_add(r, "state-dir", DOCTOR_WARN,
				   "free space there (schakel purge deletes old events)",
				   "%s has %llu MiB free, under 1 GiB", dir,
				   (unsigned long long)(avail >> 20));
		else
			doctor_add(r, "state-dir", DOCTOR_OK, NULL,
				   "%s is writable, %llu MiB free", dir,
				   (unsigned long long)(avail >> 20));
	}
	free(dir);
}

void doctor_check_store(const struct doctor_setup *d, struct doctor_report *r)
{
	const char *path = sqlite_path(d->store_url);
	bool exists = true;

	if (path != NULL)
		exists = check_sqlite_private(path, r);
	else
		check_url_private(d, r);
	check_schema(d, exists, r);
	check_state_dir(d, r);
}
