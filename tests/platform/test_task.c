/* SPDX-License-Identifier: MIT */
/* The worker pool: results arrive on the owner thread only through drain, in the order tasks
 * finished; a shutdown cancels what is running and still hands every task back exactly once. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_come_back_on_owner_thread),
		cmocka_unit_test(test_shutdown_cancels_and_hands_back_everything),
		cmocka_unit_test(test_queue_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
