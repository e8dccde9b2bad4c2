/* SPDX-License-Identifier: MIT */
/* The viewer's writes against a catalogue sync that holds the write lock, on real database files:
 * submitting never waits, nothing is lost while the lock is held, a resume point saved every few
 * seconds commits once, order is kept, a quit during the lock is fast and keeps the writes in a
 * journal the next start replays exactly once (a torn journal costs only its damaged records), and
 * a write the database refuses is dropped, counted and reported while the others still apply. */
#include "plat_clock.h"
#include "store.h"
#include "store_writer.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char db_path[128];
static char journal[160];

static const char *const schema[] = {
	"CREATE TABLE log(id INTEGER PRIMARY KEY AUTOINCREMENT, tag TEXT NOT NULL, v TEXT);"
	"CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT, n INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE fav(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE types(id INTEGER PRIMARY KEY, i INTEGER, d REAL, t TEXT, b BLOB, z)",
};

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/qanat-writer-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/box.db", dir);
	snprintf(journal, sizeof(journal), "%s-writes", db_path);
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	assert_int_equal(store_migrate(s, "test", schema, 1), 1);
	store_close(&s);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* ---- helpers ---- */

/* A second connection holding the write lock, as a catalogue sync does. */
static struct store *lock_db(void)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	assert_int_equal(store_exec(s, "BEGIN IMMEDIATE"), 0);
	return s;
}

static void unlock_db(struct store **s)
{
	assert_int_equal(store_exec(*s, "COMMIT"), 0);
	store_close(s);
}

struct locker {
	pthread_t thread;
	uint32_t ms;
	_Atomic bool held;
};

static void *locker_main(void *arg)
{
	struct locker *l = arg;
	struct store *s = NULL;
	if (store_open(db_path, &s) < 0 || store_exec(s, "BEGIN IMMEDIATE") < 0)
		abort();
	atomic_store(&l->held, true);
	plat_clock_sleep_ms(l->ms);
	if (store_exec(s, "COMMIT") < 0)
		abort();
	store_close(&s);
	return NULL;
}

static void locker_start(struct locker *l, uint32_t ms)
{
	l->ms = ms;
	atomic_store(&l->held, false);
	assert_int_equal(pthread_create(&l->thread, NULL, locker_main, l), 0);
	while (!atomic_load(&l->held))
		plat_clock_sleep_ms(1);
}

static long long query_int(const char *sql)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	store_close(&s);
	return v;
}

/* The values of one tag in the order they were inserted, comma separated. */
static void tag_values(const char *tag, char *buf, size_t cap)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
					    "SELECT coalesce(group_concat(v, ','), '') FROM "
					    "(SELECT v FROM log WHERE tag = ? ORDER BY id)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	store_close(&s);
}

static void submit_log(struct store_writer *w, const char *key, const char *tag, const char *v)
{
	struct store_param p[] = { STORE_PARAM_TEXT(tag), STORE_PARAM_TEXT(v) };
	assert_int_equal(store_writer_exec(w, key, "INSERT INTO log(tag, v) VALUES (?, ?)", p, 2), 0);
}

static bool file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void write_all(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static size_t find(const uint8_t *buf, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(buf + i, needle, n) == 0)
			return i;
	}
	fail_msg("'%s' not in the journal", needle);
	return 0;
}

/* Journals the given log values: the lock is held, so destroy has to keep them all. */
static void make_journal(const char *tag, const char *const *values, size_t n)
{
	struct store *lock = lock_db();
	struct store_writer *w = NULL;
	struct store_writer_stats fin;
	struct store_writer_opts o = { .shutdown_ms = 100, .final_stats = &fin };
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	for (size_t i = 0; i < n; i++)
		submit_log(w, NULL, tag, values[i]);
	store_writer_destroy(&w);
	unlock_db(&lock);
	assert_int_equal(fin.journaled, n);
	assert_true(file_exists(journal));
}

