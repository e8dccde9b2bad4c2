/* SPDX-License-Identifier: MIT */
/* The CMCD v2 serializer and the operator configuration, table-driven: the exact line a validator
 * sees (keys in alphabetical order, escaping, inner lists, unknowns omitted), the records it must
 * refuse, the JSON envelope, and operator.json's qoe section with its error messages. */
#include "qoe.h"
#include "qoe_record.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *record; /* JSON */
	const char *cmcd;   /* expected line */
} good[] = {
	/* QOE.md's example, keys given in a scrambled order */
	{ "{\"v\":2,\"ts\":1767225600000,\"sta\":\"s\",\"st\":\"l\",\"sn\":0,"
	  "\"sid\":\"3f0c9a52-8d3e-4c55-9f1e-0b7f2f6a1c01\",\"sf\":\"o\",\"org.qanat-chno\":\"101\","
	  "\"e\":\"ps\",\"cid\":\"live:1234\"}",
	  "cid=\"live:1234\",e=ps,org.qanat-chno=\"101\",sf=o,sid=\"3f0c9a52-8d3e-4c55-9f1e-0b7f2f6a1c01\","
	  "sn=0,st=l,sta=s,ts=1767225600000,v=2" },
	{ "{\"v\":2,\"e\":\"rr\",\"ot\":\"av\",\"rc\":200,\"ttfb\":84,\"url\":\"http://cdn.example/live/*/*/"
	  "1234.ts\","
	  "\"sid\":\"x\",\"sn\":1,\"ts\":5}",
	  "e=rr,ot=av,rc=200,sid=\"x\",sn=1,ts=5,ttfb=84,url=\"http://cdn.example/live/*/*/1234.ts\",v=2" },
	/* inner lists even for one value, and with several */
	{ "{\"e\":\"ps\",\"sta\":\"p\",\"bl\":[1200],\"br\":[4500],\"msd\":1168,\"v\":2}",
	  "bl=(1200),br=(4500),e=ps,msd=1168,sta=p,v=2" },
	{ "{\"e\":\"t\",\"br\":[800,2400,4500],\"v\":2}", "br=(800 2400 4500),e=t,v=2" },
	{ "{\"e\":\"e\",\"ec\":[\"tech.http.503\"],\"v\":2}", "e=e,ec=(\"tech.http.503\"),v=2" },
	{ "{\"e\":\"e\",\"ec\":[\"a\",\"b\\\"c\"],\"v\":2}", "e=e,ec=(\"a\" \"b\\\"c\"),v=2" },
	/* a true Boolean is the bare key; false and unknowns are omitted, never sent empty */
	{ "{\"e\":\"b\",\"bg\":true,\"v\":2}", "bg,e=b,v=2" },
	{ "{\"e\":\"b\",\"bg\":false,\"cid\":\"\",\"url\":null,\"br\":[],\"v\":2}", "e=b,v=2" },
	/* escaping: quotes and backslashes, controls and non-ASCII percent-encoded */
	{ "{\"e\":\"ce\",\"cen\":\"say \\\"hi\\\" \\\\ bye\",\"v\":2}",
	  "cen=\"say \\\"hi\\\" \\\\ bye\",e=ce,v=2" },
	{ "{\"e\":\"ce\",\"cen\":\"a\\nb\",\"org.qanat-name\":\"\u0642\",\"v\":2}",
	  "cen=\"a%0Ab\",e=ce,org.qanat-name=\"%D9%82\",v=2" },
	/* custom keys sort among the standard ones ("org." < "ot") */
	{ "{\"ot\":\"m\",\"org.qanat-z\":\"1\",\"mtp\":[9000],\"e\":\"rr\",\"v\":2}",
	  "e=rr,mtp=(9000),org.qanat-z=\"1\",ot=m,v=2" },
	{ "{\"e\":\"ce\",\"org.qanat-ms\":"
	  "\"1234567890123456789012345678901234567890123456789012345678901234\",\"v\":2}",
	  "e=ce,org.qanat-ms=\"1234567890123456789012345678901234567890123456789012345678901234\",v=2" },
	{ "{\"e\":\"ps\",\"sta\":\"k\",\"pt\":-5,\"v\":2}", "e=ps,pt=-5,sta=k,v=2" },
};

