/* SPDX-License-Identifier: MIT */
/* The sync against the local panel never holds the write lock while bytes arrive, and a list that
 * cannot be trusted is never written:
 * - while the live list drips (the panel's "drip" fault: 200, the head of a list, then 4 bytes a
 *   second forever), a second connection to the same file can BEGIN IMMEDIATE and commit at once,
 *   and a viewer's favourite written then survives;
 * - the sync, cancelled through its token from another thread, returns -ECANCELED at once and the
 *   previous catalogue is there, count for count;
 * - a list cut short, answered with HTML, over a cap, or cancelled before it starts writes nothing
 *   at all, not even its categories (checked on a database that never synced);
 * - a playlist that drips is cancelled the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "library.h"
#include "plat_cancel.h"
#include "plat_clock.h"
#include "test_panel.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct test_panel panel;
static char dir[256];
static int db_serial;

static int setup(void **state)
{
	if (test_panel_start(&panel, "xui", NULL, NULL) < 0)
		return -1;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/qanat-libc-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static void remove_db(const char *db)
{
	char path[400];
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", db, suffix[i]);
		unlink(path);
	}
}

static int teardown(void **state)
{
	test_panel_stop(&panel);
	rmdir(dir);
	return 0;
}

static int clear_faults(void **state)
{
	test_panel_control(&panel, "DELETE", "/_control/faults", NULL);
	return 0;
}

static void new_db(char *db, size_t cap)
{
	snprintf(db, cap, "%s/qanat-%d.db", dir, db_serial++);
	remove_db(db);
}

static struct xt_client *client(void)
{
	const char *urls[] = { panel.base };
	struct xt_config cfg = { .urls = urls, .url_count = 1, .username = "demo", .password = "demo" };
	struct xt_client *c = NULL;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	return c;
}

static void fault(const char *json)
{
	assert_int_equal(test_panel_control(&panel, "POST", "/_control/faults", json), 201);
}

/* What a viewer sees of the catalogue: items and categories of every kind. */
struct counts {
	size_t items[3], categories[3];
};

static int count_category(void *ud, const struct library_category *c)
{
	(*(size_t *)ud)++;
	return 0;
}

static struct counts count_all(struct library *l)
{
	struct counts n = { 0 };
	for (int k = LIBRARY_LIVE; k <= LIBRARY_SERIES; k++) {
		assert_int_equal(library_count(l, (enum library_kind)k, -1, &n.items[k]), 0);
		assert_true(library_categories(l, (enum library_kind)k, count_category, &n.categories[k]) >=
			    0);
	}
	return n;
}

static void assert_counts_equal(const struct counts *a, const struct counts *b, const char *what)
{
	for (int k = 0; k < 3; k++)
		if (a->items[k] != b->items[k] || a->categories[k] != b->categories[k])
			fail_msg("%s: list %d has %zu items / %zu categories, expected %zu / %zu", what, k,
				 b->items[k], b->categories[k], a->items[k], a->categories[k]);
}

/* A sync on a worker thread with its own connection, as the box runs it. */
struct bg_sync {
	const char *db;
	struct plat_cancel *token;
	int rc;
	struct library_sync_report report;
	_Atomic bool returned;
	uint64_t returned_us;
};

static void *bg_sync_run(void *arg)
{
	struct bg_sync *b = arg;
	struct store *s = NULL;
	struct library *l = NULL;
	struct xt_client *c = NULL;
	const char *urls[] = { panel.base };
	struct xt_config cfg = { .urls = urls, .url_count = 1, .username = "demo", .password = "demo" };
	b->rc = store_open(b->db, &s);
	if (b->rc == 0)
		b->rc = library_open(s, &l);
	if (b->rc == 0)
		b->rc = xt_client_create(&cfg, &c);
	struct library_sync_opts o = { .cancel = b->token };
	if (b->rc == 0)
		b->rc = library_sync_ex(l, c, LIBRARY_ALL_LISTS, &o, &b->report);
	b->returned_us = plat_clock_mono_us();
	atomic_store(&b->returned, true);
	xt_client_destroy(&c);
	library_close(&l);
	store_close(&s);
	return NULL;
}

/* BEGIN IMMEDIATE, a viewer's row, COMMIT on conn; returns the milliseconds it took. */
static double write_now(struct store *conn, int i)
{
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "BEGIN IMMEDIATE; INSERT OR REPLACE INTO lib_favourite(kind, item, added_at)"
		 " VALUES(1, 'during-%d', %d); COMMIT",
		 i, i);
	uint64_t t0 = plat_clock_mono_us();
	int rc = store_exec(conn, sql);
	double ms = (double)(plat_clock_mono_us() - t0) / 1000.0;
	if (rc != 0)
		fail_msg(
		    "write %d on the second connection failed (%d) after %.0f ms: the sync holds the lock", i,
		    rc, ms);
	return ms;
}

