/* SPDX-License-Identifier: MIT */
/* The single writer thread behind store_writer.h: a queue of self-contained operations (one
 * allocation each: key, SQL, values), applied in batches of up to BATCH_MAX operations per
 * transaction, one SAVEPOINT per operation so that a failing one is dropped alone. A locked database
 * rolls the whole attempt back and retries it after a back-off; the queue mutex is never held across
 * a SQLite call or a file operation, so a submitter never waits for the disk.
 *
 * Journal file: an 8-byte header ("QNWJ", version) then records, each
 *   u32 magic, u32 payload length, u32 CRC-32 of the payload, payload
 * with the payload u64 journal id, u64 record number, key, statements and values (little endian).
 * A record that does not verify is skipped and the reader resynchronises on the next magic, so a torn
 * or corrupt stretch costs only the records in it. Replayed records are marked done in
 * store_writer_replayed in the same transaction that applies them, so a power cut after the commit
 * and before the journal is deleted does not apply them twice. */
#include "store_writer.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	BATCH_MAX = 64,
	BUSY_STEP_MS = 2,
	ERRMSG_MAX = 128,
	JOURNAL_VERSION = 1,
	JOURNAL_HEADER = 8,
	REC_HEADER = 12,
	REC_MAGIC = 0x5257514eu, /* "NQWR" */
	JOURNAL_MAX_BYTES = 64 << 20,
	KEY_NONE = 0xffffffffu,
	/* op->state during and after an attempt */
	OP_APPLIED = 0,
	OP_SKIPPED = 1, /* superseded before its turn in the transaction */
};

static const char journal_magic[4] = { 'Q', 'N', 'W', 'J' };

struct wparam {
	int type; /* enum store_param_type; TEXT with p == NULL became NULL */
	uint32_t len;
	int64_t i;
	double d;
	const char *p; /* inside the op's block, never NULL for TEXT and BLOB */
};

struct wstmt {
	const char *sql;
	uint32_t sql_len;
	uint32_t n;
	struct wparam *params;
};

_Static_assert(sizeof(struct wstmt) % _Alignof(struct wparam) == 0, "op block layout");

/* One queued operation. Everything but the links and the flags is immutable once queued, so the
 * writer reads it without the lock while the op is in flight. */
struct op {
	struct op *prev, *next; /* queue links: writer lock */
	const char *key;        /* NULL or inside the block */
	struct wstmt *stmts;
	uint32_t n;
	size_t size;             /* bytes of the block, for the queue cap */
	uint64_t seq;            /* submission number: writer lock */
	uint64_t wait_seq;       /* oldest submission this op stands for (flush): writer lock */
	uint64_t jid, jseq;      /* journal record it stands for (jid 0: none): writer lock */
	bool in_flight;          /* taken by the writer for the current attempt: writer lock */
	_Atomic bool superseded; /* set under the lock by a submitter; read by the writer mid-attempt */
	/* writer thread only, while in flight: */
	int result; /* OP_APPLIED, OP_SKIPPED or a negative errno */
	uint32_t fail_stmt;
	char errmsg[ERRMSG_MAX];
};

struct store_writer {
	/* immutable after create */
	struct store_writer_opts o; /* defaults filled in */
	char *journal_path;
	pthread_t thread;
	bool thread_started;

	/* writer thread only (create before the thread starts, destroy after the join) */
	struct store *store;

	pthread_mutex_t lock; /* guards every field below except abort */
	pthread_cond_t work;  /* submitter/destroy -> writer: queued, stopping, abort */
	pthread_cond_t done;  /* writer -> flush/destroy: operations left the queue */
	struct op *head, *tail;
	size_t count; /* ops in the queue, superseded in-flight ones included */
	size_t bytes;
	uint64_t next_seq;
	size_t replay_left;   /* queued ops with jid != 0 */
	bool journal_on_disk; /* the journal being replayed still exists */
	bool stopping;        /* destroy began: submissions refused */
	bool reporting;       /* the writer runs on_error for ops that left the queue (flush waits) */
	struct store_writer_stats st;

	_Atomic bool abort; /* destroy gave up waiting; read by the busy handler without the lock */
};

/* ---- time ---------------------------------------------------------------------------------- */

