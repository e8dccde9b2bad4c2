/* SPDX-License-Identifier: MIT */
/* The line-up controller over a real SQLite library filled by an M3U import: channel numbers are
 * places in the full list, CH+/CH- (ctl_lineup_neighbour) never land on a channel the parental lock
 * hides, a zap to a locked channel is refused with -EACCES until the right PIN, recall goes back to
 * the channel before, the lock switched off by the operator hides nothing, and the viewer's changes
 * (a new PIN, a category locked) count at once, before the store writer committed them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ctl_lineup.h"
#include "ctl_parental.h"
#include "library.h"
#include "store_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Numbers 1..5: 102 and 103 are in an adult-looking group, locked by default. */
static const char playlist[] = "#EXTM3U\n"
			       "#EXTINF:-1 group-title=\"News\",News One\n"
			       "http://panel.example/live/u/p/101.ts\n"
			       "#EXTINF:-1 group-title=\"Adult XXX\",Night One\n"
			       "http://panel.example/live/u/p/102.ts\n"
			       "#EXTINF:-1 group-title=\"Adult XXX\",Night Two\n"
			       "http://panel.example/live/u/p/103.ts\n"
			       "#EXTINF:-1 group-title=\"News\",News Two\n"
			       "http://panel.example/live/u/p/104.ts\n"
			       "#EXTINF:-1 group-title=\"Sport\",Sport One\n"
			       "http://panel.example/live/u/p/105.ts\n";

struct fixture {
	char dir[256], db[300], m3u[300];
	struct store *store;
	struct library *lib;
	struct ctl_parental *parental;
	struct ctl_lineup *lineup;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/qanat-lineup-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/qanat.db", f->dir);
	snprintf(f->m3u, sizeof(f->m3u), "%s/list.m3u", f->dir);
	FILE *fp = fopen(f->m3u, "w");
	if (!fp || fwrite(playlist, 1, sizeof(playlist) - 1, fp) != sizeof(playlist) - 1)
		return -1;
	fclose(fp);
	struct library_sync_report r;
	if (store_open(f->db, &f->store) < 0 || library_open(f->store, &f->lib) < 0 ||
	    library_import_m3u(f->lib, f->m3u, &r) < 0)
		return -1;
	if (ctl_parental_create(f->lib, true, &f->parental) < 0 ||
	    ctl_lineup_create(f->lib, f->parental, &f->lineup) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ctl_lineup_free(&f->lineup);
	ctl_lineup_free(&f->lineup); /* a second free is harmless */
	ctl_parental_free(&f->parental);
	library_close(&f->lib);
	store_close(&f->store);
	char path[400];
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, suffix[i]);
		unlink(path);
	}
	unlink(f->m3u);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int probe_category(void *ud, const struct library_item *it)
{
	*(int64_t *)ud = it->category_id;
	return 0;
}

static void test_numbers(void **state)
{
	struct fixture *f = *state;
	static const struct {
		int64_t id, number;
	} cases[] = { { 101, 1 }, { 102, 2 }, { 103, 3 }, { 104, 4 }, { 105, 5 }, { 999, 0 } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ctl_lineup_number(f->lineup, cases[i].id), cases[i].number);
		if (cases[i].number)
			assert_int_equal(ctl_lineup_by_number(f->lineup, cases[i].number), cases[i].id);
	}
	assert_int_equal(ctl_lineup_by_number(f->lineup, 0), 0);
	assert_int_equal(ctl_lineup_by_number(f->lineup, 6), 0);
	assert_int_equal(ctl_lineup_by_number(f->lineup, -1), 0);
}