static void test_no_write_lock_while_the_list_drips(void **state)
{
	char db[300];
	new_db(db, sizeof(db));
	struct store *s = NULL;
	struct library *l = NULL;
	assert_int_equal(store_open(db, &s), 0);
	assert_int_equal(library_open(s, &l), 0);
	struct xt_client *c = client();
	assert_int_equal(library_sync(l, c, LIBRARY_ALL_LISTS, NULL), 0);
	xt_client_destroy(&c);
	struct counts before = count_all(l);
	assert_int_equal(before.items[LIBRARY_LIVE], 320);

	fault("{\"match\":\"action=get_live_streams\",\"kind\":\"drip\",\"rate\":4}");
	static struct bg_sync b; /* static: a broken cancel leaves the thread running */
	memset(&b, 0, sizeof(b));
	b.db = db;
	assert_int_equal(plat_cancel_create(&b.token), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, bg_sync_run, &b), 0);
	plat_clock_sleep_ms(800); /* live categories in, the live list dripping */

	/* (c) the second connection writes at once, again and again, all through the download */
	double worst = 0;
	for (int i = 0; i < 8; i++) {
		assert_false(atomic_load(&b.returned));
		double ms = write_now(s, i);
		worst = ms > worst ? ms : worst;
		plat_clock_sleep_ms(150);
	}
	assert_int_equal(library_favourite_set(l, LIBRARY_LIVE, "7", true), 0);
	assert_false(atomic_load(&b.returned)); /* still downloading */
	printf("BEGIN IMMEDIATE + COMMIT on a second connection during the download: worst %.2f ms\n", worst);
	assert_true(worst < 500);

	/* (d) cancelled: at once, and nothing of the list written */
	uint64_t fired = plat_clock_mono_us();
	plat_cancel_fire(b.token);
	while (!atomic_load(&b.returned) && plat_clock_mono_us() - fired < 10000000)
		plat_clock_sleep_ms(1);
	if (!atomic_load(&b.returned))
		fail_msg("the sync was still running 10 s after the fire");
	pthread_join(th, NULL);
	double ms = (double)(b.returned_us - fired) / 1000.0;
	printf("library_sync_ex returned %d %.2f ms after the fire\n", b.rc, ms);
	assert_int_equal(b.rc, -ECANCELED);
	assert_int_equal(b.report.lists[LIBRARY_LIVE].err, -ECANCELED);
	assert_true(ms < 500);
	struct counts after = count_all(l);
	assert_counts_equal(&before, &after, "after the cancelled sync");
	assert_int_equal(library_favourite_is(l, LIBRARY_LIVE, "7"), 1);
	assert_int_equal(library_favourite_is(l, LIBRARY_VOD, "during-7"), 1);
	plat_cancel_free(&b.token);
	library_close(&l);
	store_close(&s);
	remove_db(db);
}

/* One untrustworthy list per row, on a database that never synced: that list's kind must stay empty
 * (no categories either), the others sync unless the failure stops the whole sync. */
struct untrusted_case {
	const char *name;
	const char *fault; /* JSON for /_control/faults, or NULL */
	size_t max_items, max_bytes;
	bool fire_first;
	int rc;
	bool others_synced;
};

static const struct untrusted_case untrusted[] = {
	{ "live list cut short",
	  "{\"match\":\"action=get_live_streams\",\"kind\":\"truncate\",\"bytes\":3000}", 0, 0, false,
	  -EPROTO, true },
	{ "live list answered with HTML", "{\"match\":\"action=get_live_streams\",\"kind\":\"html\"}", 0, 0,
	  false, -EBADMSG, true },
	{ "over the item cap", NULL, 100, 0, false, -EFBIG, true }, /* 320 live, 60 vod, 12 series */
	{ "over the byte cap", NULL, 0, 16384, false, -EFBIG, false },
	{ "cancelled before it starts", NULL, 0, 0, true, -ECANCELED, false },
};

