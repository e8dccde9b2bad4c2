/* SPDX-License-Identifier: MIT */
/* TZif files and POSIX TZ rules read into a small table of transitions (plat_tzif.h). Everything is
 * bounded: counts are checked against the data before any read, and a zone has at most
 * ZONE_MAX_TRANSITIONS transitions. */
#include "plat_tzif.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONE_MAX_TRANSITIONS 8192
#define ZONE_MAX_TYPES 256
#define ZONE_FILE_MAX (512 * 1024)
#define TIME_LIMIT \
	(INT64_C(1) << 45) /* about a million years: instants beyond are clamped, so the
				       * date arithmetic never overflows */

struct rule_date {
	char kind; /* 'M' month.week.day, 'J' julian 1..365 without Feb 29, 'D' zero-based day of year */
	int month, week, wday, day;
	int time; /* seconds after local midnight, may be negative or past 24 h */
};

struct rule {
	bool valid;
	int std_off, dst_off; /* seconds east of UTC */
	bool has_dst;
	struct rule_date start, end;
};

struct plat_tzif {
	size_t count;
	int64_t *at;    /* transition instants, ascending */
	int *off_after; /* offset in force from at[i] on */
	int off_before; /* offset before the first transition (time type 0, RFC 8536 section 3.2) */
	struct rule rule;
};

/* ---------------------------------------------------------------------------------------------- */
/* Civil dates */

int64_t plat_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void plat_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), as in the footer of TZif v2+ files. */

static const char *rule_name(const char *p)
{
	if (*p == '<') {
		const char *e = strchr(p, '>');
		return e ? e + 1 : NULL;
	}
	const char *start = p;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - start >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] -> seconds; returns the end or NULL. */
static const char *rule_hms(const char *p, int *out)
{
	int sign = 1;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	int parts[3] = { 0, 0, 0 };
	for (int i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return i == 0 ? NULL : p;
		int v = 0;
		while (*p >= '0' && *p <= '9' && v < 1000)
			v = v * 10 + (*p++ - '0');
		parts[i] = v;
		if (*p != ':')
			break;
		p++;
	}
	*out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
	return p;
}

static const char *rule_num(const char *p, int *out)
{
	if (*p < '0' || *p > '9')
		return NULL;
	int v = 0;
	while (*p >= '0' && *p <= '9' && v < 10000)
		v = v * 10 + (*p++ - '0');
	*out = v;
	return p;
}

static const char *rule_date(const char *p, struct rule_date *d)
{
	memset(d, 0, sizeof(*d));
	d->time = 7200;
	if (*p == 'M') {
		d->kind = 'M';
		p = rule_num(p + 1, &d->month);
		if (!p || *p++ != '.' || !(p = rule_num(p, &d->week)) || *p++ != '.' ||
		    !(p = rule_num(p, &d->wday)))
			return NULL;
		if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->wday > 6)
			return NULL;
	} else if (*p == 'J') {
		d->kind = 'J';
		p = rule_num(p + 1, &d->day);
		if (!p || d->day < 1 || d->day > 365)
			return NULL;
	} else {
		d->kind = 'D';
		p = rule_num(p, &d->day);
		if (!p || d->day > 365)
			return NULL;
	}
	if (*p == '/')
		p = rule_hms(p + 1, &d->time);
	return p;
}

static bool rule_parse(const char *s, struct rule *r)
{
	memset(r, 0, sizeof(*r));
	const char *p = rule_name(s);
	int v;
	if (!p || !(p = rule_hms(p, &v)))
		return false;
	r->std_off = -v;
	if (*p == '\0')
		return r->valid = true;
	if (!(p = rule_name(p)))
		return false;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (!(p = rule_hms(p, &v)))
			return false;
		r->dst_off = -v;
	}
	if (*p != ',') /* DST without rules: POSIX's default is US rules; the tz database never emits it */
		return false;
	if (!(p = rule_date(p + 1, &r->start)) || *p != ',' || !(p = rule_date(p + 1, &r->end)) || *p != '\0')
		return false;
	r->has_dst = true;
	return r->valid = true;
}

