/* SPDX-License-Identifier: MIT */
/* The URL builder and the panel clock, table-driven: every URL form of XTREAM.md section 7 with
 * credentials that need percent-encoding, catch-up start times in the panel's zone from the tz
 * database (DST both ways, southern hemisphere, after 2037 where only the TZif footer rule answers)
 * and from the time_now fallback, ceil-minute durations, base address normalisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xt_url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct xt_url_ctx plain = { "http://panel.example:8080", "demo", "demo" };
static const struct xt_url_ctx tricky = { "http://panel.example:8080", "user name", "p@ss:w/rd&x=1%" };

static void test_stream_urls(void **state)
{
	char url[512];
	int n = xt_url_live(&plain, 42, XT_STREAM_TS, url, sizeof(url));
	assert_int_equal(n, strlen(url));
	assert_string_equal(url, "http://panel.example:8080/live/demo/demo/42.ts");
	xt_url_live(&plain, 42, XT_STREAM_M3U8, url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/live/demo/demo/42.m3u8");
	xt_url_live_legacy(&plain, 42, url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/demo/demo/42");
	xt_url_movie(&plain, 1001, "MKV", url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/movie/demo/demo/1001.mkv");
	xt_url_movie(&plain, 1010, NULL, url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/movie/demo/demo/1010.mp4");
	xt_url_episode(&plain, "935666", "mp4", url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/series/demo/demo/935666.mp4");
	/* a '/' in a password can never work unencoded in a path */
	xt_url_live(&tricky, 7, XT_STREAM_TS, url, sizeof(url));
	assert_string_equal(url,
			    "http://panel.example:8080/live/user%20name/p%40ss%3Aw%2Frd%26x%3D1%25/7.ts");
	xt_url_player_api(&tricky, "get_live_streams", "category_id=3", url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/player_api.php?username=user%20name&password="
				 "p%40ss%3Aw%2Frd%26x%3D1%25&action=get_live_streams&category_id=3");
	xt_url_player_api(&plain, NULL, NULL, url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/player_api.php?username=demo&password=demo");
	xt_url_m3u(&plain, XT_STREAM_M3U8, url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/get.php?username=demo&password=demo&type=m3u_plus"
				 "&output=m3u8");
	xt_url_xmltv(&plain, url, sizeof(url));
	assert_string_equal(url, "http://panel.example:8080/xmltv.php?username=demo&password=demo");
}

static void test_limits(void **state)
{
	char small[20];
	assert_int_equal(xt_url_live(&plain, 42, XT_STREAM_TS, small, sizeof(small)), -ENOSPC);
	assert_string_equal(small, ""); /* never a truncated URL that would play something else */
	char url[64];
	struct xt_url_ctx none = { NULL, "u", "p" };
	assert_int_equal(xt_url_live(&none, 1, XT_STREAM_TS, url, sizeof(url)), -EINVAL);
	assert_int_equal(xt_url_episode(&plain, "", "mp4", url, sizeof(url)), -EINVAL);
	assert_int_equal(xt_url_encode("a b", url, sizeof(url)), 5);
	assert_string_equal(url, "a%20b");
	assert_int_equal(xt_url_encode("\xd9\x85", url, sizeof(url)), 6);
	assert_string_equal(url, "%D9%85");
}

static void test_format_pick(void **state)
{
	assert_int_equal(xt_stream_format_pick(XT_FORMAT_TS | XT_FORMAT_M3U8, XT_STREAM_TS), XT_STREAM_TS);
	assert_int_equal(xt_stream_format_pick(XT_FORMAT_M3U8 | XT_FORMAT_RTMP, XT_STREAM_TS),
			 XT_STREAM_M3U8);
	assert_int_equal(xt_stream_format_pick(XT_FORMAT_TS, XT_STREAM_M3U8), XT_STREAM_TS);
	assert_int_equal(xt_stream_format_pick(0, XT_STREAM_M3U8), XT_STREAM_M3U8);
	assert_int_equal(xt_stream_format_pick(XT_FORMAT_RTMP, XT_STREAM_TS), XT_STREAM_TS);
}

static void test_base_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "panel.example:8080", "http://panel.example:8080" },
		{ "http://panel.example:8080/", "http://panel.example:8080" },
		{ "https://panel.example/player_api.php?username=a&password=b", "https://panel.example" },
		{ "  HTTP://panel.example:80//get.php", "HTTP://panel.example:80" },
		{ "http://panel.example/iptv/", "http://panel.example/iptv" },
	};
	char out[128];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(xt_url_base_normalize(cases[i].in, out, sizeof(out)) > 0);
		assert_string_equal(out, cases[i].out);
	}
	assert_int_equal(xt_url_base_normalize("ftp://panel.example", out, sizeof(out)), -EINVAL);
	assert_int_equal(xt_url_base_normalize("", out, sizeof(out)), -EINVAL);
	assert_int_equal(xt_url_base_normalize("http://", out, sizeof(out)), -EINVAL);
}

