/* SPDX-License-Identifier: MIT */
/* The playback controller without a display: where a catch-up seek lands in the archive (a viewer
 * pressing FF expects the next whole minute of the programme, never a URL before it starts or past
 * its end), and that nothing wakes the box while nothing plays. */
#include "ctl_playback.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

enum { PROG_START = 1795363200, PROG_END = PROG_START + 3600 }; /* 19:00 - 20:00 UTC, a whole minute */

static void catchup_start_lands_on_whole_minutes(void **state)
{
	static const struct {
		int64_t start, end, from_ms, want;
		int rc;
	} cases[] = {
		/* the start of the programme */
		{ PROG_START, PROG_END, 0, PROG_START, 0 },
		{ PROG_START, PROG_END, -5000, PROG_START, 0 },
		/* 3 min 5 s in: the minute that holds it */
		{ PROG_START, PROG_END, 185000, PROG_START + 180, 0 },
		{ PROG_START, PROG_END, 59999, PROG_START, 0 },
		{ PROG_START, PROG_END, 60000, PROG_START + 60, 0 },
		/* a programme starting at 19:00:30: never before it */
		{ PROG_START + 30, PROG_END, 10000, PROG_START + 30, 0 },
		{ PROG_START + 30, PROG_END, 40000, PROG_START + 60, 0 },
		/* the last minute still plays, the end does not */
		{ PROG_START, PROG_END, 3599000, PROG_END - 60, 0 },
		{ PROG_START, PROG_END, 3600000, PROG_END, -ERANGE },
		{ PROG_START, PROG_END, 7200000, PROG_START + 7200, -ERANGE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t at = -1;
		int rc = ctl_playback_catchup_start(cases[i].start, cases[i].end, cases[i].from_ms, &at);
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(at, cases[i].want);
	}
}

static int64_t fixed_ms(void *user)
{
	return *(const int64_t *)user;
}

static void idle_needs_no_wakeup(void **state)
{
	struct ctl_playback *pb = NULL;
	assert_int_equal(ctl_playback_create(&pb), 0);
	int64_t now = (int64_t)PROG_START * 1000;
	struct ctl_playback_services s = { .now_ms = fixed_ms, .now_user = &now };
	ctl_playback_bind(pb, &s);
	assert_int_equal(ctl_playback_next_deadline_ms(pb), -1);
	ctl_playback_tick(pb);
	assert_int_equal(ctl_playback_next_deadline_ms(pb), -1);
	assert_int_equal(ctl_playback_now(pb)->session, 0);
	assert_false(ctl_playback_is_live(pb));
	assert_int_equal(ctl_playback_seek(pb, 1000), -EAGAIN);
	struct player_video_frame f;
	assert_int_equal(ctl_playback_frame_acquire(pb, &f), 0);
	ctl_playback_free(&pb);
	assert_null(pb);
	ctl_playback_free(&pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catchup_start_lands_on_whole_minutes),
		cmocka_unit_test(idle_needs_no_wakeup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
