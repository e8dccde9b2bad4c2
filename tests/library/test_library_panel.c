/* SPDX-License-Identifier: MIT */
/* Library sync against the real local panel into real SQLite files: both flavours, duplicates
 * merged with every category kept, search (Arabic, accents, prefixes, parental lock), favourites and
 * resume points across re-syncs, a failing list that keeps the previous catalogue, an inactive line,
 * and a sync killed with SIGKILL half-way through a 100k-item list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "library.h"
#include "plat_clock.h"
#include "test_panel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct env {
	struct test_panel panel;
	char dir[256], db[300];
	struct store *store;
	struct library *lib;
	struct xt_client *client;
};

static void env_open_db(struct env *e)
{
	assert_int_equal(store_open(e->db, &e->store), 0);
	assert_int_equal(library_open(e->store, &e->lib), 0);
}

static void env_close_db(struct env *e)
{
	library_close(&e->lib);
	store_close(&e->store);
}

static void env_client(struct env *e, const char *user, const char *pass)
{
	xt_client_destroy(&e->client);
	const char *urls[] = { e->panel.base };
	struct xt_config cfg = { .urls = urls, .url_count = 1, .username = user, .password = pass };
	assert_int_equal(xt_client_create(&cfg, &e->client), 0);
}

/* static so the teardown can stop the panel and remove the files even after a failed assertion */
static struct env the_env;

static struct env *env_start(const char *flavor, const char *user, const char *pass)
{
	struct env *e = &the_env;
	memset(e, 0, sizeof(*e));
	int rc = test_panel_start(&e->panel, flavor, NULL, NULL);
	if (rc < 0)
		fail_msg("the local panel did not start: %d", rc);
	const char *tmp = getenv("TMPDIR");
	snprintf(e->dir, sizeof(e->dir), "%s/qanat-libp-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->db, sizeof(e->db), "%s/qanat.db", e->dir);
	env_open_db(e);
	env_client(e, user, pass);
	return e;
}

static void env_stop(struct env *e)
{
	if (!e->dir[0])
		return;
	xt_client_destroy(&e->client);
	env_close_db(e);
	test_panel_stop(&e->panel);
	char path[400];
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", e->db, suffix[i]);
		unlink(path);
	}
	rmdir(e->dir);
	e->dir[0] = '\0';
}

static int teardown(void **state)
{
	env_stop(&the_env);
	return 0;
}

struct items {
	int count;
	int64_t first_id;
	char first_name[128];
	bool any_locked;
};

static int collect(void *ud, const struct library_item *it)
{
	struct items *s = ud;
	if (s->count++ == 0) {
		s->first_id = it->id;
		snprintf(s->first_name, sizeof(s->first_name), "%s", it->name ? it->name : "");
	}
	s->any_locked |= it->locked;
	return 0;
}

static int search(struct env *e, const char *q, unsigned kinds, bool locked, struct items *s)
{
	memset(s, 0, sizeof(*s));
	int rc = library_search(e->lib, q, kinds, locked, 500, collect, s);
	assert_true(rc >= 0);
	return rc;
}

static size_t count(struct env *e, enum library_kind k, int64_t category)
{
	size_t n = 0;
	assert_int_equal(library_count(e->lib, k, category, &n), 0);
	return n;
}

static void check_catalogue(struct env *e)
{
	assert_int_equal(count(e, LIBRARY_LIVE, -1), 320);
	assert_int_equal(count(e, LIBRARY_VOD, -1), 60);
	assert_int_equal(count(e, LIBRARY_SERIES, -1), 12);
}

static void test_sync_xui(void **state)
{
	struct env *e = env_start("xui", "demo", "demo");
	struct library_sync_report r;
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), 0);
	assert_int_equal(r.lists[LIBRARY_LIVE].categories, 20);
	assert_int_equal(r.lists[LIBRARY_VOD].categories, 6);
	assert_int_equal(r.lists[LIBRARY_SERIES].categories, 3);
	check_catalogue(e);
	/* channel 1 is listed in categories 1 and 8 by XUI: one row, in both categories */
	struct items s = { 0 };
	assert_int_equal(library_items(e->lib, LIBRARY_LIVE, 8, 0, 0, collect, &s),
			 (int)count(e, LIBRARY_LIVE, 8));
	assert_int_equal(s.first_id, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(library_items(e->lib, LIBRARY_LIVE, 1, 0, 1, collect, &s), 1);
	assert_int_equal(s.first_id, 1);
	/* a window of the full list, in panel order */
	memset(&s, 0, sizeof(s));
	assert_int_equal(library_items(e->lib, LIBRARY_LIVE, -1, 10, 5, collect, &s), 5);
	assert_int_equal(s.first_id, 11);

	/* search */
	assert_true(search(e, "news", LIBRARY_ALL_LISTS, false, &s) >= 10);
	assert_true(search(e, "الاخبار", LIBRARY_KIND_BIT(LIBRARY_LIVE), false, &s) >= 10); /* أ unmarked */
	assert_non_null(strstr(s.first_name, "الأخبار"));
	assert_true(search(e, "tele", LIBRARY_ALL_LISTS, false, &s) >= 1); /* Télé */
	assert_true(search(e, "فيلم", LIBRARY_KIND_BIT(LIBRARY_VOD), false, &s) >= 1);
	assert_int_equal(search(e, "oasis", LIBRARY_KIND_BIT(LIBRARY_SERIES), false, &s), 1);
	assert_int_equal(s.first_id, 1);
	/* parental lock: "Adult XXX" locked by default, its channels out of the search */
	assert_int_equal(search(e, "xxx night", LIBRARY_ALL_LISTS, false, &s), 0);
	assert_true(search(e, "xxx night", LIBRARY_ALL_LISTS, true, &s) > 0);
	assert_true(s.any_locked);
	assert_int_equal(library_category_locked(e->lib, LIBRARY_LIVE, 11), 1);
	assert_int_equal(library_category_locked(e->lib, LIBRARY_VOD, 104), 1);
	assert_int_equal(library_category_locked(e->lib, LIBRARY_LIVE, 1), 0);

	/* viewer state survives a re-sync */
	assert_int_equal(library_favourite_set(e->lib, LIBRARY_LIVE, "7", true), 0);
	assert_int_equal(library_favourite_set(e->lib, LIBRARY_VOD, "1002", true), 0);
	assert_int_equal(library_resume_set(e->lib, LIBRARY_VOD, "1002", 42000, 600000), 0);
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), 0);
	check_catalogue(e);
	memset(&s, 0, sizeof(s));
	assert_int_equal(library_favourites(e->lib, LIBRARY_LIVE, collect, &s), 1);
	assert_int_equal(s.first_id, 7);
	assert_int_equal(library_favourite_is(e->lib, LIBRARY_VOD, "1002"), 1);
	int64_t pos, dur;
	assert_int_equal(library_resume_get(e->lib, LIBRARY_VOD, "1002", &pos, &dur), 0);
	assert_int_equal(pos, 42000);
	env_stop(e);
}

