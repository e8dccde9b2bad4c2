/* SPDX-License-Identifier: MIT */
/* The library on real SQLite files, without a panel: search folding (Latin accents, Arabic harakat
 * and alef forms), adult-name detection, the M3U parser fed in every chunking, an M3U import that
 * fills the catalogue, favourites/resume/history/locks that survive a re-import, the PIN, and a
 * failed import that leaves the previous catalogue untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "library.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	char dir[256];
	char db[300];
	struct store *store;
	struct library *lib;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/qanat-lib-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/qanat.db", f->dir);
	if (store_open(f->db, &f->store) < 0 || library_open(f->store, &f->lib) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	library_close(&f->lib);
	store_close(&f->store);
	char path[400];
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, suffix[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/list.m3u", f->dir);
	unlink(path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_fold(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "News 24/7", "news 24/7" },
		{ "مُحَمَّد", "محمد" },             /* harakat */
		{ "الأخبار", "الاخبار" },       /* alef with hamza */
		{ "إذاعة آمنة", "اذاعه امنه" }, /* hamza below, madda, teh marbuta */
		{ "مصطفى", "مصطفي" },           /* alef maksura */
		{ "قنـــاة", "قناه" },          /* tatweel */
		{ "Télé", "télé" },             /* Latin accents are left to FTS5 */
		{ "Fun 🎬", "fun 🎬" },
		{ "", "" },
	};
	char out[128];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(library_text_fold(cases[i].in, out, sizeof(out)) >= 0);
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("fold(%s) = %s, want %s", cases[i].in, out, cases[i].out);
	}
	char tiny[4];
	assert_int_equal(library_text_fold("abcdef", tiny, sizeof(tiny)), -ENOSPC);
}