/* Seconds from the start of the year (local) to the rule's day (local midnight). */
static int64_t rule_day_of_year(int64_t year, const struct rule_date *d)
{
	if (d->kind == 'J')
		return (int64_t)(d->day - 1 + (is_leap(year) && d->day >= 60)) * 86400;
	if (d->kind == 'D')
		return (int64_t)d->day * 86400;
	int64_t first = plat_days_from_civil(year, (unsigned)d->month, 1);
	int wday_first = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	int mday = 1 + (d->wday - wday_first + 7) % 7 + (d->week - 1) * 7;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int dim = mdays[d->month - 1] + (d->month == 2 && is_leap(year));
	while (mday > dim)
		mday -= 7;
	return (first + mday - 1 - plat_days_from_civil(year, 1, 1)) * 86400;
}

static int rule_offset_at(const struct rule *r, int64_t utc)
{
	if (!r->has_dst)
		return r->std_off;
	int64_t y;
	unsigned m, d;
	plat_civil_from_days(floor_div(utc + r->std_off, 86400), &y, &m, &d);
	int64_t year0 = plat_days_from_civil(y, 1, 1) * 86400;
	/* the start is written in standard time, the end in daylight time */
	int64_t start = year0 + rule_day_of_year(y, &r->start) + r->start.time - r->std_off;
	int64_t end = year0 + rule_day_of_year(y, &r->end) + r->end.time - r->dst_off;
	bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
	return dst ? r->dst_off : r->std_off;
}

/* ---------------------------------------------------------------------------------------------- */
/* TZif */

static int64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(const uint8_t *p, size_t len, struct tzif_counts *c, int *version)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	*version = p[4] ? p[4] - '0' : 1;
	uint32_t *f[] = { &c->isut, &c->isstd, &c->leap, &c->time, &c->type, &c->chars };
	for (int i = 0; i < 6; i++)
		*f[i] = (uint32_t)be(p + 20 + 4 * i, 4);
	return c->time <= ZONE_MAX_TRANSITIONS && c->type >= 1 && c->type <= ZONE_MAX_TYPES &&
	       c->leap <= 1000 && c->chars <= 10000 && c->isut <= c->type && c->isstd <= c->type;
}

static size_t tzif_block_len(const struct tzif_counts *c, int tsize)
{
	return (size_t)c->time * (size_t)(tsize + 1) + (size_t)c->type * 6 + c->chars +
	       (size_t)c->leap * (size_t)(tsize + 4) + c->isstd + c->isut;
}

static int tzif_fill(const uint8_t *p, size_t len, struct plat_tzif *z)
{
	struct tzif_counts c;
	int version;
	if (!tzif_header(p, len, &c, &version))
		return -EINVAL;
	int tsize = 4;
	size_t off = 44;
	if (version >= 2) {
		/* skip the 32-bit block: the 64-bit one after it is complete */
		off += tzif_block_len(&c, 4);
		if (off > len || !tzif_header(p + off, len - off, &c, &version))
			return -EINVAL;
		off += 44;
		tsize = 8;
	}
	if (off + tzif_block_len(&c, tsize) > len)
		return -EINVAL;
	const uint8_t *times = p + off;
	const uint8_t *idx = times + (size_t)c.time * (size_t)tsize;
	const uint8_t *types = idx + c.time;
	z->at = calloc(c.time ? c.time : 1, sizeof(*z->at));
	z->off_after = calloc(c.time ? c.time : 1, sizeof(*z->off_after));
	if (!z->at || !z->off_after)
		return -ENOMEM;
	for (uint32_t i = 0; i < c.time; i++) {
		if (idx[i] >= c.type)
			return -EINVAL;
		z->at[i] = be(times + (size_t)i * (size_t)tsize, tsize);
		z->off_after[i] = (int)be(types + (size_t)idx[i] * 6, 4);
		if (i > 0 && z->at[i] <= z->at[i - 1])
			return -EINVAL;
	}
	z->count = c.time;
	z->off_before = (int)be(types, 4);
	size_t end = off + tzif_block_len(&c, tsize);
	if (version >= 2 && end + 2 < len && p[end] == '\n') {
		const uint8_t *nl = memchr(p + end + 1, '\n', len - end - 1);
		size_t n = nl ? (size_t)(nl - (p + end + 1)) : 0;
		char footer[128];
		if (n > 0 && n < sizeof(footer) && !memchr(p + end + 1, '\0', n)) {
			memcpy(footer, p + end + 1, n);
			footer[n] = '\0';
			if (!rule_parse(footer, &z->rule))
				memset(&z->rule, 0, sizeof(z->rule));
		}
	}
	return 0;
}