static void test_cmcd_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		json_error_t err;
		json_t *rec = json_loads(good[i].record, 0, &err);
		assert_non_null(rec);
		char line[1024];
		int n = qoe_record_to_cmcd(rec, line, sizeof(line));
		if (n < 0 || strcmp(line, good[i].cmcd) != 0)
			fail_msg("case %zu: got %d '%s'\nwant '%s'", i, n, line, good[i].cmcd);
		assert_int_equal(n, (int)strlen(good[i].cmcd));
		assert_null(strchr(line, '\n'));
		assert_int_equal(qoe_record_validate(rec), 0);
		json_decref(rec);
	}
}

static const char *const bad[] = {
	"{\"e\":\"ps\",\"zz\":1}",                 /* unknown key */
	"{\"e\":\"ps\",\"com.other-x\":\"1\"}",    /* someone else's prefix */
	"{\"e\":\"ps\",\"org.qanat-\":\"1\"}",     /* prefix alone */
	"{\"e\":\"ps\",\"org.qanat-chno\":101}",   /* custom values are strings, never integers */
	"{\"e\":\"ps\",\"org.qanat-Chno\":\"1\"}", /* keys are lower case */
	("{\"e\":\"ce\",\"org.qanat-ms\":"
	 "\"12345678901234567890123456789012345678901234567890123456789012345\"}"), /* 65 characters */
	"{\"e\":\"p s\"}",     /* a token cannot hold a space */
	"{\"e\":\"1ps\"}",     /* nor start with a digit */
	"{\"e\":2}",           /* nor be a number */
	"{\"bl\":1200}",       /* list keys take lists */
	"{\"bl\":[\"1200\"]}", /* of integers */
	"{\"ec\":[5]}",        /* ec is a list of strings */
	"{\"msd\":\"1168\"}",  /* integers are integers */
	"{\"sid\":5}",         /* strings are strings */
	"{\"bg\":1}",          /* Booleans are true or absent */
	"[1,2]",               /* not an object */
};

static void test_refused_records(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t err;
		json_t *rec = json_loads(bad[i], JSON_DECODE_ANY, &err);
		assert_non_null(rec);
		char line[256];
		if (qoe_record_to_cmcd(rec, line, sizeof(line)) != -EINVAL)
			fail_msg("case %zu accepted: %s", i, bad[i]);
		assert_int_equal(qoe_record_validate(rec), -EINVAL);
		assert_null(qoe_record_to_json(rec));
		json_decref(rec);
	}
}

static void test_small_buffer(void **state)
{
	(void)state;
	json_t *rec = json_pack("{s:s, s:i, s:s}", "e", "ps", "v", 2, "cid", "live:1234");
	char line[16];
	assert_int_equal(qoe_record_to_cmcd(rec, line, sizeof(line)), -ENOSPC);
	assert_true(strlen(line) < sizeof(line));
	json_decref(rec);
}

static void test_json_envelope(void **state)
{
	(void)state;
	json_t *rec = json_loads(
	    "{\"e\":\"ps\",\"sta\":\"p\",\"bl\":[1200],\"cid\":\"\",\"bg\":false,\"v\":2}", 0, NULL);
	json_t *ev = qoe_record_to_json(rec);
	assert_non_null(ev);
	/* the same keys as CMCD, lists as arrays, unknowns gone */
	char *text = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"bl\":[1200],\"e\":\"ps\",\"sta\":\"p\",\"v\":2}");
	free(text);
	json_t *events = json_array();
	json_array_append_new(events, ev);
	json_t *device = json_pack("{s:s}", "model", "test-box");
	json_t *env = qoe_envelope_new(events, device, 1767225600000LL);
	text = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(
	    text, "{\"device\":{\"model\":\"test-box\"},\"events\":[{\"bl\":[1200],\"e\":\"ps\",\"sta\":"
		  "\"p\",\"v\":2}],\"schema\":\"" QOE_ENVELOPE_SCHEMA "\",\"sent_at\":1767225600000}");
	free(text);
	json_decref(env);
	json_decref(device);
	json_decref(rec);
}

