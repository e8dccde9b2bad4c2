/* SPDX-License-Identifier: MIT */
/* The database survives what a box meets: restarts mid-migration, a newer schema after a downgrade,
 * a file that is not a database, a power cut (kill -9) during a write. It holds the panel password,
 * so it and its -wal/-shm files are the user's only (0600), and so is qanat's folder (0700), also
 * when an older build left them readable by everyone. */
#include "app_paths.h"
#include "store.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/qanat-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/box.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static long long count_rows(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char *const v1[] = { "CREATE TABLE fav(id INTEGER PRIMARY KEY, name TEXT)" };
static const char *const v2[] = { "CREATE TABLE fav(id INTEGER PRIMARY KEY, name TEXT)",
				  "ALTER TABLE fav ADD COLUMN kind TEXT NOT NULL DEFAULT 'live'" };
static const char *const broken[] = { "CREATE TABLE fav(id INTEGER PRIMARY KEY, name TEXT)",
				      "ALTER TABLE fav ADD COLUMN kind TEXT NOT NULL DEFAULT 'live'",
				      "THIS IS NOT SQL" };

static void test_migrations_resume_and_refuse_downgrade(void **state)
{
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), 0);
	assert_int_equal(store_migrate(s, "library", v1, 1), 1);
	assert_int_equal(store_exec(s, "INSERT INTO fav(id, name) VALUES (7, 'News')"), 0);
	/* a failing step keeps the versions before it, and the data */
	assert_true(store_migrate(s, "library", broken, 3) < 0);
	assert_int_equal(store_migrate(s, "library", v2, 2), 2);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM fav WHERE kind = 'live'"), 1);
	/* another owner is independent */
	assert_int_equal(store_migrate(s, "epg", v1, 0), 0);
	store_close(&s);
	assert_null(s);

	/* an older build meeting a newer database refuses instead of corrupting it */
	assert_int_equal(store_open(path, &s), 0);
	assert_int_equal(store_migrate(s, "library", v1, 1), -EPROTO);
	store_close(&s);
}

static void test_not_a_database(void **state)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("<html>this is not a database</html>\n", f);
	fclose(f);
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), -EIO);
	assert_null(s);
}

/* A child writes rows in committed transactions and is killed with SIGKILL in the middle of one:
 * every committed row is there afterwards, the one in progress is not half there. */
static void test_power_cut_keeps_committed_rows(void **state)
{
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), 0);
	static const char *const t[] = { "CREATE TABLE r(batch INTEGER, i INTEGER)" };
	assert_int_equal(store_migrate(s, "t", t, 1), 1);
	store_close(&s);

	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		struct store *c = NULL;
		if (store_open(path, &c) < 0)
			_exit(1);
		for (int batch = 0;; batch++) {
			store_exec(c, "BEGIN");
			for (int i = 0; i < 100; i++) {
				char sql[96];
				snprintf(sql, sizeof(sql), "INSERT INTO r VALUES (%d, %d)", batch, i);
				store_exec(c, sql);
			}
			store_exec(c, "COMMIT");
			if (batch == 20 && write(pipefd[1], "x", 1) != 1)
				_exit(2);
		}
	}
	close(pipefd[1]);
	char x;
	assert_int_equal(read(pipefd[0], &x, 1), 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pipefd[0]);

	assert_int_equal(store_open(path, &s), 0);
	assert_true(count_rows(s, "SELECT count(DISTINCT batch) FROM r") >= 21);
	/* no batch is half written */
	assert_int_equal(count_rows(s, "SELECT count(*) FROM (SELECT batch FROM r GROUP BY batch "
				       "HAVING count(*) != 100)"),
			 0);
	assert_int_equal(count_rows(s, "SELECT count(*) FROM pragma_integrity_check WHERE "
				       "integrity_check != 'ok'"),
			 0);
	store_close(&s);
}

static unsigned mode_of(const char *p)
{
	struct stat st;
	if (stat(p, &st) < 0)
		fail_msg("%s: %s", p, strerror(errno));
	return st.st_mode & 0777;
}

static void write_one_row(void)
{
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), 0);
	assert_int_equal(store_exec(s, "CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES(1)"), 0);
	char side[160];
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", path, i ? "-shm" : "-wal");
		assert_int_equal(mode_of(side), 0600); /* while open: the WAL holds the row */
	}
	store_close(&s);
}

static void test_files_are_private(void **state)
{
	mode_t old = umask(022); /* the usual umask: 0644 files unless the store says otherwise */
	write_one_row();
	assert_int_equal(mode_of(path), 0600);
	/* a database and a WAL an older build left readable by everyone are narrowed at the next open */
	char wal[160];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	FILE *f = fopen(wal, "ab");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chmod(wal, 0644), 0);
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), 0);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(wal), 0600);
	assert_int_equal(count_rows(s, "SELECT COUNT(*) FROM t"), 1);
	store_close(&s);
	umask(old);
}

static void test_folder_is_private(void **state)
{
	mode_t old = umask(022);
	char data[128], mine[160], db[300];
	snprintf(data, sizeof(data), "%s/data", dir);
	assert_int_equal(mkdir(data, 0755), 0);
	snprintf(mine, sizeof(mine), "%s/qanat", data);
	assert_int_equal(mkdir(mine, 0755), 0); /* as an older build made it */
	unsetenv("QANAT_DB");
	unsetenv("STATE_DIRECTORY");
	setenv("XDG_DATA_HOME", data, 1);
	assert_int_equal(app_paths_db(db, sizeof(db)), 0);
	assert_int_equal(mode_of(mine), 0700);
	assert_int_equal(mode_of(data), 0755); /* not ours: left alone */
	/* a fresh one is made 0700 */
	assert_int_equal(rmdir(mine), 0);
	assert_int_equal(app_paths_db(db, sizeof(db)), 0);
	assert_int_equal(mode_of(mine), 0700);
	/* systemd's StateDirectory (0755 by default) is ours too */
	char sd[160];
	snprintf(sd, sizeof(sd), "%s/state", dir);
	assert_int_equal(mkdir(sd, 0755), 0);
	setenv("STATE_DIRECTORY", sd, 1);
	assert_int_equal(app_paths_db(db, sizeof(db)), 0);
	assert_int_equal(mode_of(sd), 0700);
	unsetenv("STATE_DIRECTORY");
	unsetenv("XDG_DATA_HOME");
	umask(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations_resume_and_refuse_downgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_are_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder_is_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power_cut_keeps_committed_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
