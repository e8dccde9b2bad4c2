/* SPDX-License-Identifier: MIT */
/* The evdev remote reader fed through a pipe with real struct input_event records, as the kernel
 * writes them: press, kernel repeat, release, keys the keymap does not know, records split across
 * writes, SYN_DROPPED, a held key repeated by the software timer (times passed in, so no sleeping and
 * no timing assertions), the device going away, and the hot-plug set over a directory of FIFOs (this
 * machine has no /dev/input and no uinput; FIFOs are what a remote bridge daemon would offer too). */
#include "plat_evdev.h"
#include "plat_keymap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define DEFAULT_KEYMAP QANAT_SOURCE_DIR "/assets/keymaps/remote-default.keymap"
#define MS 1000ULL

struct fixture {
	struct plat_keymap *km;
	int wr; /* the "kernel" end of the pipe */
	struct plat_evdev *dev;
};

static struct input_event rec(unsigned type, unsigned code, int value)
{
	struct input_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.input_event_sec = 1700000000;
	ev.input_event_usec = 250000;
	ev.type = (unsigned short)type;
	ev.code = (unsigned short)code;
	ev.value = value;
	return ev;
}

static void put(int fd, const struct input_event *ev, size_t count)
{
	assert_int_equal(write(fd, ev, count * sizeof(*ev)), (ssize_t)(count * sizeof(*ev)));
}

/* What an IR receiver sends for one key event: the scancode, the key, a report. */
static void key(int fd, unsigned code, int value)
{
	struct input_event ev[3] = { rec(EV_MSC, MSC_SCAN, 0x0422), rec(EV_KEY, code, value),
				     rec(EV_SYN, SYN_REPORT, 0) };
	put(fd, ev, 3);
}

static void open_dev(struct fixture *f, enum plat_evdev_repeat repeat)
{
	char err[256] = "";
	if (!f->km && plat_keymap_load(DEFAULT_KEYMAP, &f->km, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	int p[2];
	assert_int_equal(pipe(p), 0);
	f->wr = p[1];
	struct plat_evdev_options opt = { .repeat = repeat, .repeat_delay_ms = 500, .repeat_period_ms = 100 };
	assert_int_equal(plat_evdev_open_fd(p[0], "pipe", f->km, &opt, &f->dev), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->wr = -1;
	*state = f;
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	plat_evdev_close(&f->dev);
	if (f->wr >= 0)
		close(f->wr);
	plat_keymap_free(&f->km);
	free(f);
	return 0;
}

/* Reads what is there now; returns the count. */
static size_t drain(struct plat_evdev *d, uint64_t now_us, struct plat_input_event *out, size_t cap)
{
	size_t n = 0;
	assert_int_equal(plat_evdev_read(d, now_us, out, cap, &n), 0);
	return n;
}

static void test_press_repeat_release(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_KERNEL);
	assert_int_equal(plat_evdev_repeat_mode(f->dev), PLAT_EVDEV_REPEAT_KERNEL);
	struct plat_input_event ev[16];
	assert_int_equal(drain(f->dev, 5 * MS, ev, 16), 0); /* nothing written yet: no block, no event */

	key(f->wr, KEY_OK, 1);
	key(f->wr, KEY_OK, 2);
	key(f->wr, KEY_OK, 2);
	key(f->wr, KEY_OK, 0);
	key(f->wr, KEY_NUMERIC_7, 1);
	key(f->wr, KEY_NUMERIC_7, 0);
	key(f->wr, KEY_SELECT, 1); /* OK, SELECT and ENTER are all "ok" */
	key(f->wr, KEY_SELECT, 0);
	size_t n = drain(f->dev, 7 * MS, ev, 16);
	assert_int_equal(n, 5);
	assert_int_equal(ev[0].action, PLAT_ACT_OK);
	assert_false(ev[0].repeat);
	assert_int_equal(ev[0].mono_us, 7 * MS); /* a pipe has no monotonic kernel stamps: the read time */
	assert_int_equal(ev[1].action, PLAT_ACT_OK);
	assert_true(ev[1].repeat);
	assert_int_equal(ev[2].action, PLAT_ACT_OK);
	assert_true(ev[2].repeat);
	assert_int_equal(ev[3].action, PLAT_ACT_DIGIT_0 + 7);
	assert_false(ev[3].repeat);
	assert_int_equal(ev[4].action, PLAT_ACT_OK);
	/* kernel repeat: no timer ever */
	assert_int_equal(plat_evdev_timeout_ms(f->dev, 7 * MS), -1);
}

static void test_unknown_keys_ignored(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_KERNEL);
	key(f->wr, KEY_TV, 1); /* on the remote, not in the keymap */
	key(f->wr, KEY_TV, 2);
	key(f->wr, KEY_TV, 0);
	key(f->wr, KEY_TV, 1);
	key(f->wr, 0x2ff, 1);
	struct input_event odd[] = { rec(EV_KEY, 0x3ff, 1),   /* above KEY_MAX */
				     rec(EV_REL, REL_X, 5),   /* a mouse-like record */
				     rec(EV_ABS, ABS_X, 100), /* a touch-like one */
				     rec(EV_KEY, KEY_RED, 1), /* the one that counts */
				     rec(EV_SYN, SYN_REPORT, 0) };
	put(f->wr, odd, sizeof(odd) / sizeof(odd[0]));
	struct plat_input_event ev[16];
	size_t n = drain(f->dev, 1 * MS, ev, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].action, PLAT_ACT_RED);
}