static void test_untrusted_list_writes_nothing(void **state)
{
	for (size_t k = 0; k < sizeof(untrusted) / sizeof(untrusted[0]); k++) {
		const struct untrusted_case *tc = &untrusted[k];
		char db[300];
		new_db(db, sizeof(db));
		struct store *s = NULL;
		struct library *l = NULL;
		assert_int_equal(store_open(db, &s), 0);
		assert_int_equal(library_open(s, &l), 0);
		if (tc->fault)
			fault(tc->fault);
		struct plat_cancel *token = NULL;
		assert_int_equal(plat_cancel_create(&token), 0);
		if (tc->fire_first)
			plat_cancel_fire(token);
		struct library_sync_opts o = { .cancel = token,
					       .max_list_items = tc->max_items,
					       .max_list_bytes = tc->max_bytes };
		struct xt_client *c = client();
		struct library_sync_report r;
		int rc = library_sync_ex(l, c, LIBRARY_ALL_LISTS, &o, &r);
		if (rc != tc->rc)
			fail_msg("%s: returned %d, expected %d", tc->name, rc, tc->rc);
		struct counts n = count_all(l);
		if (n.items[LIBRARY_LIVE] != 0 || n.categories[LIBRARY_LIVE] != 0)
			fail_msg("%s: %zu live items and %zu categories written", tc->name,
				 n.items[LIBRARY_LIVE], n.categories[LIBRARY_LIVE]);
		if (tc->others_synced)
			assert_true(n.items[LIBRARY_VOD] == 60 && n.items[LIBRARY_SERIES] == 12);
		else /* the byte cap and the cancel refuse every list */
			assert_true(n.items[LIBRARY_VOD] == 0 && n.categories[LIBRARY_VOD] == 0);
		xt_client_destroy(&c);
		plat_cancel_free(&token);
		library_close(&l);
		store_close(&s);
		remove_db(db);
		test_panel_control(&panel, "DELETE", "/_control/faults", NULL);
	}
}

/* A playlist URL that drips: cancelled at once, the previous channels kept. */
struct bg_m3u {
	struct library *l;
	struct plat_cancel *token;
	int rc;
	_Atomic bool returned;
	uint64_t returned_us;
};

static void *bg_m3u_run(void *arg)
{
	struct bg_m3u *b = arg;
	char url[256];
	snprintf(url, sizeof(url), "%s/get.php?username=demo&password=demo&type=m3u_plus&output=ts",
		 panel.base);
	struct library_sync_opts o = { .cancel = b->token };
	b->rc = library_import_m3u_ex(b->l, url, &o, NULL);
	b->returned_us = plat_clock_mono_us();
	atomic_store(&b->returned, true);
	return NULL;
}

static void test_playlist_cancelled(void **state)
{
	char db[300];
	new_db(db, sizeof(db));
	struct store *s = NULL, *s2 = NULL;
	struct library *l = NULL, *l2 = NULL;
	assert_int_equal(store_open(db, &s), 0);
	assert_int_equal(library_open(s, &l), 0);
	char url[256];
	snprintf(url, sizeof(url), "%s/get.php?username=demo&password=demo&type=m3u_plus&output=ts",
		 panel.base);
	assert_int_equal(library_import_m3u(l, url, NULL), 0);
	struct counts before = count_all(l);
	assert_true(before.items[LIBRARY_LIVE] > 0);

	fault("{\"glob\":\"/get.php\",\"kind\":\"drip\",\"rate\":4}");
	assert_int_equal(store_open(db, &s2), 0);
	assert_int_equal(library_open(s2, &l2), 0);
	static struct bg_m3u b;
	memset(&b, 0, sizeof(b));
	b.l = l2;
	assert_int_equal(plat_cancel_create(&b.token), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, bg_m3u_run, &b), 0);
	plat_clock_sleep_ms(700);
	assert_false(atomic_load(&b.returned));
	double ms = write_now(s, 100);
	uint64_t fired = plat_clock_mono_us();
	plat_cancel_fire(b.token);
	while (!atomic_load(&b.returned) && plat_clock_mono_us() - fired < 10000000)
		plat_clock_sleep_ms(1);
	if (!atomic_load(&b.returned))
		fail_msg("the import was still running 10 s after the fire");
	pthread_join(th, NULL);
	printf("playlist: a write during the download took %.2f ms; cancelled %.2f ms after the fire\n", ms,
	       (double)(b.returned_us - fired) / 1000.0);
	assert_int_equal(b.rc, -ECANCELED);
	assert_true(b.returned_us - fired < 500000);
	struct counts after = count_all(l);
	assert_counts_equal(&before, &after, "after the cancelled playlist");
	plat_cancel_free(&b.token);
	library_close(&l2);
	store_close(&s2);
	library_close(&l);
	store_close(&s);
	remove_db(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_write_lock_while_the_list_drips, clear_faults),
		cmocka_unit_test_teardown(test_untrusted_list_writes_nothing, clear_faults),
		cmocka_unit_test_teardown(test_playlist_cancelled, clear_faults),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
