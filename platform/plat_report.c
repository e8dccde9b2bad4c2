/* SPDX-License-Identifier: MIT */
/* Check results for the selftest: fixed-size, no allocation, so it works when little else does. */
#include "plat_report.h"

#include <stdarg.h>
#include <stdio.h>

void plat_report_add(struct plat_report *r, const char *name, const char *version, int rc,
		     const char *detail_fmt, ...)
{
	if (r->count >= PLAT_REPORT_MAX)
		return;
	struct plat_check *c = &r->checks[r->count++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->version, sizeof(c->version), "%s", version ? version : "");
	c->rc = rc;
	va_list ap;
	va_start(ap, detail_fmt);
	vsnprintf(c->detail, sizeof(c->detail), detail_fmt, ap);
	va_end(ap);
}

size_t plat_report_failures(const struct plat_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->count; i++)
		n += r->checks[i].rc < 0;
	return n;
}
