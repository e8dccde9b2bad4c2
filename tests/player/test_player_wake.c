/* SPDX-License-Identifier: MIT */
/* The player's wake-up callback, on a VOD made with the ffmpeg CLI and served over loopback HTTP: an
 * owner that only sleeps until the player wakes it (as the UI loop does, with no polling timer) must
 * see every event up to the end of the stream and nearly every picture; the callback comes from the
 * player's threads; player_set_wake() replaces it and, once NULL, nothing calls it any more. */
#include "test_player_support.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#ifndef MEDIA_DIR
#error MEDIA_DIR must be defined
#endif

static struct file_server fs;

/* The owner: a condition the wake-up signals; the callback only counts and signals. */
struct owner {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long wakes;      /* lock */
	atomic_ulong from_player; /* calls from a thread other than the owner's */
	atomic_ulong events;      /* events queued (config.on_event) */
	pthread_t thread;
};

static void on_wake(void *opaque)
{
	struct owner *o = opaque;
	if (!pthread_equal(pthread_self(), o->thread))
		atomic_fetch_add(&o->from_player, 1);
	pthread_mutex_lock(&o->lock);
	o->wakes++;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
}

static void on_event(void *opaque, const struct player_event *ev)
{
	(void)ev;
	struct owner *o = opaque;
	atomic_fetch_add(&o->events, 1);
}

static void owner_init(struct owner *o)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cond, &ca);
	pthread_condattr_destroy(&ca);
	o->thread = pthread_self();
}

static void owner_fini(struct owner *o)
{
	pthread_cond_destroy(&o->cond);
	pthread_mutex_destroy(&o->lock);
}

/* Sleeps until a wake-up newer than *seen, for at most ms. Returns false on timeout. */
static bool owner_sleep(struct owner *o, unsigned long *seen, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&o->lock);
	int rc = 0;
	while (o->wakes == *seen && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&o->cond, &o->lock, &until);
	bool woken = o->wakes != *seen;
	*seen = o->wakes;
	pthread_mutex_unlock(&o->lock);
	return woken;
}

static unsigned long owner_wakes(struct owner *o)
{
	pthread_mutex_lock(&o->lock);
	unsigned long n = o->wakes;
	pthread_mutex_unlock(&o->lock);
	return n;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int setup(void **state)
{
	(void)state;
	mkdir(MEDIA_DIR, 0755);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=25 "
		 "-f lavfi -i sine=frequency=440:sample_rate=48000 -t 4 -g 50 -c:v libx264 -preset ultrafast "
		 "-pix_fmt yuv420p -c:a aac -b:a 64k -f mpegts '%s/wake.ts'",
		 MEDIA_DIR);
	if (run_cmd(cmd) != 0)
		return -1;
	return file_server_start(&fs, MEDIA_DIR) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	file_server_stop(&fs);
	return 0;
}

static struct player *make_player(struct owner *o)
{
	struct player_config c;
	player_config_default(&c);
	c.on_wake = on_wake;
	c.wake_opaque = o;
	struct player *p = NULL;
	assert_int_equal(player_create(&c, &p), 0);
	return p;
}

static int open_vod(struct player *p)
{
	char url[256];
	snprintf(url, sizeof(url), "%s/wake.ts", fs.base);
	struct player_open_options opts = { .kind = PLAYER_KIND_VOD };
	return player_open(p, url, &opts);
}

