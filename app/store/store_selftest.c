/* SPDX-License-Identifier: MIT */
/* SQLite in WAL mode, end to end, in a directory of its own that is removed afterwards. */
#include "store_selftest.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int exec_wal(const char *path, char *detail, size_t cap)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);
	char mode[16] = "";
	long long got = 0;
	sqlite3_stmt *st = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof(mode), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (42);", NULL, NULL,
				  NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT x FROM t", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		got = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	snprintf(detail, cap, "journal_mode=%s, row read back %s%s%s", mode[0] ? mode : "?",
		 got == 42 ? "ok" : "WRONG", rc == SQLITE_OK ? "" : ": ",
		 rc == SQLITE_OK ? "" : sqlite3_errmsg(db));
	sqlite3_close(db);
	return (rc == SQLITE_OK && got == 42 && strcmp(mode, "wal") == 0) ? 0 : -EIO;
}

void store_selftest(struct plat_report *r)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/qanat-selftest-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	char detail[160];
	int rc;
	if (!mkdtemp(dir)) {
		rc = -errno;
		snprintf(detail, sizeof(detail), "cannot make a temporary directory in %s", dir);
	} else {
		char path[300], side[310];
		snprintf(path, sizeof(path), "%s/selftest.db", dir);
		rc = exec_wal(path, detail, sizeof(detail));
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
		rmdir(dir);
	}
	plat_report_add(r, "sqlite", sqlite3_libversion(), rc, "%s", detail);
}
