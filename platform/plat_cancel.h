/* SPDX-License-Identifier: MIT */
/* A cancel token: one job's "stop now", fired from any thread, that interrupts a blocking operation
 * at once instead of being polled. Whoever blocks (a curl transfer on a multi handle, a condition
 * wait, a sleep) registers a wake-up with plat_cancel_watch(); plat_cancel_fire() sets the flag and
 * calls every registered wake-up, so the blocked call returns -ECANCELED within a scheduling delay,
 * not after a timer or a progress callback.
 *
 * Threads: create/free on the owner; fire, fired, watch, unwatch, sleep from any thread. A token is
 * one-shot: once fired it stays fired (plat_cancel_reset() re-arms it only when nothing uses it).
 * Lock: each token has one mutex, private to plat_cancel.c, that guards its watch list and orders
 * fire() against unwatch(): after plat_cancel_unwatch() returns, that wake-up is not running and will
 * never run, so its target may be freed. The wake-ups run with that mutex held: they must be short
 * and must not call into the same token (curl_multi_wakeup(), a condition signal, a write to a pipe).
 * Lock order: a wake-up may fire another token (a child), never the other way round. */
#ifndef PLAT_CANCEL_H
#define PLAT_CANCEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct plat_cancel;

/* A registration, storage owned by the caller (usually on its stack) for as long as it is
 * registered. The fields are private to plat_cancel.c. */
struct plat_cancel_watch {
	void (*wake)(void *ud);
	void *ud;
	struct plat_cancel_watch *next;
};

/* A new, unfired token. *out is owned by the caller: plat_cancel_free(). Returns 0 or -ENOMEM. */
int plat_cancel_create(struct plat_cancel **out);

/* Frees the token; nothing may be registered on it or use it any more. Accepts NULL; nulls *c. */
void plat_cancel_free(struct plat_cancel **c);

/* Fires the token: sets the flag, calls every registered wake-up once, wakes every
 * plat_cancel_sleep_ms(). Idempotent; any thread; NULL is ignored. */
void plat_cancel_fire(struct plat_cancel *c);

/* True once the token fired. Any thread; NULL: false. */
bool plat_cancel_fired(const struct plat_cancel *c);

/* Re-arms a fired token. Only the owner, and only while nothing is registered or sleeping on it. */
void plat_cancel_reset(struct plat_cancel *c);

/* The token's flag, for an API that still takes a `const _Atomic bool *` (it becomes true when the
 * token fires); borrowed, valid while the token lives. */
const _Atomic bool *plat_cancel_flag(const struct plat_cancel *c);

/* The token whose plat_cancel_flag() this is (flag must come from plat_cancel_flag()), so a
 * callback handed only the flag can reach the token and its wake-ups. NULL for NULL. */
struct plat_cancel *plat_cancel_from_flag(const _Atomic bool *flag);

/* Registers w: when the token fires, wake(ud) is called once (with the token's lock held, on the
 * firing thread). Returns 0, or -ECANCELED when the token has already fired: then w is not
 * registered and wake is not called, the caller must not block. c NULL: 0, nothing registered. */
int plat_cancel_watch(struct plat_cancel *c, struct plat_cancel_watch *w, void (*wake)(void *ud), void *ud);

/* Removes w (registered or not, already woken or not). On return its wake-up is not running and
 * will not run. c NULL: nothing. */
void plat_cancel_unwatch(struct plat_cancel *c, struct plat_cancel_watch *w);

/* Sleeps ms milliseconds or until the token fires. Returns 0, or -ECANCELED when it fired (before or
 * during the sleep). c NULL: a plain sleep. */
int plat_cancel_sleep_ms(struct plat_cancel *c, uint32_t ms);

#endif