static struct timespec deadline_in(uint32_t ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* ---- operations ---------------------------------------------------------------------------- */

static size_t text_len(const struct store_param *p)
{
	return p->len ? p->len : strlen(p->p);
}

/* Validates and sizes an operation; *bytes gets the size of its block. */
static int op_measure(const char *key, const struct store_stmt *stmts, size_t n, size_t *bytes)
{
	if (!stmts || n == 0)
		return -EINVAL;
	if (n > STORE_WRITER_MAX_STMTS)
		return -E2BIG;
	size_t data = key ? strlen(key) + 1 : 0, nparams = 0;
	for (size_t i = 0; i < n; i++) {
		const struct store_stmt *s = &stmts[i];
		if (!s->sql || (s->n && !s->params))
			return -EINVAL;
		if (s->n > STORE_WRITER_MAX_PARAMS)
			return -E2BIG;
		data += strlen(s->sql) + 1;
		nparams += s->n;
		for (size_t j = 0; j < s->n && data <= STORE_WRITER_MAX_OP_BYTES; j++) {
			const struct store_param *p = &s->params[j];
			switch (p->type) {
			case STORE_PT_NULL:
			case STORE_PT_INT64:
			case STORE_PT_DOUBLE:
				break;
			case STORE_PT_TEXT:
				if (p->p)
					data += text_len(p) + 1;
				break;
			case STORE_PT_BLOB:
				if (!p->p && p->len)
					return -EINVAL;
				data += p->len;
				break;
			default:
				return -EINVAL;
			}
		}
		if (data > STORE_WRITER_MAX_OP_BYTES)
			return -E2BIG;
	}
	*bytes = sizeof(struct op) + n * sizeof(struct wstmt) + nparams * sizeof(struct wparam) + data;
	return 0;
}

static char *copy_bytes(char **cursor, const void *src, size_t len, bool nul)
{
	char *dst = *cursor;
	if (len)
		memcpy(dst, src, len);
	if (nul)
		dst[len++] = '\0';
	*cursor = dst + len;
	return dst;
}

/* Builds a self-contained copy of an operation. On success *out is owned by the caller (free()). */
static int op_new(const char *key, const struct store_stmt *stmts, size_t n, struct op **out)
{
	size_t size = 0;
	int err = op_measure(key, stmts, n, &size);
	if (err < 0)
		return err;
	struct op *op = calloc(1, size);
	if (!op)
		return -ENOMEM;
	op->size = size;
	op->n = (uint32_t)n;
	op->stmts = (struct wstmt *)(op + 1);
	struct wparam *params = (struct wparam *)(op->stmts + n);
	size_t nparams = 0;
	for (size_t i = 0; i < n; i++)
		nparams += stmts[i].n;
	char *cursor = (char *)(params + nparams);
	if (key)
		op->key = copy_bytes(&cursor, key, strlen(key), true);
	for (size_t i = 0; i < n; i++) {
		struct wstmt *s = &op->stmts[i];
		size_t sql_len = strlen(stmts[i].sql);
		s->sql = copy_bytes(&cursor, stmts[i].sql, sql_len, true);
		s->sql_len = (uint32_t)sql_len;
		s->n = (uint32_t)stmts[i].n;
		s->params = params;
		params += s->n;
		for (size_t j = 0; j < s->n; j++) {
			const struct store_param *src = &stmts[i].params[j];
			struct wparam *dst = &s->params[j];
			dst->type = src->type;
			dst->i = src->i;
			dst->d = src->d;
			if (src->type == STORE_PT_TEXT && !src->p) {
				dst->type = STORE_PT_NULL;
			} else if (src->type == STORE_PT_TEXT) {
				dst->len = (uint32_t)text_len(src);
				dst->p = copy_bytes(&cursor, src->p, dst->len, true);
			} else if (src->type == STORE_PT_BLOB) {
				dst->len = (uint32_t)src->len;
				dst->p = copy_bytes(&cursor, src->p, dst->len, false);
			}
		}
	}
	*out = op;
	return 0;
}

/* ---- the queue (writer lock held) ---------------------------------------------------------- */

static void queue_append(struct store_writer *w, struct op *op)
{
	op->prev = w->tail;
	op->next = NULL;
	if (w->tail)
		w->tail->next = op;
	else
		w->head = op;
	w->tail = op;
	w->count++;
	w->bytes += op->size;
	if (op->jid)
		w->replay_left++;
}

static void queue_unlink(struct store_writer *w, struct op *op)
{
	if (op->prev)
		op->prev->next = op->next;
	else
		w->head = op->next;
	if (op->next)
		op->next->prev = op->prev;
	else
		w->tail = op->prev;
	op->prev = op->next = NULL;
	w->count--;
	w->bytes -= op->size;
	if (op->jid)
		w->replay_left--;
}

static struct op *queue_find_key(struct store_writer *w, const char *key)
{
	for (struct op *op = w->tail; op; op = op->prev) {
		if (op->key && !atomic_load(&op->superseded) && strcmp(op->key, key) == 0)
			return op;
	}
	return NULL;
}

/* Queues op, replacing a queued op with the same key. A replaced op that is not in flight goes to
 * *dead (free it after unlocking); one in flight is flagged and left to the writer. The newer op
 * stands for the older one's flush number and journal record. Replayed records are not capped: they
 * were queued once already. */
static int queue_submit(struct store_writer *w, struct op *op, struct op **dead, bool capped)
{
	*dead = NULL;
	if (w->stopping)
		return -ESHUTDOWN;
	struct op *old = op->key ? queue_find_key(w, op->key) : NULL;
	bool frees_one = old && !old->in_flight;
	/* a replaced op leaves now, or after the attempt it is in: either way it takes no room */
	size_t count = w->count - (old ? 1 : 0);
	size_t bytes = w->bytes - (old ? old->size : 0);
	if (capped && (count >= w->o.max_pending || bytes + op->size > STORE_WRITER_MAX_QUEUE_BYTES))
		return -EAGAIN;
	op->seq = ++w->next_seq;
	op->wait_seq = op->seq;
	if (old) {
		op->wait_seq = old->wait_seq;
		if (!op->jid) {
			op->jid = old->jid;
			op->jseq = old->jseq;
		}
		if (frees_one) {
			queue_unlink(w, old);
			*dead = old;
			w->st.coalesced++;
		} else {
			atomic_store(&old->superseded, true);
		}
	}
	queue_append(w, op);
	pthread_cond_signal(&w->work);
	return 0;
}

static uint64_t queue_oldest_wait(struct store_writer *w)
{
	uint64_t oldest = UINT64_MAX;
	for (struct op *op = w->head; op; op = op->next) {
		if (!atomic_load(&op->superseded) && op->wait_seq < oldest)
			oldest = op->wait_seq;
	}
	return oldest;
}

/* ---- applying (writer thread, no lock held) ------------------------------------------------ */

static int busy_wait(void *arg, int count)
{
	struct store_writer *w = arg;
	if (atomic_load(&w->abort) || (uint32_t)count * BUSY_STEP_MS >= w->o.busy_timeout_ms)
		return 0;
	plat_clock_sleep_ms(BUSY_STEP_MS);
	return 1;
}

static void copy_msg(char *dst, const char *msg)
{
	snprintf(dst, ERRMSG_MAX, "%s", msg);
}

static int run(sqlite3 *db, const char *sql)
{
	return store_errno(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

static void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_param(sqlite3_stmt *st, int i, const struct wparam *p, int *rc)
{
	switch (p->type) {
	case STORE_PT_INT64:
		*rc = sqlite3_bind_int64(st, i, p->i);
		break;
	case STORE_PT_DOUBLE:
		*rc = sqlite3_bind_double(st, i, p->d);
		break;
	case STORE_PT_TEXT:
		*rc = sqlite3_bind_text(st, i, p->p, (int)p->len, SQLITE_STATIC);
		break;
	case STORE_PT_BLOB:
		*rc = sqlite3_bind_blob(st, i, p->p, (int)p->len, SQLITE_STATIC);
		break;
	default:
		*rc = sqlite3_bind_null(st, i);
		break;
	}
}

/* Prepares s and refuses text after its one statement or a parameter count that does not match. */
static int prepare_one(sqlite3 *db, const struct wstmt *s, sqlite3_stmt **out, char *errmsg)
{
	const char *tail = NULL;
	int err = store_errno(sqlite3_prepare_v2(db, s->sql, (int)s->sql_len + 1, out, &tail));
	if (err < 0) {
		copy_msg(errmsg, sqlite3_errmsg(db));
		return err;
	}
	if (!*out) {
		copy_msg(errmsg, "empty statement");
		return -EINVAL;
	}
	sqlite3_stmt *extra = NULL;
	if (tail && *tail && (sqlite3_prepare_v2(db, tail, -1, &extra, NULL) != SQLITE_OK || extra)) {
		sqlite3_finalize(extra);
		copy_msg(errmsg, "more than one statement in one store_stmt");
		return -EINVAL;
	}
	if (sqlite3_bind_parameter_count(*out) != (int)s->n) {
		copy_msg(errmsg, "parameter count does not match the statement");
		return -EINVAL;
	}
	return 0;
}

static int apply_stmt(sqlite3 *db, const struct wstmt *s, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int err = prepare_one(db, s, &st, errmsg);
	int rc = SQLITE_OK;
	for (uint32_t i = 0; err == 0 && i < s->n && rc == SQLITE_OK; i++)
		bind_param(st, (int)i + 1, &s->params[i], &rc);
	if (err == 0 && rc != SQLITE_OK)
		err = store_errno(rc);
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
	}
	if (err == 0 && rc != SQLITE_DONE) {
		err = store_errno(rc);
		if (err == 0)
			err = -EIO;
	}
	if (err < 0 && !errmsg[0])
		copy_msg(errmsg, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return err;
}

/* Applies op inside the open transaction under its own savepoint. Returns 0 or the op's error
 * (its statements undone); -EBUSY means the whole attempt must be retried. */
static int apply_op(sqlite3 *db, struct op *op)
{
	op->errmsg[0] = '\0';
	int err = run(db, "SAVEPOINT op");
	if (err < 0) {
		copy_msg(op->errmsg, sqlite3_errmsg(db));
		return err;
	}
	for (uint32_t i = 0; i < op->n && err == 0; i++) {
		err = apply_stmt(db, &op->stmts[i], op->errmsg);
		op->fail_stmt = i;
	}
	if (err == 0)
		return run(db, "RELEASE op");
	if (err != -EBUSY && !sqlite3_get_autocommit(db)) {
		sqlite3_exec(db, "ROLLBACK TO op", NULL, NULL, NULL);
		sqlite3_exec(db, "RELEASE op", NULL, NULL, NULL);
	}
	return err;
}

/* Records that journal record (jid, jseq) is done, in the transaction that applies it. */
static int mark_replayed(sqlite3 *db, uint64_t jid, const struct op *const *ops, size_t n)
{
	int err = run(db, "CREATE TABLE IF NOT EXISTS store_writer_replayed(journal INTEGER NOT NULL, "
			  "seq INTEGER NOT NULL, PRIMARY KEY(journal, seq)) WITHOUT ROWID");
	sqlite3_stmt *del = NULL, *ins = NULL;
	if (err == 0)
		err = store_errno(sqlite3_prepare_v2(
		    db, "DELETE FROM store_writer_replayed WHERE journal != ?", -1, &del, NULL));
	if (err == 0) {
		sqlite3_bind_int64(del, 1, (sqlite3_int64)jid);
		err = store_errno(sqlite3_step(del));
	}
	if (err == 0)
		err = store_errno(sqlite3_prepare_v2(
		    db, "INSERT OR IGNORE INTO store_writer_replayed(journal, seq) VALUES (?, ?)", -1, &ins,
		    NULL));
	for (size_t i = 0; i < n && err == 0; i++) {
		if (ops[i]->jid != jid || ops[i]->result == OP_SKIPPED)
			continue;
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)jid);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)ops[i]->jseq);
		err = store_errno(sqlite3_step(ins));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return err;
}

