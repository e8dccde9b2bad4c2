/* SPDX-License-Identifier: MIT */
/* A list of named check results: what `qanat selftest` collects from every layer and prints. */
#ifndef PLAT_REPORT_H
#define PLAT_REPORT_H

#include <stddef.h>

enum { PLAT_REPORT_MAX = 32 };

struct plat_check {
	char name[32];    /* "sdl-video", "ffmpeg", ... */
	char version[64]; /* library version string */
	char detail[160]; /* what was done, or why it failed */
	int rc;           /* >= 0 ok, negative errno-style failure */
};

struct plat_report {
	struct plat_check checks[PLAT_REPORT_MAX];
	size_t count;
};

/* Appends one check; silently ignored when the report is full (PLAT_REPORT_MAX). Not thread-safe. */
void plat_report_add(struct plat_report *r, const char *name, const char *version, int rc,
		     const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Number of failed checks. */
size_t plat_report_failures(const struct plat_report *r);

#endif
