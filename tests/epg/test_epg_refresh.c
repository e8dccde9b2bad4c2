/* SPDX-License-Identifier: MIT */
/* Refresh as the box lives it: a guide import cancelled halfway (the viewer switched the box off, or
 * the worker was stopped) leaves the old guide and resumes where it stopped; a background refresh
 * lets another connection read the old guide, never a half-imported one, until the new one is in
 * force; a background refresh cancelled while the local panel drips its guide (it can never finish)
 * returns -ECANCELED and leaves the old guide. The XMLTV files are generated at test time. */
#include "epg.h"
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
#include <sys/stat.h>
#include <time.h>

static char dir[64];
static char db_path[128], old_path[128], new_path[128];
static struct test_panel panel; /* started by the test that needs it, stopped by teardown */

#define T0 1795348800LL /* 2026-11-22 12:00 UTC */
#define CHANNELS 40
#define PER_CHANNEL 600 /* 24000 programmes of 10 minutes, from T0 - 2 days */

/* One guide: every channel's programmes titled "<label> <n>". */
static void write_guide(const char *path, const char *label)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("<?xml version=\"1.0\"?>\n<tv>\n", f);
	for (int c = 0; c < CHANNELS; c++)
		fprintf(f, "<channel id=\"c%d\"><display-name>Channel %d</display-name></channel>\n", c, c);
	for (int c = 0; c < CHANNELS; c++) {
		for (int k = 0; k < PER_CHANNEL; k++) {
			time_t a = (time_t)(T0 - 2 * 86400 + k * 600), b = a + 600;
			struct tm ta, tb;
			gmtime_r(&a, &ta);
			gmtime_r(&b, &tb);
			char sa[32], sb[32];
			strftime(sa, sizeof(sa), "%Y%m%d%H%M%S +0000", &ta);
			strftime(sb, sizeof(sb), "%Y%m%d%H%M%S +0000", &tb);
			fprintf(f,
				"<programme start=\"%s\" stop=\"%s\" channel=\"c%d\"><title>%s %d</title>"
				"<desc>Programme %d of channel %d.</desc></programme>\n",
				sa, sb, c, label, k, k, c);
		}
	}
	fputs("</tv>\n", f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/qanat-epgr-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/box.db", dir);
	snprintf(old_path, sizeof(old_path), "%s/old.xml", dir);
	snprintf(new_path, sizeof(new_path), "%s/new.xml", dir);
	write_guide(old_path, "Old");
	write_guide(new_path, "New");
	return 0;
}

static int teardown(void **state)
{
	if (panel.pid > 0)
		test_panel_stop(&panel);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void base_opts(struct epg_import_opts *o)
{
	epg_import_opts_init(o);
	o->now = T0;
	o->days_back = -1;
	o->days_forward = -1;
	o->batch_rows = 1000;
}

static struct store *with_old_guide(void)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	struct epg_map_row rows[CHANNELS];
	char keys[CHANNELS][16];
	for (int c = 0; c < CHANNELS; c++) {
		snprintf(keys[c], sizeof(keys[c]), "C%d", c);
		rows[c] = (struct epg_map_row){ c + 100, keys[c], NULL };
	}
	assert_int_equal(epg_map_channels(s, rows, CHANNELS, NULL), 0);
	struct epg_import_opts o;
	base_opts(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, old_path, &o, &st), 0);
	assert_int_equal(st.programmes, CHANNELS * PER_CHANNEL);
	return s;
}

/* "Old" or "New": which guide is in force for stream 100 at T0 (programme 288 of the day). */
static const char *guide_in_force(struct store *s)
{
	int ids[3] = { 100, 120, 139 };
	struct epg_now_next nn[3];
	assert_int_equal(epg_now_next(s, ids, 3, T0 + 1, NULL, nn), 0);
	for (int i = 0; i < 3; i++)
		assert_true(nn[i].has_now && nn[i].has_next);
	/* every channel from the same guide: never half of one and half of the other */
	const char *which = strncmp(nn[0].now.title, "Old ", 4) == 0 ? "Old" : "New";
	for (int i = 0; i < 3; i++) {
		assert_int_equal(strncmp(nn[i].now.title, which, 3), 0);
		assert_string_equal(nn[i].now.title + 4, "288");
	}
	return which;
}

struct stopper {
	atomic_bool *abort;
	int64_t at;
	int64_t last;
};

static void stop_after(void *user, int64_t programmes, uint64_t bytes)
{
	struct stopper *sp = user;
	sp->last = programmes;
	if (programmes >= sp->at)
		atomic_store(sp->abort, true);
}

