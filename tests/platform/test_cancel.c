/* SPDX-License-Identifier: MIT */
/* The cancel token: a fire reaches every registered wake-up exactly once and none after it was
 * removed, a watch after the fire is refused (no lost wake-up), sleepers wake at once, and a flag
 * handed to an old-style callback leads back to its token. */
#include "plat_cancel.h"
#include "plat_clock.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

static void count_wake(void *ud)
{
	atomic_fetch_add((_Atomic int *)ud, 1);
}

/* One scenario per row: how many watches, which get removed before the fire, how often it fires,
 * whether one registers only after the fire. */
struct watch_case {
	const char *name;
	int watches;
	int removed; /* the first `removed` are unwatched before the fire */
	int fires;
	bool late; /* one more watch after the fire: must be refused */
	int woken; /* expected wake-ups in total */
};

static const struct watch_case watch_cases[] = {
	{ "one watch, one fire", 1, 0, 1, false, 1 },
	{ "three watches", 3, 0, 1, false, 3 },
	{ "fired twice wakes once", 2, 0, 2, false, 2 },
	{ "removed before the fire", 3, 2, 1, false, 1 },
	{ "all removed", 2, 2, 1, false, 0 },
	{ "watch after the fire is refused", 1, 0, 1, true, 1 },
	{ "never fired", 2, 0, 0, false, 0 },
};

static void test_watch_table(void **state)
{
	for (size_t k = 0; k < sizeof(watch_cases) / sizeof(watch_cases[0]); k++) {
		const struct watch_case *tc = &watch_cases[k];
		struct plat_cancel *c = NULL;
		assert_int_equal(plat_cancel_create(&c), 0);
		_Atomic int woken = 0;
		struct plat_cancel_watch w[4];
		for (int i = 0; i < tc->watches; i++)
			assert_int_equal(plat_cancel_watch(c, &w[i], count_wake, &woken), 0);
		for (int i = 0; i < tc->removed; i++)
			plat_cancel_unwatch(c, &w[i]);
		for (int i = 0; i < tc->fires; i++)
			plat_cancel_fire(c);
		assert_true(plat_cancel_fired(c) == (tc->fires > 0));
		if (tc->late)
			assert_int_equal(plat_cancel_watch(c, &w[3], count_wake, &woken), -ECANCELED);
		for (int i = tc->removed; i < tc->watches; i++)
			plat_cancel_unwatch(c, &w[i]); /* after a fire: harmless */
		if (atomic_load(&woken) != tc->woken)
			fail_msg("%s: %d wake-ups, expected %d", tc->name, atomic_load(&woken), tc->woken);
		plat_cancel_free(&c);
		assert_null(c);
	}
}

static void test_null_and_reset(void **state)
{
	plat_cancel_fire(NULL);
	assert_false(plat_cancel_fired(NULL));
	assert_null(plat_cancel_flag(NULL));
	assert_null(plat_cancel_from_flag(NULL));
	struct plat_cancel_watch w;
	assert_int_equal(plat_cancel_watch(NULL, &w, count_wake, NULL), 0);
	plat_cancel_unwatch(NULL, &w);
	assert_int_equal(plat_cancel_sleep_ms(NULL, 1), 0);
	plat_cancel_free(NULL);

	struct plat_cancel *c = NULL;
	assert_int_equal(plat_cancel_create(&c), 0);
	const _Atomic bool *flag = plat_cancel_flag(c);
	assert_ptr_equal(plat_cancel_from_flag(flag), c);
	assert_false(atomic_load(flag));
	plat_cancel_fire(c);
	assert_true(atomic_load(flag));
	plat_cancel_reset(c);
	assert_false(plat_cancel_fired(c));
	assert_int_equal(plat_cancel_sleep_ms(c, 1), 0);
	plat_cancel_free(&c);
}

struct firer {
	struct plat_cancel *c;
	uint32_t after_ms;
	uint64_t fired_at_us;
};

static void *fire_later(void *arg)
{
	struct firer *f = arg;
	plat_clock_sleep_ms(f->after_ms);
	f->fired_at_us = plat_clock_mono_us();
	plat_cancel_fire(f->c);
	return NULL;
}

static void test_sleep_wakes_at_once(void **state)
{
	struct plat_cancel *c = NULL;
	assert_int_equal(plat_cancel_create(&c), 0);
	uint64_t t0 = plat_clock_mono_us();
	assert_int_equal(plat_cancel_sleep_ms(c, 30), 0);
	assert_true(plat_clock_mono_us() - t0 >= 29000);

	struct firer f = { .c = c, .after_ms = 50 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, fire_later, &f), 0);
	assert_int_equal(plat_cancel_sleep_ms(c, 10000), -ECANCELED);
	uint64_t woke = plat_clock_mono_us();
	pthread_join(th, NULL);
	printf("sleep woken %.2f ms after the fire\n", (double)(woke - f.fired_at_us) / 1000.0);
	assert_true(woke - f.fired_at_us < 100000);
	assert_int_equal(plat_cancel_sleep_ms(c, 10000), -ECANCELED); /* stays fired */
	plat_cancel_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_table),
		cmocka_unit_test(test_null_and_reset),
		cmocka_unit_test(test_sleep_wakes_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
