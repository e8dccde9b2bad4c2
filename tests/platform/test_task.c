/* SPDX-License-Identifier: MIT */
/* The worker pool: results arrive on the owner thread only through drain, in the order tasks
 * finished; a shutdown cancels what is running and still hands every task back exactly once; every
 * task has its own token, which plat_tasks_cancel() and plat_tasks_destroy() fire. */
#include "plat_cancel.h"
#include "plat_clock.h"
#include "plat_task.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
	int input;
	int output;
	pthread_t ran_on;
	int *delivered;
	int *cancelled;
	bool slow;
};

static _Atomic int wakeups;

static void on_wake(void *opaque)
{
	atomic_fetch_add(&wakeups, 1);
}

static void run_square(void *arg, const _Atomic bool *cancel)
{
	struct job *j = arg;
	j->ran_on = pthread_self();
	while (j->slow && !atomic_load(cancel))
		plat_clock_sleep_ms(5);
	j->output = j->input * j->input;
}

static void done_count(void *arg, bool cancelled)
{
	struct job *j = arg;
	if (cancelled)
		(*j->cancelled)++;
	else
		(*j->delivered)++;
}

static void test_results_come_back_on_owner_thread(void **state)
{
	struct plat_tasks *t = NULL;
	assert_int_equal(plat_tasks_create(2, on_wake, NULL, &t), 0);
	int delivered = 0, cancelled = 0;
	struct job jobs[50];
	for (int i = 0; i < 50; i++) {
		jobs[i] = (struct job){ .input = i, .delivered = &delivered, .cancelled = &cancelled };
		assert_int_equal(plat_tasks_submit(t, run_square, done_count, &jobs[i]), 0);
	}
	uint64_t deadline = plat_clock_mono_ms() + 10000;
	while (delivered < 50 && plat_clock_mono_ms() < deadline) {
		plat_tasks_drain(t);
		plat_clock_sleep_ms(1);
	}
	assert_int_equal(delivered, 50);
	assert_int_equal(cancelled, 0);
	assert_int_equal(plat_tasks_pending(t), 0);
	assert_true(atomic_load(&wakeups) >= 1);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(jobs[i].output, i * i);
		assert_false(pthread_equal(jobs[i].ran_on, pthread_self()));
	}
	plat_tasks_destroy(&t);
	assert_null(t);
}

static void test_shutdown_cancels_and_hands_back_everything(void **state)
{
	struct plat_tasks *t = NULL;
	assert_int_equal(plat_tasks_create(1, NULL, NULL, &t), 0);
	int delivered = 0, cancelled = 0;
	struct job slow = { .slow = true, .delivered = &delivered, .cancelled = &cancelled };
	struct job queued[3];
	assert_int_equal(plat_tasks_submit(t, run_square, done_count, &slow), 0);
	for (int i = 0; i < 3; i++) {
		queued[i] = (struct job){ .input = i, .delivered = &delivered, .cancelled = &cancelled };
		assert_int_equal(plat_tasks_submit(t, run_square, done_count, &queued[i]), 0);
	}
	plat_clock_sleep_ms(20);
	plat_tasks_destroy(&t); /* must not hang on the slow task: it sees the cancel flag */
	assert_int_equal(delivered, 0);
	assert_int_equal(cancelled, 4);
}

static void test_queue_is_bounded(void **state)
{
	struct plat_tasks *t = NULL;
	assert_int_equal(plat_tasks_create(1, NULL, NULL, &t), 0);
	int delivered = 0, cancelled = 0;
	struct job slow = { .slow = true, .delivered = &delivered, .cancelled = &cancelled };
	assert_int_equal(plat_tasks_submit(t, run_square, done_count, &slow), 0);
	plat_clock_sleep_ms(20); /* the worker holds the slow one; the rest queue up */
	struct job *many = calloc(PLAT_TASKS_MAX_QUEUED + 1, sizeof(*many));
	int accepted = 0, refused = 0;
	for (int i = 0; i <= PLAT_TASKS_MAX_QUEUED; i++) {
		many[i] = (struct job){ .delivered = &delivered, .cancelled = &cancelled };
		int rc = plat_tasks_submit(t, run_square, done_count, &many[i]);
		accepted += rc == 0;
		refused += rc == -EAGAIN;
	}
	assert_int_equal(accepted, PLAT_TASKS_MAX_QUEUED);
	assert_int_equal(refused, 1);
	plat_tasks_destroy(&t);
	assert_int_equal(cancelled, PLAT_TASKS_MAX_QUEUED + 1);
	free(many);
}

/* A job that blocks on its token for up to 10 s, as a transfer would. */
struct waiter {
	struct plat_cancel *token;
	_Atomic bool ran, started;
	int rc;
	int done_calls;
	bool done_cancelled;
};

static void wait_on_token(void *arg, struct plat_cancel *token)
{
	struct waiter *w = arg;
	w->token = token;
	atomic_store(&w->ran, true);
	atomic_store(&w->started, true);
	w->rc = plat_cancel_sleep_ms(token, 10000);
}

/* the same through the old signature: the flag leads to the token */
static void wait_on_flag(void *arg, const _Atomic bool *cancel)
{
	wait_on_token(arg, plat_cancel_from_flag(cancel));
}