/* ---- (1) a held lock never blocks a submitter and loses nothing ---- */

static void test_submit_never_waits_for_a_held_lock(void **state)
{
	struct locker l;
	locker_start(&l, 2000);
	struct store_writer *w = NULL;
	assert_int_equal(store_writer_create(db_path, NULL, &w), 0);

	uint64_t worst = 0;
	for (int i = 0; i < 50; i++) {
		char *v = malloc(32);
		assert_non_null(v);
		snprintf(v, 32, "zap-%d", i);
		uint64_t t0 = plat_clock_mono_us();
		submit_log(w, NULL, "history", v);
		uint64_t dt = plat_clock_mono_us() - t0;
		memset(v, 'X', 31); /* the writer must have its own copy */
		free(v);
		if (dt > worst)
			worst = dt;
		plat_clock_sleep_ms(20); /* zaps come one by one: many land while an attempt waits */
	}
	printf("50 submits, 20 ms apart, while a second connection holds the lock: max %.3f ms\n",
	       worst / 1000.0);
	assert_true(worst < 5000);

	/* still locked: nothing can be committed yet, and flush says so instead of hanging */
	assert_int_equal(store_writer_flush(w, 100), -ETIMEDOUT);
	assert_int_equal(query_int("SELECT count(*) FROM log"), 0);

	assert_int_equal(store_writer_flush(w, 10000), 0);
	pthread_join(l.thread, NULL);
	char got[1024], want[1024];
	size_t k = 0;
	for (int i = 0; i < 50; i++)
		k += (size_t)snprintf(want + k, sizeof(want) - k, "%szap-%d", i ? "," : "", i);
	tag_values("history", got, sizeof(got));
	assert_string_equal(got, want);

	struct store_writer_stats st;
	store_writer_stats(w, &st);
	printf("retries while locked: %llu, transactions: %llu\n", (unsigned long long)st.retries,
	       (unsigned long long)st.transactions);
	assert_int_equal(st.submitted, 50);
	assert_int_equal(st.committed, 50);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.pending, 0);
	assert_true(st.retries > 0);
	store_writer_destroy(&w);
	assert_null(w);
	assert_false(file_exists(journal));
}

/* ---- (2) a resume point saved 1000 times while locked commits once, with the last value ---- */

static void test_same_key_coalesces_while_locked(void **state)
{
	struct store *lock = lock_db();
	struct store_writer *w = NULL;
	assert_int_equal(store_writer_create(db_path, NULL, &w), 0);
	for (int i = 0; i < 1000; i++) {
		char v[16];
		snprintf(v, sizeof(v), "%d", i);
		struct store_param p = STORE_PARAM_TEXT(v);
		assert_int_equal(store_writer_exec(w, "resume:42",
						   "INSERT INTO kv(k, v) VALUES ('resume:42', ?) "
						   "ON CONFLICT(k) DO UPDATE SET v = excluded.v, n = n + 1",
						   &p, 1),
				 0);
	}
	plat_clock_sleep_ms(150); /* an attempt in flight at the last submit ends and drops its op */
	struct store_writer_stats st;
	store_writer_stats(w, &st);
	assert_int_equal(st.pending, 1);
	unlock_db(&lock);

	assert_int_equal(store_writer_flush(w, 5000), 0);
	assert_int_equal(query_int("SELECT v FROM kv WHERE k = 'resume:42'"), 999);
	assert_int_equal(query_int("SELECT n FROM kv WHERE k = 'resume:42'"), 1);
	store_writer_stats(w, &st);
	assert_int_equal(st.submitted, 1000);
	assert_int_equal(st.coalesced, 999);
	assert_int_equal(st.committed, 1);
	store_writer_destroy(&w);
}

/* ---- (3) order ---- */

