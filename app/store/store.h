/* SPDX-License-Identifier: MIT */
/* The one SQLite database of the box: WAL mode, synchronous=FULL (a power cut loses at most the
 * transaction in progress), and versioned migrations per owning service (each service owns its
 * tables and their schema version).
 *
 * Threads: a struct store is one SQLite connection and belongs to the thread that uses it. A worker
 * opens its own connection to the same file with store_open(); WAL lets readers and one writer work
 * at once, and busy_timeout makes a second writer wait instead of failing. */
#ifndef STORE_H
#define STORE_H

#include <sqlite3.h>

struct store;

/* Opens (creating when missing) the database at path, sets WAL, foreign keys and a busy timeout.
 * The database holds the panel password: the file and its -wal, -shm and -journal files are made
 * private to the user (0600), existing ones included (the folder is app_paths.h's business).
 * On success *out is owned by the caller: release with store_close(). Returns 0, -ENOSPC when the
 * disk is full, -EACCES, -EIO (corrupt or not a database; the message is logged), -ENOMEM. */
int store_open(const char *path, struct store **out);

/* Makes path (created empty when missing) and its -wal, -shm and -journal files private to the user
 * (0600), as store_open() does for the main database: for another database file a service ATTACHes
 * (SQLite creates those with the umask's mode). ":memory:" and URIs are left alone. Not fatal: a
 * file that cannot be narrowed keeps its mode (logged). */
void store_private_file(const char *path);

/* Closes the connection; accepts NULL and sets *s to NULL. */
void store_close(struct store **s);

/* The SQLite handle, borrowed (valid until store_close()), for the owning service's own queries. */
sqlite3 *store_db(struct store *s);

/* Brings owner's tables to version count by running steps[v] for every v >= the stored version,
 * each step in its own transaction together with the new version number, so an interrupted
 * migration resumes where it stopped. A database newer than count is refused with -EPROTO
 * (a downgrade must not corrupt it). Returns the version now in force (>= 0) or a negative error. */
int store_migrate(struct store *s, const char *owner, const char *const *steps, int count);

/* Runs SQL with no result rows (BEGIN, COMMIT, DDL...). Returns 0 or a negative error (store_errno). */
int store_exec(struct store *s, const char *sql);

/* The one place where SQLite result codes become negative errno values:
 * SQLITE_FULL -> -ENOSPC, SQLITE_BUSY/LOCKED -> -EBUSY, SQLITE_NOMEM -> -ENOMEM,
 * SQLITE_CANTOPEN/PERM/READONLY/AUTH -> -EACCES, SQLITE_CONSTRAINT -> -EEXIST, other -> -EIO. */
int store_errno(int sqlite_rc);

/* store_errno() for a result of s's connection, with the OS error behind an I/O error looked at:
 * a write that failed with ENOSPC (SQLite says SQLITE_FULL or SQLITE_IOERR_WRITE) is -ENOSPC. */
int store_result(struct store *s, int sqlite_rc);

#endif
