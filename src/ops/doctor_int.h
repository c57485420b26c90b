/* ops/doctor_int.h: the groups of checks of ops/doctor.c, one file each.
 * Private to src/ops. */
#ifndef SK_OPS_DOCTOR_INT_H
#define SK_OPS_DOCTOR_INT_H

#include "ops/doctor.h"

/* The store: private, reachable, its schema, its directory
 * (doctor_store.c). */
void doctor_check_store(const struct doctor_setup *d, struct doctor_report *r);
/* Mail templates, the console's files, the TLS files (doctor_files.c). */
void doctor_check_files(const struct doctor_setup *d, struct doctor_report *r);
/* schakel's own key and the partners' keys (doctor_keys.c). */
void doctor_check_keys(const struct doctor_setup *d, struct doctor_report *r);

#endif