static void test_adult_names(void **state)
{
	static const struct {
		const char *name;
		bool adult;
	} cases[] = {
		{ "Adult XXX", true },    { "XXX Night", true },
		{ "For Adults", true },   { "Porn", true },
		{ "+18 Channels", true }, { "Movies 18+", true },
		{ "قنوات للكبار", true }, { "Sex & the City", true },
		{ "Sussex TV", false },   { "Essex News", false },
		{ "Kids", false },        { "Adultery Drama", false },
		{ "Documentary", false }, { NULL, false },
		{ "Music XXL", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (library_name_is_adult(cases[i].name) != cases[i].adult)
			fail_msg("'%s' adult: want %d", cases[i].name ? cases[i].name : "(null)",
				 cases[i].adult);
}

static const char playlist[] =
    "\xef\xbb\xbf#EXTM3U url-tvg=\"http://x/epg.xml\"\r\n"
    "#EXTINF:-1 tvg-id=\"news.qa\" tvg-name=\"News HD\" tvg-logo=\"http://x/n.png\" group-title=\"News, "
    "World\""
    " catchup=\"xc\" catchup-days=\"7\",Qanat News, Live\r\n"
    "http://panel.example/live/u/p/101.ts\r\n"
    "#EXTINF:-1 tvg-ID=\"ar.qa\" group-title=\"عربي\" timeshift=\"3\",الأخبار العربية\r\n"
    "#EXTVLCOPT:http-user-agent=Foo\r\n"
    "http://panel.example/u/p/102\r\n"
    "#EXTINF:-1 tvg-shift=\"-2.5\" group-title=\"Adult XXX\",Night Show\n"
    "http://other.example/night.m3u8\n"
    "#EXTINF:0,Bare Entry\n"
    "#EXTGRP:Misc\n"
    "rtsp://cam.example/stream\n"
    "\n"
    "http://panel.example/live/u/p/101.ts\n"; /* the same stream again, no EXTINF */

struct m3u_seen {
	int count;
	char names[8][64];
	char groups[8][64];
	int days[8];
	double shift[8];
	char catchup[8][8];
	char tvg_id[8][16];
};

static int on_entry(void *ud, const struct library_m3u_entry *e)
{
	struct m3u_seen *s = ud;
	int i = s->count++;
	if (i >= 8)
		return 0;
	snprintf(s->names[i], sizeof(s->names[i]), "%s", e->name ? e->name : "-");
	snprintf(s->groups[i], sizeof(s->groups[i]), "%s", e->group ? e->group : "-");
	snprintf(s->catchup[i], sizeof(s->catchup[i]), "%s", e->catchup ? e->catchup : "-");
	snprintf(s->tvg_id[i], sizeof(s->tvg_id[i]), "%s", e->tvg_id ? e->tvg_id : "-");
	s->days[i] = e->catchup_days;
	s->shift[i] = e->tvg_shift;
	return 0;
}

static void test_m3u_parser(void **state)
{
	size_t len = strlen(playlist);
	for (size_t chunk = 1; chunk <= len; chunk = chunk < 8 ? chunk + 1 : chunk * 3) {
		struct library_m3u *p;
		struct m3u_seen s = { 0 };
		assert_int_equal(library_m3u_create(on_entry, &s, &p), 0);
		for (size_t off = 0; off < len; off += chunk)
			assert_int_equal(
			    library_m3u_feed(p, playlist + off, off + chunk > len ? len - off : chunk), 0);
		assert_int_equal(library_m3u_finish(p), 5);
		library_m3u_destroy(&p);
		assert_null(p);
		assert_string_equal(s.names[0], "Qanat News, Live");
		assert_string_equal(s.groups[0], "News, World");
		assert_string_equal(s.catchup[0], "xc");
		assert_int_equal(s.days[0], 7);
		assert_string_equal(s.tvg_id[0], "news.qa");
		assert_string_equal(s.names[1], "الأخبار العربية");
		assert_string_equal(s.tvg_id[1], "ar.qa"); /* tvg-ID */
		assert_int_equal(s.days[1], 3);            /* timeshift="3" */
		assert_true(s.shift[2] == -2.5);
		assert_string_equal(s.names[3], "Bare Entry");
		assert_string_equal(s.groups[3], "Misc");
		assert_string_equal(s.names[4], "-");
	}
	struct library_m3u *p;
	struct m3u_seen s = { 0 };
	assert_int_equal(library_m3u_create(on_entry, &s, &p), 0);
	const char html[] = "<html><body>404</body></html>\n";
	assert_int_equal(library_m3u_feed(p, html, sizeof(html) - 1), 0);
	assert_int_equal(library_m3u_finish(p), -EBADMSG);
	library_m3u_destroy(&p);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

struct items {
	int count;
	int64_t ids[64];
	char names[64][64];
	bool locked[64];
	const char *url_of_first;
	char url0[128];
};

static int collect(void *ud, const struct library_item *it)
{
	struct items *s = ud;
	if (s->count < 64) {
		s->ids[s->count] = it->id;
		snprintf(s->names[s->count], sizeof(s->names[0]), "%s", it->name ? it->name : "");
		s->locked[s->count] = it->locked;
		if (s->count == 0 && it->url)
			snprintf(s->url0, sizeof(s->url0), "%s", it->url);
	}
	s->count++;
	return 0;
}

static int search(struct library *lib, const char *q, bool locked, struct items *s)
{
	memset(s, 0, sizeof(*s));
	return library_search(lib, q, LIBRARY_ALL_LISTS, locked, 0, collect, s);
}

static void test_m3u_import(void **state)
{
	struct fixture *f = *state;
	char path[400];
	snprintf(path, sizeof(path), "%s/list.m3u", f->dir);
	write_file(path, playlist);
	struct library_sync_report r;
	assert_int_equal(library_import_m3u(f->lib, path, &r), 0);
	assert_int_equal(r.lists[LIBRARY_LIVE].items, 4); /* 101 twice: one channel */
	assert_int_equal(r.lists[LIBRARY_LIVE].categories, 4);
	size_t n;
	assert_int_equal(library_count(f->lib, LIBRARY_LIVE, -1, &n), 0);
	assert_int_equal(n, 4);

	struct items s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(library_items(f->lib, LIBRARY_LIVE, -1, 0, 0, collect, &s), 4);
	assert_int_equal(s.ids[0], 101); /* the panel's stream id from the URL */
	assert_int_equal(s.ids[1], 102);
	assert_string_equal(s.url0, "http://panel.example/live/u/p/101.ts");
	assert_true(s.locked[2]); /* group "Adult XXX" */

	/* search: Arabic without hamza finds the hamza form; accents; prefixes; locked hidden */
	assert_int_equal(search(f->lib, "الاخبار", false, &s), 1);
	assert_int_equal(s.ids[0], 102);
	assert_int_equal(search(f->lib, "qan new", false, &s), 1);
	assert_int_equal(search(f->lib, "night", false, &s), 0);
	assert_int_equal(search(f->lib, "night", true, &s), 1);
	assert_int_equal(search(f->lib, "  \"*", false, &s), 0); /* no words: nothing, no FTS syntax error */
	assert_int_equal(search(f->lib, "news\" OR \"x", false, &s),
			 0); /* quotes are words, not FTS syntax */

	/* viewer state, then a re-import: it all survives */
	assert_int_equal(library_favourite_set(f->lib, LIBRARY_LIVE, "102", true), 0);
	assert_int_equal(library_favourite_set(f->lib, LIBRARY_LIVE, "102", true), 0); /* idempotent */
	assert_int_equal(library_resume_set(f->lib, LIBRARY_VOD, "1001", 60000, 5400000), 0);
	assert_int_equal(library_history_add(f->lib, LIBRARY_LIVE, "101", 1000), 0);
	assert_int_equal(library_history_add(f->lib, LIBRARY_LIVE, "102", 2000), 0);
	assert_int_equal(library_import_m3u(f->lib, path, &r), 0);
	assert_int_equal(library_favourite_is(f->lib, LIBRARY_LIVE, "102"), 1);
	assert_int_equal(library_favourite_is(f->lib, LIBRARY_LIVE, "101"), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(library_favourites(f->lib, LIBRARY_LIVE, collect, &s), 1);
	assert_string_equal(s.names[0], "الأخبار العربية");
	int64_t pos, dur;
	assert_int_equal(library_resume_get(f->lib, LIBRARY_VOD, "1001", &pos, &dur), 0);
	assert_int_equal(pos, 60000);
	/* watched to the end: the resume point goes */
	assert_int_equal(library_resume_set(f->lib, LIBRARY_VOD, "1001", 5390000, 5400000), 0);
	assert_int_equal(library_resume_get(f->lib, LIBRARY_VOD, "1001", &pos, &dur), -ENOENT);
	assert_int_equal(library_favourite_set(f->lib, LIBRARY_LIVE, "102", false), 0);
	assert_int_equal(library_favourite_is(f->lib, LIBRARY_LIVE, "102"), 0);

	/* a failed import (not a playlist) keeps the previous catalogue */
	write_file(path, "<html>502 Bad Gateway</html>\n");
	assert_int_equal(library_import_m3u(f->lib, path, &r), -EBADMSG);
	assert_int_equal(library_count(f->lib, LIBRARY_LIVE, -1, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(search(f->lib, "الاخبار", false, &s), 1);
	snprintf(path, sizeof(path), "%s/missing.m3u", f->dir);
	assert_int_equal(library_import_m3u(f->lib, path, &r), -ENOENT);
	assert_int_equal(library_count(f->lib, LIBRARY_LIVE, -1, &n), 0);
	assert_int_equal(n, 4);
}

static int history_cb(void *ud, const char *id, int64_t when)
{
	char *order = ud;
	size_t len = strlen(order);
	snprintf(order + len, 64 - len, "%s;", id);
	return 0;
}

static void test_history(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(library_history_add(f->lib, LIBRARY_EPISODE, "935666", 100), 0);
	assert_int_equal(library_history_add(f->lib, LIBRARY_EPISODE, "935667", 200), 0);
	assert_int_equal(library_history_add(f->lib, LIBRARY_EPISODE, "935666", 300), 0);
	char order[64] = "";
	assert_int_equal(library_history(f->lib, LIBRARY_EPISODE, 10, history_cb, order), 2);
	assert_string_equal(order, "935666;935667;");
	assert_int_equal(library_history_add(f->lib, LIBRARY_EPISODE, "", 1), -EINVAL);
}

struct cat_seen {
	int count;
	int64_t locked_id;
	int locked;
};

static int on_category(void *ud, const struct library_category *c)
{
	struct cat_seen *s = ud;
	s->count++;
	if (c->locked) {
		s->locked++;
		s->locked_id = c->id;
	}
	return 0;
}

static void test_parental(void **state)
{
	struct fixture *f = *state;
	char path[400];
	snprintf(path, sizeof(path), "%s/list.m3u", f->dir);
	write_file(path, playlist);
	assert_int_equal(library_import_m3u(f->lib, path, NULL), 0);
	struct cat_seen c = { 0 };
	assert_int_equal(library_categories(f->lib, LIBRARY_LIVE, on_category, &c), 4);
	assert_int_equal(c.locked, 1);
	int64_t adult = c.locked_id;
	assert_int_equal(library_category_locked(f->lib, LIBRARY_LIVE, adult), 1);

	/* no PIN yet: unlocking is refused (a PIN must be set first), locking is allowed */
	assert_int_equal(library_pin_check(f->lib, "1234"), -ENOENT);
	assert_int_equal(library_category_set_locked(f->lib, LIBRARY_LIVE, adult, false, NULL), -ENOENT);
	assert_int_equal(library_pin_set(f->lib, NULL, "12"), -EINVAL);
	assert_int_equal(library_pin_set(f->lib, NULL, "1234"), 0);
	assert_int_equal(library_pin_check(f->lib, "1234"), 0);
	assert_int_equal(library_pin_check(f->lib, "4321"), -EACCES);
	assert_int_equal(library_pin_check(f->lib, ""), -EACCES);
	/* the PIN is stored salted and hashed, never as text */
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(store_db(f->store), "SELECT value FROM lib_setting", -1, &st, NULL), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *stored = (const char *)sqlite3_column_text(st, 0);
	assert_null(strstr(stored, "1234"));
	assert_int_equal(strncmp(stored, "pbkdf2-sha256:20000:", 20), 0);
	assert_int_equal(strlen(stored), 20 + 32 + 1 + 64);
	sqlite3_finalize(st);
	/* changing it needs the old one */
	assert_int_equal(library_pin_set(f->lib, "0000", "5678"), -EACCES);
	assert_int_equal(library_pin_set(f->lib, "1234", "5678"), 0);
	assert_int_equal(library_pin_check(f->lib, "5678"), 0);

	assert_int_equal(library_category_set_locked(f->lib, LIBRARY_LIVE, adult, false, "1234"), -EACCES);
	assert_int_equal(library_category_set_locked(f->lib, LIBRARY_LIVE, adult, false, "5678"), 0);
	assert_int_equal(library_category_locked(f->lib, LIBRARY_LIVE, adult), 0);
	struct items s;
	assert_int_equal(search(f->lib, "night", false, &s), 1);
	/* the viewer's choice survives a re-import */
	assert_int_equal(library_import_m3u(f->lib, path, NULL), 0);
	assert_int_equal(library_category_locked(f->lib, LIBRARY_LIVE, adult), 0);
	/* and a harmless category can be locked */
	memset(&c, 0, sizeof(c));
	assert_int_equal(library_category_set_locked(f->lib, LIBRARY_LIVE, 1, true, "5678"), 0);
	assert_int_equal(library_category_locked(f->lib, LIBRARY_LIVE, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_adult_names),
		cmocka_unit_test(test_m3u_parser),
		cmocka_unit_test_setup_teardown(test_m3u_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parental, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