static void test_tz_database(void **state)
{
	static const struct {
		const char *zone;
		int64_t t;
		const char *want;
	} cases[] = {
		{ "Europe/London", 1751371200, "2025-07-01:13-00" },    /* BST */
		{ "Europe/London", 1736942400, "2025-01-15:12-00" },    /* GMT */
		{ "Asia/Dubai", 1736942400, "2025-01-15:16-00" },       /* +4, no DST */
		{ "America/New_York", 1741503600, "2025-03-09:03-00" }, /* the first EDT second */
		{ "America/New_York", 1741503599, "2025-03-09:01-59" }, /* the last EST one */
		{ "Europe/London", 2224756800, "2040-07-01:13-00" },    /* after 2037: the footer rule */
		{ "Europe/London", 2234998740, "2040-10-28:01-59" },    /* BST's last minute in 2040 */
		{ "Europe/London", 2234998800, "2040-10-28:01-00" },    /* back to GMT */
		{ "Australia/Sydney", 2241820800, "2041-01-15:11-00" }, /* southern summer */
		{ "America/Los_Angeles", 2224756800, "2040-07-01:05-00" },
		{ "UTC", 1751371200, "2025-07-01:12-00" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xt_clock clk = { 0 };
		snprintf(clk.zone, sizeof(clk.zone), "%s", cases[i].zone);
		char when[24];
		assert_int_equal(xt_clock_panel_time(&clk, cases[i].t, when, sizeof(when)), 16);
		if (strcmp(when, cases[i].want) != 0)
			fail_msg("%s at %lld: %s, want %s", cases[i].zone, (long long)cases[i].t, when,
				 cases[i].want);
	}
	int off;
	assert_int_equal(xt_tz_offset(NULL, "../../etc/passwd", 0, &off), -ENOENT);
	assert_int_equal(xt_tz_offset(NULL, "Mars/Olympus_Mons", 0, &off), -ENOENT);
	assert_int_equal(xt_tz_offset("/nonexistent", "Europe/London", 0, &off), -ENOENT);
}

static void test_clock_fallback(void **state)
{
	/* no tz database entry: the offset time_now - timestamp_now, rounded to 15 minutes */
	struct xt_server_info si = { .timestamp_now = 1545170300 };
	snprintf(si.time_now, sizeof(si.time_now), "%s", "2018-12-19 03:28:21");
	snprintf(si.timezone, sizeof(si.timezone), "%s", "Not/AZone");
	struct xt_clock clk;
	xt_clock_from_server(&si, 1545170000, &clk);
	assert_int_equal(clk.skew_s, 300);
	assert_true(clk.have_fallback);
	assert_int_equal(clk.fallback_offset_s, 5 * 3600 + 1800);
	char when[24];
	xt_clock_panel_time(&clk, 1545170300, when, sizeof(when));
	assert_string_equal(when, "2018-12-19:03-28");

	/* a real zone wins over the fallback */
	snprintf(si.timezone, sizeof(si.timezone), "%s", "Europe/London");
	xt_clock_from_server(&si, 1545170300, &clk);
	xt_clock_panel_time(&clk, 1545170300, when, sizeof(when));
	assert_string_equal(when, "2018-12-18:21-58");

	/* nothing known: UTC, and the caller is told */
	struct xt_server_info empty = { 0 };
	xt_clock_from_server(&empty, 0, &clk);
	int off = 1;
	assert_int_equal(xt_clock_zone_offset(&clk, 0, &off), -ENOENT);
	assert_int_equal(off, 0);
}

static void test_timeshift(void **state)
{
	assert_int_equal(xt_timeshift_minutes(0, 3601), 61);
	assert_int_equal(xt_timeshift_minutes(0, 3600), 60);
	assert_int_equal(xt_timeshift_minutes(0, 61), 2);
	assert_int_equal(xt_timeshift_minutes(0, 1), 1);
	assert_int_equal(xt_timeshift_minutes(10, 10), 1);
	struct xt_clock clk = { 0 };
	snprintf(clk.zone, sizeof(clk.zone), "%s", "Asia/Dubai");
	char url[512];
	/* 2025-01-15 12:00 UTC for 45 min 30 s: 16:00 in Dubai, 46 minutes */
	xt_url_timeshift(&tricky, &clk, 5, 1736942400, 1736942400 + 45 * 60 + 30, XT_STREAM_TS, url,
			 sizeof(url));
	assert_string_equal(url,
			    "http://panel.example:8080/timeshift/user%20name/p%40ss%3Aw%2Frd%26x%3D1%25/46/"
			    "2025-01-15:16-00/5.ts");
	xt_url_timeshift_legacy(&plain, &clk, 5, 1736942400, 1736942400 + 3600, url, sizeof(url));
	assert_string_equal(url,
			    "http://panel.example:8080/streaming/timeshift.php?username=demo&password=demo"
			    "&stream=5&start=2025-01-15%3A16-00&duration=60");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_urls), cmocka_unit_test(test_limits),
		cmocka_unit_test(test_format_pick), cmocka_unit_test(test_base_normalize),
		cmocka_unit_test(test_tz_database), cmocka_unit_test(test_clock_fallback),
		cmocka_unit_test(test_timeshift),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
