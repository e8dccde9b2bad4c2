/* SPDX-License-Identifier: MIT */
/* The job wrapper over plat_tasks and the worker's context (ctl_jobs.h). */
#include "ctl_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_IN_FLIGHT = PLAT_TASKS_MAX_QUEUED, MAX_CLIENTS = 16 };

struct ctl_worker {
	struct plat_tasks *tasks; /* borrowed, set at create (the pool is thread-safe) */
	char db_path[512];
	struct store *store;                    /* worker thread only */
	struct library *library;                /* worker thread only */
	struct xt_client *clients[MAX_CLIENTS]; /* [0] current; the rest replaced ones, kept alive */
	size_t client_count;
	struct ctl_panel_copy panel; /* what clients[0] was made for */
};

struct ctl_jobs {
	struct plat_tasks *tasks; /* borrowed */
	struct ctl_worker worker;
	uint64_t ids[MAX_IN_FLIGHT]; /* UI thread: submitted, done not yet run (0 = free slot) */
};

struct job {
	struct ctl_jobs *owner; /* the worker context on run, the id table on done (UI thread) */
	ctl_job_run_fn run;
	ctl_job_done_fn done;
	void *arg;
	uint64_t id;
	int rc;
};

int ctl_jobs_create(struct plat_tasks *tasks, const char *db_path, struct ctl_jobs **out)
{
	if (!tasks || !db_path || !out)
		return -EINVAL;
	struct ctl_jobs *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->tasks = tasks;
	j->worker.tasks = tasks;
	snprintf(j->worker.db_path, sizeof(j->worker.db_path), "%s", db_path);
	*out = j;
	return 0;
}

static void job_run(void *p, struct plat_cancel *cancel)
{
	struct job *jb = p;
	jb->rc = jb->run(&jb->owner->worker, jb->arg, cancel);
	/* no client keeps a token that dies with this task */
	for (size_t i = 0; i < jb->owner->worker.client_count; i++)
		xt_client_set_cancel(jb->owner->worker.clients[i], NULL);
}

static void forget(struct ctl_jobs *j, uint64_t id)
{
	for (size_t i = 0; id && i < MAX_IN_FLIGHT; i++)
		if (j->ids[i] == id)
			j->ids[i] = 0;
}

static void job_done(void *p, bool cancelled)
{
	struct job *jb = p;
	forget(jb->owner, jb->id);
	if (jb->done)
		jb->done(jb->arg, cancelled ? -ECANCELED : jb->rc);
	free(jb);
}

int ctl_jobs_submit(struct ctl_jobs *j, ctl_job_run_fn run, ctl_job_done_fn done, void *arg, uint64_t *id)
{
	if (!j || !run)
		return -EINVAL;
	size_t slot = 0;
	while (slot < MAX_IN_FLIGHT && j->ids[slot])
		slot++;
	if (slot == MAX_IN_FLIGHT)
		return -EAGAIN;
	struct job *jb = calloc(1, sizeof(*jb));
	if (!jb)
		return -ENOMEM;
	*jb = (struct job){ .owner = j, .run = run, .done = done, .arg = arg };
	/* done runs on this thread inside drain, never before submit returns: jb->id is set by then */
	int rc = plat_tasks_submit_job(j->tasks, job_run, job_done, jb, &jb->id);
	if (rc < 0) {
		free(jb);
		return rc;
	}
	j->ids[slot] = jb->id;
	if (id)
		*id = jb->id;
	return 0;
}

int ctl_jobs_cancel(struct ctl_jobs *j, uint64_t id)
{
	return j && id ? plat_tasks_cancel(j->tasks, id) : -ENOENT;
}

void ctl_jobs_cancel_all(struct ctl_jobs *j)
{
	for (size_t i = 0; j && i < MAX_IN_FLIGHT; i++)
		if (j->ids[i])
			plat_tasks_cancel(j->tasks, j->ids[i]);
}

int ctl_jobs_in_flight(const struct ctl_jobs *j)
{
	int n = 0;
	for (size_t i = 0; j && i < MAX_IN_FLIGHT; i++)
		n += j->ids[i] != 0;
	return n;
}

void ctl_jobs_free(struct ctl_jobs **jp)
{
	struct ctl_jobs *j = jp ? *jp : NULL;
	if (!j)
		return;
	struct ctl_worker *w = &j->worker;
	for (size_t i = 0; i < w->client_count; i++)
		xt_client_destroy(&w->clients[i]);
	library_close(&w->library);
	store_close(&w->store);
	free(j);
	*jp = NULL;
}

/* ---- worker side ---- */

int ctl_worker_library(struct ctl_worker *w, struct store **store, struct library **lib)
{
	int rc = 0;
	if (!w->store)
		rc = store_open(w->db_path, &w->store);
	if (rc == 0 && !w->library)
		rc = library_open(w->store, &w->library);
	if (rc < 0)
		return rc;
	if (store)
		*store = w->store;
	if (lib)
		*lib = w->library;
	return 0;
}

static bool same_panels(const struct ctl_panel_copy *a, const struct ctl_panel_copy *b)
{
	if (a->url_count != b->url_count)
		return false;
	for (size_t i = 0; i < a->url_count; i++)
		if (strcmp(a->urls[i], b->urls[i]) != 0)
			return false;
	return true;
}

int ctl_worker_client(struct ctl_worker *w, const struct ctl_panel_copy *p, struct plat_cancel *cancel,
		      struct xt_client **out)
{
	if (!p->url_count)
		return -EINVAL;
	int rc;
	if (w->client_count && same_panels(&w->panel, p)) {
		rc = strcmp(w->panel.username, p->username) || strcmp(w->panel.password, p->password)
			 ? xt_client_set_credentials(w->clients[0], p->username, p->password)
			 : 0;
	} else {
		if (w->client_count == MAX_CLIENTS)
			return -EAGAIN; /* the viewer changed servers 16 times in one run */
		const char *urls[CTL_JOBS_MAX_URLS];
		for (size_t i = 0; i < p->url_count; i++)
			urls[i] = p->urls[i];
		struct xt_config cfg = { .urls = urls,
					 .url_count = p->url_count,
					 .username = p->username,
					 .password = p->password };
		struct xt_client *c = NULL;
		rc = xt_client_create(&cfg, &c);
		if (rc == 0) {
			memmove(&w->clients[1], &w->clients[0], w->client_count * sizeof(w->clients[0]));
			w->clients[0] = c;
			w->client_count++;
		}
	}
	if (rc < 0)
		return rc;
	w->panel = *p;
	xt_client_set_cancel(w->clients[0], cancel);
	*out = w->clients[0];
	return 0;
}

struct xt_client *ctl_worker_client_last(struct ctl_worker *w, struct plat_cancel *cancel)
{
	if (!w->client_count)
		return NULL;
	xt_client_set_cancel(w->clients[0], cancel);
	return w->clients[0];
}

int ctl_worker_others_waiting(struct ctl_worker *w)
{
	int n = plat_tasks_pending(w->tasks) - 1; /* this job is in flight too */
	return n > 0 ? n : 0;
}