/* The owner takes events and pictures only when woken; a wait that ends without a wake-up fails. */
static void a_woken_owner_sees_every_event_and_the_pictures(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o);
	struct player *p = make_player(&o);
	unsigned long seen = 0;
	int session = open_vod(p);
	assert_true(session > 0);
	bool first_frame = false, ended = false;
	unsigned long pictures = 0, events = 0;
	uint64_t last_seq = 0;
	while (!ended) {
		/* a queued event or a due picture must come with a wake-up: 3 s without one is a miss */
		if (!owner_sleep(&o, &seen, 3000))
			fail_msg("no wake-up for 3 s (first frame %d, %lu events, %lu pictures)", first_frame,
				 events, pictures);
		struct player_event ev;
		while (player_event_poll(p, &ev) == 1) {
			events++;
			if (ev.session != (uint32_t)session)
				continue;
			if (ev.type == PLAYER_EV_FIRST_FRAME)
				first_frame = true;
			if (ev.type == PLAYER_EV_ENDED)
				ended = true;
			if (ev.type == PLAYER_EV_ERROR && ev.u.error.fatal)
				fail_msg("the stream failed");
		}
		struct player_video_frame f;
		if (player_video_frame_acquire(p, &f) == 1) {
			if (f.seq != last_seq)
				pictures++;
			last_seq = f.seq;
			player_video_frame_release(p);
		}
	}
	assert_true(first_frame);
	struct player_info in;
	player_info_get(p, &in);
	/* pictures wake the owner, not only events: it saw (nearly) every one of 4 s at 25 fps */
	assert_true(in.frames_shown >= 90);
	assert_true(pictures * 10 >= (unsigned long)in.frames_shown * 8);
	assert_true(atomic_load(&o.from_player) >= pictures);
	player_destroy(&p);
	owner_fini(&o);
}

/* With no pictures (nothing listens), the news are events alone: one wake-up for each, from the
 * player's threads, and an owner woken by them sees the failure. */
static void every_event_wakes_the_owner(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o);
	struct player_config c;
	player_config_default(&c);
	c.on_wake = on_wake;
	c.wake_opaque = &o;
	c.on_event = on_event;
	c.event_opaque = &o;
	c.reconnect_max = 2;
	struct player *p = NULL;
	assert_int_equal(player_create(&c, &p), 0);
	struct player_open_options opts = { .kind = PLAYER_KIND_VOD };
	int session = player_open(p, "http://127.0.0.1:9/none.ts", &opts);
	assert_true(session > 0);
	unsigned long seen = 0;
	bool failed = false;
	while (!failed) {
		if (!owner_sleep(&o, &seen, 30000))
			fail_msg("no wake-up for 30 s after %lu events", atomic_load(&o.events));
		struct player_event ev;
		while (player_event_poll(p, &ev) == 1)
			if (ev.session == (uint32_t)session && ev.type == PLAYER_EV_STATE &&
			    ev.state == PLAYER_STATE_FAILED)
				failed = true;
	}
	sleep_ms(200);
	unsigned long events = atomic_load(&o.events);
	assert_true(events >= 3);
	assert_int_equal(owner_wakes(&o), events);
	assert_true(atomic_load(&o.from_player) >= 1);
	player_destroy(&p);
	owner_fini(&o);
}

/* player_set_wake() installs a callback on a player made without one and removes it again. */
static void set_wake_replaces_and_removes(void **state)
{
	(void)state;
	struct owner o;
	owner_init(&o);
	struct player *p = NULL;
	assert_int_equal(player_create(NULL, &p), 0);
	assert_true(open_vod(p) > 0); /* no callback yet: nothing to count */
	sleep_ms(300);
	assert_int_equal(owner_wakes(&o), 0);
	player_set_wake(p, on_wake, &o);
	unsigned long seen = 0;
	assert_true(owner_sleep(&o, &seen, 3000)); /* pictures keep coming */
	player_set_wake(p, NULL, NULL);
	unsigned long after = owner_wakes(&o);
	sleep_ms(500);
	assert_int_equal(owner_wakes(&o), after);
	player_stop(p); /* an event: still nobody is called */
	sleep_ms(100);
	assert_int_equal(owner_wakes(&o), after);
	player_destroy(&p);
	owner_fini(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_woken_owner_sees_every_event_and_the_pictures),
		cmocka_unit_test(every_event_wakes_the_owner),
		cmocka_unit_test(set_wake_replaces_and_removes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
