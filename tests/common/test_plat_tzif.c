/* SPDX-License-Identifier: MIT */
/* The one TZif reader (plat_tzif) against the system's tz database and hand-built files: the offsets
 * a viewer's guide and catch-up URLs are written in (London and New York around their changes,
 * Kolkata's half hour, Lord Howe's half-hour DST), the years after the last transition from the
 * footer rule, wall-clock times in a gap and an overlap, a slim file that is only a rule, and the
 * files and names that must be refused. */
#include "plat_tzif.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define T_2024_01_15 INT64_C(1705320000) /* 12:00 UTC */
#define T_2024_07_01 INT64_C(1719835200)
#define T_2050_07_01 INT64_C(2540289600) /* past every transition: the footer rule */

static struct plat_tzif *load(const char *zone)
{
	struct plat_tzif *z = NULL;
	int rc = plat_tzif_load("/usr/share/zoneinfo", zone, &z);
	if (rc != 0)
		fail_msg("%s: %d", zone, rc);
	return z;
}

static void test_real_zones(void **state)
{
	struct plat_tzif *z = load("Europe/London");
	assert_int_equal(plat_tzif_offset_at(z, T_2024_01_15), 0);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), 3600);
	assert_int_equal(plat_tzif_offset_at(z, T_2050_07_01), 3600);
	assert_int_equal(plat_tzif_offset_at(z, T_2050_07_01 - 180 * 86400), 0);
	/* 2024-03-31 01:00 UTC the clocks go forward: 01:30 local does not exist (the gap) */
	assert_int_equal(plat_tzif_offset_at(z, 1711846800 - 1), 0);
	assert_int_equal(plat_tzif_offset_at(z, 1711846800), 3600);
	assert_int_equal(plat_tzif_utc_from_local(z, 1711848600), 1711848600);
	/* 2024-10-27 01:30 local happens twice: the earlier instant, 00:30 UTC */
	assert_int_equal(plat_tzif_utc_from_local(z, 1729989000 + 3600), 1729989000);
	assert_int_equal(plat_tzif_utc_from_local(z, T_2024_07_01 + 3600), T_2024_07_01);
	plat_tzif_free(&z);
	assert_null(z);

	z = load("America/New_York"); /* 2024-03-10 07:00 UTC: EST -> EDT */
	assert_int_equal(plat_tzif_offset_at(z, 1710054000 - 1), -18000);
	assert_int_equal(plat_tzif_offset_at(z, 1710054000), -14400);
	assert_int_equal(plat_tzif_offset_at(z, T_2050_07_01), -14400);
	plat_tzif_free(&z);

	z = load("Asia/Kolkata");
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), 19800);
	assert_int_equal(plat_tzif_offset_at(z, T_2050_07_01), 19800);
	plat_tzif_free(&z);

	z = load("Australia/Lord_Howe"); /* DST of half an hour, in the southern summer */
	assert_int_equal(plat_tzif_offset_at(z, INT64_C(1704067200)), 39600);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), 37800);
	assert_int_equal(plat_tzif_offset_at(z, T_2050_07_01), 37800);
	plat_tzif_free(&z);
	/* far instants are clamped, never overflowed */
	z = load("Europe/London");
	(void)plat_tzif_offset_at(z, INT64_MAX);
	(void)plat_tzif_offset_at(z, INT64_MIN);
	(void)plat_tzif_utc_from_local(z, INT64_MAX);
	plat_tzif_free(&z);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A v2 file with no transitions, one type of offset off and the footer rule: what "slim" zic
 * writes for zones that follow one rule. Returns the length. */