/* One attempt at a batch. Returns 0 (committed; each op->result says applied, skipped or failed),
 * -EBUSY (locked: nothing changed, retry), or another error of the batch as a whole (nothing
 * committed; errmsg says why). */
static int apply_batch(struct store_writer *w, struct op **ops, size_t n, char *errmsg)
{
	sqlite3 *db = store_db(w->store);
	errmsg[0] = '\0';
	int err = run(db, "BEGIN IMMEDIATE");
	uint64_t jid = 0;
	for (size_t i = 0; i < n && err == 0; i++) {
		struct op *op = ops[i];
		if (atomic_load(&op->superseded)) {
			op->result = OP_SKIPPED;
			continue;
		}
		op->result = apply_op(db, op);
		if (op->result == -EBUSY)
			err = -EBUSY;
		else if (sqlite3_get_autocommit(db)) /* SQLite rolled the whole transaction back */
			err = op->result < 0 ? op->result : -EIO;
		if (op->jid)
			jid = op->jid;
	}
	if (err == 0 && jid) {
		int m = mark_replayed(db, jid, (const struct op *const *)ops, n);
		if (m == -EBUSY || sqlite3_get_autocommit(db))
			err = m < 0 ? m : -EIO;
		else if (m < 0)
			plat_log_warn("store", "cannot mark replayed writes: %s", sqlite3_errmsg(db));
	}
	if (err == 0)
		err = run(db, "COMMIT");
	if (err < 0) {
		copy_msg(errmsg, sqlite3_errmsg(db));
		rollback(db);
	}
	return err;
}

