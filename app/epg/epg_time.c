/* SPDX-License-Identifier: MIT */
/* Time for the guide without touching the process's TZ: the panel's zone (the shared TZif reader,
 * plat_tzif.h, with a fixed-offset fallback) and the XMLTV time format. Everything is re-entrant. */
#include "epg.h"
#include "epg_internal.h"
#include "plat_tzif.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct epg_zone {
	struct plat_tzif *tz;
};

int64_t epg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return plat_days_from_civil(y, m, d);
}

void epg_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	plat_civil_from_days(z, y, m, d);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Zones (plat_tzif.h) */

int epg_zone_load(const char *name, int fallback_offset_s, struct epg_zone **out)
{
	*out = NULL;
	struct epg_zone *z = calloc(1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	bool named = name && name[0];
	int rc = named ? plat_tzif_load(NULL, name, &z->tz) : -ENOENT;
	if (rc == -EINVAL)
		plat_log_warn("epg", "time zone %s: not a valid TZif file", name);
	else if (rc == -ENOENT && named)
		plat_log_warn("epg", "time zone %s not found; using a fixed offset of %d s", name,
			      fallback_offset_s);
	if (rc < 0 && rc != -ENOMEM && plat_tzif_fixed(fallback_offset_s, &z->tz) < 0)
		rc = -ENOMEM;
	if (rc == -ENOMEM) {
		epg_zone_free(&z);
		return rc;
	}
	*out = z;
	return rc < 0 && named ? -ENOENT : 0;
}

void epg_zone_free(struct epg_zone **zp)
{
	struct epg_zone *z = zp ? *zp : NULL;
	if (!z)
		return;
	plat_tzif_free(&z->tz);
	free(z);
	*zp = NULL;
}

int epg_zone_offset_at(const struct epg_zone *z, int64_t utc)
{
	return z ? plat_tzif_offset_at(z->tz, utc) : 0;
}

int64_t epg_zone_utc_from_local(const struct epg_zone *z, int64_t local)
{
	return z ? plat_tzif_utc_from_local(z->tz, local) : local;
}

/* ---------------------------------------------------------------------------------------------- */
/* XMLTV time */

static bool digits(const char *p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

int epg_time_parse_xmltv(const char *text, const struct epg_zone *zone, int64_t *utc)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	int y, mo, d, h = 0, mi = 0, s = 0;
	if (!digits(p, 4, &y) || !digits(p + 4, 2, &mo) || !digits(p + 6, 2, &d))
		return -EINVAL;
	p += 8;
	int *rest[] = { &h, &mi, &s };
	for (int i = 0; i < 3 && digits(p, 2, rest[i]); i++)
		p += 2;
	if (*p == '.') /* fractions of a second are allowed and ignored */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)) || h > 23 || mi > 59 ||
	    s > 60)
		return -EINVAL;
	int64_t local = epg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om = 0;
		p++;
		if (!digits(p, 2, &oh))
			return -EINVAL;
		p += 2;
		if (*p == ':')
			p++;
		if (digits(p, 2, &om))
			p += 2;
		if (oh > 18 || om > 59)
			return -EINVAL;
		*utc = local - sign * (oh * 3600 + om * 60);
		return 0;
	}
	if (*p == 'Z' || strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0) {
		*utc = local;
		return 0;
	}
	*utc = epg_zone_utc_from_local(zone, local);
	return 0;
}
