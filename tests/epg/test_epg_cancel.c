/* SPDX-License-Identifier: MIT */
/* A guide import against the local panel's "drip" fault: xmltv.php answers 200 with a real XMLTV
 * head (a channel and 20 programmes, parsed and inserted into an open staging batch), then 4 bytes a
 * second of a title that never ends. While it drips:
 * - a second connection to the database writes at once (BEGIN IMMEDIATE ... COMMIT, and a shift
 *   setting through the API), because the open batch locks only the staging file, which a check
 *   confirms is locked;
 * - the import is cancelled from another thread (its token, the old abort flag, epg_refresh_cancel)
 *   and returns -ECANCELED within a few milliseconds (asserted < 500 ms, printed);
 * - the guide in force before is still there, programme for programme, with the write made
 *   meanwhile. */
#include "epg.h"
#include "plat_cancel.h"
#include "plat_clock.h"
#include "store.h"
#include "test_panel.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct test_panel panel;
static char dir[64], db_path[128], stage_path[160], url[256];

static int setup(void **state)
{
	if (test_panel_start(&panel, "xui", NULL, NULL) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/qanat-epgc-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/box.db", dir);
	snprintf(stage_path, sizeof(stage_path), "%s-epg-stage", db_path);
	snprintf(url, sizeof(url), "%s/xmltv.php?username=demo&password=demo", panel.base);
	return 0;
}

static int teardown(void **state)
{
	test_panel_stop(&panel);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static int64_t programmes(struct store *s)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM epg_programme", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The drip's head: a well-formed start of a guide (single-quoted attributes: no JSON escaping). */
static void add_drip(void)
{
	char body[3400];
	size_t n = (size_t)snprintf(body, sizeof(body),
				    "<?xml version='1.0' encoding='UTF-8'?>\\n<tv>\\n<channel id='d1'>"
				    "<display-name>Drip One</display-name></channel>\\n");
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(
		    body + n, sizeof(body) - n,
		    "<programme start='20261122%02d%02d00 +0000' stop='20261122%02d%02d00 +0000' "
		    "channel='d1'><title>P%d</title></programme>\\n",
		    10 + i / 2, i % 2 * 30, 10 + i / 2, i % 2 * 30 + 25, i);
	snprintf(
	    body + n, sizeof(body) - n,
	    "<programme start='20261123000000 +0000' stop='20261123003000 +0000' channel='d1'><title>Drip ");
	char json[3800];
	snprintf(json, sizeof(json), "{\"glob\":\"/xmltv.php\",\"kind\":\"drip\",\"rate\":4,\"body\":\"%s\"}",
		 body);
	assert_int_equal(test_panel_control(&panel, "POST", "/_control/faults", json), 201);
}

enum how { VIA_TOKEN, VIA_FLAG, VIA_REFRESH };

struct bg_import {
	enum how how;
	struct plat_cancel *token;
	atomic_bool flag;
	int rc;
	_Atomic bool returned;
	uint64_t returned_us;
	struct epg_refresh *refresh;
};

static void import_opts(struct epg_import_opts *o)
{
	epg_import_opts_init(o);
	o->days_back = o->days_forward = -1;
}

static void *bg_import_run(void *arg)
{
	struct bg_import *b = arg;
	struct store *s = NULL;
	struct epg_import_opts o;
	import_opts(&o);
	if (b->how == VIA_TOKEN)
		o.cancel = b->token;
	else
		o.abort = &b->flag;
	b->rc = store_open(db_path, &s);
	if (b->rc == 0)
		b->rc = epg_import(s, url, &o, NULL);
	store_close(&s);
	b->returned_us = plat_clock_mono_us();
	atomic_store(&b->returned, true);
	return NULL;
}

/* True when another connection holds the write lock of the file (no waiting). */
static bool write_locked(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 0);
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_BUSY;
}

/* A write on the main database from the viewer's side; returns the milliseconds it took. */
static double write_now(struct store *s, int i)
{
	char sql[160];
	snprintf(
	    sql, sizeof(sql),
	    "BEGIN IMMEDIATE; INSERT OR REPLACE INTO epg_shift(key, seconds) VALUES('probe', %d); COMMIT", i);
	uint64_t t0 = plat_clock_mono_us();
	int rc = store_exec(s, sql);
	double ms = (double)(plat_clock_mono_us() - t0) / 1000.0;
	if (rc != 0)
		fail_msg("write %d failed (%d) after %.0f ms: the import holds the main write lock", i, rc,
			 ms);
	return ms;
}

struct cancel_case {
	const char *name;
	enum how how;
};

static const struct cancel_case cases[] = {
	{ "opts.cancel token", VIA_TOKEN },
	{ "opts.abort flag", VIA_FLAG },
	{ "epg_refresh_cancel", VIA_REFRESH },
};

static void start(struct bg_import *b, pthread_t *th)
{
	if (b->how == VIA_REFRESH) {
		struct epg_import_opts o;
		import_opts(&o);
		assert_int_equal(epg_refresh_start(db_path, url, &o, &b->refresh), 0);
	} else {
		assert_int_equal(pthread_create(th, NULL, bg_import_run, b), 0);
	}
}

static bool finished(struct bg_import *b)
{
	return b->how == VIA_REFRESH ? epg_refresh_finished(b->refresh) : atomic_load(&b->returned);
}

/* Fires the case's cancel; returns the milliseconds until the import returned. */
static double cancel_and_wait(struct bg_import *b, pthread_t th, const char *name)
{
	uint64_t fired = plat_clock_mono_us();
	if (b->how == VIA_TOKEN)
		plat_cancel_fire(b->token);
	else if (b->how == VIA_FLAG)
		atomic_store(&b->flag, true);
	else
		epg_refresh_cancel(b->refresh);
	while (!finished(b) && plat_clock_mono_us() - fired < 10000000)
		plat_clock_sleep_ms(1);
	if (!finished(b))
		fail_msg("%s: still importing 10 s after the cancel", name);
	uint64_t returned = plat_clock_mono_us();
	if (b->how == VIA_REFRESH) {
		b->rc = epg_refresh_join(&b->refresh, NULL);
	} else {
		pthread_join(th, NULL);
		returned = b->returned_us;
	}
	return (double)(returned - fired) / 1000.0;
}

static void test_cancel_while_the_guide_drips(void **state)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	struct epg_import_opts o;
	import_opts(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, url, &o, &st), 0); /* the guide in force */
	int64_t before = programmes(s);
	assert_true(before > 1000);
	printf("the panel's guide: %lld programmes, swap transaction %.2f ms\n", (long long)st.programmes,
	       st.swap_seconds * 1000);
	add_drip();
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct cancel_case *tc = &cases[k];
		static struct bg_import b; /* static: a broken cancel leaves the thread running */
		memset(&b, 0, sizeof(b));
		b.how = tc->how;
		assert_int_equal(plat_cancel_create(&b.token), 0);
		pthread_t th = 0;
		start(&b, &th);
		plat_clock_sleep_ms(900); /* the head parsed into an open staging batch, the title dripping */
		assert_false(finished(&b));
		assert_true(write_locked(stage_path)); /* a batch is open on the staging file ... */
		double worst = 0;
		for (int i = 0; i < 5; i++) { /* ... and the main database takes writes at once */
			double ms = write_now(s, i);
			worst = ms > worst ? ms : worst;
			plat_clock_sleep_ms(100);
		}
		assert_int_equal(epg_shift_set(s, "ch1.qanat", 300), 0);
		assert_false(finished(&b));
		double ms = cancel_and_wait(&b, th, tc->name);
		printf("%s: writes during the download worst %.2f ms; returned %d %.2f ms after the cancel\n",
		       tc->name, worst, b.rc, ms);
		assert_true(worst < 500);
		assert_int_equal(b.rc, -ECANCELED);
		if (ms >= 500)
			fail_msg("%s: the cancel took %.0f ms", tc->name, ms);
		assert_int_equal(programmes(s), before); /* the old guide, whole */
		int shift = 0;
		assert_int_equal(epg_shift_get(s, "ch1.qanat", &shift), 0);
		assert_int_equal(shift, 300);
		plat_cancel_free(&b.token);
	}
	store_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_while_the_guide_drips),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
