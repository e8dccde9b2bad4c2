/* SPDX-License-Identifier: MIT */
/* A small TZif reader (RFC 8536) so catch-up URLs can be written in the panel's zone without touching
 * the process-wide TZ (setenv + tzset are neither thread-safe nor ours to change). It reads the 64-bit
 * block of v2+ files (v1 otherwise) and evaluates the POSIX TZ footer rule for instants after the last
 * transition, which "slim" zone files rely on for every year after 2007. Also home of the civil
 * calendar helpers shared by the module. */
#include "xt_url.h"
#include "xtream_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_FILE_CAP (512 * 1024)

int64_t xt_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void xt_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* ---------------------------------------------------------------------------------------------- */
/* POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3") */

struct tz_date {
	char kind; /* 'J' (1-365, no Feb 29), 'n' (0-365), 'M' */
	int a, b, c;
	int time; /* seconds after local midnight */
};

struct tz_rule {
	int std_off; /* seconds east of UTC */
	int dst_off;
	bool has_dst;
	struct tz_date start, end;
};

static const char *rule_name(const char *p)
{
	if (*p == '<') {
		const char *e = strchr(p, '>');
		return e ? e + 1 : NULL;
	}
	const char *s = p;
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] -> seconds */
static const char *rule_time(const char *p, int *out)
{
	int sign = 1;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return NULL;
	int parts[3] = { 0, 0, 0 };
	for (int i = 0; i < 3; i++) {
		int v = 0, n = 0;
		while (isdigit((unsigned char)*p) && n < 3) {
			v = v * 10 + (*p++ - '0');
			n++;
		}
		parts[i] = v;
		if (*p != ':' || i == 2)
			break;
		p++;
	}
	*out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
	return p;
}

static const char *rule_number(const char *p, int *out)
{
	if (!isdigit((unsigned char)*p))
		return NULL;
	int v = 0;
	while (isdigit((unsigned char)*p) && v < 10000)
		v = v * 10 + (*p++ - '0');
	*out = v;
	return p;
}

static const char *rule_date(const char *p, struct tz_date *d)
{
	memset(d, 0, sizeof(*d));
	d->time = 7200;
	if (*p == 'M') {
		d->kind = 'M';
		p = rule_number(p + 1, &d->a);
		if (!p || *p != '.' || !(p = rule_number(p + 1, &d->b)) || *p != '.' ||
		    !(p = rule_number(p + 1, &d->c)))
			return NULL;
		if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6)
			return NULL;
	} else if (*p == 'J') {
		d->kind = 'J';
		p = rule_number(p + 1, &d->a);
		if (!p || d->a < 1 || d->a > 365)
			return NULL;
	} else {
		d->kind = 'n';
		p = rule_number(p, &d->a);
		if (!p || d->a > 365)
			return NULL;
	}
	if (*p == '/')
		p = rule_time(p + 1, &d->time);
	return p;
}

static int parse_rule(const char *p, struct tz_rule *r)
{
	memset(r, 0, sizeof(*r));
	int off;
	if (!(p = rule_name(p)) || !(p = rule_time(p, &off)))
		return -EINVAL;
	r->std_off = -off;
	if (*p == '\0')
		return 0;
	if (!(p = rule_name(p)))
		return -EINVAL;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p && *p != ',') {
		if (!(p = rule_time(p, &off)))
			return -EINVAL;
		r->dst_off = -off;
	}
	if (*p != ',')
		return -EINVAL; /* no rule: rare, and the zone's transitions cover it */
	if (!(p = rule_date(p + 1, &r->start)) || *p != ',' || !(p = rule_date(p + 1, &r->end)))
		return -EINVAL;
	return 0;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* local seconds since the epoch at which the rule date falls in year y */
static int64_t rule_local(const struct tz_date *d, int64_t y)
{
	int64_t day;
	if (d->kind == 'J') {
		day = xt_days_from_civil(y, 1, 1) + d->a - 1 + (is_leap(y) && d->a >= 60);
	} else if (d->kind == 'n') {
		day = xt_days_from_civil(y, 1, 1) + d->a;
	} else {
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int len = mdays[d->a - 1] + (d->a == 2 && is_leap(y));
		int64_t first = xt_days_from_civil(y, d->a, 1);
		int wd = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
		int dom = 1 + (d->c - wd + 7) % 7 + (d->b - 1) * 7;
		while (dom > len)
			dom -= 7;
		day = first + dom - 1;
	}
	return day * 86400 + d->time;
}

static int rule_offset(const struct tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return r->std_off;
	int64_t y;
	int m, d;
	xt_civil_from_days(floor_div(t + r->std_off, 86400), &y, &m, &d);
	/* the start is written in standard time, the end in daylight time */
	int64_t start = rule_local(&r->start, y) - r->std_off;
	int64_t end = rule_local(&r->end, y) - r->dst_off;
	bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return dst ? r->dst_off : r->std_off;
}