static void waiter_done(void *arg, bool cancelled)
{
	struct waiter *w = arg;
	w->done_calls++;
	w->done_cancelled = cancelled;
}

static void wait_started(struct waiter *w)
{
	uint64_t deadline = plat_clock_mono_ms() + 5000;
	while (!atomic_load(&w->started) && plat_clock_mono_ms() < deadline)
		plat_clock_sleep_ms(1);
	assert_true(atomic_load(&w->started));
}

static void test_each_job_has_its_own_token(void **state)
{
	struct plat_tasks *t = NULL;
	assert_int_equal(plat_tasks_create(2, NULL, NULL, &t), 0);
	struct waiter a = { 0 }, b = { 0 };
	uint64_t ida = 0, idb = 0;
	assert_int_equal(plat_tasks_submit_job(t, wait_on_token, waiter_done, &a, &ida), 0);
	assert_int_equal(plat_tasks_submit_job(t, wait_on_token, waiter_done, &b, &idb), 0);
	assert_true(ida != 0 && idb != 0 && ida != idb);
	wait_started(&a);
	wait_started(&b);
	assert_ptr_not_equal(a.token, b.token);
	/* cancelling one leaves the other running */
	uint64_t t0 = plat_clock_mono_ms();
	assert_int_equal(plat_tasks_cancel(t, ida), 0);
	while (a.done_calls == 0 && plat_clock_mono_ms() - t0 < 5000) {
		plat_tasks_drain(t);
		plat_clock_sleep_ms(1);
	}
	assert_true(plat_clock_mono_ms() - t0 < 1000);
	assert_int_equal(a.rc, -ECANCELED);
	assert_true(a.done_cancelled);
	assert_false(plat_cancel_fired(b.token));
	assert_int_equal(b.done_calls, 0);
	assert_int_equal(plat_tasks_cancel(t, ida), -ENOENT); /* finished */
	assert_int_equal(plat_tasks_cancel(t, 999999), -ENOENT);
	plat_tasks_destroy(&t);
	assert_int_equal(b.rc, -ECANCELED);
	assert_int_equal(b.done_calls, 1);
	assert_true(b.done_cancelled);
}

static void test_cancel_queued_job_never_runs(void **state)
{
	struct plat_tasks *t = NULL;
	assert_int_equal(plat_tasks_create(1, NULL, NULL, &t), 0);
	struct waiter busy = { 0 }, queued = { 0 };
	uint64_t id_busy = 0, id_queued = 0;
	assert_int_equal(plat_tasks_submit_job(t, wait_on_token, waiter_done, &busy, &id_busy), 0);
	assert_int_equal(plat_tasks_submit_job(t, wait_on_token, waiter_done, &queued, &id_queued), 0);
	wait_started(&busy);
	assert_int_equal(plat_tasks_cancel(t, id_queued), 0);
	assert_int_equal(plat_tasks_drain(t), 1); /* handed back at once, while the worker is busy */
	assert_int_equal(queued.done_calls, 1);
	assert_true(queued.done_cancelled);
	assert_false(atomic_load(&queued.ran));
	assert_int_equal(busy.done_calls, 0);
	plat_tasks_destroy(&t);
	assert_int_equal(busy.done_calls, 1);
}

/* Row: how many workers, and which signature the blocked tasks use. */
struct destroy_case {
	const char *name;
	int workers;
	bool legacy;
};

static const struct destroy_case destroy_cases[] = {
	{ "one job", 1, false },
	{ "four jobs on four workers", 4, false },
	{ "old signature through plat_cancel_from_flag", 2, true },
};

static void test_destroy_fires_every_token(void **state)
{
	for (size_t k = 0; k < sizeof(destroy_cases) / sizeof(destroy_cases[0]); k++) {
		const struct destroy_case *tc = &destroy_cases[k];
		struct plat_tasks *t = NULL;
		assert_int_equal(plat_tasks_create(tc->workers, NULL, NULL, &t), 0);
		struct waiter w[4] = { 0 };
		for (int i = 0; i < tc->workers; i++) {
			if (tc->legacy)
				assert_int_equal(plat_tasks_submit(t, wait_on_flag, waiter_done, &w[i]), 0);
			else
				assert_int_equal(
				    plat_tasks_submit_job(t, wait_on_token, waiter_done, &w[i], NULL), 0);
		}
		for (int i = 0; i < tc->workers; i++)
			wait_started(&w[i]);
		uint64_t t0 = plat_clock_mono_us();
		plat_tasks_destroy(&t);
		double ms = (double)(plat_clock_mono_us() - t0) / 1000.0;
		printf("%s: plat_tasks_destroy returned in %.2f ms\n", tc->name, ms);
		if (ms >= 1000)
			fail_msg("%s: destroy took %.0f ms", tc->name, ms);
		for (int i = 0; i < tc->workers; i++) {
			assert_int_equal(w[i].rc, -ECANCELED);
			assert_int_equal(w[i].done_calls, 1);
			assert_true(w[i].done_cancelled);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_come_back_on_owner_thread),
		cmocka_unit_test(test_shutdown_cancels_and_hands_back_everything),
		cmocka_unit_test(test_queue_is_bounded),
		cmocka_unit_test(test_each_job_has_its_own_token),
		cmocka_unit_test(test_cancel_queued_job_never_runs),
		cmocka_unit_test(test_destroy_fires_every_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