/* ---- the writer thread --------------------------------------------------------------------- */

/* Takes up to max ops from the head of the queue for an attempt (lock held). */
static size_t take_batch(struct store_writer *w, struct op **batch, size_t max)
{
	size_t n = 0;
	for (struct op *op = w->head; op && n < max; op = op->next) {
		if (atomic_load(&op->superseded)) /* only in flight ones are; none between attempts */
			continue;
		op->in_flight = true;
		batch[n++] = op;
	}
	return n;
}

/* After an attempt that changed nothing: superseded ops go, the others wait for the next attempt.
 * Lock held; the dropped ops are returned in batch[0..] for freeing after unlocking. */
static size_t release_batch(struct store_writer *w, struct op **batch, size_t n)
{
	size_t dead = 0;
	for (size_t i = 0; i < n; i++) {
		struct op *op = batch[i];
		op->in_flight = false;
		if (atomic_load(&op->superseded)) {
			queue_unlink(w, op);
			w->st.coalesced++;
			batch[dead++] = op;
		}
	}
	if (dead)
		pthread_cond_broadcast(&w->done);
	return dead;
}

static const char *reason_for(int err)
{
	switch (err) {
	case -EEXIST:
		return "A change conflicted with saved data and was not saved.";
	case -ENOSPC:
		return "The box's storage is full: a change was not saved.";
	case -EACCES:
		return "The box's storage is read-only: a change was not saved.";
	case -ENOMEM:
		return "The box ran out of memory: a change was not saved.";
	case -EINVAL:
		return "A change was not saved (program error).";
	default:
		return "A change could not be saved (storage error).";
	}
}

static void report_failure(struct store_writer *w, const struct op *op)
{
	const struct wstmt *s = &op->stmts[op->fail_stmt < op->n ? op->fail_stmt : 0];
	/* the key and the SQL text only: values may be credentials */
	plat_log_warn("store", "write dropped (key %s, statement %u of %u: %.60s): %s",
		      op->key ? op->key : "-", op->fail_stmt + 1, op->n, s->sql, op->errmsg);
	if (w->o.on_error)
		w->o.on_error(w->o.opaque, op->key, op->result, reason_for(op->result));
}

/* After a committed attempt, or a failed attempt of one op: the batch leaves the queue. Lock held on
 * entry and on return; dropped for the callbacks and free(); flush waiters are woken once the
 * callbacks have run, so that a flush returns after the failures before it were reported. */
static void finish_batch(struct store_writer *w, struct op **batch, size_t n, bool committed)
{
	bool any_applied = false;
	for (size_t i = 0; i < n; i++) {
		struct op *op = batch[i];
		queue_unlink(w, op);
		if (op->result == OP_SKIPPED) {
			w->st.coalesced++;
		} else if (op->result < 0) {
			w->st.failed++;
		} else {
			w->st.committed++;
			any_applied = true;
		}
	}
	if (committed && any_applied)
		w->st.transactions++;
	w->reporting = true;
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < n; i++) {
		if (batch[i]->result < 0)
			report_failure(w, batch[i]);
		free(batch[i]);
	}
	pthread_mutex_lock(&w->lock);
	w->reporting = false;
	pthread_cond_broadcast(&w->done);
}