/* ---------------------------------------------------------------------------------------------- */
/* TZif */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_block {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
	size_t size; /* bytes of the data block */
};

static int tzif_header(const unsigned char *p, size_t n, int time_size, struct tzif_block *h)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return -EINVAL;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (h->typecnt == 0 || h->typecnt > 256 || h->timecnt > 100000 || h->leapcnt > 1000 ||
	    h->charcnt > 10000 || h->isutcnt > 256 || h->isstdcnt > 256)
		return -EINVAL;
	h->size = (size_t)h->timecnt * (size_t)time_size + h->timecnt + h->typecnt * 6u + h->charcnt +
		  h->leapcnt * (size_t)(time_size + 4) + h->isstdcnt + h->isutcnt;
	if (44 + h->size > n)
		return -EINVAL;
	return 0;
}

static int type_offset(const unsigned char *types, uint32_t typecnt, uint32_t idx, int *out)
{
	if (idx >= typecnt)
		return -EINVAL;
	*out = (int32_t)be32(types + idx * 6);
	return 0;
}

static int tzif_offset(const unsigned char *p, size_t n, int64_t t, int *offset_s)
{
	struct tzif_block h;
	if (tzif_header(p, n, 4, &h) < 0)
		return -EINVAL;
	int time_size = 4;
	const unsigned char *block = p + 44;
	const char *footer = NULL;
	size_t footer_len = 0;
	if (p[4] >= '2') {
		const unsigned char *p2 = p + 44 + h.size;
		size_t n2 = n - 44 - h.size;
		if (tzif_header(p2, n2, 8, &h) < 0)
			return -EINVAL;
		time_size = 8;
		block = p2 + 44;
		const unsigned char *f = block + h.size;
		size_t left = n2 - 44 - h.size;
		if (left >= 2 && f[0] == '\n') {
			const unsigned char *e = memchr(f + 1, '\n', left - 1);
			if (e) {
				footer = (const char *)f + 1;
				footer_len = (size_t)(e - f - 1);
			}
		}
	}
	const unsigned char *times = block;
	const unsigned char *idx = times + (size_t)h.timecnt * time_size;
	const unsigned char *types = idx + h.timecnt;

	if (h.timecnt == 0 || t < (time_size == 8 ? be64(times) : (int32_t)be32(times)))
		return type_offset(types, h.typecnt, 0, offset_s);
	int64_t last =
	    time_size == 8 ? be64(times + (h.timecnt - 1) * 8u) : (int32_t)be32(times + (h.timecnt - 1) * 4u);
	if (t >= last && footer && footer_len > 0 && footer_len < 128) {
		char rule_text[128];
		memcpy(rule_text, footer, footer_len);
		rule_text[footer_len] = '\0';
		struct tz_rule r;
		if (parse_rule(rule_text, &r) == 0) {
			*offset_s = rule_offset(&r, t);
			return 0;
		}
	}
	/* the last transition at or before t */
	uint32_t lo = 0, hi = h.timecnt; /* invariant: times[lo] <= t, times[hi] > t (or hi == count) */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		int64_t tm = time_size == 8 ? be64(times + mid * 8u) : (int32_t)be32(times + mid * 4u);
		if (tm <= t)
			lo = mid;
		else
			hi = mid;
	}
	return type_offset(types, h.typecnt, idx[lo], offset_s);
}

static bool zone_name_ok(const char *zone)
{
	size_t n = strlen(zone);
	if (n == 0 || n > 63 || zone[0] == '/' || strstr(zone, ".."))
		return false;
	for (const char *p = zone; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return false;
	return true;
}

int xt_tz_offset(const char *zoneinfo_dir, const char *zone, int64_t t, int *offset_s)
{
	*offset_s = 0;
	if (!zone || !zone_name_ok(zone))
		return -ENOENT;
	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0 || strcmp(zone, "GMT") == 0)
		return 0;
	if (!zoneinfo_dir)
		zoneinfo_dir = getenv("TZDIR");
	if (!zoneinfo_dir || !zoneinfo_dir[0])
		zoneinfo_dir = "/usr/share/zoneinfo";
	char path[512];
	if (snprintf(path, sizeof(path), "%s/%s", zoneinfo_dir, zone) >= (int)sizeof(path))
		return -ENOENT;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	unsigned char *buf = malloc(TZ_FILE_CAP);
	size_t n = buf ? fread(buf, 1, TZ_FILE_CAP, f) : 0;
	fclose(f);
	int rc = buf ? tzif_offset(buf, n, t, offset_s) : -ENOMEM;
	free(buf);
	return rc;
}
