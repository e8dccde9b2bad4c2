/* SPDX-License-Identifier: MIT */
/* Guide times a viewer would see wrong by an hour if any of this slipped: XMLTV offsets, times without
 * an offset in the panel's zone across DST changes (both hemispheres, the gap and the overlap), the
 * tz database's rule for years after its last transition, and the fixed-offset fallback. Expected
 * instants are worked out by hand from the zones' published rules. */
#include "epg.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

/* 2026-03-29 00:00:00 UTC: the last Sunday of March 2026 (the EU change at 01:00 UTC). */
#define MAR29_2026 1774742400LL
/* 2026-10-25 00:00:00 UTC: the last Sunday of October 2026. */
#define OCT25_2026 1792886400LL

static int64_t parse(const char *text, const struct epg_zone *z)
{
	int64_t t = 0;
	assert_int_equal(epg_time_parse_xmltv(text, z, &t), 0);
	return t;
}

static void test_offsets_win_over_the_zone(void **state)
{
	struct epg_zone *london = NULL;
	assert_int_equal(epg_zone_load("Europe/London", 0, &london), 0);
	assert_int_equal(parse("20260329000000 +0000", london), MAR29_2026);
	assert_int_equal(parse("20260329040000 +0400", london), MAR29_2026);
	assert_int_equal(parse("20260328190000 -0500", london), MAR29_2026);
	assert_int_equal(parse("20260329053000 +05:30", london), MAR29_2026);
	assert_int_equal(parse("20260329000000Z", london), MAR29_2026);
	assert_int_equal(parse("20260329000000 UTC", london), MAR29_2026);
	assert_int_equal(parse("202603290000 +0000", london), MAR29_2026); /* no seconds */
	assert_int_equal(parse("  20260329000000 +0000", london), MAR29_2026);
	int64_t t;
	assert_int_equal(epg_time_parse_xmltv("2026-03-29", london, &t), -EINVAL);
	assert_int_equal(epg_time_parse_xmltv("20261329000000 +0000", london, &t), -EINVAL);
	assert_int_equal(epg_time_parse_xmltv("20260230000000 +0000", london, &t), -EINVAL);
	assert_int_equal(epg_time_parse_xmltv("", london, &t), -EINVAL);
	assert_int_equal(epg_time_parse_xmltv("20260329000000 +9900", london, &t), -EINVAL);
	epg_zone_free(&london);
	assert_null(london);
}

static void test_no_offset_means_panel_zone_with_dst(void **state)
{
	struct epg_zone *london = NULL;
	assert_int_equal(epg_zone_load("Europe/London", 0, &london), 0);
	/* winter: GMT */
	assert_int_equal(parse("20260329003000", london), MAR29_2026 + 1800);
	/* 02:30 BST after the change at 01:00 UTC is 01:30 UTC */
	assert_int_equal(parse("20260329023000", london), MAR29_2026 + 5400);
	/* 01:30 does not exist that night (gap): read with the offset before the change */
	assert_int_equal(parse("20260329013000", london), MAR29_2026 + 5400);
	/* October: 01:30 happens twice; the earlier (BST) instant is chosen */
	assert_int_equal(parse("20261025013000", london), OCT25_2026 + 1800);
	assert_int_equal(parse("20261025023000", london), OCT25_2026 + 9000);
	assert_int_equal(epg_zone_offset_at(london, MAR29_2026 + 3599), 0);
	assert_int_equal(epg_zone_offset_at(london, MAR29_2026 + 3600), 3600);
	/* far past the last transition in the file: the footer rule (GMT0BST,M3.5.0/1,M10.5.0) */
	int64_t t2045_07_01 = 2382480000LL; /* 2045-07-01 00:00 UTC */
	assert_int_equal(epg_zone_offset_at(london, t2045_07_01), 3600);
	assert_int_equal(epg_zone_offset_at(london, t2045_07_01 + 180 * 86400), 0);
	epg_zone_free(&london);

	struct epg_zone *sydney = NULL; /* southern hemisphere: DST spans the new year */
	assert_int_equal(epg_zone_load("Australia/Sydney", 0, &sydney), 0);
	assert_int_equal(epg_zone_offset_at(sydney, 1767225600LL), 11 * 3600); /* 2026-01-01 */
	assert_int_equal(epg_zone_offset_at(sydney, 1782864000LL), 10 * 3600); /* 2026-07-01 */
	assert_int_equal(epg_zone_offset_at(sydney, 2397859200LL), 11 * 3600); /* 2045-12-26 (rule) */
	assert_int_equal(parse("20260101120000", sydney), 1767225600LL + 3600);
	epg_zone_free(&sydney);

	struct epg_zone *dubai = NULL; /* no DST at all */
	assert_int_equal(epg_zone_load("Asia/Dubai", 0, &dubai), 0);
	assert_int_equal(parse("20260329040000", dubai), MAR29_2026);
	assert_int_equal(parse("20261025040000", dubai), OCT25_2026);
	epg_zone_free(&dubai);
}

static void test_fallbacks(void **state)
{
	struct epg_zone *z = NULL;
	/* unknown zone: a fixed offset, and the caller is told */
	assert_int_equal(epg_zone_load("Mars/Olympus_Mons", 10800, &z), -ENOENT);
	assert_non_null(z);
	assert_int_equal(parse("20260329030000", z), MAR29_2026);
	epg_zone_free(&z);
	/* a path is never accepted as a zone name */
	assert_int_equal(epg_zone_load("../../etc/passwd", 0, &z), -ENOENT);
	assert_int_equal(parse("20260329000000", z), MAR29_2026);
	epg_zone_free(&z);
	/* no zone at all is UTC */
	assert_int_equal(epg_zone_load(NULL, 0, &z), 0);
	assert_int_equal(parse("20260329000000", z), MAR29_2026);
	epg_zone_free(&z);
	assert_int_equal(parse("20260329000000", NULL), MAR29_2026);
	epg_zone_free(&z); /* NULL is accepted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_win_over_the_zone),
		cmocka_unit_test(test_no_offset_means_panel_zone_with_dst),
		cmocka_unit_test(test_fallbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