static void free_ops_unlocked(struct store_writer *w, struct op **ops, size_t n)
{
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < n; i++)
		free(ops[i]);
	pthread_mutex_lock(&w->lock);
}

/* Pauses after a locked attempt; only abort cuts it short (new submissions do not). Lock held. */
static void backoff_wait(struct store_writer *w, uint32_t ms)
{
	struct timespec dl = deadline_in(ms);
	while (!atomic_load(&w->abort)) {
		if (pthread_cond_timedwait(&w->work, &w->lock, &dl) == ETIMEDOUT)
			break;
	}
}

static void fsync_dir_of(const char *path);

/* The replayed journal is deleted once every record in it is applied (lock held; dropped for the
 * unlink). */
static void journal_retire(struct store_writer *w)
{
	if (!w->journal_on_disk || w->replay_left)
		return;
	w->journal_on_disk = false;
	pthread_mutex_unlock(&w->lock);
	if (unlink(w->journal_path) == 0)
		fsync_dir_of(w->journal_path);
	pthread_mutex_lock(&w->lock);
}

static void *writer_main(void *arg)
{
	struct store_writer *w = arg;
	struct op *batch[BATCH_MAX];
	uint32_t backoff = w->o.backoff_min_ms;
	size_t solo_left = 0; /* after a batch failed as a whole: ops to try one at a time */
	char errmsg[ERRMSG_MAX];
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!atomic_load(&w->abort) && !w->head && !w->stopping)
			pthread_cond_wait(&w->work, &w->lock);
		if (atomic_load(&w->abort) || !w->head)
			break;
		size_t n = take_batch(w, batch, solo_left ? 1 : BATCH_MAX);
		pthread_mutex_unlock(&w->lock);
		int err = apply_batch(w, batch, n, errmsg);
		pthread_mutex_lock(&w->lock);
		if (err == -EBUSY) {
			w->st.retries++;
			free_ops_unlocked(w, batch, release_batch(w, batch, n));
			backoff_wait(w, backoff);
			backoff = backoff * 2 > w->o.backoff_max_ms ? w->o.backoff_max_ms : backoff * 2;
			continue;
		}
		backoff = w->o.backoff_min_ms;
		if (err < 0 && n > 1) {
			free_ops_unlocked(w, batch, release_batch(w, batch, n));
			solo_left = n;
			continue;
		}
		if (err < 0 && batch[0]->result == OP_APPLIED) {
			batch[0]->result = err;
			copy_msg(batch[0]->errmsg, errmsg);
		}
		if (solo_left)
			solo_left--;
		finish_batch(w, batch, n, err == 0);
		journal_retire(w);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* ---- journal encoding ---------------------------------------------------------------------- */

/* CRC-32 (IEEE 802.3, reflected). The table lives in the caller's frame: no global state. */
struct crc32 {
	uint32_t table[256];
};

static void crc32_init(struct crc32 *c)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i;
		for (int k = 0; k < 8; k++)
			v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
		c->table[i] = v;
	}
}

static uint32_t crc32_of(const struct crc32 *c, const uint8_t *p, size_t len)
{
	uint32_t v = 0xffffffffu;
	for (size_t i = 0; i < len; i++)
		v = c->table[(v ^ p[i]) & 0xff] ^ (v >> 8);
	return v ^ 0xffffffffu;
}

/* Writes into buf when non-NULL, otherwise only counts. */
struct put {
	uint8_t *buf;
	size_t len;
};

static void put_bytes(struct put *o, const void *p, size_t len)
{
	if (o->buf && len)
		memcpy(o->buf + o->len, p, len);
	o->len += len;
}

static void put_u32(struct put *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	put_bytes(o, b, 4);
}

static void put_u64(struct put *o, uint64_t v)
{
	put_u32(o, (uint32_t)v);
	put_u32(o, (uint32_t)(v >> 32));
}

static void put_payload(struct put *o, uint64_t jid, uint64_t jseq, const struct op *op)
{
	put_u64(o, jid);
	put_u64(o, jseq);
	put_u32(o, op->key ? (uint32_t)strlen(op->key) : KEY_NONE);
	if (op->key)
		put_bytes(o, op->key, strlen(op->key));
	put_u32(o, op->n);
	for (uint32_t i = 0; i < op->n; i++) {
		const struct wstmt *s = &op->stmts[i];
		put_u32(o, s->sql_len);
		put_bytes(o, s->sql, s->sql_len);
		put_u32(o, s->n);
		for (uint32_t j = 0; j < s->n; j++) {
			const struct wparam *p = &s->params[j];
			uint8_t type = (uint8_t)p->type;
			put_bytes(o, &type, 1);
			uint64_t bits = 0;
			switch (p->type) {
			case STORE_PT_INT64:
				put_u64(o, (uint64_t)p->i);
				break;
			case STORE_PT_DOUBLE:
				memcpy(&bits, &p->d, sizeof(bits));
				put_u64(o, bits);
				break;
			case STORE_PT_TEXT:
			case STORE_PT_BLOB:
				put_u32(o, p->len);
				put_bytes(o, p->p, p->len);
				break;
			default:
				break;
			}
		}
	}
}

