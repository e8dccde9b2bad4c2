/* SPDX-License-Identifier: MIT */
/* The viewer's writes (history, resume points, settings, favourites, parental PIN, remembered login)
 * without blocking the UI thread and without losing them to a catalogue sync that holds the write
 * lock. One writer thread with its own connection applies queued operations in short transactions;
 * a locked database is retried with a bounded back-off for as long as it takes; operations still
 * queued at quit go to a journal file next to the database that the next start replays.
 *
 * An operation is one or more SQL statements (each with copied parameters) that commit together or
 * not at all. Operations are applied in submission order. An operation with a key replaces a queued
 * one with the same key: the older is dropped and the newer takes its turn at the end of the queue,
 * so the outcome is the one of applying every submission in order when each keyed operation fully
 * overwrites what its key stands for (a resume point, a setting).
 *
 * Reads are the caller's business: controllers keep their own state; what was submitted is visible
 * in the database only once committed (store_writer_flush() waits for that).
 *
 * One writer per database file (the journal path derives from it). The tables written must exist
 * (the owning service migrates them first); the writer keeps its replay bookkeeping in its own table,
 * store_writer_replayed, created the first time a journal is replayed.
 *
 * Threads: every function may be called from any thread except store_writer_destroy(), which must not
 * race with the other calls on the same writer. Callbacks run on the writer thread. */
#ifndef STORE_WRITER_H
#define STORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct store_writer;

enum store_param_type { STORE_PT_NULL, STORE_PT_INT64, STORE_PT_DOUBLE, STORE_PT_TEXT, STORE_PT_BLOB };

/* One bound value. TEXT: p is the text, len its length in bytes or 0 for NUL-terminated (p NULL binds
 * NULL). BLOB: p and len bytes (p may be NULL when len is 0). Copied at submission. */
struct store_param {
	enum store_param_type type;
	int64_t i;
	double d;
	const void *p;
	size_t len;
};

#define STORE_PARAM_NULL() ((struct store_param){ .type = STORE_PT_NULL })
#define STORE_PARAM_INT64(v) ((struct store_param){ .type = STORE_PT_INT64, .i = (v) })
#define STORE_PARAM_DOUBLE(v) ((struct store_param){ .type = STORE_PT_DOUBLE, .d = (v) })
#define STORE_PARAM_TEXT(s) ((struct store_param){ .type = STORE_PT_TEXT, .p = (s) })
#define STORE_PARAM_BLOB(b, n) ((struct store_param){ .type = STORE_PT_BLOB, .p = (b), .len = (n) })

/* One SQL statement (exactly one: text after it is an error) and its n parameters, bound to ?1..?n
 * in order; the statement must have exactly n parameters. */
struct store_stmt {
	const char *sql;
	const struct store_param *params;
	size_t n;
};

enum {
	STORE_WRITER_MAX_STMTS = 64,            /* statements in one operation */
	STORE_WRITER_MAX_PARAMS = 999,          /* parameters of one statement */
	STORE_WRITER_MAX_OP_BYTES = 1 << 20,    /* key + SQL + text and blob values of one operation */
	STORE_WRITER_MAX_PENDING = 4096,        /* default cap of queued operations */
	STORE_WRITER_MAX_QUEUE_BYTES = 16 << 20 /* cap of the bytes queued */
};

struct store_writer_stats {
	uint64_t submitted;      /* operations accepted by store_writer_exec*() */
	uint64_t rejected;       /* submissions refused (invalid, too big, queue full, shutting down) */
	uint64_t coalesced;      /* replaced by a newer operation with the same key before being applied */
	uint64_t committed;      /* operations committed */
	uint64_t transactions;   /* transactions committed (one holds up to 64 queued operations) */
	uint64_t retries;        /* attempts that met a locked database and were retried after a back-off */
	uint64_t failed;         /* operations dropped after another error (constraint, disk full, I/O) */
	uint64_t journaled;      /* operations written to the journal by destroy */
	uint64_t replayed;       /* journal records queued again by create */
	uint64_t replay_skipped; /* journal records create found already applied (power cut before delete) */
	uint64_t journal_bad;    /* torn or corrupt stretches of a journal that create ignored */
	uint64_t pending;        /* operations queued now */
};

/* Zero fields take the default. */
struct store_writer_opts {
	uint32_t busy_timeout_ms; /* how long one attempt waits for the lock (50) */
	uint32_t backoff_min_ms;  /* first pause after a locked attempt (10), doubling... */
	uint32_t backoff_max_ms;  /* ...up to this (500); retries go on for as long as the lock is held */
	uint32_t shutdown_ms;     /* how long destroy waits for the queue to drain before journaling (300) */
	uint32_t max_pending;     /* cap of queued operations (STORE_WRITER_MAX_PENDING) */
	const char *journal_path; /* copied; NULL: "<db_path>-writes" */
	/* Called on the writer thread, without any writer lock held, each time an operation is dropped
	 * after an error other than a locked database: key (may be NULL), the negative errno (store_errno)
	 * and a short sentence a viewer can read. May submit; must not flush or destroy. */
	void (*on_error)(void *opaque, const char *key, int err, const char *reason);
	void *opaque;
	/* When non-NULL, destroy writes the final stats here (journaled included). */
	struct store_writer_stats *final_stats;
};

/* Opens a connection to db_path (store_open(): created when missing, WAL), replays the journal it
 * finds (its records are queued before anything submitted later; the file is deleted once they are
 * all applied), and starts the writer thread. Opening and reading the journal are done here, on the
 * calling thread; nothing here waits for the write lock. o may be NULL.
 * On success *out is owned by the caller: release with store_writer_destroy(). Returns 0, -EINVAL,
 * -ENOMEM, a store_open() error, or the pthread error. */
int store_writer_create(const char *db_path, const struct store_writer_opts *o, struct store_writer **out);

/* Waits at most opts.shutdown_ms for the queue to drain, stops the thread (an attempt in progress
 * ends within busy_timeout_ms), writes the operations still queued to the journal (temp file, fsync,
 * rename, fsync of the directory; mode 0600: values may be credentials), closes, frees. Accepts NULL
 * and sets *w to NULL. */
void store_writer_destroy(struct store_writer **w);

/* Queues one statement: store_writer_exec_many() with one struct store_stmt. */
int store_writer_exec(struct store_writer *w, const char *key, const char *sql,
		      const struct store_param *params, size_t n);

/* Queues the n statements of stmts as one operation that commits together or not at all. key may
 * be NULL (no coalescing). Returns at once: key, SQL and values are copied (the caller's buffers may
 * be freed on return); no SQLite call is made. Returns 0, -EINVAL (bad arguments), -E2BIG (over the
 * caps above), -EAGAIN (max_pending operations or STORE_WRITER_MAX_QUEUE_BYTES queued), -ENOMEM,
 * -ESHUTDOWN (destroy began). Errors met when applying are reported through on_error. The key and
 * the SQL text may be logged; values never are, so pass secrets as parameters only. */
int store_writer_exec_many(struct store_writer *w, const char *key, const struct store_stmt *stmts, size_t n);

/* Waits until every operation submitted before the call (and every replayed one) is committed, or
 * dropped after an error with on_error run, or replaced by a newer one with its key that is. Returns
 * 0 or -ETIMEDOUT. Not from a callback. */
int store_writer_flush(struct store_writer *w, uint32_t timeout_ms);

/* A consistent snapshot of the counters. */
void store_writer_stats(struct store_writer *w, struct store_writer_stats *s);

#endif