static void test_short_reads(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_KERNEL);
	struct input_event recs[6] = { rec(EV_KEY, KEY_CHANNELUP, 1), rec(EV_SYN, SYN_REPORT, 0),
				       rec(EV_KEY, KEY_CHANNELUP, 0), rec(EV_SYN, SYN_REPORT, 0),
				       rec(EV_KEY, KEY_LAST, 1),      rec(EV_SYN, SYN_REPORT, 0) };
	const unsigned char *bytes = (const unsigned char *)recs;
	size_t total = sizeof(recs);
	/* cut points inside records: 7 bytes, then up to the middle of the 3rd record, then the rest */
	size_t cuts[] = { 7, sizeof(struct input_event) * 2 + 11, total };
	struct plat_input_event ev[16];
	size_t got = 0, from = 0;
	for (size_t c = 0; c < 3; c++) {
		assert_int_equal(write(f->wr, bytes + from, cuts[c] - from), (ssize_t)(cuts[c] - from));
		from = cuts[c];
		size_t n = drain(f->dev, 1 * MS, ev + got, 16 - got);
		if (c == 0)
			assert_int_equal(n, 0); /* 7 bytes are no record yet */
		got += n;
	}
	assert_int_equal(got, 2);
	assert_int_equal(ev[0].action, PLAT_ACT_CH_UP);
	assert_int_equal(ev[1].action, PLAT_ACT_RECALL);

	/* one byte at a time */
	struct input_event one = rec(EV_KEY, KEY_EPG, 1);
	const unsigned char *b = (const unsigned char *)&one;
	got = 0;
	for (size_t i = 0; i < sizeof(one); i++) {
		assert_int_equal(write(f->wr, b + i, 1), 1);
		got += drain(f->dev, 1 * MS, ev, 16);
	}
	assert_int_equal(got, 1);
	assert_int_equal(ev[0].action, PLAT_ACT_EPG);
}

static void test_syn_dropped(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_KERNEL);
	struct input_event recs[] = { rec(EV_KEY, KEY_UP, 1),      rec(EV_SYN, SYN_REPORT, 0),
				      rec(EV_SYN, SYN_DROPPED, 0), rec(EV_KEY, KEY_DOWN, 1),
				      rec(EV_KEY, KEY_DOWN, 2),    rec(EV_SYN, SYN_REPORT, 0),
				      rec(EV_KEY, KEY_LEFT, 1),    rec(EV_SYN, SYN_REPORT, 0) };
	put(f->wr, recs, sizeof(recs) / sizeof(recs[0]));
	struct plat_input_event ev[16];
	size_t n = drain(f->dev, 1 * MS, ev, 16);
	assert_int_equal(n, 2); /* the records between SYN_DROPPED and SYN_REPORT are not trusted */
	assert_int_equal(ev[0].action, PLAT_ACT_UP);
	assert_int_equal(ev[1].action, PLAT_ACT_LEFT);
}

