/* SPDX-License-Identifier: MIT */
/* A fixed pool of pthreads over two intrusive lists (queued tasks, finished tasks) and one slot per
 * worker for the task it runs; every task owns a cancel token. */
#include "plat_task.h"

#include "plat_cancel.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct task {
	struct task *next;
	uint64_t id;
	plat_task_run_fn run; /* one of run and job is set */
	plat_task_job_fn job;
	plat_task_done_fn done;
	void *arg;
	struct plat_cancel *token; /* owned; freed after done */
	bool cancelled;
};

enum { MAX_WORKERS = 8 };

struct plat_tasks;

struct worker_slot {
	struct plat_tasks *pool;
	int index;
};

/* Lock order: lock, then a task's token lock (plat_tasks_cancel and destroy fire tokens with lock
 * held, so a token's wake-ups must never call back into the pool). */
struct plat_tasks {
	pthread_mutex_t lock; /* guards every field below except the thread ids and slots */
	pthread_cond_t wake_worker;
	struct task *queue_head, *queue_tail; /* FIFO of tasks to run */
	struct task *done_head, *done_tail;   /* FIFO of finished tasks for the owner */
	struct task *running[MAX_WORKERS];    /* what each worker runs, NULL when idle */
	int queued;
	int in_flight; /* queued + running + finished but not drained */
	uint64_t next_id;
	bool stopping;
	void (*wake)(void *opaque);
	void *opaque;
	pthread_t threads[MAX_WORKERS];
	struct worker_slot slots[MAX_WORKERS];
	int nthreads;
};

static void push(struct task **head, struct task **tail, struct task *t)
{
	t->next = NULL;
	if (*tail)
		(*tail)->next = t;
	else
		*head = t;
	*tail = t;
}

static struct task *pop(struct task **head, struct task **tail)
{
	struct task *t = *head;
	if (t) {
		*head = t->next;
		if (!*head)
			*tail = NULL;
	}
	return t;
}

/* Unlinks the task with id from the FIFO; NULL when it is not there. */
static struct task *take(struct task **head, struct task **tail, uint64_t id)
{
	struct task *prev = NULL;
	for (struct task *t = *head; t; prev = t, t = t->next) {
		if (t->id != id)
			continue;
		if (prev)
			prev->next = t->next;
		else
			*head = t->next;
		if (*tail == t)
			*tail = prev;
		t->next = NULL;
		return t;
	}
	return NULL;
}

/* lock held */
static void finish(struct plat_tasks *p, struct task *t)
{
	push(&p->done_head, &p->done_tail, t);
	if (p->wake)
		p->wake(p->opaque);
}

static void *worker(void *arg)
{
	struct worker_slot *slot = arg;
	struct plat_tasks *p = slot->pool;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stopping && !p->queue_head)
			pthread_cond_wait(&p->wake_worker, &p->lock);
		if (p->stopping)
			break;
		struct task *t = pop(&p->queue_head, &p->queue_tail);
		p->queued--;
		p->running[slot->index] = t;
		pthread_mutex_unlock(&p->lock);
		if (t->job)
			t->job(t->arg, t->token);
		else
			t->run(t->arg, plat_cancel_flag(t->token));
		t->cancelled = plat_cancel_fired(t->token);
		pthread_mutex_lock(&p->lock);
		p->running[slot->index] = NULL;
		finish(p, t);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int plat_tasks_create(int workers, void (*wake)(void *opaque), void *opaque, struct plat_tasks **out)
{
	*out = NULL;
	if (workers < 1 || workers > MAX_WORKERS)
		return -EINVAL;
	struct plat_tasks *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake_worker, NULL);
	p->wake = wake;
	p->opaque = opaque;
	p->next_id = 1;
	for (int i = 0; i < workers; i++) {
		p->slots[i] = (struct worker_slot){ p, i };
		int rc = pthread_create(&p->threads[i], NULL, worker, &p->slots[i]);
		if (rc != 0) {
			plat_tasks_destroy(&p);
			return -rc;
		}
		p->nthreads++;
	}
	*out = p;
	return 0;
}

static void task_free(struct task *t)
{
	plat_cancel_free(&t->token);
	free(t);
}

static int submit(struct plat_tasks *p, struct task *t, uint64_t *id)
{
	if (plat_cancel_create(&t->token) < 0) {
		free(t);
		return -ENOMEM;
	}
	int rc = 0;
	pthread_mutex_lock(&p->lock);
	if (p->stopping)
		rc = -ESHUTDOWN;
	else if (p->queued >= PLAT_TASKS_MAX_QUEUED)
		rc = -EAGAIN;
	if (rc == 0) {
		t->id = p->next_id++;
		if (id)
			*id = t->id;
		push(&p->queue_head, &p->queue_tail, t);
		p->queued++;
		p->in_flight++;
		pthread_cond_signal(&p->wake_worker);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc < 0)
		task_free(t);
	return rc;
}

int plat_tasks_submit(struct plat_tasks *p, plat_task_run_fn run, plat_task_done_fn done, void *arg)
{
	struct task *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct task){ .run = run, .done = done, .arg = arg };
	return submit(p, t, NULL);
}

int plat_tasks_submit_job(struct plat_tasks *p, plat_task_job_fn run, plat_task_done_fn done, void *arg,
			  uint64_t *id)
{
	struct task *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct task){ .job = run, .done = done, .arg = arg };
	return submit(p, t, id);
}

int plat_tasks_cancel(struct plat_tasks *p, uint64_t id)
{
	int rc = -ENOENT;
	pthread_mutex_lock(&p->lock);
	struct task *t = take(&p->queue_head, &p->queue_tail, id);
	if (t) {
		/* never runs: handed back as cancelled right away */
		p->queued--;
		plat_cancel_fire(t->token);
		t->cancelled = true;
		finish(p, t);
		rc = 0;
	}
	for (int i = 0; rc < 0 && i < p->nthreads; i++) {
		if (p->running[i] && p->running[i]->id == id) {
			plat_cancel_fire(p->running[i]->token);
			rc = 0;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int plat_tasks_drain(struct plat_tasks *p)
{
	int ran = 0;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		struct task *t = pop(&p->done_head, &p->done_tail);
		if (t)
			p->in_flight--;
		pthread_mutex_unlock(&p->lock);
		if (!t)
			return ran;
		if (t->done)
			t->done(t->arg, t->cancelled);
		task_free(t);
		ran++;
	}
}

int plat_tasks_pending(struct plat_tasks *p)
{
	pthread_mutex_lock(&p->lock);
	int n = p->in_flight;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void plat_tasks_destroy(struct plat_tasks **pp)
{
	struct plat_tasks *p = pp ? *pp : NULL;
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (int i = 0; i < p->nthreads; i++)
		if (p->running[i])
			plat_cancel_fire(p->running[i]->token);
	pthread_cond_broadcast(&p->wake_worker);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	/* finished tasks are delivered as cancelled, queued ones never ran */
	struct task *t;
	while ((t = pop(&p->done_head, &p->done_tail)) || (t = pop(&p->queue_head, &p->queue_tail))) {
		if (t->done)
			t->done(t->arg, true);
		task_free(t);
	}
	pthread_cond_destroy(&p->wake_worker);
	pthread_mutex_destroy(&p->lock);
	free(p);
	*pp = NULL;
}
