/* SPDX-License-Identifier: MIT */
/* Credential redaction: no URL that reaches a log, a beacon or a report may carry the password. */
#include "plat_redact.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

struct redact_case {
	const char *in;
	const char *want;
};

static void test_urls(void **state)
{
	static const struct redact_case cases[] = {
		{ "http://tv.example:8080/live/alice/s3cret/1234.ts",
		  "http://tv.example:8080/live/*/*/1234.ts" },
		{ "https://tv.example/movie/alice/s3cret/77.mkv", "https://tv.example/movie/*/*/77.mkv" },
		{ "http://tv.example/series/alice/s3cret/935666.mp4",
		  "http://tv.example/series/*/*/935666.mp4" },
		{ "http://tv.example/timeshift/alice/s3cret/60/2026-11-22:14-05/12.ts",
		  "http://tv.example/timeshift/*/*/60/2026-11-22:14-05/12.ts" },
		{ "http://tv.example/alice/s3cret/1234", "http://tv.example/*/*/1234" },
		{ "http://tv.example/player_api.php?username=alice&password=s3cret&action=get_live_streams",
		  "http://tv.example/player_api.php" },
		{ "http://alice:s3cret@tv.example/get.php?username=alice&password=s3cret",
		  "http://tv.example/get.php" },
		{ "http://cdn.example/sauth/abcdef/live.ts", "http://cdn.example/sauth/abcdef/live.ts" },
		{ "http://tv.example/live/p%40ss/w%20rd/5.m3u8", "http://tv.example/live/*/*/5.m3u8" },
		{ "http://tv.example/images/logo.png", "http://tv.example/images/logo.png" },
	};
	char out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = plat_redact_url(cases[i].in, out, sizeof(out));
		assert_int_equal(n, (int)strlen(cases[i].want));
		assert_string_equal(out, cases[i].want);
	}
}

static void test_text(void **state)
{
	char out[256];
	plat_redact_text("open http://h/live/bob/pw1/9.ts failed: 403; retry password=pw1&x=1 username=bob",
			 out, sizeof(out));
	assert_string_equal(out, "open http://h/live/*/*/9.ts failed: 403; retry password=*&x=1 username=*");
	assert_null(strstr(out, "pw1"));
}

static void test_truncation_never_leaks(void **state)
{
	/* A short buffer gets a prefix of the REDACTED text, never the raw credential. */
	char out[24];
	int n = plat_redact_url("http://tv.example/live/alice/s3cret/1234.ts", out, sizeof(out));
	assert_int_equal(n, -ENOSPC);
	assert_null(strstr(out, "s3cret"));
	assert_true(strlen(out) < sizeof(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_truncation_never_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