static void test_neighbour_skips_locked(void **state)
{
	struct fixture *f = *state;
	static const struct {
		int64_t from;
		int delta;
		int64_t want;
	} locked[] = {
		{ 101, 1, 104 },                   /* over 102 and 103 */
		{ 104, -1, 101 },                  /* back over them */
		{ 105, 1, 101 },                   /* wraps round */
		{ 101, -1, 105 }, { 101, 2, 105 }, /* two allowed steps */
		{ 102, 1, 104 },                   /* from a locked channel too */
		{ 999, 1, 101 },                   /* not in the list: from its start */
		{ 999, -1, 105 },                  /* or its end */
	};
	for (size_t i = 0; i < sizeof(locked) / sizeof(locked[0]); i++)
		if (ctl_lineup_neighbour(f->lineup, locked[i].from, locked[i].delta) != locked[i].want)
			fail_msg("neighbour(%lld, %d): want %lld, got %lld", (long long)locked[i].from,
				 locked[i].delta, (long long)locked[i].want,
				 (long long)ctl_lineup_neighbour(f->lineup, locked[i].from, locked[i].delta));
	/* a zap list of its own (the guide's, search's) is followed, still skipping */
	const int64_t list[] = { 105, 103, 101 };
	ctl_lineup_set_zap_list(f->lineup, list, 3);
	assert_int_equal(ctl_lineup_neighbour(f->lineup, 105, 1), 101);
	assert_int_equal(ctl_lineup_neighbour(f->lineup, 101, 1), 105);
	const int64_t only_locked[] = { 102, 103 };
	ctl_lineup_set_zap_list(f->lineup, only_locked, 2);
	assert_int_equal(ctl_lineup_neighbour(f->lineup, 102, 1), 0); /* nowhere to go */
	ctl_lineup_set_zap_list(f->lineup, NULL, 0);
	const int64_t *ids;
	assert_int_equal(ctl_lineup_zap_list(f->lineup, &ids), 5);
	assert_int_equal(ids[0], 101);

	/* unlocked: the locked channels are ordinary neighbours */
	assert_int_equal(library_pin_set(f->lib, NULL, "1234"), 0);
	assert_int_equal(ctl_parental_unlock(f->parental, "1234"), 0);
	assert_int_equal(ctl_lineup_neighbour(f->lineup, 101, 1), 102);
	ctl_parental_lock(f->parental);
	assert_int_equal(ctl_lineup_neighbour(f->lineup, 101, 1), 104);
}

static void test_zap_and_pin(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ctl_lineup_zap(f->lineup, 102, CTL_ZAP_NUMBER), -EACCES);
	assert_int_equal(ctl_lineup_current(f->lineup), 0); /* a refused zap changes nothing */
	assert_false(ctl_parental_pin_set(f->parental));
	assert_int_equal(ctl_parental_unlock(f->parental, "1234"), -ENOENT);
	assert_int_equal(library_pin_set(f->lib, NULL, "1234"), 0);
	assert_true(ctl_parental_pin_set(f->parental));
	assert_int_equal(ctl_parental_unlock(f->parental, "0000"), -EACCES);
	assert_false(ctl_parental_unlocked(f->parental));
	assert_int_equal(ctl_lineup_zap(f->lineup, 102, CTL_ZAP_SEARCH), -EACCES);
	unsigned gen = ctl_parental_generation(f->parental);
	assert_int_equal(ctl_parental_unlock(f->parental, "1234"), 0);
	assert_true(ctl_parental_unlocked(f->parental));
	assert_true(ctl_parental_generation(f->parental) != gen);
	assert_int_equal(ctl_lineup_zap(f->lineup, 102, CTL_ZAP_SEARCH), 0);
	assert_int_equal(ctl_lineup_current(f->lineup), 102);
	assert_int_equal(ctl_lineup_zap(f->lineup, 999, CTL_ZAP_NUMBER), -ENOENT);
	assert_int_equal(ctl_lineup_zap(f->lineup, 0, CTL_ZAP_NUMBER), -EINVAL);
}

static void test_recall(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ctl_lineup_recall(f->lineup), 0);
	assert_int_equal(ctl_lineup_zap(f->lineup, 101, CTL_ZAP_LIST), 0);
	assert_int_equal(ctl_lineup_zap(f->lineup, 104, CTL_ZAP_CHUPDOWN), 0);
	assert_int_equal(ctl_lineup_recall(f->lineup), 101);
	assert_int_equal(ctl_lineup_zap(f->lineup, 104, CTL_ZAP_LIST), 0); /* the same again: no change */
	assert_int_equal(ctl_lineup_recall(f->lineup), 101);
	assert_int_equal(ctl_lineup_zap(f->lineup, 103, CTL_ZAP_LIST), -EACCES);
	assert_int_equal(ctl_lineup_recall(f->lineup), 101);
	assert_int_equal(ctl_lineup_current(f->lineup), 104);

	/* recall onto a channel locked again since: the gate holds it */
	assert_int_equal(library_pin_set(f->lib, NULL, "1234"), 0);
	assert_int_equal(ctl_parental_unlock(f->parental, "1234"), 0);
	assert_int_equal(ctl_lineup_zap(f->lineup, 103, CTL_ZAP_LIST), 0);
	assert_int_equal(ctl_lineup_zap(f->lineup, 105, CTL_ZAP_LIST), 0);
	ctl_parental_lock(f->parental);
	assert_int_equal(ctl_lineup_recall(f->lineup), 103);
	assert_int_equal(ctl_lineup_zap(f->lineup, ctl_lineup_recall(f->lineup), CTL_ZAP_RECALL), -EACCES);
}

