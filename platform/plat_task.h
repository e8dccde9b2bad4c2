/* SPDX-License-Identifier: MIT */
/* The worker pool (ARCHITECTURE.md section 2): HTTP calls, catalogue sync, EPG import run on a fixed
 * set of worker threads; their results come back to the owner thread (the UI thread) as "done"
 * callbacks that only run inside plat_tasks_drain(), so nothing but messages crosses threads.
 * Queue bounded (PLAT_TASKS_MAX_QUEUED); shutdown is abort, join, drop.
 *
 * Cancellation: every task gets its own cancel token (plat_cancel.h), created at submit and freed
 * after its done callback. plat_tasks_cancel() fires one task's token; plat_tasks_destroy() fires
 * every token before it joins, so a task blocked in a transfer that watches its token (plat_http,
 * xt_client_set_cancel, library_sync_ex, epg_import's opts.cancel) returns at once and the pool
 * shuts down in well under a second. */
#ifndef PLAT_TASK_H
#define PLAT_TASK_H

#include <stdbool.h>
#include <stdint.h>

enum { PLAT_TASKS_MAX_QUEUED = 256 };

struct plat_tasks;
struct plat_cancel;

/* Runs on a worker thread. *cancel becomes true when the task is cancelled or the pool shuts down:
 * long tasks poll it (or hand it to plat_http as the cancel flag). It is the flag of the task's own
 * token: plat_cancel_from_flag(cancel) gives the token itself, to hand to the APIs that take one. */
typedef void (*plat_task_run_fn)(void *arg, const _Atomic bool *cancel);

/* Runs on a worker thread with the task's own token (borrowed: valid until run returns). Hand it to
 * every blocking call (xt_client_set_cancel, library_sync_ex, epg_import opts.cancel, plat_http
 * request.token, plat_cancel_sleep_ms) so a cancel interrupts the call at once. */
typedef void (*plat_task_job_fn)(void *arg, struct plat_cancel *cancel);

/* Runs on the owner thread inside plat_tasks_drain() after run() finished; cancelled is true when the
 * task was cancelled, or the pool shut down before or during the task (free arg then, touch no UI).
 * Owns arg. */
typedef void (*plat_task_done_fn)(void *arg, bool cancelled);

/* wake(opaque) is called from a worker each time a result is ready (e.g. push an SDL user event so
 * the UI loop wakes up); may be NULL. On success *out is owned by the caller (plat_tasks_destroy).
 * Returns 0, -EINVAL, -ENOMEM or the pthread error. */
int plat_tasks_create(int workers, void (*wake)(void *opaque), void *opaque, struct plat_tasks **out);

/* Queues a task. Returns 0, or -EAGAIN when PLAT_TASKS_MAX_QUEUED tasks wait, -ESHUTDOWN after
 * destroy began, -ENOMEM. done may be NULL. Owner thread or any thread. */
int plat_tasks_submit(struct plat_tasks *t, plat_task_run_fn run, plat_task_done_fn done, void *arg);

/* The same for a job that takes its token. *id (may be NULL) gets the task's id (never 0) for
 * plat_tasks_cancel(). Same returns as plat_tasks_submit(). */
int plat_tasks_submit_job(struct plat_tasks *t, plat_task_job_fn run, plat_task_done_fn done, void *arg,
			  uint64_t *id);

/* Fires the token of task id (from plat_tasks_submit_job): a queued task never runs, a running one
 * sees its token fired; either way done gets cancelled = true. Returns 0, or -ENOENT when the task
 * already finished running (or the id is unknown). Owner thread or any thread. */
int plat_tasks_cancel(struct plat_tasks *t, uint64_t id);

/* Runs the done callbacks of finished tasks, on the calling (owner) thread. Returns how many ran. */
int plat_tasks_drain(struct plat_tasks *t);

/* Tasks finished, queued or running (for an idle check: 0 means nothing in flight). */
int plat_tasks_pending(struct plat_tasks *t);

/* Fires every task's token, joins the workers (running tasks return as soon as they see the token),
 * calls done with cancelled = true for every task not yet delivered, frees. Accepts NULL; sets *t to
 * NULL. */
void plat_tasks_destroy(struct plat_tasks **t);

#endif
