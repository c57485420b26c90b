/* ops/doctor.c: the report of schakel doctor, the order of its checks,
 * and the checks of the relay and the clock. */
#include "ops/doctor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "lib/config.h"
#include "lib/error.h"
#include "lib/xalloc.h"
#include "mail/dispatch.h"
#include "mail/smtp.h"
#include "ops/doctor_int.h"

/* Seconds to reach the relay, and for its greeting and EHLO. */
#define RELAY_CONNECT_TIMEOUT 3
#define RELAY_TIMEOUT	      6

void doctor_add(struct doctor_report *r, const char *check, enum doctor_status status,
		const char *fix, const char *fmt, ...)
{
	struct doctor_row *row;
	va_list ap;

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		r->rows = xreallocarray(r->rows, r->alloc, sizeof(*r->rows));
	}
	row = &r->rows[r->n++];
	memset(row, 0, sizeof(*row));
	snprintf(row->check, sizeof(row->check), "%s", check);
	row->status = status;
	snprintf(row->fix, sizeof(row->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(row->finding, sizeof(row->finding), fmt, ap);
	va_end(ap);
}

enum doctor_status doctor_worst(const struct doctor_report *r)
{
	enum doctor_status worst = DOCTOR_OK;

	for (size_t i = 0; i < r->n; i++)
		if (r->rows[i].status > worst)
			worst = r->rows[i].status;
	return worst;
}

size_t doctor_count(const struct doctor_report *r, enum doctor_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->rows[i].status == s;
	return n;
}

void doctor_report_free(struct doctor_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

const char *doctor_status_name(enum doctor_status s)
{
	return s == DOCTOR_OK ? "ok" : s == DOCTOR_WARN ? "warn" : "fail";
}

enum doctor_status doctor_clock_status(int state, int flags)
{
	if (state < 0 || state == TIME_ERROR || (flags & STA_UNSYNC) != 0)
		return DOCTOR_WARN;
	return DOCTOR_OK;
}

bool doctor_mode_private(mode_t mode)
{
	return (mode & 077) == 0;
}

/* Connect to the relay and say EHLO, as the dispatcher would, sending
 * nothing. */
static void check_relay(const struct doctor_setup *d, struct doctor_report *r)
{
	static const char fix[] = "start the relay or correct [mail] relay; until it answers, "
				  "mail waits in the queue";
	struct mail_settings ms;
	struct sk_error err = {0};
	char shown[SMTP_RELAY_MAX + 1];

	if (mail_settings_read(d->cfg, &ms, &err) != 0) {
		doctor_add(r, "relay", DOCTOR_FAIL, "correct the [mail] settings", "%s",
			   err.msg);
		return;
	}
	smtp_relay_display(ms.smtp.relay, shown, sizeof(shown));
	ms.smtp.connect_timeout = RELAY_CONNECT_TIMEOUT;
	ms.smtp.timeout = RELAY_TIMEOUT;
	if (smtp_probe(&ms.smtp, &err) != 0)
		doctor_add(r, "relay", DOCTOR_FAIL, fix, "the relay does not take mail: %s",
			   err.msg);
	else
		doctor_add(r, "relay", DOCTOR_OK, NULL, "%s answers EHLO%s", shown,
			   config_get(d->cfg, "mail", "relay") ? ""
							       : " ([mail] relay not set)");
}

static void check_clock(struct doctor_report *r)
{
	struct timex tx;
	int state;

	memset(&tx, 0, sizeof(tx));
	state = ntp_adjtime(&tx);
	if (doctor_clock_status(state, tx.status) == DOCTOR_OK)
		doctor_add(r, "clock", DOCTOR_OK, NULL, "the clock is synchronized");
	else
		doctor_add(r, "clock", DOCTOR_WARN,
			   "run an NTP client (timedatectl set-ntp true, or chrony)",
			   "the clock is not synchronized: SLA clocks, token expiry and mail "
			   "dates may be off");
}

void doctor_run(const struct doctor_setup *d, struct doctor_report *r)
{
	doctor_check_store(d, r);
	doctor_check_files(d, r);
	check_relay(d, r);
	doctor_check_keys(d, r);
	check_clock(r);
}
