/* SPDX-License-Identifier: MIT */
/* Remote-control input on a box: Linux evdev devices (/dev/input/event*) read directly, because SDL 2
 * drops most remote keys (KEY_OK, KEY_INFO, KEY_RED, KEY_NUMERIC_n... all become "unknown"). Key
 * codes become actions through a keymap (plat_keymap.h). Press and repeat give an action, release
 * ends a held key, unmapped keys are ignored; a held key repeats by the kernel's own auto-repeat
 * (value 2) or, for devices that do not repeat, by a software timer.
 *
 * Two levels:
 * - struct plat_evdev: ONE device around a file descriptor. It takes any fd that delivers
 *   struct input_event records (an evdev node, or a pipe/FIFO: tests, remote bridge daemons) and
 *   copes with reads that split records.
 * - struct plat_evdev_set: every key device of a directory (/dev/input), hot-plug tolerant: devices
 *   that appear are opened (inotify), a device that goes away (ENODEV, end of file) is closed and the
 *   directory scanned again.
 * Neither is thread-safe: one thread owns a device or set (the input thread of
 * plat_evdev_runner_start(), or the caller's own loop). Times are plat_clock_mono_us() microseconds,
 * passed in so that repeat timing is testable without sleeping. */
#ifndef PLAT_EVDEV_H
#define PLAT_EVDEV_H

#include "plat_input.h"
#include "plat_keymap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum plat_evdev_repeat {
	PLAT_EVDEV_REPEAT_AUTO,   /* kernel repeat when the device has EV_REP, else software */
	PLAT_EVDEV_REPEAT_KERNEL, /* records with value 2 are the repeats; no timer */
	PLAT_EVDEV_REPEAT_SOFT,   /* value 2 ignored; a timer repeats the held key */
};

struct plat_evdev_options {
	enum plat_evdev_repeat repeat;
	uint32_t repeat_delay_ms;  /* software repeat: first repeat after this (0: 500) */
	uint32_t repeat_period_ms; /* software repeat: then one every (0: 125) */
	bool grab;                 /* EVIOCGRAB: keys reach Qanat only, not the console of tty1 nor
				      SDL's own evdev reader (no double actions under KMSDRM) */
};

struct plat_evdev;

/* Wraps fd (an evdev node or a pipe; ownership passes to the device, which closes it). The fd is made
 * non-blocking. name is copied (for logs; NULL gives the device's own name or "fd N"). km must outlive
 * the device. opt may be NULL for the defaults. On an evdev node the device is switched to
 * CLOCK_MONOTONIC timestamps, so an event carries the time the key was pressed. Returns 0 and *out
 * (free with plat_evdev_close()), or -EINVAL / -ENOMEM (fd closed in every case). */
int plat_evdev_open_fd(int fd, const char *name, const struct plat_keymap *km,
		       const struct plat_evdev_options *opt, struct plat_evdev **out);

/* The file descriptor to poll for POLLIN. */
int plat_evdev_fd(const struct plat_evdev *d);

/* The name given at open (or the device's). */
const char *plat_evdev_name(const struct plat_evdev *d);

/* The repeat mode in use (AUTO resolved to KERNEL or SOFT at open). */
enum plat_evdev_repeat plat_evdev_repeat_mode(const struct plat_evdev *d);

/* Reads what the fd has (never blocks) and appends up to cap actions to out, then any software
 * repeat due at now_us; *n is the number written. Returns 0 (call again when *n == cap: more may be
 * waiting), -ENODEV once the device is gone (ENODEV or end of file; actions read before it are
 * returned first), or another negative errno from read(). */
int plat_evdev_read(struct plat_evdev *d, uint64_t now_us, struct plat_input_event *out, size_t cap,
		    size_t *n);

/* Milliseconds from now_us until a software repeat is due (0 when overdue), or -1 when none is pending:
 * the poll timeout for this device. */
int plat_evdev_timeout_ms(const struct plat_evdev *d, uint64_t now_us);

/* Closes the fd (ungrabbing it) and frees; accepts NULL and sets *d to NULL. */
void plat_evdev_close(struct plat_evdev **d);

/* Whether fd is an evdev node with EV_KEY and at least one key code that km maps: 1 yes, 0 no (a mouse,
 * a power button...), negative errno when it is not an evdev node (-ENOTTY for a pipe). */
int plat_evdev_probe(int fd, const struct plat_keymap *km);

enum { PLAT_EVDEV_SET_MAX = 16 /* devices open at once */ };

struct plat_evdev_set_options {
	const char *dir; /* NULL: "/dev/input"; scanned for event* nodes */
	bool accept_any; /* open every event* node without the probe: FIFOs fed by a bridge daemon, tests */
	struct plat_evdev_options device;
};

struct plat_evdev_set;

/* Creates a set, watches dir (inotify; a periodic rescan every 2 s when that fails, e.g. no such
 * directory yet) and opens the key devices found there; none found is not an error. km must outlive
 * the set; opt may be NULL. Returns 0 and *out (free with plat_evdev_set_destroy()), or a negative
 * errno. */
int plat_evdev_set_create(const struct plat_keymap *km, const struct plat_evdev_set_options *opt,
			  struct plat_evdev_set **out);

/* The number of devices open now. */
size_t plat_evdev_set_count(const struct plat_evdev_set *s);

/* Waits up to timeout_ms (-1: no limit) for input, a software repeat, a device coming or going, or
 * plat_evdev_set_wake(); handles all of them and returns 0 with up to cap actions in out (*n, possibly
 * 0 on a timeout, a hot-plug or a wake). Negative errno only when poll() itself fails. */
int plat_evdev_set_wait(struct plat_evdev_set *s, int timeout_ms, struct plat_input_event *out, size_t cap,
			size_t *n);

/* Makes a plat_evdev_set_wait() in another thread return at once. Thread-safe, async-signal-safe. */
void plat_evdev_set_wake(struct plat_evdev_set *s);

/* Closes every device and frees; accepts NULL and sets *s to NULL. */
void plat_evdev_set_destroy(struct plat_evdev_set **s);

/* The input thread: runs plat_evdev_set_wait() in a loop and calls cb(ud, event) for each action, ON
 * THAT THREAD (the app turns it into a message for the UI thread, e.g. SDL_PushEvent). The set belongs
 * to the thread until plat_evdev_runner_stop(), which wakes it, joins it and frees the runner (not the
 * set); it accepts NULL and sets *r to NULL. Returns 0 and *out, or a negative errno. */
struct plat_evdev_runner;
int plat_evdev_runner_start(struct plat_evdev_set *set,
			    void (*cb)(void *ud, const struct plat_input_event *ev), void *ud,
			    struct plat_evdev_runner **out);
void plat_evdev_runner_stop(struct plat_evdev_runner **r);

#endif