static void test_order_is_kept(void **state)
{
	struct store_writer *w = NULL;
	assert_int_equal(store_writer_create(db_path, NULL, &w), 0);
	char want[4096], got[4096], v[16];
	size_t k = 0;
	for (int i = 0; i < 300; i++) {
		snprintf(v, sizeof(v), "%d", i);
		submit_log(w, NULL, "seq", v);
		k += (size_t)snprintf(want + k, sizeof(want) - k, "%s%d", i ? "," : "", i);
	}
	assert_int_equal(store_writer_flush(w, 5000), 0);
	tag_values("seq", got, sizeof(got));
	assert_string_equal(got, want);

	/* keys and no keys, while locked: a replaced op gives its turn up to the newer one */
	struct store *lock = lock_db();
	submit_log(w, "a", "mix", "a1");
	submit_log(w, "b", "mix", "b1");
	submit_log(w, "a", "mix", "a2");
	submit_log(w, "c", "mix", "c1");
	submit_log(w, NULL, "mix", "x");
	submit_log(w, "b", "mix", "b2");
	submit_log(w, NULL, "mix", "y");
	plat_clock_sleep_ms(150);
	unlock_db(&lock);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	tag_values("mix", got, sizeof(got));
	assert_string_equal(got, "a2,c1,x,b2,y");
	store_writer_destroy(&w);
}

/* ---- (4) quit while the lock is held: fast, journaled, replayed once ---- */

static void submit_quit_batch(struct store_writer *w)
{
	char v[16];
	for (int i = 0; i < 10; i++) {
		snprintf(v, sizeof(v), "q%d", i);
		submit_log(w, NULL, "quit", v);
	}
	const char *sql =
	    "INSERT INTO kv(k, v) VALUES ('lang', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v, "
	    "n = n + 1";
	struct store_param fr = STORE_PARAM_TEXT("fr"), ar = STORE_PARAM_TEXT("ar");
	assert_int_equal(store_writer_exec(w, "setting:lang", sql, &fr, 1), 0);
	assert_int_equal(store_writer_exec(w, "setting:lang", sql, &ar, 1), 0);
	static const uint8_t blob[] = { 0, 1, 2, 0, 255 };
	struct store_param p[] = {
		STORE_PARAM_INT64(-1234567890123LL),
		STORE_PARAM_DOUBLE(3.25),
		{ .type = STORE_PT_TEXT, .p = "pinpin", .len = 3 },
		STORE_PARAM_BLOB(blob, sizeof(blob)),
		STORE_PARAM_NULL(),
	};
	assert_int_equal(store_writer_exec(
			     w, NULL, "INSERT INTO types(id, i, d, t, b, z) VALUES (1, ?, ?, ?, ?, ?)", p, 5),
			 0);
}

static void assert_quit_batch_applied_once(void)
{
	char got[256];
	tag_values("quit", got, sizeof(got));
	assert_string_equal(got, "q0,q1,q2,q3,q4,q5,q6,q7,q8,q9");
	assert_int_equal(query_int("SELECT count(*) FROM kv WHERE k = 'lang' AND v = 'ar' AND n = 1"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM types WHERE i = -1234567890123 AND d = 3.25 AND "
				   "t = 'pin' AND b = x'00010200ff' AND z IS NULL"),
			 1);
}

