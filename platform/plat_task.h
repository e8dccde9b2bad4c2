/* SPDX-License-Identifier: MIT */
/* The worker pool (ARCHITECTURE.md section 2): HTTP calls, catalogue sync, EPG import run on a fixed
 * set of worker threads; their results come back to the owner thread (the UI thread) as "done"
 * callbacks that only run inside plat_tasks_drain(), so nothing but messages crosses threads.
 * Queue bounded (PLAT_TASKS_MAX_QUEUED); shutdown is abort, join, drop. */
#ifndef PLAT_TASK_H
#define PLAT_TASK_H

#include <stdbool.h>

enum { PLAT_TASKS_MAX_QUEUED = 256 };

struct plat_tasks;

/* Runs on a worker thread. *cancel becomes true when the pool shuts down: long tasks poll it (or
 * hand it to plat_http as the cancel flag). */
typedef void (*plat_task_run_fn)(void *arg, const _Atomic bool *cancel);

/* Runs on the owner thread inside plat_tasks_drain() after run() finished; cancelled is true when the
 * pool shut down before or during the task (free arg then, touch no UI). Owns arg. */
typedef void (*plat_task_done_fn)(void *arg, bool cancelled);

/* wake(opaque) is called from a worker each time a result is ready (e.g. push an SDL user event so
 * the UI loop wakes up); may be NULL. On success *out is owned by the caller (plat_tasks_destroy).
 * Returns 0, -EINVAL, -ENOMEM or the pthread error. */
int plat_tasks_create(int workers, void (*wake)(void *opaque), void *opaque, struct plat_tasks **out);

/* Queues a task. Returns 0, or -EAGAIN when PLAT_TASKS_MAX_QUEUED tasks wait, -ESHUTDOWN after
 * destroy began. done may be NULL. Owner thread or any thread. */
int plat_tasks_submit(struct plat_tasks *t, plat_task_run_fn run, plat_task_done_fn done, void *arg);

/* Runs the done callbacks of finished tasks, on the calling (owner) thread. Returns how many ran. */
int plat_tasks_drain(struct plat_tasks *t);

/* Tasks finished, queued or running (for an idle check: 0 means nothing in flight). */
int plat_tasks_pending(struct plat_tasks *t);

/* Sets every cancel flag, joins the workers (running tasks finish their current step), calls done
 * with cancelled = true for every task not yet delivered, frees. Accepts NULL; sets *t to NULL. */
void plat_tasks_destroy(struct plat_tasks **t);

#endif
