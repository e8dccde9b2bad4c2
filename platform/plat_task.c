/* SPDX-License-Identifier: MIT */
/* A fixed pool of pthreads over two intrusive lists: queued tasks and finished tasks. */
#include "plat_task.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct task {
	struct task *next;
	plat_task_run_fn run;
	plat_task_done_fn done;
	void *arg;
	bool cancelled;
};

enum { MAX_WORKERS = 8 };

struct plat_tasks {
	pthread_mutex_t lock; /* guards every field below except cancel and the thread ids */
	pthread_cond_t wake_worker;
	struct task *queue_head, *queue_tail; /* FIFO of tasks to run */
	struct task *done_head, *done_tail;   /* FIFO of finished tasks for the owner */
	int queued;
	int in_flight; /* queued + running + finished but not drained */
	bool stopping;
	_Atomic bool cancel; /* read by running tasks without the lock */
	void (*wake)(void *opaque);
	void *opaque;
	pthread_t threads[MAX_WORKERS];
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

static void *worker(void *arg)
{
	struct plat_tasks *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stopping && !p->queue_head)
			pthread_cond_wait(&p->wake_worker, &p->lock);
		if (p->stopping)
			break;
		struct task *t = pop(&p->queue_head, &p->queue_tail);
		p->queued--;
		pthread_mutex_unlock(&p->lock);
		t->run(t->arg, &p->cancel);
		t->cancelled = atomic_load(&p->cancel);
		pthread_mutex_lock(&p->lock);
		push(&p->done_head, &p->done_tail, t);
		if (p->wake)
			p->wake(p->opaque);
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
	for (int i = 0; i < workers; i++) {
		int rc = pthread_create(&p->threads[i], NULL, worker, p);
		if (rc != 0) {
			plat_tasks_destroy(&p);
			return -rc;
		}
		p->nthreads++;
	}
	*out = p;
	return 0;
}

int plat_tasks_submit(struct plat_tasks *p, plat_task_run_fn run, plat_task_done_fn done, void *arg)
{
	struct task *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->run = run;
	t->done = done;
	t->arg = arg;
	int rc = 0;
	pthread_mutex_lock(&p->lock);
	if (p->stopping)
		rc = -ESHUTDOWN;
	else if (p->queued >= PLAT_TASKS_MAX_QUEUED)
		rc = -EAGAIN;
	if (rc == 0) {
		push(&p->queue_head, &p->queue_tail, t);
		p->queued++;
		p->in_flight++;
		pthread_cond_signal(&p->wake_worker);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc < 0)
		free(t);
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
		free(t);
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
	atomic_store(&p->cancel, true);
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->wake_worker);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	/* finished tasks are delivered as cancelled, queued ones never ran */
	struct task *t;
	while ((t = pop(&p->done_head, &p->done_tail)) || (t = pop(&p->queue_head, &p->queue_tail))) {
		if (t->done)
			t->done(t->arg, true);
		free(t);
	}
	pthread_cond_destroy(&p->wake_worker);
	pthread_mutex_destroy(&p->lock);
	free(p);
	*pp = NULL;
}