static size_t slim_file(uint8_t *buf, int off, const char *footer)
{
	size_t n = 0;
	for (int block = 0; block < 2; block++) {
		memset(buf + n, 0, 44);
		memcpy(buf + n, "TZif2", 5);
		put32(buf + n + 36, 1); /* typecnt */
		put32(buf + n + 40, 4); /* charcnt */
		n += 44;
		put32(buf + n, (uint32_t)off);
		buf[n + 4] = 0;
		buf[n + 5] = 0;
		memcpy(buf + n + 6, "CET", 4);
		n += 10;
	}
	n += (size_t)snprintf((char *)buf + n, 128, "\n%s\n", footer);
	return n;
}

static void test_slim_and_bad_files(void **state)
{
	uint8_t buf[512];
	struct plat_tzif *z = NULL;
	size_t n = slim_file(buf, 3600, "CET-1CEST,M3.5.0,M10.5.0/3");
	assert_int_equal(plat_tzif_parse(buf, n, &z), 0);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_01_15), 3600);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), 7200);
	plat_tzif_free(&z);
	/* a footer that does not parse: the type holds */
	n = slim_file(buf, 3600, "CET-1CEST,M13.5.0,M10.5.0/3");
	assert_int_equal(plat_tzif_parse(buf, n, &z), 0);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), 3600);
	plat_tzif_free(&z);
	/* counts past the data, a truncated file, not TZif at all */
	n = slim_file(buf, 3600, "CET-1");
	put32(buf + 44 + 10 + 32, 50); /* 64-bit block: timecnt 50, no data for it */
	assert_int_equal(plat_tzif_parse(buf, n, &z), -EINVAL);
	assert_null(z);
	assert_int_equal(plat_tzif_parse(buf, 30, &z), -EINVAL);
	assert_int_equal(plat_tzif_parse((const uint8_t *)"<html>404</html>", 16, &z), -EINVAL);
	FILE *f = fopen("/usr/share/zoneinfo/Europe/London", "rb");
	assert_non_null(f);
	size_t len = fread(buf, 1, 300, f);
	fclose(f);
	assert_int_equal(plat_tzif_parse(buf, len, &z), -EINVAL); /* cut inside the data */

	char dir[] = "/tmp/qanat-tzif-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[300];
	snprintf(path, sizeof(path), "%s/Bad", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("not a zone", f);
	fclose(f);
	assert_int_equal(plat_tzif_load(dir, "Bad", &z), -EINVAL);
	unlink(path);
	rmdir(dir);
}

static void test_names(void **state)
{
	struct plat_tzif *z = NULL;
	static const char *const bad[] = { "../../etc/passwd",  "/etc/passwd",     "Europe//London",
					   "Europe/",           "Europe/./London", "",
					   "Mars/Olympus_Mons", "Europe/London\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(plat_tzif_load("/usr/share/zoneinfo", bad[i], &z), -ENOENT);
		assert_null(z);
	}
	assert_int_equal(plat_tzif_load("/usr/share/zoneinfo", NULL, &z), -ENOENT);
	/* a box without tzdata still knows UTC */
	assert_int_equal(plat_tzif_load("/nonexistent", "UTC", &z), 0);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), 0);
	plat_tzif_free(&z);
	assert_int_equal(plat_tzif_load("/nonexistent", "Europe/London", &z), -ENOENT);
	assert_int_equal(plat_tzif_fixed(-3600, &z), 0);
	assert_int_equal(plat_tzif_offset_at(z, T_2024_07_01), -3600);
	assert_int_equal(plat_tzif_utc_from_local(z, 0), 3600);
	plat_tzif_free(&z);
	assert_int_equal(plat_tzif_offset_at(NULL, 0), 0);
	plat_tzif_free(NULL);
}

static void test_civil(void **state)
{
	assert_int_equal(plat_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(plat_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(plat_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(plat_days_from_civil(2024, 2, 29), 19782);
	for (int64_t days = -800000; days < 800000; days += 997) {
		int64_t y;
		unsigned m, d;
		plat_civil_from_days(days, &y, &m, &d);
		assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
		assert_int_equal(plat_days_from_civil(y, m, d), days);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_zones),
		cmocka_unit_test(test_slim_and_bad_files),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_civil),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
