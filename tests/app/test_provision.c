/* SPDX-License-Identifier: MIT */
/* operator.json as an OEM writes it: the documented sample loads, every bad value is refused with a
 * message naming the key, a missing file means a plain Xtream client with a manual login. */
#include "app_provision.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static void test_sample_from_operator_md(void **state)
{
	struct app_provision p;
	char err[200];
	assert_int_equal(app_provision_load(SAMPLE_OPERATOR_JSON, &p, err, sizeof(err)), 0);
	assert_true(p.present);
	assert_string_equal(p.name, "Example TV");
	assert_int_equal(p.panel_count, 2);
	assert_string_equal(p.panels[1], "http://tv2.example.com:8080");
	assert_true(p.primary.r == 0x0B && p.primary.g == 0x6E && p.primary.b == 0x4F && p.primary.a == 0xFF);
	assert_true(p.accent.r == 0xF2 && p.accent.g == 0xC1 && p.accent.b == 0x4E);
	assert_string_equal(p.default_language, "ar");
	assert_int_equal(p.reminder_count, 4);
	assert_int_equal(p.reminder_days[2], 1);
	assert_string_equal(p.renewal_page, "https://pay.example.com/renew?u={username}");
	assert_int_equal(p.epg_days_forward, 3);
	assert_true(p.features.renewal && p.features.support && p.features.qoe);
}

static void test_missing_file_is_manual_login(void **state)
{
	struct app_provision p;
	char err[200];
	assert_int_equal(app_provision_load("/nonexistent/operator.json", &p, err, sizeof(err)), 0);
	assert_false(p.present);
	assert_int_equal(p.panel_count, 0);
	assert_string_equal(err, "");
}

static void test_parts_missing_switch_features_off(void **state)
{
	struct app_provision p;
	char err[200];
	static const char json[] = "{\"panels\":[\"http://127.0.0.1:8765\"],\"unknown_future_key\":1}";
	assert_int_equal(app_provision_parse(json, sizeof(json) - 1, &p, err, sizeof(err)), 0);
	assert_false(p.features.renewal);
	assert_false(p.features.support);
	assert_false(p.features.qoe);
	assert_true(p.features.parental_lock);
	assert_string_equal(p.live_format, "ts");
}

struct bad_case {
	const char *json;
	const char *message;
};

static void test_bad_values_name_the_key(void **state)
{
	static const struct bad_case cases[] = {
		{ "{\"panels\":[\"http://a\",\"ftp://b\"]}", "operator.json: panels[1]: not an http(s) URL" },
		{ "{\"brand\":{\"primary\":\"green\"}}",
		  "operator.json: brand.primary: must be a colour like \"#0B6E4F\"" },
		{ "{\"live_format\":\"rtmp\"}", "operator.json: live_format: \"ts\" or \"m3u8\"" },
		{ "{\"qoe\":[1]}", "operator.json: qoe: must be an object" },
		{ "{\"reminder_days\":[7,-1]}",
		  "operator.json: reminder_days[1]: must be a whole number of days from 0 to 366" },
		{ "{\"features\":{\"qoe\":\"yes\"}}", "operator.json: features.qoe: must be true or false" },
		{ "[1,2]", "operator.json: must be a JSON object" },
		{ "{\"name\":\"a\",\"name\":\"b\"}", NULL },
		{ "{\"panels\":[\"http://a\"", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct app_provision p;
		char err[200];
		assert_int_equal(
		    app_provision_parse(cases[i].json, strlen(cases[i].json), &p, err, sizeof(err)), -EINVAL);
		assert_false(p.present);
		assert_int_equal(p.panel_count, 0);
		if (cases[i].message)
			assert_string_equal(err, cases[i].message);
		else
			assert_non_null(strstr(err, "operator.json: not valid JSON"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_from_operator_md),
		cmocka_unit_test(test_missing_file_is_manual_login),
		cmocka_unit_test(test_parts_missing_switch_features_off),
		cmocka_unit_test(test_bad_values_name_the_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
