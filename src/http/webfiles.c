/* http/webfiles.c: the web console's files in memory (see webfiles.h).
 * SECURITY: web_root is walked without following symbolic links (every
 * step is openat() with O_NOFOLLOW from the folder above, and each file
 * is checked to be regular after it is opened); names are restricted to
 * a safe alphabet, counts and sizes are capped. Requests only look names
 * up in the sorted table. */
#include "http/webfiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/log.h"
#include "lib/xalloc.h"

struct webfiles {
	struct webfile *files; /* sorted by path */
	size_t n;
	size_t total; /* bytes */
};

/* One folder being walked. */
struct walk {
	struct webfiles *w;
	const char *root; /* for messages */
	struct sk_error *err;
};

const char *webfiles_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {"html", "text/html; charset=utf-8"},
	    {"js", "text/javascript; charset=utf-8"},
	    {"css", "text/css; charset=utf-8"},
	    {"json", "application/json"},
	    {"svg", "image/svg+xml"},
	    {"png", "image/png"},
	    {"ico", "image/x-icon"},
	    {"txt", "text/plain; charset=utf-8"},
	    {"woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot + 1, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* Letters, digits and . _ -, not starting with a dot. */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > WEBFILE_NAME_MAX || name[0] == '.')
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* Read the regular file name in dirfd as path (taken) into the table. */
static int read_file(struct walk *wk, int dirfd, const char *name, char *path, const char *type)
{
	struct webfiles *w = wk->w;
	struct webfile *f;
	struct stat sb;
	size_t got = 0;
	char *data = NULL;
	int fd, rc = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc =
		    sk_error_set(wk->err, SK_EIO, "%s/%s: %s", wk->root, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_warn("web_root: %s/%s is not a regular file; not served", wk->root, path);
		goto out;
	}
	if (w->n >= WEBFILES_MAX) {
		rc = sk_error_set(wk->err, SK_ETOOBIG, "%s holds more than %d files", wk->root,
				  WEBFILES_MAX);
		goto out;
	}
	if (sb.st_size > WEBFILE_SIZE_MAX ||
	    w->total + (size_t)sb.st_size > (size_t)WEBFILES_TOTAL_MAX) {
		rc = sk_error_set(wk->err, SK_ETOOBIG,
				  "%s/%s: over the limit of %d bytes a file and %d in all",
				  wk->root, path, WEBFILE_SIZE_MAX, WEBFILES_TOTAL_MAX);
		goto out;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, data + got, (size_t)sb.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = sk_error_set(wk->err, SK_EIO, "%s/%s: %s", wk->root, path,
					  r < 0 ? strerror(errno) : "changed while read");
			goto out;
		}
		got += (size_t)r;
	}
	w->files = xreallocarray(w->files, w->n + 1, sizeof(*w->files));
	f = &w->files[w->n++];
	f->path = path;
	f->type = type;
	f->data = data;
	f->size = got;
	w->total += got;
	path = NULL;
	data = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(data);
	free(path);
	return rc;
}

/* Walk the folder open as dirfd (taken), whose files are named
 * prefix + name. */
static int walk_dir(struct walk *wk, int dirfd, const char *prefix, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		close(dirfd);
		return sk_error_set(wk->err, SK_EIO, "%s/%s: %s", wk->root, prefix,
				    strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		const char *name = de->d_name, *type;
		struct stat sb;
		char *path;
		size_t len;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		len = strlen(prefix) + strlen(name) + 2;
		path = xmalloc(len);
		snprintf(path, len, "%s%s", prefix, name);
		if (!name_ok(name)) {
			log_warn("web_root: %s/%s: not a safe name; not served", wk->root,
				 path);
			free(path);
		} else if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = sk_error_set(wk->err, SK_EIO, "%s/%s: %s", wk->root, path,
					  strerror(errno));
			free(path);
		} else if (S_ISDIR(sb.st_mode)) {
			int sub = -1;

			if (depth >= WEBFILES_DEPTH_MAX)
				rc = sk_error_set(wk->err, SK_ETOOBIG,
						  "%s/%s: folders nest deeper than %d",
						  wk->root, path, WEBFILES_DEPTH_MAX);
			else if ((sub = openat(dirfd, name,
					       O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						   O_CLOEXEC)) < 0)
				rc = sk_error_set(wk->err, SK_EIO, "%s/%s: %s", wk->root, path,
						  strerror(errno));
			if (sub >= 0) {
				char *below = xmalloc(len);

				snprintf(below, len, "%s/", path);
				rc = walk_dir(wk, sub, below, depth + 1);
				free(below);
			}
			free(path);
		} else if (S_ISREG(sb.st_mode) && (type = webfiles_type(name)) != NULL) {
			rc = read_file(wk, dirfd, name, path, type);
		} else {
			log_warn("web_root: %s/%s is %s; not served", wk->root, path,
				 S_ISLNK(sb.st_mode)   ? "a symbolic link"
				 : S_ISREG(sb.st_mode) ? "not of a type served"
						       : "not a regular file");
			free(path);
		}
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct webfile *)a)->path, ((const struct webfile *)b)->path);
}

int webfiles_load(const char *root, struct webfiles **out, struct sk_error *err)
{
	struct webfiles *w = xcalloc(1, sizeof(*w));
	struct walk wk = {w, root, err};
	int fd, rc;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = sk_error_set(err,
				  errno == ENOENT || errno == ENOTDIR ? SK_ENOTFOUND : SK_EIO,
				  "web_root %s: %s", root, strerror(errno));
		webfiles_free(w);
		return rc;
	}
	if ((rc = walk_dir(&wk, fd, "", 0)) != 0) {
		webfiles_free(w);
		return rc;
	}
	if (w->n > 0)
		qsort(w->files, w->n, sizeof(*w->files), by_path);
	*out = w;
	return 0;
}

void webfiles_free(struct webfiles *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->files[i].path);
		free(w->files[i].data);
	}
	free(w->files);
	free(w);
}

size_t webfiles_count(const struct webfiles *w)
{
	return w != NULL ? w->n : 0;
}

const struct webfile *webfiles_find(const struct webfiles *w, const char *path)
{
	struct webfile key;

	if (w == NULL || w->n == 0 || path == NULL || path[0] != '/')
		return NULL;
	key.path = (char *)(path[1] == '\0' ? "index.html" : path + 1);
	return bsearch(&key, w->files, w->n, sizeof(*w->files), by_path);
}