static void test_quit_while_locked_journals_and_replays_once(void **state)
{
	struct store *lock = lock_db();
	struct store_writer *w = NULL;
	struct store_writer_stats fin;
	struct store_writer_opts o = { .final_stats = &fin }; /* default shutdown_ms: 300 */
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	submit_quit_batch(w);
	uint64_t t0 = plat_clock_mono_us();
	store_writer_destroy(&w);
	uint64_t dt = plat_clock_mono_us() - t0;
	printf("destroy with 12 writes pending behind a held lock: %.1f ms\n", dt / 1000.0);
	assert_null(w);
	assert_true(dt < 1000000);
	assert_int_equal(fin.journaled, 12);
	assert_int_equal(fin.committed, 0);
	assert_int_equal(fin.coalesced, 1);
	struct stat sb;
	assert_int_equal(stat(journal, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600); /* values may be a password */

	/* the next start, still during the sync: opening does not wait, and a second quit keeps them */
	t0 = plat_clock_mono_us();
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	dt = plat_clock_mono_us() - t0;
	printf("create with a journal while the lock is held: %.1f ms\n", dt / 1000.0);
	assert_true(dt < 500000);
	struct store_writer_stats st;
	store_writer_stats(w, &st);
	assert_int_equal(st.replayed, 12);
	assert_int_equal(st.journal_bad, 0);
	store_writer_destroy(&w);
	assert_int_equal(fin.journaled, 12);
	size_t saved_len = 0;
	uint8_t *saved = read_all(journal, &saved_len); /* the journal the next start replays */

	/* and once the lock is free they are applied */
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	unlock_db(&lock);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	store_writer_destroy(&w);
	assert_int_equal(fin.committed, 12);
	assert_false(file_exists(journal));
	assert_quit_batch_applied_once();

	/* a start after that replays nothing */
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	store_writer_destroy(&w);
	assert_int_equal(fin.replayed, 0);
	assert_quit_batch_applied_once();

	/* a power cut after the replay committed and before the journal was deleted: not twice */
	write_all(journal, saved, saved_len);
	free(saved);
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	store_writer_destroy(&w);
	assert_int_equal(fin.replayed, 0);
	assert_int_equal(fin.replay_skipped, 12);
	assert_int_equal(fin.committed, 0);
	assert_false(file_exists(journal));
	assert_quit_batch_applied_once();
}

/* ---- (5) a torn or corrupt journal costs only its damaged records ---- */

static void replay(struct store_writer_stats *fin)
{
	struct store_writer *w = NULL;
	struct store_writer_opts o = { .final_stats = fin };
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	store_writer_destroy(&w);
	assert_false(file_exists(journal));
}

static void test_damaged_journal_is_ignored_record_by_record(void **state)
{
	static const char *const torn[] = { "rec-1", "rec-2", "rec-3", "rec-4", "rec-5" };
	make_journal("torn", torn, 5);
	size_t len = 0;
	uint8_t *buf = read_all(journal, &len);
	buf[find(buf, len, "rec-2") + 4] = 'X'; /* a flipped byte */
	write_all(journal, buf, len - 2);       /* and a tail cut short */
	free(buf);
	struct store_writer_stats fin;
	replay(&fin);
	char got[256];
	tag_values("torn", got, sizeof(got));
	assert_string_equal(got, "rec-1,rec-3,rec-4");
	assert_int_equal(fin.replayed, 3);
	assert_true(fin.journal_bad >= 2);

	/* a damaged header, and a record whose length field says 4 GB */
	static const char *const hdr[] = { "rec-a", "rec-b", "rec-c" };
	make_journal("hdr", hdr, 3);
	buf = read_all(journal, &len);
	buf[0] ^= 0xff;
	size_t rec = find(buf, len, "rec-b");
	while (rec > 0 && memcmp(buf + rec, "NQWR", 4) != 0) /* back to that record's header */
		rec--;
	assert_memory_equal(buf + rec, "NQWR", 4);
	memset(buf + rec + 4, 0xfe, 4);
	write_all(journal, buf, len);
	free(buf);
	replay(&fin);
	tag_values("hdr", got, sizeof(got));
	assert_string_equal(got, "rec-a,rec-c");
	assert_int_equal(fin.replayed, 2);

	/* garbage, with record magics sprinkled in, and an empty file */
	uint8_t junk[8192];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (uint8_t)(x >> 16);
	}
	for (size_t i = 0; i + 16 < sizeof(junk); i += 509)
		memcpy(junk + i, "NQWR\x10\0\0\0", 8);
	memcpy(junk, "QNWJ\x01\0\0\0", 8);
	write_all(journal, junk, sizeof(junk));
	replay(&fin);
	assert_int_equal(fin.replayed, 0);
	assert_true(fin.journal_bad >= 1);
	write_all(journal, junk, 0);
	replay(&fin);
	assert_int_equal(fin.replayed, 0);
	assert_int_equal(query_int("SELECT count(*) FROM log"), 5);
}