/* A record: header and payload; the CRC is filled in once the payload is in place. */
static void put_record(struct put *o, const struct crc32 *crc, uint64_t jid, uint64_t jseq,
		       const struct op *op)
{
	size_t start = o->len;
	put_u32(o, REC_MAGIC);
	put_u32(o, 0);
	put_u32(o, 0);
	put_payload(o, jid, jseq, op);
	if (o->buf) {
		size_t len = o->len - start - REC_HEADER;
		struct put fix = { o->buf, start + 4 };
		put_u32(&fix, (uint32_t)len);
		put_u32(&fix, crc32_of(crc, o->buf + start + REC_HEADER, len));
	}
}

struct get {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *get_bytes(struct get *g, size_t len)
{
	if (g->bad || len > g->left) {
		g->bad = true;
		return NULL;
	}
	const uint8_t *p = g->p;
	g->p += len;
	g->left -= len;
	return p;
}

static uint32_t get_u32(struct get *g)
{
	const uint8_t *b = get_bytes(g, 4);
	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24 : 0;
}

static uint64_t get_u64(struct get *g)
{
	uint64_t lo = get_u32(g);
	return lo | (uint64_t)get_u32(g) << 32;
}

static uint32_t rd_u32(const uint8_t *b)
{
	struct get g = { b, 4, false };
	return get_u32(&g);
}

/* Decoded statements and values point into the payload; NUL-terminated strings are duplicated. */
struct decoded {
	char *key;
	struct store_stmt stmts[STORE_WRITER_MAX_STMTS];
	char *sql[STORE_WRITER_MAX_STMTS];
	struct store_param *params[STORE_WRITER_MAX_STMTS];
	size_t n;
};

static void decoded_free(struct decoded *d)
{
	free(d->key);
	for (size_t i = 0; i < d->n; i++) {
		free(d->sql[i]);
		free(d->params[i]);
	}
	memset(d, 0, sizeof(*d));
}

static char *get_string(struct get *g, uint32_t len)
{
	const uint8_t *b = get_bytes(g, len);
	char *s = b && !memchr(b, '\0', len) ? malloc((size_t)len + 1) : NULL;
	if (!s) {
		g->bad = true;
		return NULL;
	}
	memcpy(s, b, len);
	s[len] = '\0';
	return s;
}

static bool get_param(struct get *g, struct store_param *p)
{
	const uint8_t *type = get_bytes(g, 1);
	if (!type)
		return false;
	memset(p, 0, sizeof(*p));
	p->type = (enum store_param_type) * type;
	uint64_t bits;
	switch (*type) {
	case STORE_PT_NULL:
		break;
	case STORE_PT_INT64:
		p->i = (int64_t)get_u64(g);
		break;
	case STORE_PT_DOUBLE:
		bits = get_u64(g);
		memcpy(&p->d, &bits, sizeof(bits));
		break;
	case STORE_PT_TEXT:
	case STORE_PT_BLOB:
		p->len = get_u32(g);
		p->p = get_bytes(g, p->len);
		if (*type == STORE_PT_TEXT && p->len == 0)
			p->p = ""; /* len 0 means NUL-terminated */
		break;
	default:
		g->bad = true;
	}
	return !g->bad;
}

/* Decodes one verified payload into *d (free with decoded_free()). */
static bool decode_payload(struct get *g, uint64_t *jid, uint64_t *jseq, struct decoded *d)
{
	memset(d, 0, sizeof(*d));
	*jid = get_u64(g);
	*jseq = get_u64(g);
	uint32_t key_len = get_u32(g);
	if (key_len != KEY_NONE)
		d->key = get_string(g, key_len);
	uint32_t n = get_u32(g);
	if (g->bad || n == 0 || n > STORE_WRITER_MAX_STMTS)
		return false;
	for (uint32_t i = 0; i < n && !g->bad; i++) {
		d->sql[i] = get_string(g, get_u32(g));
		uint32_t np = get_u32(g);
		d->n = i + 1;
		if (g->bad || np > STORE_WRITER_MAX_PARAMS)
			return false;
		d->params[i] = calloc(np ? np : 1, sizeof(struct store_param));
		if (!d->params[i])
			return false;
		for (uint32_t j = 0; j < np; j++) {
			if (!get_param(g, &d->params[i][j]))
				return false;
		}
		d->stmts[i] = (struct store_stmt){ d->sql[i], d->params[i], np };
	}
	return !g->bad && g->left == 0;
}

/* ---- journal files ------------------------------------------------------------------------- */

static void fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* Writes buf durably as the journal: temp file, fsync, rename, fsync of the directory. */
static int journal_store(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int err = write_all(fd, buf, len);
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) < 0)
		err = -errno;
	if (err < 0)
		unlink(tmp);
	else
		fsync_dir_of(path);
	return err;
}

static uint64_t new_journal_id(const struct store_writer *w)
{
	uint64_t id = 0;
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		id = ((uint64_t)plat_clock_wall_ms() * 1000003u) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)w;
	return id ? id & INT64_MAX : 1; /* stored as a SQLite INTEGER */
}

