/* SPDX-License-Identifier: MIT */
/* The top-level element scanner: the same body fed in every possible two-chunk split and byte by
 * byte must give the same elements; strings with brackets and escaped quotes do not fool it; HTML,
 * empty, truncated and oversized bodies give their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xt_jscan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct seen {
	char text[2048];
	size_t len;
	int count;
	int stop_after; /* return -ECANCELED after this many (0: never) */
};

static int collect(void *ud, const char *key, size_t key_len, const char *elem, size_t len)
{
	struct seen *s = ud;
	int n = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s%.*s%s%.*s", s->count ? "|" : "",
			 (int)key_len, key ? key : "", key ? "=" : "", (int)len, elem);
	if (n > 0)
		s->len += (size_t)n;
	s->count++;
	return s->stop_after && s->count >= s->stop_after ? -ECANCELED : 0;
}

/* scans body split at position cut (SIZE_MAX: byte by byte); returns the finish code */
static int scan(const char *body, size_t cut, size_t max, struct seen *s)
{
	struct xt_jscan *j;
	assert_int_equal(xt_jscan_create(max, collect, s, &j), 0);
	size_t len = strlen(body);
	int rc = 0;
	if (cut == SIZE_MAX) {
		for (size_t i = 0; i < len && rc == 0; i++)
			rc = xt_jscan_feed(j, body + i, 1);
	} else {
		rc = xt_jscan_feed(j, body, cut);
		if (rc == 0)
			rc = xt_jscan_feed(j, body + cut, len - cut);
	}
	int fin = xt_jscan_finish(j);
	xt_jscan_destroy(&j);
	assert_null(j);
	return rc < 0 ? rc : fin;
}

static void check_all_splits(const char *body, int want_rc, const char *want_text, int want_count)
{
	size_t len = strlen(body);
	for (size_t cut = 0; cut <= len + 1; cut++) {
		struct seen s = { 0 };
		int rc = scan(body, cut == len + 1 ? SIZE_MAX : cut, 0, &s);
		if (rc != want_rc || s.count != want_count || (want_text && strcmp(s.text, want_text) != 0))
			fail_msg("body %s split at %zu: rc %d count %d text '%s'", body, cut, rc, s.count,
				 s.text);
	}
}

static void test_elements(void **state)
{
	check_all_splits("[{\"a\":1},{\"b\":[1,2,{\"c\":\"]}\"}]}]", 0,
			 "{\"a\":1}|{\"b\":[1,2,{\"c\":\"]}\"}]}", 2);
	check_all_splits(" \r\n[ {\"s\":\"q\\\"}\"} , {\"t\":\"\\\\\"} ]\n", 0,
			 "{\"s\":\"q\\\"}\"}|{\"t\":\"\\\\\"}", 2);
	check_all_splits("[1, \"x,]\", null ,true,[],{}]", 0, "1|\"x,]\"|null|true|[]|{}", 6);
	check_all_splits("[]", 0, "", 0);
	check_all_splits("[ ]  <br />PHP Notice", 0, "", 0);
	/* a keyed array (object): values with their keys; the account object instead of a list */
	check_all_splits("{\"1\":{\"id\":1},\"2\" : [3]}", 0, "1={\"id\":1}|2=[3]", 2);
	check_all_splits("{\"user_info\":{\"auth\":1,\"status\":\"Expired\"},\"server_info\":{}}", 0,
			 "user_info={\"auth\":1,\"status\":\"Expired\"}|server_info={}", 2);
	check_all_splits("{}", 0, "", 0);
	/* \u escapes and raw UTF-8 pass through untouched */
	check_all_splits("[{\"n\":\"\\u0645\\/ق\"}]", 0, "{\"n\":\"\\u0645\\/ق\"}", 1);
}

static void test_errors(void **state)
{
	struct seen s = { 0 };
	check_all_splits("<html><body>404</body></html>", -EBADMSG, NULL, 0);
	check_all_splits("blocked", -EBADMSG, NULL, 0);
	check_all_splits("", -ENODATA, NULL, 0);
	check_all_splits("  \r\n ", -ENODATA, NULL, 0);
	check_all_splits("[{\"a\":1},{\"b\":", -EPROTO, "{\"a\":1}", 1); /* truncated */
	check_all_splits("[{\"a\":1}", -EPROTO, "{\"a\":1}", 1);
	check_all_splits("[{\"a\":1},]", -EPROTO, "{\"a\":1}", 1);
	check_all_splits("[{\"a\":1} {\"b\":2}]", -EPROTO, "{\"a\":1}", 1);
	check_all_splits("[1,2", -EPROTO, "1", 1);
	check_all_splits("{\"a\" 1}", -EPROTO, "", 0);

	/* an element over the cap, and a callback that stops the scan */
	memset(&s, 0, sizeof(s));
	assert_int_equal(scan("[\"0123456789\",1]", 0, 8, &s), -EFBIG);
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(scan("[1,2,3,4]", 3, 0, &s), -ECANCELED);
	assert_int_equal(s.count, 2);

	struct xt_jscan *j;
	assert_int_equal(xt_jscan_create(0, collect, &s, &j), 0);
	assert_int_equal(xt_jscan_top(j), XT_JSCAN_NONE);
	assert_int_equal(xt_jscan_feed(j, "<html>", 6), -EBADMSG);
	assert_string_equal(xt_jscan_head(j), "<html>");
	assert_int_equal(xt_jscan_feed(j, "[1]", 3), -EBADMSG); /* errors stick */
	xt_jscan_destroy(&j);
	xt_jscan_destroy(&j); /* NULL-safe */
}