/* ---- (6) a write the database refuses ---- */

struct errors {
	pthread_mutex_t lock;
	int count;
	int eexist;
	bool saw_dup_key;
	bool reasons_ok;
};

static void on_error(void *opaque, const char *key, int err, const char *reason)
{
	struct errors *e = opaque;
	pthread_mutex_lock(&e->lock);
	e->count++;
	e->eexist += err == -EEXIST;
	e->saw_dup_key |= key && strcmp(key, "fav:dup") == 0;
	e->reasons_ok &= reason && strlen(reason) > 10;
	pthread_mutex_unlock(&e->lock);
}

static void test_refused_write_is_dropped_counted_reported(void **state)
{
	struct errors e = { .reasons_ok = true };
	pthread_mutex_init(&e.lock, NULL);
	struct store_writer_opts o = { .on_error = on_error, .opaque = &e };
	struct store_writer *w = NULL;
	struct store *lock = lock_db(); /* so that good and bad ones share a transaction */
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	const char *ins = "INSERT INTO fav(id, name) VALUES (?, ?)";
	struct store_param p1[] = { STORE_PARAM_INT64(1), STORE_PARAM_TEXT("News") };
	struct store_param dup[] = { STORE_PARAM_INT64(1), STORE_PARAM_TEXT("Sport") };
	struct store_param p2[] = { STORE_PARAM_INT64(2), STORE_PARAM_TEXT("Movies") };
	struct store_param dup2[] = { STORE_PARAM_INT64(1), STORE_PARAM_TEXT("Kids") };
	struct store_param nul[] = { STORE_PARAM_INT64(3), STORE_PARAM_NULL() };
	struct store_param p4[] = { STORE_PARAM_INT64(4), STORE_PARAM_TEXT("Music") };
	struct store_param p5[] = { STORE_PARAM_INT64(5), STORE_PARAM_TEXT("Docs") };
	struct store_param l5[] = { STORE_PARAM_TEXT("fav"), STORE_PARAM_TEXT("added 5") };
	struct store_stmt both_fail[] = { { ins, p2, 2 }, { ins, dup2, 2 } };
	struct store_stmt both_ok[] = { { ins, p5, 2 }, { "INSERT INTO log(tag, v) VALUES (?, ?)", l5, 2 } };
	assert_int_equal(store_writer_exec(w, NULL, ins, p1, 2), 0);
	assert_int_equal(store_writer_exec(w, "fav:dup", ins, dup, 2), 0);
	assert_int_equal(store_writer_exec_many(w, NULL, both_fail, 2), 0);
	assert_int_equal(store_writer_exec(w, NULL, ins, nul, 2), 0);
	assert_int_equal(store_writer_exec(w, NULL, ins, p4, 2), 0);
	assert_int_equal(store_writer_exec_many(w, NULL, both_ok, 2), 0);
	plat_clock_sleep_ms(100);
	unlock_db(&lock);
	assert_int_equal(store_writer_flush(w, 5000), 0);

	assert_int_equal(query_int("SELECT count(*) FROM fav"), 3);
	assert_int_equal(query_int("SELECT count(*) FROM fav WHERE (id = 1 AND name = 'News') OR "
				   "(id = 4 AND name = 'Music') OR (id = 5 AND name = 'Docs')"),
			 3);
	assert_int_equal(query_int("SELECT count(*) FROM log WHERE tag = 'fav'"), 1);
	struct store_writer_stats st;
	store_writer_stats(w, &st);
	assert_int_equal(st.failed, 3);
	assert_int_equal(st.committed, 3);
	pthread_mutex_lock(&e.lock);
	assert_int_equal(e.count, 3);
	assert_int_equal(e.eexist, 3);
	assert_true(e.saw_dup_key);
	assert_true(e.reasons_ok);
	pthread_mutex_unlock(&e.lock);

	/* later writes still apply; SQL the database cannot run is refused the same way */
	struct store_param p6[] = { STORE_PARAM_INT64(6), STORE_PARAM_TEXT("Later") };
	assert_int_equal(store_writer_exec(w, NULL, "INSERT INTO nowhere VALUES (1)", NULL, 0), 0);
	assert_int_equal(store_writer_exec(w, NULL, ins, p6, 2), 0);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	assert_int_equal(query_int("SELECT count(*) FROM fav WHERE id = 6 AND name = 'Later'"), 1);
	store_writer_stats(w, &st);
	assert_int_equal(st.failed, 4);
	assert_int_equal(st.committed, 4);
	store_writer_destroy(&w);
	assert_int_equal(e.count, 4);
	pthread_mutex_destroy(&e.lock);
}