static void test_cancel_keeps_old_guide_then_resumes(void **state)
{
	struct store *s = with_old_guide();
	atomic_bool abort = false;
	struct stopper sp = { &abort, 10000, 0 };
	struct epg_import_opts o;
	base_opts(&o);
	o.abort = &abort;
	o.progress = stop_after;
	o.progress_user = &sp;
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, new_path, &o, &st), -ECANCELED);
	assert_string_equal(guide_in_force(s), "Old");
	store_close(&s);

	/* after a "restart": the same file resumes after the batches already stored */
	assert_int_equal(store_open(db_path, &s), 0);
	assert_string_equal(guide_in_force(s), "Old");
	base_opts(&o);
	assert_int_equal(epg_import(s, new_path, &o, &st), 0);
	assert_int_equal(st.resumed_from, 10000);
	assert_int_equal(st.programmes, CHANNELS * PER_CHANNEL);
	assert_string_equal(guide_in_force(s), "New");

	/* a changed file is not resumed: start over */
	abort = false;
	sp.at = 5000;
	base_opts(&o);
	o.abort = &abort;
	o.progress = stop_after;
	o.progress_user = &sp;
	assert_int_equal(epg_import(s, old_path, &o, &st), -ECANCELED);
	write_guide(old_path, "Old");
	FILE *f = fopen(old_path, "a");
	assert_non_null(f);
	fputs("<!-- changed -->\n", f);
	fclose(f);
	base_opts(&o);
	assert_int_equal(epg_import(s, old_path, &o, &st), 0);
	assert_int_equal(st.resumed_from, 0);
	assert_int_equal(st.programmes, CHANNELS * PER_CHANNEL);
	assert_string_equal(guide_in_force(s), "Old");
	store_close(&s);
}

static void test_background_refresh_readers_see_old_until_swap(void **state)
{
	struct store *s = with_old_guide();
	assert_int_equal(epg_refresh_due(s, T0, 86400), 0);
	assert_int_equal(epg_refresh_due(s, (int64_t)time(NULL) + 2 * 86400, 86400), 1);
	struct epg_import_opts o;
	base_opts(&o);
	o.batch_rows = 500;
	struct epg_refresh *r = NULL;
	assert_int_equal(epg_refresh_start(db_path, new_path, &o, &r), 0);
	int reads = 0, old_reads = 0;
	while (!epg_refresh_finished(r)) {
		const char *which = guide_in_force(s);
		reads++;
		old_reads += strcmp(which, "Old") == 0;
		if (strcmp(which, "New") == 0)
			break; /* swapped: the thread is finishing */
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	struct epg_import_stats st;
	assert_int_equal(epg_refresh_join(&r, &st), 0);
	assert_null(r);
	assert_int_equal(st.programmes, CHANNELS * PER_CHANNEL);
	assert_string_equal(guide_in_force(s), "New");
	printf("background refresh: %d reads during the import, %d saw the old guide\n", reads, old_reads);

	/* an unreadable source fails and keeps the guide */
	assert_int_equal(epg_refresh_start(db_path, "/nonexistent/guide.xml", &o, &r), 0);
	assert_int_equal(epg_refresh_join(&r, NULL), -ENOENT);
	assert_string_equal(guide_in_force(s), "New");
	store_close(&s);
}

/* True once an import has begun staging in the file (its first body bytes arrived): the staging
 * tables exist. A finished import deletes the file, so they are this import's. */
static bool staging_begun(const char *path)
{
	sqlite3 *db = NULL;
	bool begun = false;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st = NULL;
		begun = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'epg_programme_new'",
					   -1, &st, NULL) == SQLITE_OK &&
			sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return begun;
}

/* A background refresh cancelled mid-download: the panel's drip answers xmltv.php with an XMLTV head
 * and then 4 bytes a second of a title that never ends, so the download cannot finish and only the
 * cancel ends it - one outcome: -ECANCELED, and the guide in force stays, programme for programme. */
static void test_background_refresh_cancelled_mid_download(void **state)
{
	assert_int_equal(test_panel_start(&panel, NULL, NULL, NULL), 0);
	assert_int_equal(test_panel_control(&panel, "POST", "/_control/faults",
					    "{\"glob\":\"/xmltv.php\",\"kind\":\"drip\",\"rate\":4}"),
			 201);
	char url[200], stage[200];
	snprintf(url, sizeof(url), "%s/xmltv.php?username=demo&password=demo", panel.base);
	snprintf(stage, sizeof(stage), "%s-epg-stage", db_path);
	struct store *s = with_old_guide();
	struct epg_import_opts o;
	base_opts(&o);
	struct epg_refresh *r = NULL;
	assert_int_equal(epg_refresh_start(db_path, url, &o, &r), 0);
	/* the head arrived and staging began: the download is under way, and it cannot finish */
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < 1500 && !staging_begun(stage) && !epg_refresh_finished(r); i++)
		nanosleep(&tick, NULL);
	assert_true(staging_begun(stage));
	struct stat sb;
	assert_int_equal(stat(stage, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0); /* the staged guide is private like the main file */
	struct timespec linger = { 0, 300 * 1000 * 1000 };
	nanosleep(&linger, NULL);
	assert_false(epg_refresh_finished(r)); /* a drip never ends by itself */
	epg_refresh_cancel(r);
	struct epg_import_stats st;
	assert_int_equal(epg_refresh_join(&r, &st), -ECANCELED);
	assert_null(r);
	assert_true(st.bytes_in > 0);
	assert_string_equal(guide_in_force(s), "Old");
	store_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cancel_keeps_old_guide_then_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_background_refresh_readers_see_old_until_swap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_background_refresh_cancelled_mid_download, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