static void test_software_repeat(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_AUTO); /* a pipe has no EV_REP: AUTO means the software timer */
	assert_int_equal(plat_evdev_repeat_mode(f->dev), PLAT_EVDEV_REPEAT_SOFT);
	struct plat_input_event ev[16];
	uint64_t t0 = 1000 * MS;

	key(f->wr, KEY_VOLUMEUP, 1);
	key(f->wr, KEY_VOLUMEUP, 2); /* a stray kernel repeat is not doubled with the timer's */
	size_t n = drain(f->dev, t0, ev, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].action, PLAT_ACT_VOL_UP);
	assert_false(ev[0].repeat);
	assert_int_equal(plat_evdev_timeout_ms(f->dev, t0), 500);
	assert_int_equal(plat_evdev_timeout_ms(f->dev, t0 + 200 * MS), 300);

	assert_int_equal(drain(f->dev, t0 + 499 * MS, ev, 16), 0); /* held, but before the delay */
	n = drain(f->dev, t0 + 500 * MS, ev, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].action, PLAT_ACT_VOL_UP);
	assert_true(ev[0].repeat);
	assert_int_equal(plat_evdev_timeout_ms(f->dev, t0 + 500 * MS), 100);
	assert_int_equal(drain(f->dev, t0 + 550 * MS, ev, 16), 0);
	assert_int_equal(drain(f->dev, t0 + 600 * MS, ev, 16), 1);
	/* a caller that comes back late gets one repeat, not a burst of the missed ones */
	assert_int_equal(drain(f->dev, t0 + 2000 * MS, ev, 16), 1);
	assert_int_equal(plat_evdev_timeout_ms(f->dev, t0 + 2000 * MS), 100);

	/* releasing another key does not stop this one; releasing it does */
	key(f->wr, KEY_MUTE, 0);
	assert_int_equal(drain(f->dev, t0 + 2100 * MS, ev, 16), 1);
	key(f->wr, KEY_VOLUMEUP, 0);
	assert_int_equal(drain(f->dev, t0 + 2200 * MS, ev, 16), 0);
	assert_int_equal(plat_evdev_timeout_ms(f->dev, t0 + 2200 * MS), -1);
	assert_int_equal(drain(f->dev, t0 + 9000 * MS, ev, 16), 0);

	/* a key the keymap does not know is never repeated */
	key(f->wr, KEY_TV, 1);
	assert_int_equal(drain(f->dev, t0 + 9000 * MS, ev, 16), 0);
	assert_int_equal(plat_evdev_timeout_ms(f->dev, t0 + 9000 * MS), -1);
}

static void test_capacity_and_gone(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_KERNEL);
	for (int d = 0; d < 10; d++) {
		key(f->wr, d == 0 ? KEY_NUMERIC_0 : KEY_NUMERIC_1 + (unsigned)d - 1, 1);
		key(f->wr, d == 0 ? KEY_NUMERIC_0 : KEY_NUMERIC_1 + (unsigned)d - 1, 0);
	}
	close(f->wr); /* the device goes away after these keys */
	f->wr = -1;
	struct plat_input_event ev[3];
	int seen = 0;
	for (;;) {
		size_t n = 0;
		int rc = plat_evdev_read(f->dev, 1 * MS, ev, 3, &n);
		for (size_t i = 0; i < n; i++, seen++)
			assert_int_equal(ev[i].action, PLAT_ACT_DIGIT_0 + seen);
		if (rc == -ENODEV)
			break;
		assert_int_equal(rc, 0);
		assert_true(n > 0 || seen == 10);
	}
	assert_int_equal(seen, 10); /* every key written before the end was delivered */
	size_t n = 0;
	assert_int_equal(plat_evdev_read(f->dev, 1 * MS, ev, 3, &n), -ENODEV);
}

static void test_probe_and_args(void **state)
{
	struct fixture *f = *state;
	open_dev(f, PLAT_EVDEV_REPEAT_KERNEL);
	/* a pipe is no evdev node: -ENOTTY natively, -ENOSYS under qemu-user (ioctl not translated) */
	int probe = plat_evdev_probe(plat_evdev_fd(f->dev), f->km);
	assert_true(probe == -ENOTTY || probe == -ENOSYS);
	assert_string_equal(plat_evdev_name(f->dev), "pipe");
	struct plat_evdev *d = (struct plat_evdev *)f;
	assert_int_equal(plat_evdev_open_fd(-1, NULL, f->km, NULL, &d), -EINVAL);
	assert_null(d);
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(plat_evdev_open_fd(p[0], NULL, NULL, NULL, &d), -EINVAL); /* fd closed anyway */
	assert_int_equal(fcntl(p[0], F_GETFD), -1);
	close(p[1]);
	plat_evdev_close(&d);
	plat_evdev_close(NULL);
}

/* ---- the hot-plug set over a directory ---- */

struct dir_fixture {
	char dir[64];
	char path[128];
};

static void make_fifo(struct dir_fixture *df, const char *name)
{
	snprintf(df->path, sizeof(df->path), "%s/%s", df->dir, name);
	assert_int_equal(mkfifo(df->path, 0600), 0);
}