/* a long list fed in small chunks keeps only one element in memory: every element is delivered */
static int count_only(void *ud, const char *key, size_t key_len, const char *elem, size_t len)
{
	(*(int *)ud)++;
	return 0;
}

static void test_long_list(void **state)
{
	struct xt_jscan *j;
	int n = 0;
	assert_int_equal(xt_jscan_create(256, count_only, &n, &j), 0);
	assert_int_equal(xt_jscan_feed(j, "[", 1), 0);
	char item[128];
	for (int i = 0; i < 100000; i++) {
		int len = snprintf(item, sizeof(item), "%s{\"stream_id\":%d,\"name\":\"Movie [%d]\"}",
				   i ? "," : "", i, i);
		assert_int_equal(xt_jscan_feed(j, item, (size_t)len), 0);
	}
	assert_int_equal(xt_jscan_feed(j, "]", 1), 0);
	assert_int_equal(xt_jscan_finish(j), 0);
	assert_int_equal(xt_jscan_top(j), XT_JSCAN_ARRAY);
	assert_int_equal(n, 100000);
	xt_jscan_destroy(&j);
}

/* A refusal where a list was expected: its text is kept for the sentence; a list is no refusal. */
static void test_refusal(void **state)
{
	static const struct {
		const char *body;
		const char *want; /* NULL: none */
	} cases[] = {
		{ "{\"error\":\"Unauthorized\"}", "Unauthorized" },
		{ "{\"user_info\":{\"auth\":0},\"message\":\"Line expired\"}", "Line expired" },
		{ "{\"error\":{\"code\":1}}", NULL },
		{ "[{\"error\":\"x\"}]", NULL },
		{ "{\"1\":{\"stream_id\":1}}", NULL },
		{ "{\"error\":\"a\\\"b\"}", "a\\\"b" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xt_jscan *j;
		struct seen s = { 0 };
		assert_int_equal(xt_jscan_create(0, collect, &s, &j), 0);
		assert_int_equal(xt_jscan_feed(j, cases[i].body, strlen(cases[i].body)), 0);
		/* a refusal alone is not a list; next to an object (the account's user_info) it is handed
		 * over for the caller to judge */
		bool alone = cases[i].want && !strstr(cases[i].body, "user_info");
		assert_int_equal(xt_jscan_finish(j), alone ? -ENOMSG : 0);
		const char *got = xt_jscan_refusal(j);
		if (cases[i].want)
			assert_string_equal(got, cases[i].want);
		else
			assert_null(got);
		xt_jscan_destroy(&j);
	}
}

/* Raw hostile bytes: a NUL or invalid UTF-8 inside a string is handed over in its element (the
 * parser refuses it there); a NUL between elements is broken JSON. */
static void test_raw_bytes(void **state)
{
	static const char nul_in[] = "[{\"name\":\"a\0b\"},{\"x\":1}]";
	static const char nul_out[] = "[{\"x\":1},\0{\"x\":2}]";
	static const char bad_utf8[] = "[{\"name\":\"\xff\xfe\xc0\xaf\"}]";
	struct xt_jscan *j;
	struct seen s = { 0 };
	assert_int_equal(xt_jscan_create(0, collect, &s, &j), 0);
	assert_int_equal(xt_jscan_feed(j, nul_in, sizeof(nul_in) - 1), 0);
	assert_int_equal(xt_jscan_finish(j), 0);
	assert_int_equal(s.count, 2);
	xt_jscan_destroy(&j);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xt_jscan_create(0, collect, &s, &j), 0);
	assert_int_equal(xt_jscan_feed(j, nul_out, sizeof(nul_out) - 1), -EPROTO);
	assert_int_equal(xt_jscan_finish(j), -EPROTO);
	xt_jscan_destroy(&j);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xt_jscan_create(0, collect, &s, &j), 0);
	assert_int_equal(xt_jscan_feed(j, bad_utf8, sizeof(bad_utf8) - 1), 0);
	assert_int_equal(xt_jscan_finish(j), 0);
	assert_int_equal(s.count, 1);
	xt_jscan_destroy(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elements),  cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_list), cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_raw_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
