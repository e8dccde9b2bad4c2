/* SPDX-License-Identifier: MIT */
/* The local panel's hostile guides, downloaded through the box's HTTP layer as the box does: a stale
 * xmltv.php (every programme 30 days back) is refused and the guide in force stays; invalid UTF-8 in
 * every fifth title costs those characters only; a gzip bomb (without Content-Encoding, like
 * xmltv.php?gzip=1, and with it) ends at the guide cap in bounded time and memory; a certificate the
 * box does not trust is said so. The panel's certificate is made at test time in the build tree. */
#include "epg.h"
#include "plat_http.h"
#include "store.h"
#include "test_panel.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static struct test_panel panel;
static char dir[512], db_path[600], url[256], tls_url[256];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "%s/epg-hostile-XXXXXX", QANAT_TEST_TMP);
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/box.db", dir);
	char cmd[2048], cert[600], key[600], tls_port[16];
	snprintf(cert, sizeof(cert), "%s/panel.pem", dir);
	snprintf(key, sizeof(key), "%s/panel.key", dir);
	/* self-signed: a certificate no store the box trusts has signed */
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=127.0.0.1' "
		 "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' >/dev/null 2>&1",
		 key, cert);
	if (system(cmd) != 0)
		return -1;
	int port = test_free_port();
	if (port < 0)
		return -1;
	snprintf(tls_port, sizeof(tls_port), "%d", port);
	const char *const args[] = { "--tls-port", tls_port, "--tls-cert", cert, "--tls-key", key, NULL };
	if (test_panel_start(&panel, "xui", NULL, args) < 0)
		return -1;
	snprintf(url, sizeof(url), "%s/xmltv.php?username=demo&password=demo", panel.base);
	snprintf(tls_url, sizeof(tls_url), "https://127.0.0.1:%d/xmltv.php?username=demo&password=demo",
		 port);
	return 0;
}

static int teardown(void **state)
{
	test_panel_stop(&panel);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void fault(const char *json)
{
	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/faults", NULL), 200);
	if (json)
		assert_int_equal(test_panel_control(&panel, "POST", "/_control/faults", json), 201);
}

static int64_t scalar(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The panel's own guide, clean, in force; its titles kept aside (by programme id) to compare. */
static struct store *with_panel_guide(int64_t *count)
{
	fault(NULL);
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, url, NULL, &st), 0);
	assert_true(st.programmes > 1000);
	assert_int_equal(store_exec(s, "DROP TABLE IF EXISTS clean; CREATE TABLE clean AS "
				       "SELECT id, title FROM epg_programme"),
			 0);
	*count = st.programmes;
	return s;
}

/* The guide in force is the clean one, row for row. */
static void assert_clean_guide(struct store *s, int64_t count)
{
	assert_int_equal(scalar(s, "SELECT count(*) FROM epg_programme"), count);
	assert_int_equal(scalar(s, "SELECT count(*) FROM epg_programme p JOIN clean c ON c.id = p.id "
				   "AND c.title = p.title"),
			 count);
}

static void test_stale_panel_guide_is_refused(void **state)
{
	int64_t count = 0;
	struct store *s = with_panel_guide(&count);
	fault("{\"glob\":\"/xmltv.php\",\"kind\":\"xmltv_shift\",\"days\":-30}");
	struct epg_import_stats st;
	int rc = epg_import(s, url, NULL, &st);
	printf("a guide shifted 30 days back: %s (%lld outside the window)\n", epg_strerror(rc),
	       (long long)st.out_of_window);
	assert_int_equal(rc, EPG_E_STALE);
	assert_true(st.out_of_window > 1000);
	assert_clean_guide(s, count);
	store_close(&s);
}

static void test_bad_bytes_cost_those_characters(void **state)
{
	int64_t count = 0;
	struct store *s = with_panel_guide(&count);
	fault("{\"glob\":\"/xmltv.php\",\"kind\":\"xmltv_bad_bytes\"}");
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, url, NULL, &st), 0);
	assert_int_equal(st.programmes, count);
	int64_t changed = scalar(s, "SELECT count(*) FROM epg_programme p JOIN clean c ON c.id = p.id "
				    "AND c.title <> p.title");
	int64_t repaired = scalar(s, "SELECT count(*) FROM epg_programme p JOIN clean c ON c.id = p.id "
				     "AND c.title <> p.title AND instr(p.title, char(65533)) > 0");
	printf("bad bytes: %lld programmes, %lld titles changed, all with U+FFFD: %lld; %llu replaced\n",
	       (long long)count, (long long)changed, (long long)repaired, (unsigned long long)st.repaired);
	assert_true(changed > 0);
	assert_int_equal(repaired, changed); /* the only change is the replacement character */
	assert_true(changed < count / 2);    /* every fifth English title, not the others */
	assert_true(st.repaired >= (uint64_t)changed);
	store_close(&s);
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void bomb(struct store *s, int64_t count, bool header)
{
	uint64_t cap = plat_http_policy_for(PLAT_HTTP_GUIDE)->max_decoded;
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"glob\":\"/xmltv.php\",\"kind\":\"gzip_bomb\",\"header\":%s,\"size\":%llu,"
		 "\"prefix\":\"<?xml version='1.0'?><tv><channel id='b'/>\"}",
		 header ? "true" : "false", (unsigned long long)(cap + (32u << 20)));
	fault(json);
	long rss0 = peak_rss_kib();
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct epg_import_stats st;
	int rc = epg_import(s, url, NULL, &st);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	long grew = (peak_rss_kib() - rss0) / 1024;
	printf("gzip bomb %s Content-Encoding: %d %s after %.1f s, %llu bytes in, %llu MiB of XML, "
	       "peak RSS +%ld MiB\n",
	       header ? "with" : "without", rc, epg_strerror(rc), secs, (unsigned long long)st.bytes_in,
	       (unsigned long long)(st.bytes_xml >> 20), grew);
	/* the reader's cap is the layer's decoded cap: whichever of the two counts the byte past it
	 * first refuses the guide as too large */
	if (header)
		assert_true(rc == EPG_E_LARGE || rc == PLAT_HTTP_EBOMB);
	else
		assert_int_equal(rc, EPG_E_LARGE);
	assert_true(st.bytes_xml <= cap);
	assert_true(secs < 120); /* bounded */
	assert_true(grew < 128); /* streamed, never held */
	assert_clean_guide(s, count);
}

static void test_gzip_bombs_end_at_the_cap(void **state)
{
	int64_t count = 0;
	struct store *s = with_panel_guide(&count);
	bomb(s, count, false);
	bomb(s, count, true);
	store_close(&s);
}

static void test_untrusted_certificate_is_said_so(void **state)
{
	int64_t count = 0;
	struct store *s = with_panel_guide(&count);
	int rc = epg_import(s, tls_url, NULL, NULL);
	printf("self-signed guide server: %s\n", epg_strerror(rc));
	assert_int_equal(rc, PLAT_HTTP_EUNTRUSTED);
	assert_string_equal(epg_strerror(rc), "the guide server's certificate is not trusted");
	assert_clean_guide(s, count);
	store_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_panel_guide_is_refused),
		cmocka_unit_test(test_bad_bytes_cost_those_characters),
		cmocka_unit_test(test_gzip_bombs_end_at_the_cap),
		cmocka_unit_test(test_untrusted_certificate_is_said_so),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
