/* SPDX-License-Identifier: MIT */
/* The real local panel: xmltv.php plain (XC2 writes it on one line) and gzipped, downloaded over
 * HTTP and parsed as it arrives; the panel runs in a zone other than the box's, and the guide must
 * agree to the second with the panel's own get_short_epg timestamps (and its titles, Arabic when the
 * panel's listing is Arabic). Bad credentials fail and keep the guide. */
#include "epg.h"
#include "store.h"
#include "test_panel.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct test_panel panel;
static char dir[64], db_path[128];

static int setup(void **state)
{
	static const char *const args[] = { "--tz", "America/New_York", NULL };
	if (test_panel_start(&panel, "xc2", NULL, args) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/qanat-epgp-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/box.db", dir);
	return 0;
}

static int teardown(void **state)
{
	test_panel_stop(&panel);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

struct body {
	char *data;
	size_t len;
};

static size_t collect(char *p, size_t size, size_t n, void *user)
{
	struct body *b = user;
	char *grown = realloc(b->data, b->len + size * n + 1);
	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, p, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

static struct body get(const char *path)
{
	char url[512];
	snprintf(url, sizeof(url), "%s%s", panel.base, path);
	struct body b = { 0 };
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Qanat-test");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	assert_non_null(b.data);
	return b;
}

static void test_panel_xmltv(void **state)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	/* the library's view of the first channels (stream 8's id arrives padded and upper-case) */
	struct epg_map_row rows[10];
	char ids[10][32];
	for (int i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), i + 1 == 8 ? "  CH8.Qanat " : "ch%d.qanat", i + 1);
		rows[i] = (struct epg_map_row){ i + 1, ids[i], NULL };
	}
	assert_int_equal(epg_map_channels(s, rows, 10, NULL), 0);

	char url[256];
	snprintf(url, sizeof(url), "%s/xmltv.php?username=demo&password=demo", panel.base);
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	o.zone = "America/New_York";
	struct epg_import_stats plain, gz;
	assert_int_equal(epg_import(s, url, &o, &plain), 0);
	printf("xmltv.php: %lld programmes, %lld channels, %llu bytes, %.2f s, swap transaction %.2f ms\n",
	       (long long)plain.programmes, (long long)plain.channels, (unsigned long long)plain.bytes_in,
	       plain.seconds, plain.swap_seconds * 1000);
	assert_true(plain.swap_seconds > 0);
	assert_false(plain.gzip);
	assert_true(plain.programmes > 1000);
	assert_true(plain.channels > 10);
	assert_int_equal(plain.rejected, 0);

	int64_t now = (int64_t)time(NULL);
	for (int sid = 1; sid <= 10; sid++) {
		char path[256];
		snprintf(
		    path, sizeof(path),
		    "/player_api.php?username=demo&password=demo&action=get_short_epg&stream_id=%d&limit=2",
		    sid);
		struct body b = get(path);
		json_t *root = json_loads(b.data, 0, NULL);
		json_t *list = json_object_get(root, "epg_listings");
		assert_true(json_is_array(list));
		struct epg_now_next nn;
		const char *lang = NULL;
		if (json_array_size(list) > 0)
			lang = json_string_value(json_object_get(json_array_get(list, 0), "lang"));
		assert_int_equal(epg_now_next(s, &sid, 1, now, lang, &nn), 0);
		if (json_array_size(list) == 0) {
			assert_false(nn.has_now); /* the panel has no guide for it, nor have we */
		} else {
			json_t *first = json_array_get(list, 0);
			long long start =
			    strtoll(json_string_value(json_object_get(first, "start_timestamp")), NULL, 10);
			long long stop =
			    strtoll(json_string_value(json_object_get(first, "stop_timestamp")), NULL, 10);
			char title[EPG_TITLE_MAX];
			epg_text_from_base64(json_string_value(json_object_get(first, "title")), title,
					     sizeof(title));
			assert_true(nn.has_now);
			assert_int_equal(nn.now.start, start);
			assert_int_equal(nn.now.stop, stop);
			assert_string_equal(nn.now.title, title);
			/* the short EPG of the same programmes adds nothing: same instants, same channel */
			size_t added = 99;
			assert_int_equal(epg_short_import(s, sid, b.data, b.len, NULL, &added), 0);
			assert_int_equal(added, 0);
		}
		json_decref(root);
		free(b.data);
	}

	snprintf(url, sizeof(url), "%s/xmltv.php?username=demo&password=demo&gzip=1", panel.base);
	assert_int_equal(epg_import(s, url, &o, &gz), 0);
	assert_true(gz.gzip);
	assert_true(gz.bytes_in < gz.bytes_xml / 3);
	assert_int_equal(gz.programmes, plain.programmes);

	snprintf(url, sizeof(url), "%s/xmltv.php?username=demo&password=wrong", panel.base);
	assert_int_equal(epg_import(s, url, &o, NULL), EPG_E_HTTP);
	int sid = 1;
	struct epg_now_next nn;
	assert_int_equal(epg_now_next(s, &sid, 1, now, NULL, &nn), 0);
	assert_true(nn.has_now);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/xmltv.php", test_free_port());
	assert_int_equal(epg_import(s, url, &o, NULL), -ECONNREFUSED);
	store_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panel_xmltv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