static void test_operator_config(void **state)
{
	(void)state;
	struct qoe_config c;
	char err[160] = "";
	qoe_config_defaults(&c);
	const char *ok =
	    "{\"name\":\"Example TV\",\"features\":{\"qoe\":true},\"qoe\":{\"targets\":["
	    "{\"url\":\"https://qoe.example.com/cmcd\",\"auth\":\"Bearer abc\",\"format\":\"cmcd\","
	    "\"interval_s\":30,\"batch\":20},"
	    "{\"url\":\"http://b.example/json\",\"format\":\"json\",\"interval_s\":0.5,"
	    "\"events\":[\"ps\",\"e\"]}],\"backoff_base_s\":0.1,\"max_rows\":50}}";
	assert_int_equal(qoe_config_from_json(ok, &c, err, sizeof(err)), 0);
	assert_true(c.enabled);
	assert_int_equal(c.ntargets, 2);
	assert_string_equal(c.targets[0].url, "https://qoe.example.com/cmcd");
	assert_string_equal(c.targets[0].auth, "Bearer abc");
	assert_int_equal(c.targets[0].format, QOE_FORMAT_CMCD);
	assert_int_equal(c.targets[0].interval_ms, 30000);
	assert_int_equal(c.targets[0].batch, 20);
	assert_int_equal(c.targets[0].events, QOE_EVENT_ALL);
	assert_int_equal(c.targets[1].format, QOE_FORMAT_JSON);
	assert_int_equal(c.targets[1].interval_ms, 500);
	assert_int_equal(c.targets[1].events, QOE_EVENT_PS | QOE_EVENT_E);
	assert_int_equal(c.backoff_base_ms, 100);
	assert_int_equal(c.backoff_cap_ms, 300000);
	assert_int_equal(c.max_rows, 50);
	/* events also as one comma-separated string */
	qoe_config_defaults(&c);
	assert_int_equal(
	    qoe_config_from_json("{\"qoe\":{\"targets\":[{\"url\":\"http://a/\",\"events\":\"ps, e,t\"}]}}",
				 &c, err, sizeof(err)),
	    0);
	assert_true(c.enabled);
	assert_int_equal(c.targets[0].events, QOE_EVENT_PS | QOE_EVENT_E | QOE_EVENT_T);

	/* the operator switch, and a file without a qoe section: off, cleanly */
	qoe_config_defaults(&c);
	assert_int_equal(qoe_config_from_json("{\"features\":{\"qoe\":false},\"qoe\":{\"targets\":[{\"url\":"
					      "\"http://a/\"}]}}",
					      &c, err, sizeof(err)),
			 0);
	assert_false(c.enabled);
	qoe_config_defaults(&c);
	assert_int_equal(qoe_config_from_json("{\"name\":\"x\"}", &c, err, sizeof(err)), 0);
	assert_false(c.enabled);

	static const struct {
		const char *json, *message;
	} wrong[] = {
		{ "{\"qoe\":{\"targets\":[{\"url\":\"ftp://x\"}]}}", "qoe.targets[0].url" },
		{ "{\"qoe\":{\"targets\":[{\"url\":\"http://x\",\"format\":\"xml\"}]}}",
		  "qoe.targets[0].format" },
		{ "{\"qoe\":{\"targets\":[{\"url\":\"http://x\"},{\"url\":\"http://y\",\"batch\":0}]}}",
		  "qoe.targets[1].batch" },
		{ "{\"qoe\":{\"targets\":[{\"url\":\"http://x\",\"interval_s\":-1}]}}",
		  "qoe.targets[0].interval_s" },
		{ "{\"qoe\":{\"targets\":[{\"url\":\"http://x\",\"events\":[\"zz\"]}]}}",
		  "qoe.targets[0].events" },
		{ "{\"qoe\":{\"targets\":[{\"url\":\"http://x\",\"auth\":\"a\\r\\nX: y\"}]}}",
		  "qoe.targets[0].auth" },
		{ "{\"qoe\":{\"targets\":{}}}", "qoe.targets" },
		{ "{\"features\":{\"qoe\":1}}", "features.qoe" },
		{ "{\"qoe\":", "operator.json" },
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		qoe_config_defaults(&c);
		err[0] = '\0';
		assert_int_equal(qoe_config_from_json(wrong[i].json, &c, err, sizeof(err)), -EINVAL);
		if (!strstr(err, wrong[i].message))
			fail_msg("case %zu: message '%s' does not name %s", i, err, wrong[i].message);
		assert_false(c.enabled);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmcd_lines),      cmocka_unit_test(test_refused_records),
		cmocka_unit_test(test_small_buffer),    cmocka_unit_test(test_json_envelope),
		cmocka_unit_test(test_operator_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
