/* lib/dso.c: see dso.h. */
#include "lib/dso.h"

#include <dlfcn.h>
#include <pthread.h>

#include "lib/error.h"

static pthread_mutex_t dso_lock = PTHREAD_MUTEX_INITIALIZER;

int dso_load(const char *soname, const struct dso_symbol *syms, size_t n, bool *loaded,
	     struct sk_error *err)
{
	void *h;
	int rc = 0;

	pthread_mutex_lock(&dso_lock);
	if (*loaded)
		goto out;
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		rc =
		    sk_error_set(err, SK_ECONFIG, "%s cannot be loaded: %s", soname, dlerror());
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((*syms[i].slot = dlsym(h, syms[i].name)) == NULL) {
			rc = sk_error_set(err, SK_ECONFIG, "%s has no function %s", soname,
					  syms[i].name);
			dlclose(h);
			goto out;
		}
	*loaded = true; /* the handle stays open for the process's life */
out:
	pthread_mutex_unlock(&dso_lock);
	return rc;
}