/* Destroy, after the join: whatever is still queued goes to the journal. Returns how many. */
static size_t journal_save(struct store_writer *w)
{
	size_t n = 0;
	for (struct op *op = w->head; op; op = op->next)
		n += !atomic_load(&op->superseded);
	if (n == 0) {
		if (w->journal_on_disk && unlink(w->journal_path) == 0)
			fsync_dir_of(w->journal_path);
		return 0;
	}
	struct crc32 crc;
	crc32_init(&crc);
	uint64_t jid = new_journal_id(w);
	struct put o = { NULL, JOURNAL_HEADER };
	uint64_t jseq = 0;
	for (struct op *op = w->head; op; op = op->next) {
		if (!atomic_load(&op->superseded))
			put_record(&o, &crc, jid, ++jseq, op);
	}
	uint8_t *buf = malloc(o.len);
	int err = buf ? 0 : -ENOMEM;
	if (buf) {
		o = (struct put){ buf, 0 };
		put_bytes(&o, journal_magic, sizeof(journal_magic));
		put_u32(&o, JOURNAL_VERSION);
		jseq = 0;
		for (struct op *op = w->head; op; op = op->next) {
			if (!atomic_load(&op->superseded))
				put_record(&o, &crc, jid, ++jseq, op);
		}
		err = journal_store(w->journal_path, buf, o.len);
	}
	free(buf);
	if (err < 0) {
		plat_log_error("store", "%zu writes could not be kept for the next start (%s): %s", n,
			       w->journal_path, strerror(-err));
		return 0;
	}
	plat_log_info("store", "%zu writes kept in %s for the next start", n, w->journal_path);
	return n;
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat sb;
	int err = fstat(fd, &sb) < 0 ? -errno : 0;
	if (err == 0 && (sb.st_size < 0 || sb.st_size > JOURNAL_MAX_BYTES))
		err = -EFBIG;
	size_t size = err == 0 ? (size_t)sb.st_size : 0;
	uint8_t *p = err == 0 ? malloc(size ? size : 1) : NULL;
	if (err == 0 && !p)
		err = -ENOMEM;
	size_t got = 0;
	while (err == 0 && got < size) {
		ssize_t k = read(fd, p + got, size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* shorter than fstat said: use what is there */
		got += (size_t)k;
	}
	close(fd);
	if (err < 0) {
		free(p);
		return err;
	}
	*buf = p;
	*len = got;
	return 0;
}

/* Whether (jid, jseq) was applied already (a power cut between the commit and the delete). */
static bool already_applied(sqlite3_stmt *q, uint64_t jid, uint64_t jseq)
{
	if (!q)
		return false;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)jid);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)jseq);
	bool found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	return found;
}

/* Queues one verified record unless it was applied already. Lock not needed: no thread yet. */
static void replay_record(struct store_writer *w, struct get *g, uint64_t *file_jid, sqlite3_stmt **q)
{
	struct decoded d;
	uint64_t jid = 0, jseq = 0;
	struct op *op = NULL, *dead = NULL;
	bool ok = decode_payload(g, &jid, &jseq, &d) && jid && (!*file_jid || jid == *file_jid);
	if (ok && !*file_jid) {
		*file_jid = jid;
		sqlite3_prepare_v2(store_db(w->store),
				   "SELECT 1 FROM store_writer_replayed WHERE journal = ? AND seq = ?", -1, q,
				   NULL); /* no table yet: nothing was replayed */
	}
	if (!ok) {
		w->st.journal_bad++;
	} else if (already_applied(*q, jid, jseq)) {
		w->st.replay_skipped++;
	} else if (op_new(d.key, d.stmts, d.n, &op) < 0) {
		w->st.journal_bad++;
	} else {
		op->jid = jid;
		op->jseq = jseq;
		if (queue_submit(w, op, &dead, false) < 0) {
			free(op);
			w->st.journal_bad++;
		} else {
			w->st.replayed++;
		}
		free(dead);
	}
	decoded_free(&d);
}

/* Create, before the thread starts: queues the journal's good records, record by record. */
static void journal_load(struct store_writer *w)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = read_file(w->journal_path, &buf, &len);
	if (err == -ENOENT)
		return;
	if (err < 0) {
		plat_log_error("store", "cannot read %s: %s", w->journal_path, strerror(-err));
		return;
	}
	struct crc32 crc;
	crc32_init(&crc);
	size_t pos = 0;
	if (len >= JOURNAL_HEADER && memcmp(buf, journal_magic, sizeof(journal_magic)) == 0 &&
	    rd_u32(buf + 4) == JOURNAL_VERSION)
		pos = JOURNAL_HEADER;
	else
		w->st.journal_bad++; /* still scan it: the records carry their own checks */
	uint64_t jid = 0;
	sqlite3_stmt *q = NULL;
	bool in_bad = false;
	while (pos + REC_HEADER <= len) {
		uint32_t rlen = rd_u32(buf + pos + 4);
		if (rd_u32(buf + pos) == REC_MAGIC && rlen <= len - pos - REC_HEADER &&
		    crc32_of(&crc, buf + pos + REC_HEADER, rlen) == rd_u32(buf + pos + 8)) {
			struct get g = { buf + pos + REC_HEADER, rlen, false };
			replay_record(w, &g, &jid, &q);
			pos += REC_HEADER + rlen;
			in_bad = false;
			continue;
		}
		if (!in_bad)
			w->st.journal_bad++;
		in_bad = true;
		pos++; /* resynchronise on the next record magic */
	}
	if (pos < len && !in_bad)
		w->st.journal_bad++; /* a torn tail shorter than a record header */
	sqlite3_finalize(q);
	free(buf);
	if (w->st.journal_bad)
		plat_log_warn("store", "%s: %llu damaged stretches ignored", w->journal_path,
			      (unsigned long long)w->st.journal_bad);
	if (w->replay_left) {
		w->journal_on_disk = true;
		plat_log_info("store", "replaying %llu writes from %s", (unsigned long long)w->st.replayed,
			      w->journal_path);
	} else if (unlink(w->journal_path) == 0) {
		fsync_dir_of(w->journal_path);
	}
}

