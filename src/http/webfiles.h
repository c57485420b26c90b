/* http/webfiles.h: the files of the web console ([http] web_root), read
 * into memory once when schakeld starts and served from there: nothing
 * on disk is opened per request, so no request path can reach a file
 * outside the set. */
#ifndef SK_HTTP_WEBFILES_H
#define SK_HTTP_WEBFILES_H

#include <stddef.h>

struct sk_error;

#define WEBFILES_MAX	   512		      /* files read at most */
#define WEBFILE_SIZE_MAX   (8 * 1024 * 1024)  /* bytes of one file */
#define WEBFILES_TOTAL_MAX (64 * 1024 * 1024) /* bytes of all files */
#define WEBFILES_DEPTH_MAX 8		      /* folders below web_root */
#define WEBFILE_NAME_MAX   100		      /* bytes of one file or folder name */

struct webfile {
	char *path;	  /* below web_root: "index.html", "lib/api.js" */
	const char *type; /* Content-Type, static */
	char *data;
	size_t size;
};

struct webfiles;

/* Read the files below root: regular files whose names hold only
 * letters, digits and . _ - (not starting with a dot), of the types
 * webfiles_type() knows, in folders of such names; anything else
 * (symbolic links, devices, other names and types) is skipped with a
 * warning in the log. SK_ENOTFOUND when root is not a folder; breaking
 * a WEBFILES_* limit is SK_ETOOBIG, a read error SK_EIO. Caller frees
 * *out with webfiles_free(). */
int webfiles_load(const char *root, struct webfiles **out, struct sk_error *err);
void webfiles_free(struct webfiles *w);

/* How many files were read. */
size_t webfiles_count(const struct webfiles *w);

/* The file for a request path ("/" is "/index.html"), or NULL;
 * borrowed from w. */
const struct webfile *webfiles_find(const struct webfiles *w, const char *path);

/* The Content-Type of a file name by its extension (html, js, css,
 * json, svg, png, ico, txt, woff2), or NULL for any other. */
const char *webfiles_type(const char *name);

#endif