static void test_set_hotplug(void **state)
{
	struct fixture *f = *state;
	char err[256];
	assert_int_equal(plat_keymap_load(DEFAULT_KEYMAP, &f->km, err, sizeof(err)), 0);
	struct dir_fixture df;
	snprintf(df.dir, sizeof(df.dir), "/tmp/qanat-input-XXXXXX");
	assert_non_null(mkdtemp(df.dir));
	make_fifo(&df, "mouse0"); /* not event*: never opened */
	make_fifo(&df, "event0");

	/* without accept_any a FIFO is no key device: probed and left alone */
	struct plat_evdev_set_options opt = { .dir = df.dir };
	struct plat_evdev_set *s = NULL;
	assert_int_equal(plat_evdev_set_create(f->km, &opt, &s), 0);
	assert_int_equal(plat_evdev_set_count(s), 0);
	plat_evdev_set_destroy(&s);
	assert_null(s);

	opt.accept_any = true;
	opt.device.repeat = PLAT_EVDEV_REPEAT_KERNEL;
	assert_int_equal(plat_evdev_set_create(f->km, &opt, &s), 0);
	assert_int_equal(plat_evdev_set_count(s), 1);

	char p0[128];
	snprintf(p0, sizeof(p0), "%s/event0", df.dir);
	int wr = open(p0, O_WRONLY | O_NONBLOCK);
	assert_true(wr >= 0);
	key(wr, KEY_RED, 1);
	key(wr, KEY_RED, 0);
	struct plat_input_event ev[8];
	size_t n = 0;
	for (int i = 0; i < 50 && n == 0; i++)
		assert_int_equal(plat_evdev_set_wait(s, 100, ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].action, PLAT_ACT_RED);

	/* the device goes away: closed, not polled in a loop */
	close(wr);
	for (int i = 0; i < 50 && plat_evdev_set_count(s) != 0; i++)
		assert_int_equal(plat_evdev_set_wait(s, 100, ev, 8, &n), 0);
	assert_int_equal(plat_evdev_set_count(s), 0);
	unlink(p0);

	/* a new device node appears (udev after a replug): opened without a rescan by the caller */
	make_fifo(&df, "event1");
	for (int i = 0; i < 50 && plat_evdev_set_count(s) != 1; i++)
		assert_int_equal(plat_evdev_set_wait(s, 100, ev, 8, &n), 0);
	assert_int_equal(plat_evdev_set_count(s), 1);
	wr = open(df.path, O_WRONLY | O_NONBLOCK);
	assert_true(wr >= 0);
	key(wr, KEY_GREEN, 1);
	n = 0;
	for (int i = 0; i < 50 && n == 0; i++)
		assert_int_equal(plat_evdev_set_wait(s, 100, ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].action, PLAT_ACT_GREEN);
	close(wr);

	/* a wake from another thread (here: before the wait) returns at once with nothing */
	plat_evdev_set_wake(s);
	assert_int_equal(plat_evdev_set_wait(s, -1, ev, 8, &n), 0);
	plat_evdev_set_destroy(&s);
	unlink(df.path);
	snprintf(df.path, sizeof(df.path), "%s/mouse0", df.dir);
	unlink(df.path);
	assert_int_equal(rmdir(df.dir), 0);
}

struct collected {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum plat_action got[16];
	int count;
};

static void on_action(void *ud, const struct plat_input_event *ev)
{
	struct collected *c = ud;
	pthread_mutex_lock(&c->lock);
	if (c->count < 16)
		c->got[c->count++] = ev->action;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void test_runner(void **state)
{
	struct fixture *f = *state;
	char err[256];
	assert_int_equal(plat_keymap_load(DEFAULT_KEYMAP, &f->km, err, sizeof(err)), 0);
	struct dir_fixture df;
	snprintf(df.dir, sizeof(df.dir), "/tmp/qanat-input-XXXXXX");
	assert_non_null(mkdtemp(df.dir));
	make_fifo(&df, "event3");
	struct plat_evdev_set_options opt = { .dir = df.dir, .accept_any = true };
	struct plat_evdev_set *s = NULL;
	assert_int_equal(plat_evdev_set_create(f->km, &opt, &s), 0);
	struct collected c = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	struct plat_evdev_runner *r = NULL;
	assert_int_equal(plat_evdev_runner_start(s, on_action, &c, &r), 0);

	int wr = open(df.path, O_WRONLY | O_NONBLOCK);
	assert_true(wr >= 0);
	/* a zap: 1, 2, OK */
	key(wr, KEY_NUMERIC_1, 1);
	key(wr, KEY_NUMERIC_1, 0);
	key(wr, KEY_NUMERIC_2, 1);
	key(wr, KEY_NUMERIC_2, 0);
	key(wr, KEY_OK, 1);
	key(wr, KEY_OK, 0);
	pthread_mutex_lock(&c.lock);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	while (c.count < 3 && pthread_cond_timedwait(&c.cond, &c.lock, &until) == 0) {
	}
	pthread_mutex_unlock(&c.lock);
	plat_evdev_runner_stop(&r);
	assert_null(r);
	plat_evdev_runner_stop(&r);
	assert_int_equal(c.count, 3);
	assert_int_equal(c.got[0], PLAT_ACT_DIGIT_0 + 1);
	assert_int_equal(c.got[1], PLAT_ACT_DIGIT_0 + 2);
	assert_int_equal(c.got[2], PLAT_ACT_OK);
	close(wr);
	plat_evdev_set_destroy(&s);
	unlink(df.path);
	rmdir(df.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_press_repeat_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_software_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_and_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_hotplug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runner, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
