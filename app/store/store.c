/* SPDX-License-Identifier: MIT */
/* SQLite connection setup, the database files' privacy, and per-service migrations. */
#include "store.h"

#include "plat_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct store {
	sqlite3 *db;
};

int store_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	default:
		return -EIO;
	}
}

int store_result(struct store *s, int rc)
{
	int err = store_errno(rc);
	if (err == -EIO && s && s->db && sqlite3_system_errno(s->db) == ENOSPC)
		return -ENOSPC;
	return err;
}

int store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		plat_log_warn("store", "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return store_result(s, rc);
}

/* The database and the files SQLite keeps beside it are the user's only (the panel password is in
 * it). The main file is created 0600 here, before SQLite opens it, with O_CREAT's mode rather than
 * umask (process-wide: a worker thread may be opening another file at the same moment); SQLite
 * gives its -wal, -shm and -journal files the main file's mode. Files left by an older build with
 * 0644 are narrowed. Not fatal: a read-only or foreign file just keeps its mode and SQLite decides. */
void store_private_file(const char *path)
{
	if (!path[0] || path[0] == ':' || strncmp(path, "file:", 5) == 0)
		return; /* ":memory:", temporary databases and URIs */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && (st.st_mode & 077) && fchmod(fd, st.st_mode & 0700) < 0)
			plat_log_warn("store", "cannot make the database private: %s", strerror(errno));
		close(fd);
	}
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		char side[1024];
		struct stat st;
		if (snprintf(side, sizeof(side), "%s%s", path, suffix[i]) < (int)sizeof(side) &&
		    lstat(side, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
			chmod(side, st.st_mode & 0700);
	}
}

int store_open(const char *path, struct store **out)
{
	*out = NULL;
	struct store *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	store_private_file(path);
	int rc = sqlite3_open_v2(path, &s->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(s->db, 5000);
	int err = store_errno(rc);
	/* journal_mode=WAL is the first statement to touch the file: a file that is not a database
	 * fails here with SQLITE_NOTADB. */
	if (err == 0)
		err =
		    store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
				  "CREATE TABLE IF NOT EXISTS store_schema(owner TEXT PRIMARY KEY, "
				  "version INTEGER NOT NULL)");
	if (err < 0) {
		plat_log_error("store", "cannot open the database %s: %s", path,
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(&s);
		return err;
	}
	*out = s;
	return 0;
}

void store_close(struct store **sp)
{
	struct store *s = sp ? *sp : NULL;
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	free(s);
	*sp = NULL;
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

static int current_version(struct store *s, const char *owner)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT version FROM store_schema WHERE owner = ?", -1, &st, NULL);
	int version = 0;
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		else if (rc != SQLITE_DONE)
			version = store_errno(rc);
	} else {
		version = store_errno(rc);
	}
	sqlite3_finalize(st);
	return version;
}

static int apply_step(struct store *s, const char *owner, const char *sql, int version)
{
	int rc = store_exec(s, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = store_exec(s, sql);
	sqlite3_stmt *st = NULL;
	if (rc == 0) {
		rc = store_errno(
		    sqlite3_prepare_v2(s->db,
				       "INSERT INTO store_schema(owner, version) VALUES (?, ?) "
				       "ON CONFLICT(owner) DO UPDATE SET version = excluded.version",
				       -1, &st, NULL));
	}
	if (rc == 0) {
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, version);
		rc = store_errno(sqlite3_step(st));
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = store_exec(s, "COMMIT");
	if (rc < 0) {
		plat_log_error("store", "%s: migration to version %d failed: %s", owner, version,
			       sqlite3_errmsg(s->db));
		store_exec(s, "ROLLBACK");
	}
	return rc;
}

int store_migrate(struct store *s, const char *owner, const char *const *steps, int count)
{
	int version = current_version(s, owner);
	if (version < 0)
		return version;
	if (version > count) {
		plat_log_error("store", "%s: database schema %d is newer than this build's %d", owner,
			       version, count);
		return -EPROTO;
	}
	for (; version < count; version++) {
		int rc = apply_step(s, owner, steps[version], version + 1);
		if (rc < 0)
			return rc;
	}
	return version;
}
