/* SPDX-License-Identifier: MIT */
/* The cancel token: an atomic flag for cheap checks, and under one mutex the list of wake-ups to call
 * and a condition for sleepers. fire() sets the flag before it takes the lock, so a watcher that
 * registers after the flag is set sees it under the lock and is refused (-ECANCELED): no wake-up is
 * ever lost between "check" and "block". */
#include "plat_cancel.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

struct plat_cancel {
	_Atomic bool fired;   /* first member: plat_cancel_from_flag() relies on its offset */
	pthread_mutex_t lock; /* guards watches and orders fire() against unwatch() and sleepers */
	pthread_cond_t cond;  /* broadcast by fire() for plat_cancel_sleep_ms() */
	struct plat_cancel_watch *watches; /* registered wake-ups, called once by fire() */
};

int plat_cancel_create(struct plat_cancel **out)
{
	*out = NULL;
	struct plat_cancel *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int rc = pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		free(c);
		return -rc;
	}
	pthread_mutex_init(&c->lock, NULL);
	atomic_init(&c->fired, false);
	*out = c;
	return 0;
}

void plat_cancel_free(struct plat_cancel **cp)
{
	struct plat_cancel *c = cp ? *cp : NULL;
	if (!c)
		return;
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	*cp = NULL;
}

void plat_cancel_fire(struct plat_cancel *c)
{
	if (!c)
		return;
	atomic_store(&c->fired, true);
	pthread_mutex_lock(&c->lock);
	struct plat_cancel_watch *w = c->watches;
	c->watches = NULL; /* each wake-up runs once; unwatch() of a woken one finds nothing to do */
	while (w) {
		struct plat_cancel_watch *next = w->next;
		w->next = NULL;
		w->wake(w->ud);
		w = next;
	}
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

bool plat_cancel_fired(const struct plat_cancel *c)
{
	return c && atomic_load(&c->fired);
}

void plat_cancel_reset(struct plat_cancel *c)
{
	if (c)
		atomic_store(&c->fired, false);
}

const _Atomic bool *plat_cancel_flag(const struct plat_cancel *c)
{
	return c ? &c->fired : NULL;
}

struct plat_cancel *plat_cancel_from_flag(const _Atomic bool *flag)
{
	if (!flag)
		return NULL;
	return (struct plat_cancel *)((char *)(uintptr_t)flag - offsetof(struct plat_cancel, fired));
}

int plat_cancel_watch(struct plat_cancel *c, struct plat_cancel_watch *w, void (*wake)(void *ud), void *ud)
{
	w->wake = wake;
	w->ud = ud;
	w->next = NULL;
	if (!c)
		return 0;
	int rc = 0;
	pthread_mutex_lock(&c->lock);
	if (atomic_load(&c->fired)) {
		rc = -ECANCELED;
	} else {
		w->next = c->watches;
		c->watches = w;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void plat_cancel_unwatch(struct plat_cancel *c, struct plat_cancel_watch *w)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	for (struct plat_cancel_watch **p = &c->watches; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	w->next = NULL;
	pthread_mutex_unlock(&c->lock);
}

int plat_cancel_sleep_ms(struct plat_cancel *c, uint32_t ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (!c) {
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	int rc = 0;
	while (!atomic_load(&c->fired) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&c->cond, &c->lock, &until);
	bool fired = atomic_load(&c->fired);
	pthread_mutex_unlock(&c->lock);
	return fired ? -ECANCELED : 0;
}