static void test_sync_xc2_and_failures(void **state)
{
	struct env *e = env_start("xc2", "demo", "demo");
	struct library_sync_report r;
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), 0);
	check_catalogue(e);
	struct items s;
	assert_int_equal(library_item(e->lib, LIBRARY_LIVE, 15, collect, memset(&s, 0, sizeof(s))), 0);
	assert_string_equal(s.first_name, ""); /* null name kept as no name, the channel still there */

	/* a truncated live list: live keeps its previous catalogue, the other lists still sync */
	assert_int_equal(
	    test_panel_control(&e->panel, "POST", "/_control/scenario", "{\"name\":\"truncated\"}"), 200);
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), -EPROTO);
	assert_int_equal(r.lists[LIBRARY_LIVE].err, -EPROTO);
	assert_int_equal(r.lists[LIBRARY_VOD].err, 0);
	check_catalogue(e);
	assert_true(search(e, "news", LIBRARY_KIND_BIT(LIBRARY_LIVE), false, &s) >= 10);
	assert_int_equal(test_panel_control(&e->panel, "DELETE", "/_control/faults", NULL), 200);

	/* an expired line gets the account object: nothing is replaced */
	env_client(e, "expired", "expired");
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), -EKEYREJECTED);
	check_catalogue(e);
	env_stop(e);
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : 0;
}

/* the child: a VOD sync of the slow 100k list, killed by the parent before it ends */
static void sync_child(struct env *e)
{
	struct store *s = NULL;
	struct library *l = NULL;
	if (store_open(e->db, &s) < 0 || library_open(s, &l) < 0)
		_exit(3);
	const char *urls[] = { e->panel.base };
	struct xt_config cfg = { .urls = urls, .url_count = 1, .username = "demo", .password = "demo" };
	struct xt_client *c = NULL;
	if (xt_client_create(&cfg, &c) < 0)
		_exit(3);
	int rc = library_sync(l, c, LIBRARY_KIND_BIT(LIBRARY_VOD), NULL);
	_exit(rc == 0 ? 0 : 4);
}

static void test_kill_during_sync(void **state)
{
	struct env *e = env_start("xui", "demo", "demo");
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, NULL), 0);
	check_catalogue(e);
	assert_int_equal(library_favourite_set(e->lib, LIBRARY_VOD, "1003", true), 0);
	env_close_db(e);

	/* 100k movies at 2 MB/s, downloaded into memory and then written in one transaction: the sync
	 * dies inside that transaction */
	assert_int_equal(
	    test_panel_control(
		&e->panel, "POST", "/_control/faults",
		"[{\"match\":\"action=get_vod_streams\",\"kind\":\"trickle\",\"rate\":2000000},"
		"{\"match\":\"action=get_vod_streams\",\"kind\":\"huge_vod\",\"items\":100000}]"),
	    201);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", e->db);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		sync_child(e);
	/* wait until the uncommitted transaction has spilled well into the WAL */
	uint64_t t0 = plat_clock_mono_ms();
	int status = 0;
	bool exited = false;
	while (file_size(wal) < 2 * 1024 * 1024 && plat_clock_mono_ms() - t0 < 90000) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			break;
		}
		plat_clock_sleep_ms(50);
	}
	if (exited)
		fail_msg("the sync ended (status %d) before it could be killed", status);
	assert_true(file_size(wal) >= 2 * 1024 * 1024);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* the previous catalogue, whole and searchable, with the viewer's favourite */
	env_open_db(e);
	check_catalogue(e);
	struct items s;
	assert_true(search(e, "desert", LIBRARY_KIND_BIT(LIBRARY_VOD), false, &s) >= 1);
	assert_true(s.first_id < 100000);
	assert_int_equal(library_favourite_is(e->lib, LIBRARY_VOD, "1003"), 1);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(e->store), "PRAGMA integrity_check", -1, &st, NULL), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	env_stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sync_xui, teardown),
		cmocka_unit_test_teardown(test_sync_xc2_and_failures, teardown),
		cmocka_unit_test_teardown(test_kill_during_sync, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