struct cat_find {
	int64_t locked_id, open_id;
};

static int find_cats(void *ud, const struct library_category *c)
{
	struct cat_find *cf = ud;
	if (c->locked)
		cf->locked_id = c->id;
	else
		cf->open_id = c->id;
	return 0;
}

static void test_categories_and_kinds(void **state)
{
	struct fixture *f = *state;
	struct cat_find cf = { -1, -1 };
	library_categories(f->lib, LIBRARY_LIVE, find_cats, &cf);
	assert_true(cf.locked_id >= 0 && cf.open_id >= 0);
	assert_true(ctl_parental_category_hidden(f->parental, LIBRARY_LIVE, cf.locked_id));
	assert_false(ctl_parental_category_hidden(f->parental, LIBRARY_LIVE, cf.open_id));
	assert_int_equal(ctl_parental_check(f->parental, LIBRARY_LIVE, 102), -EACCES);
	assert_int_equal(ctl_parental_check(f->parental, LIBRARY_LIVE, 101), 0);
	assert_int_equal(ctl_parental_check(f->parental, LIBRARY_VOD, 102), 0); /* unknown: allowed */
	/* a category the viewer unlocks for good in Settings is open at the next check */
	assert_int_equal(library_pin_set(f->lib, NULL, "1234"), 0);
	assert_int_equal(library_category_set_locked(f->lib, LIBRARY_LIVE, cf.locked_id, false, "1234"), 0);
	ctl_parental_reload(f->parental);
	assert_int_equal(ctl_lineup_zap(f->lineup, 102, CTL_ZAP_LIST), 0);
}

static void test_lock_switched_off(void **state)
{
	struct fixture *f = *state;
	struct ctl_parental *off;
	struct ctl_lineup *l;
	assert_int_equal(ctl_parental_create(f->lib, false, &off), 0);
	assert_int_equal(ctl_lineup_create(f->lib, off, &l), 0);
	assert_true(ctl_parental_unlocked(off));
	assert_int_equal(ctl_lineup_neighbour(l, 101, 1), 102);
	assert_int_equal(ctl_lineup_zap(l, 103, CTL_ZAP_NUMBER), 0);
	ctl_lineup_free(&l);
	ctl_parental_free(&off);
	assert_null(l);
	assert_null(off);
}

static void test_changes_through_the_writer(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w;
	struct store_writer_opts o = { .backoff_min_ms = 1 };
	assert_int_equal(store_writer_create(f->db, &o, &w), 0);
	/* the first PIN, then a change that needs the old one: in force before any commit */
	assert_int_equal(ctl_parental_pin_change(f->parental, w, NULL, "12"), -EINVAL);
	assert_false(ctl_parental_pin_set(f->parental));
	assert_int_equal(ctl_parental_pin_change(f->parental, w, NULL, "1234"), 0);
	assert_true(ctl_parental_pin_set(f->parental));
	assert_int_equal(ctl_parental_pin_check(f->parental, "1234"), 0);
	assert_int_equal(ctl_parental_pin_change(f->parental, w, "0000", "5678"), -EACCES);
	assert_int_equal(ctl_parental_pin_change(f->parental, w, "1234", "5678"), 0);
	assert_int_equal(ctl_parental_unlock(f->parental, "1234"), -EACCES);
	assert_int_equal(ctl_parental_unlock(f->parental, "5678"), 0);
	ctl_parental_lock(f->parental);
	/* the sports category locked: hidden at once, its channel held */
	int64_t sport = -1;
	assert_true(library_item(f->lib, LIBRARY_LIVE, 105, probe_category, &sport) >= 0);
	assert_true(sport >= 0);
	assert_int_equal(ctl_parental_check(f->parental, LIBRARY_LIVE, 105), 0);
	assert_int_equal(ctl_parental_category_set_locked(f->parental, w, LIBRARY_LIVE, sport, true, "0000"),
			 -EACCES);
	assert_int_equal(ctl_parental_category_set_locked(f->parental, w, LIBRARY_LIVE, sport, true, "5678"),
			 0);
	assert_true(ctl_parental_category_hidden(f->parental, LIBRARY_LIVE, sport));
	assert_int_equal(ctl_parental_check(f->parental, LIBRARY_LIVE, 105), -EACCES);
	/* committed: the library agrees (what a restart reads) */
	assert_int_equal(store_writer_flush(w, 5000), 0);
	assert_int_equal(library_pin_check(f->lib, "5678"), 0);
	assert_int_equal(library_category_locked(f->lib, LIBRARY_LIVE, sport), 1);
	store_writer_destroy(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbour_skips_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zap_and_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_categories_and_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_switched_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_through_the_writer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
