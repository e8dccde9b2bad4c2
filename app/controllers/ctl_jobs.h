/* SPDX-License-Identifier: MIT */
/* Jobs for the background worker (plat_task.h) and the worker's own context: its SQLite connection,
 * its library and the Xtream client, which only the worker thread touches (one connection per
 * thread; an xt_client belongs to one thread). A job gets a heap struct with COPIES of what it needs
 * and its own cancel token; its result comes back only through its done callback, on the UI thread
 * inside plat_tasks_drain().
 *
 * Shutdown is cancel, join, free: ctl_jobs_cancel_all() fires every token of a job in flight (a
 * transfer blocked in curl returns at once), plat_tasks_destroy() joins the worker and delivers the
 * done callbacks with -ECANCELED, then ctl_jobs_free() closes the worker's context on the calling
 * thread (the worker is gone by then).
 *
 * Threads: create, submit, cancel_all and free on the UI thread; the ctl_worker_* calls only inside
 * a job's run function (on the worker). */
#ifndef CTL_JOBS_H
#define CTL_JOBS_H

#include "library.h"
#include "plat_cancel.h"
#include "plat_task.h"
#include "store.h"
#include "xtream.h"

#include <stddef.h>
#include <stdint.h>

struct ctl_jobs;
struct ctl_worker; /* the worker thread's context */

/* The panel and credentials a job copies (login, sync): the typed or stored server first, then the
 * provisioned panels for failover. */
enum { CTL_JOBS_MAX_URLS = 9 };
struct ctl_panel_copy {
	char urls[CTL_JOBS_MAX_URLS][512];
	size_t url_count;
	char username[128];
	char password[128];
};

/* run(worker, arg, cancel) on the worker; cancel is the job's own token (borrowed for the call: hand
 * it to every blocking call). Returns the job's result code. */
typedef int (*ctl_job_run_fn)(struct ctl_worker *w, void *arg, struct plat_cancel *cancel);
/* done(arg, rc) on the UI thread with run's result, or -ECANCELED when the job was cancelled or the
 * pool shut down first (then only free arg). Owns arg. */
typedef void (*ctl_job_done_fn)(void *arg, int rc);

/* tasks is borrowed (destroy it before ctl_jobs_free); db_path is copied. *out owned by the caller. */
int ctl_jobs_create(struct plat_tasks *tasks, const char *db_path, struct ctl_jobs **out);

/* Queues a job; *id (may be NULL) gets its task id for ctl_jobs_cancel(). done may be NULL. Returns 0
 * or plat_tasks_submit_job()'s error (then arg stays the caller's). */
int ctl_jobs_submit(struct ctl_jobs *j, ctl_job_run_fn run, ctl_job_done_fn done, void *arg, uint64_t *id);
/* Fires one job's token (0, or -ENOENT when it already finished). */
int ctl_jobs_cancel(struct ctl_jobs *j, uint64_t id);
/* Fires the token of every job submitted through j that is still queued or running. */
void ctl_jobs_cancel_all(struct ctl_jobs *j);
/* Jobs of j queued or running. */
int ctl_jobs_in_flight(const struct ctl_jobs *j);

/* Frees the worker's context (its client, library and connection) and j. Call after the worker is
 * joined (plat_tasks_destroy). Accepts NULL; nulls *j. */
void ctl_jobs_free(struct ctl_jobs **j);

/* ---- inside a job (worker thread) ---- */

/* The worker's connection and library, opened on first use. 0 or a negative errno. */
int ctl_worker_library(struct ctl_worker *w, struct store **store, struct library **lib);
/* The worker's Xtream client for these panels and credentials: the current one when its panels are
 * the same (credentials updated), else a new one; a replaced client is kept until ctl_jobs_free, so a
 * pointer handed out earlier (ctl_worker_client_last) stays valid. Its cancel token is set to cancel
 * for the rest of the job. 0 or a negative errno. */
int ctl_worker_client(struct ctl_worker *w, const struct ctl_panel_copy *p, struct plat_cancel *cancel,
		      struct xt_client **out);
/* The client the last ctl_worker_client() gave (NULL before any), with its cancel token set to cancel. */
struct xt_client *ctl_worker_client_last(struct ctl_worker *w, struct plat_cancel *cancel);
/* Tasks of the pool in flight besides the calling job (finished, queued or running): a job that only
 * waits gives the worker back when this is > 0. */
int ctl_worker_others_waiting(struct ctl_worker *w);

#endif