int plat_tzif_parse(const uint8_t *data, size_t len, struct plat_tzif **out)
{
	*out = NULL;
	if (!data)
		return -EINVAL;
	struct plat_tzif *z = calloc(1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	int rc = tzif_fill(data, len, z);
	if (rc < 0) {
		plat_tzif_free(&z);
		return rc;
	}
	*out = z;
	return 0;
}

int plat_tzif_fixed(int offset_s, struct plat_tzif **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->off_before = offset_s;
	return 0;
}

static bool zone_name_ok(const char *name)
{
	if (!name[0] || name[0] == '/' || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++) {
		bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			  *p == '/' || *p == '_' || *p == '-' || *p == '+';
		if (!ok || (p[0] == '/' && p[1] == '/') || (p[0] == '/' && p[1] == '\0'))
			return false;
	}
	return true;
}

int plat_tzif_load(const char *dir, const char *zone, struct plat_tzif **out)
{
	*out = NULL;
	if (!zone || !zone_name_ok(zone))
		return -ENOENT;
	if (!dir || !dir[0])
		dir = getenv("QANAT_ZONEINFO");
	if (!dir || !dir[0])
		dir = getenv("TZDIR");
	if (!dir || !dir[0])
		dir = "/usr/share/zoneinfo";
	char path[512];
	if (snprintf(path, sizeof(path), "%s/%s", dir, zone) >= (int)sizeof(path))
		return -ENOENT;
	FILE *f = fopen(path, "rb");
	if (!f) {
		/* a box without tzdata still knows UTC */
		bool utc =
		    strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0 || strcmp(zone, "GMT") == 0;
		return utc ? plat_tzif_fixed(0, out) : -ENOENT;
	}
	uint8_t *buf = malloc(ZONE_FILE_MAX + 1);
	size_t len = buf ? fread(buf, 1, ZONE_FILE_MAX + 1, f) : 0;
	fclose(f);
	int rc = !buf ? -ENOMEM : len > ZONE_FILE_MAX ? -EINVAL : plat_tzif_parse(buf, len, out);
	free(buf);
	return rc;
}

void plat_tzif_free(struct plat_tzif **zp)
{
	struct plat_tzif *z = zp ? *zp : NULL;
	if (!z)
		return;
	free(z->at);
	free(z->off_after);
	free(z);
	*zp = NULL;
}

static int64_t clamp_time(int64_t t)
{
	return t > TIME_LIMIT ? TIME_LIMIT : t < -TIME_LIMIT ? -TIME_LIMIT : t;
}

int plat_tzif_offset_at(const struct plat_tzif *z, int64_t utc)
{
	if (!z)
		return 0;
	utc = clamp_time(utc);
	if (z->count == 0)
		return z->rule.valid ? rule_offset_at(&z->rule, utc) : z->off_before;
	if (utc < z->at[0])
		return z->off_before;
	if (utc >= z->at[z->count - 1] && z->rule.valid)
		return rule_offset_at(&z->rule, utc);
	size_t lo = 0, hi = z->count; /* the last transition <= utc */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return z->off_after[lo];
}

int64_t plat_tzif_utc_from_local(const struct plat_tzif *z, int64_t local)
{
	if (!z)
		return local;
	local = clamp_time(local);
	/* Two candidate offsets: the one in force a day before and a day after cover any single change.
	 * A candidate is consistent when the instant it gives really has that offset. */
	int a = plat_tzif_offset_at(z, local - 86400);
	int b = plat_tzif_offset_at(z, local + 86400);
	bool a_ok = plat_tzif_offset_at(z, local - a) == a;
	bool b_ok = plat_tzif_offset_at(z, local - b) == b;
	if (a_ok && b_ok)
		return local - (a > b ? a : b); /* overlap: the earlier instant */
	if (a_ok)
		return local - a;
	if (b_ok)
		return local - b;
	return local - a; /* gap: the wall clock before the change read past it */
}