/* ---- public API ---------------------------------------------------------------------------- */

static void fill_defaults(struct store_writer_opts *o)
{
	if (!o->busy_timeout_ms)
		o->busy_timeout_ms = 50;
	if (!o->backoff_min_ms)
		o->backoff_min_ms = 10;
	if (!o->backoff_max_ms)
		o->backoff_max_ms = 500;
	if (o->backoff_max_ms < o->backoff_min_ms)
		o->backoff_max_ms = o->backoff_min_ms;
	if (!o->shutdown_ms)
		o->shutdown_ms = 300;
	if (!o->max_pending)
		o->max_pending = STORE_WRITER_MAX_PENDING;
}

static int init_sync(struct store_writer *w)
{
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0)
		return -ENOMEM;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, &ca);
	pthread_cond_init(&w->done, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

int store_writer_create(const char *db_path, const struct store_writer_opts *o, struct store_writer **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!db_path)
		return -EINVAL;
	struct store_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (o)
		w->o = *o;
	fill_defaults(&w->o);
	size_t plen = strlen(db_path) + sizeof("-writes");
	w->journal_path = o && o->journal_path ? strdup(o->journal_path) : malloc(plen);
	if (!w->journal_path || init_sync(w) < 0) {
		free(w->journal_path);
		free(w);
		return -ENOMEM;
	}
	if (!(o && o->journal_path))
		snprintf(w->journal_path, plen, "%s-writes", db_path);
	w->o.journal_path = w->journal_path;
	int err = store_open(db_path, &w->store);
	if (err == 0) {
		sqlite3_busy_handler(store_db(w->store), busy_wait, w);
		journal_load(w);
		err = -pthread_create(&w->thread, NULL, writer_main, w);
		w->thread_started = err == 0;
	}
	if (err < 0) {
		store_writer_destroy(&w);
		return err;
	}
	*out = w;
	return 0;
}

void store_writer_destroy(struct store_writer **wp)
{
	struct store_writer *w = wp ? *wp : NULL;
	if (!w)
		return;
	if (w->thread_started) {
		pthread_mutex_lock(&w->lock);
		w->stopping = true;
		pthread_cond_broadcast(&w->work);
		struct timespec dl = deadline_in(w->o.shutdown_ms);
		while (w->head && pthread_cond_timedwait(&w->done, &w->lock, &dl) != ETIMEDOUT) {
		}
		atomic_store(&w->abort, true);
		pthread_cond_broadcast(&w->work);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		w->st.journaled = journal_save(w);
	}
	store_close(&w->store);
	w->st.pending = w->count;
	if (w->o.final_stats)
		*w->o.final_stats = w->st;
	while (w->head) {
		struct op *op = w->head;
		queue_unlink(w, op);
		free(op);
	}
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	pthread_mutex_destroy(&w->lock);
	free(w->journal_path);
	free(w);
	*wp = NULL;
}

int store_writer_exec_many(struct store_writer *w, const char *key, const struct store_stmt *stmts, size_t n)
{
	if (!w)
		return -EINVAL;
	struct op *op = NULL, *dead = NULL;
	int err = op_new(key, stmts, n, &op);
	pthread_mutex_lock(&w->lock);
	if (err == 0)
		err = queue_submit(w, op, &dead, true);
	if (err == 0)
		w->st.submitted++;
	else
		w->st.rejected++;
	pthread_mutex_unlock(&w->lock);
	free(dead);
	if (err < 0)
		free(op);
	return err;
}

int store_writer_exec(struct store_writer *w, const char *key, const char *sql,
		      const struct store_param *params, size_t n)
{
	struct store_stmt s = { sql, params, n };
	return store_writer_exec_many(w, key, &s, 1);
}

int store_writer_flush(struct store_writer *w, uint32_t timeout_ms)
{
	if (!w)
		return -EINVAL;
	struct timespec dl = deadline_in(timeout_ms);
	int err = 0;
	pthread_mutex_lock(&w->lock);
	uint64_t target = w->next_seq;
	while (w->reporting || queue_oldest_wait(w) <= target) {
		if (pthread_cond_timedwait(&w->done, &w->lock, &dl) == ETIMEDOUT) {
			err = w->reporting || queue_oldest_wait(w) <= target ? -ETIMEDOUT : 0;
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return err;
}

void store_writer_stats(struct store_writer *w, struct store_writer_stats *s)
{
	if (!w) {
		memset(s, 0, sizeof(*s));
		return;
	}
	pthread_mutex_lock(&w->lock);
	*s = w->st;
	s->pending = w->count;
	pthread_mutex_unlock(&w->lock);
}