/* ---- what a submitter gets back at once ---- */

static void test_bad_submissions_are_refused_at_once(void **state)
{
	struct store_writer *w = NULL;
	struct store_writer_opts o = { .max_pending = 4 };
	struct store *lock = lock_db();
	assert_int_equal(store_writer_create(db_path, &o, &w), 0);
	struct store_param one = STORE_PARAM_INT64(1);
	assert_int_equal(store_writer_exec(w, NULL, NULL, NULL, 0), -EINVAL);
	assert_int_equal(store_writer_exec(w, NULL, "INSERT INTO fav VALUES (?, 'x')", NULL, 1), -EINVAL);
	struct store_param bad = { .type = (enum store_param_type)42 };
	assert_int_equal(store_writer_exec(w, NULL, "SELECT ?", &bad, 1), -EINVAL);
	struct store_param big = STORE_PARAM_BLOB(NULL, 0);
	big.p = calloc(1, STORE_WRITER_MAX_OP_BYTES + 1);
	big.len = STORE_WRITER_MAX_OP_BYTES + 1;
	assert_int_equal(store_writer_exec(w, NULL, "SELECT ?", &big, 1), -E2BIG);
	free((void *)big.p);

	/* a full queue says so; a key already queued still takes its place */
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_writer_exec(w, i == 3 ? "k" : NULL, "SELECT ?", &one, 1), 0);
	assert_int_equal(store_writer_exec(w, NULL, "SELECT ?", &one, 1), -EAGAIN);
	plat_clock_sleep_ms(100);
	assert_int_equal(store_writer_exec(w, "k", "SELECT ?", &one, 1), 0);

	/* two statements in one text, or a wrong parameter count, are dropped when applied */
	unlock_db(&lock);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	assert_int_equal(store_writer_exec(w, NULL,
					   "INSERT INTO fav VALUES (7, 'a'); INSERT INTO fav VALUES (8, 'b')",
					   NULL, 0),
			 0);
	assert_int_equal(store_writer_exec(w, NULL, "INSERT INTO fav VALUES (?, ?)", &one, 1), 0);
	assert_int_equal(store_writer_flush(w, 5000), 0);
	assert_int_equal(query_int("SELECT count(*) FROM fav"), 0);
	struct store_writer_stats st;
	store_writer_stats(w, &st);
	assert_int_equal(st.rejected, 5);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.committed, 4); /* three plus the last "k" */
	assert_int_equal(st.coalesced, 1);
	store_writer_destroy(&w);
	store_writer_destroy(&w); /* NULL is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_never_waits_for_a_held_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_key_coalesces_while_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quit_while_locked_journals_and_replays_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged_journal_is_ignored_record_by_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_write_is_dropped_counted_reported, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_submissions_are_refused_at_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
