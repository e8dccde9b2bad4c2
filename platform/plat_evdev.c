/* SPDX-License-Identifier: MIT */
/* Linux evdev reader for remote controls (plat_evdev.h): one device around an fd that yields
 * struct input_event records, a hot-plug tolerant set of the key devices of /dev/input, and the input
 * thread that runs the set. Records are buffered so a read that ends inside a record (pipes) loses
 * nothing; SYN_DROPPED discards up to the next SYN_REPORT as the kernel's protocol asks. */
#include "plat_evdev.h"

#include "plat_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "plat_clock.h"

#ifndef input_event_sec /* kernel headers before 4.16 */
#define input_event_sec time.tv_sec
#define input_event_usec time.tv_usec
#endif

#define MOD "evdev"
#define REC_SIZE sizeof(struct input_event)
#define REC_BATCH 64 /* records read at once */

struct plat_evdev {
	int fd;
	char name[96];
	const struct plat_keymap *km;
	enum plat_evdev_repeat repeat; /* KERNEL or SOFT */
	uint64_t delay_us, period_us;
	bool grabbed;
	bool kernel_mono; /* record times are CLOCK_MONOTONIC */
	bool dropping;    /* after SYN_DROPPED, until SYN_REPORT */
	bool gone;        /* ENODEV/EOF seen after returning the last actions */
	/* the held key (software repeat) */
	unsigned held_code;
	enum plat_action held_action;
	uint64_t next_repeat_us;
	/* a partial record carried over to the next read */
	unsigned char partial[sizeof(struct input_event)];
	size_t partial_len;
};

static bool bit_set(const unsigned long *bits, unsigned n)
{
	const unsigned w = 8 * sizeof(unsigned long);
	return (bits[n / w] >> (n % w)) & 1UL;
}

int plat_evdev_probe(int fd, const struct plat_keymap *km)
{
	unsigned long ev[(EV_MAX + 1 + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long))] = { 0 };
	unsigned long keys[(KEY_MAX + 1 + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long))] = {
		0
	};
	if (ioctl(fd, EVIOCGBIT(0, sizeof(ev)), ev) < 0)
		return -errno;
	if (!bit_set(ev, EV_KEY))
		return 0;
	if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(keys)), keys) < 0)
		return -errno;
	for (unsigned code = 1; code <= KEY_MAX && code <= PLAT_KEYMAP_CODE_MAX; code++)
		if (bit_set(keys, code) && plat_keymap_remote(km, code) != PLAT_ACT_NONE)
			return 1;
	return 0;
}

/* KERNEL when the node has EV_REP; SOFT when it has not, or is no evdev node at all (a pipe). */
static enum plat_evdev_repeat detect_repeat(int fd)
{
	unsigned long ev[(EV_MAX + 1 + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long))] = { 0 };
	if (ioctl(fd, EVIOCGBIT(0, sizeof(ev)), ev) < 0)
		return PLAT_EVDEV_REPEAT_SOFT;
	return bit_set(ev, EV_REP) ? PLAT_EVDEV_REPEAT_KERNEL : PLAT_EVDEV_REPEAT_SOFT;
}

int plat_evdev_open_fd(int fd, const char *name, const struct plat_keymap *km,
		       const struct plat_evdev_options *opt, struct plat_evdev **out)
{
	static const struct plat_evdev_options defaults = { 0 };
	if (out)
		*out = NULL;
	if (fd < 0 || !km || !out) {
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	if (!opt)
		opt = &defaults;
	struct plat_evdev *d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	d->fd = fd;
	d->km = km;
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	d->repeat = opt->repeat == PLAT_EVDEV_REPEAT_AUTO ? detect_repeat(fd) : opt->repeat;
	d->delay_us = 1000ULL * (opt->repeat_delay_ms ? opt->repeat_delay_ms : 500);
	d->period_us = 1000ULL * (opt->repeat_period_ms ? opt->repeat_period_ms : 125);
	int clk = CLOCK_MONOTONIC;
	d->kernel_mono = ioctl(fd, EVIOCSCLOCKID, &clk) == 0;
	if (opt->grab && ioctl(fd, EVIOCGRAB, (void *)1) == 0)
		d->grabbed = true;
	if (name && *name)
		snprintf(d->name, sizeof(d->name), "%s", name);
	else if (ioctl(fd, EVIOCGNAME(sizeof(d->name) - 1), d->name) < 0)
		snprintf(d->name, sizeof(d->name), "fd %d", fd);
	*out = d;
	return 0;
}

int plat_evdev_fd(const struct plat_evdev *d)
{
	return d ? d->fd : -1;
}

const char *plat_evdev_name(const struct plat_evdev *d)
{
	return d ? d->name : "";
}

enum plat_evdev_repeat plat_evdev_repeat_mode(const struct plat_evdev *d)
{
	return d ? d->repeat : PLAT_EVDEV_REPEAT_AUTO;
}

static void emit(struct plat_input_event *out, size_t *n, enum plat_action a, bool repeat, uint64_t t)
{
	out[*n].action = a;
	out[*n].repeat = repeat;
	out[*n].mono_us = t;
	(*n)++;
}

static void release_held(struct plat_evdev *d)
{
	d->held_code = 0;
	d->held_action = PLAT_ACT_NONE;
	d->next_repeat_us = 0;
}

/* One record; appends at most one action (the caller guarantees room for it). */
static void handle_record(struct plat_evdev *d, const struct input_event *ev, uint64_t now_us,
			  struct plat_input_event *out, size_t *n)
{
	if (ev->type == EV_SYN) {
		if (ev->code == SYN_DROPPED) {
			d->dropping = true;
			release_held(d);
		} else if (ev->code == SYN_REPORT) {
			d->dropping = false;
		}
		return;
	}
	if (ev->type != EV_KEY || d->dropping)
		return;
	enum plat_action a = plat_keymap_remote(d->km, ev->code);
	if (ev->value == 0) {
		if (d->held_code == ev->code)
			release_held(d);
		return;
	}
	if (a == PLAT_ACT_NONE) {
		const char *kn = plat_keymap_code_name(ev->code);
		plat_log_debug(MOD, "%s: key %#x (%s) is not in the keymap", d->name, ev->code,
			       kn ? kn : "?");
		return;
	}
	uint64_t t = now_us;
	if (d->kernel_mono)
		t = (uint64_t)ev->input_event_sec * 1000000ULL + (uint64_t)ev->input_event_usec;
	if (ev->value == 1) {
		emit(out, n, a, false, t);
		if (d->repeat == PLAT_EVDEV_REPEAT_SOFT) {
			d->held_code = ev->code;
			d->held_action = a;
			d->next_repeat_us = (d->kernel_mono ? t : now_us) + d->delay_us;
		}
	} else if (ev->value == 2 && d->repeat == PLAT_EVDEV_REPEAT_KERNEL) {
		emit(out, n, a, true, t);
	}
}

static void soft_repeat(struct plat_evdev *d, uint64_t now_us, struct plat_input_event *out, size_t cap,
			size_t *n)
{
	if (d->held_action == PLAT_ACT_NONE || now_us < d->next_repeat_us || *n >= cap)
		return;
	emit(out, n, d->held_action, true, now_us);
	d->next_repeat_us += d->period_us;
	if (d->next_repeat_us <= now_us) /* a late caller gets one repeat, not a burst */
		d->next_repeat_us = now_us + d->period_us;
}

int plat_evdev_read(struct plat_evdev *d, uint64_t now_us, struct plat_input_event *out, size_t cap,
		    size_t *n)
{
	if (n)
		*n = 0;
	if (!d || !n || (cap && !out))
		return -EINVAL;
	if (d->gone)
		return -ENODEV;
	unsigned char buf[REC_BATCH * REC_SIZE];
	while (*n < cap) {
		size_t want = cap - *n < REC_BATCH ? cap - *n : REC_BATCH;
		memcpy(buf, d->partial, d->partial_len);
		ssize_t got = read(d->fd, buf + d->partial_len, want * REC_SIZE - d->partial_len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (got <= 0) {
			int e = got == 0 ? ENODEV : errno;
			release_held(d);
			if (e != ENODEV)
				return -e;
			if (*n > 0) {
				d->gone = true;
				return 0;
			}
			return -ENODEV;
		}
		size_t have = d->partial_len + (size_t)got;
		size_t whole = have / REC_SIZE;
		for (size_t i = 0; i < whole; i++) {
			struct input_event ev;
			memcpy(&ev, buf + i * REC_SIZE, REC_SIZE);
			handle_record(d, &ev, now_us, out, n);
		}
		d->partial_len = have - whole * REC_SIZE;
		memcpy(d->partial, buf + whole * REC_SIZE, d->partial_len);
	}
	soft_repeat(d, now_us, out, cap, n);
	return 0;
}

int plat_evdev_timeout_ms(const struct plat_evdev *d, uint64_t now_us)
{
	if (!d || d->held_action == PLAT_ACT_NONE)
		return -1;
	if (d->next_repeat_us <= now_us)
		return 0;
	uint64_t ms = (d->next_repeat_us - now_us + 999) / 1000;
	return ms > 60000 ? 60000 : (int)ms;
}

void plat_evdev_close(struct plat_evdev **d)
{
	if (!d || !*d)
		return;
	if ((*d)->grabbed)
		ioctl((*d)->fd, EVIOCGRAB, (void *)0);
	close((*d)->fd);
	free(*d);
	*d = NULL;
}

/* ---- the set: every key device of a directory ---- */

#define RESCAN_POLL_US 2000000ULL  /* without inotify */
#define RESCAN_RETRY_US 1000000ULL /* after a device went away */

struct plat_evdev_set {
	const struct plat_keymap *km;
	char dir[256];
	bool accept_any;
	struct plat_evdev_options dev_opt;
	int inotify_fd;        /* -1 when the directory cannot be watched */
	int wake[2];           /* self-pipe: [0] polled, [1] written by plat_evdev_set_wake() */
	uint64_t rescan_at_us; /* 0: none scheduled */
	struct {
		struct plat_evdev *dev;
		char path[288];
	} devs[PLAT_EVDEV_SET_MAX];
	size_t count;
};

static bool is_open(const struct plat_evdev_set *s, const char *path)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->devs[i].path, path) == 0)
			return true;
	return false;
}

static void try_open(struct plat_evdev_set *s, const char *path)
{
	if (s->count == PLAT_EVDEV_SET_MAX || is_open(s, path))
		return;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		/* EACCES until udev has set the group: an IN_ATTRIB brings us back */
		plat_log_debug(MOD, "%s: cannot open: %s", path, strerror(errno));
		return;
	}
	if (!s->accept_any) {
		int keys = plat_evdev_probe(fd, s->km);
		if (keys <= 0) {
			plat_log_debug(MOD, "%s: %s", path,
				       keys == 0 ? "no key the keymap maps" : "not an evdev node");
			close(fd);
			return;
		}
	}
	struct plat_evdev *d = NULL;
	if (plat_evdev_open_fd(fd, NULL, s->km, &s->dev_opt, &d) < 0)
		return;
	snprintf(s->devs[s->count].path, sizeof(s->devs[s->count].path), "%s", path);
	s->devs[s->count].dev = d;
	s->count++;
	plat_log_info(MOD, "remote input: %s (%s), %s repeat", path, plat_evdev_name(d),
		      plat_evdev_repeat_mode(d) == PLAT_EVDEV_REPEAT_KERNEL ? "kernel" : "software");
}

static void scan(struct plat_evdev_set *s)
{
	DIR *dir = opendir(s->dir);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, "event", 5) != 0)
			continue;
		char path[288];
		if (snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name) >= (int)sizeof(path))
			continue;
		try_open(s, path);
	}
	closedir(dir);
}

static void drop(struct plat_evdev_set *s, size_t i, int why)
{
	plat_log_info(MOD, "remote input: %s went away (%s)", s->devs[i].path, strerror(-why));
	plat_evdev_close(&s->devs[i].dev);
	s->devs[i] = s->devs[s->count - 1];
	s->devs[s->count - 1].dev = NULL;
	s->count--;
	s->rescan_at_us = plat_clock_mono_us() + RESCAN_RETRY_US;
}

int plat_evdev_set_create(const struct plat_keymap *km, const struct plat_evdev_set_options *opt,
			  struct plat_evdev_set **out)
{
	static const struct plat_evdev_set_options defaults = { .device = { .grab = true } };
	if (out)
		*out = NULL;
	if (!km || !out)
		return -EINVAL;
	if (!opt)
		opt = &defaults;
	struct plat_evdev_set *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->km = km;
	s->accept_any = opt->accept_any;
	s->dev_opt = opt->device;
	if (snprintf(s->dir, sizeof(s->dir), "%s", opt->dir ? opt->dir : "/dev/input") >=
	    (int)sizeof(s->dir)) {
		free(s);
		return -ENAMETOOLONG;
	}
	if (pipe(s->wake) < 0) {
		int e = errno;
		free(s);
		return -e;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(s->wake[i], F_SETFL, O_NONBLOCK);
		fcntl(s->wake[i], F_SETFD, FD_CLOEXEC);
	}
	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd >= 0 &&
	    inotify_add_watch(s->inotify_fd, s->dir, IN_CREATE | IN_ATTRIB | IN_MOVED_TO) < 0) {
		plat_log_info(MOD, "cannot watch %s (%s): scanning it every 2 s", s->dir, strerror(errno));
		close(s->inotify_fd);
		s->inotify_fd = -1;
	}
	scan(s);
	if (s->inotify_fd < 0)
		s->rescan_at_us = plat_clock_mono_us() + RESCAN_POLL_US;
	*out = s;
	return 0;
}

size_t plat_evdev_set_count(const struct plat_evdev_set *s)
{
	return s ? s->count : 0;
}

static int min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* true when the watched directory saw a new or changed event* node */
static bool drain_inotify(int fd)
{
	union {
		struct inotify_event ev;
		char buf[4096];
	} u;
	bool hit = false;
	ssize_t got;
	while ((got = read(fd, u.buf, sizeof(u.buf))) > 0) {
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= got;) {
			struct inotify_event ev;
			memcpy(&ev, u.buf + off, sizeof(ev));
			const char *name = u.buf + off + sizeof(struct inotify_event);
			if (ev.len && strncmp(name, "event", 5) == 0)
				hit = true;
			off += (ssize_t)sizeof(struct inotify_event) + ev.len;
		}
	}
	return hit;
}

int plat_evdev_set_wait(struct plat_evdev_set *s, int timeout_ms, struct plat_input_event *out, size_t cap,
			size_t *n)
{
	if (n)
		*n = 0;
	if (!s || !n || (cap && !out))
		return -EINVAL;
	struct pollfd pfd[PLAT_EVDEV_SET_MAX + 2];
	size_t np = 0;
	pfd[np++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
	if (s->inotify_fd >= 0)
		pfd[np++] = (struct pollfd){ .fd = s->inotify_fd, .events = POLLIN };
	size_t first_dev = np;
	uint64_t now = plat_clock_mono_us();
	int timeout = timeout_ms;
	for (size_t i = 0; i < s->count; i++) {
		pfd[np++] = (struct pollfd){ .fd = plat_evdev_fd(s->devs[i].dev), .events = POLLIN };
		timeout = min_timeout(timeout, plat_evdev_timeout_ms(s->devs[i].dev, now));
	}
	if (s->rescan_at_us)
		timeout = min_timeout(
		    timeout, s->rescan_at_us <= now ? 0 : (int)((s->rescan_at_us - now + 999) / 1000));
	int rc = poll(pfd, (nfds_t)np, timeout);
	if (rc < 0 && errno != EINTR)
		return -errno;
	if (rc > 0 && (pfd[0].revents & POLLIN)) {
		char b[64];
		while (read(s->wake[0], b, sizeof(b)) > 0) {
		}
	}
	now = plat_clock_mono_us();
	/* devices first, in poll order (the array changes below when one goes away) */
	size_t ndev = s->count;
	struct plat_evdev *polled[PLAT_EVDEV_SET_MAX];
	for (size_t i = 0; i < ndev; i++)
		polled[i] = s->devs[i].dev;
	for (size_t i = 0; i < ndev && *n < cap; i++) {
		bool ready = rc > 0 && pfd[first_dev + i].revents;
		if (!ready && plat_evdev_timeout_ms(polled[i], now) != 0)
			continue;
		size_t got = 0;
		int r = plat_evdev_read(polled[i], now, out + *n, cap - *n, &got);
		*n += got;
		if (r < 0) {
			for (size_t j = 0; j < s->count; j++)
				if (s->devs[j].dev == polled[i]) {
					drop(s, j, r);
					break;
				}
		}
	}
	bool rescan = false;
	if (s->inotify_fd >= 0 && rc > 0 && (pfd[1].revents & POLLIN))
		rescan = drain_inotify(s->inotify_fd);
	if (s->rescan_at_us && s->rescan_at_us <= now) {
		rescan = true;
		s->rescan_at_us = s->inotify_fd < 0 ? now + RESCAN_POLL_US : 0;
	}
	if (rescan)
		scan(s);
	return 0;
}

void plat_evdev_set_wake(struct plat_evdev_set *s)
{
	if (s) {
		char b = 1;
		ssize_t w = write(s->wake[1], &b, 1);
		(void)w; /* a full pipe already wakes the waiter */
	}
}

void plat_evdev_set_destroy(struct plat_evdev_set **s)
{
	if (!s || !*s)
		return;
	for (size_t i = 0; i < (*s)->count; i++)
		plat_evdev_close(&(*s)->devs[i].dev);
	if ((*s)->inotify_fd >= 0)
		close((*s)->inotify_fd);
	close((*s)->wake[0]);
	close((*s)->wake[1]);
	free(*s);
	*s = NULL;
}

/* ---- the input thread ---- */

struct plat_evdev_runner {
	struct plat_evdev_set *set;
	void (*cb)(void *ud, const struct plat_input_event *ev);
	void *ud;
	atomic_bool stop;
	pthread_t thread;
};

static void *runner_main(void *arg)
{
	struct plat_evdev_runner *r = arg;
	struct plat_input_event ev[16];
	while (!atomic_load(&r->stop)) {
		size_t n = 0;
		if (plat_evdev_set_wait(r->set, -1, ev, sizeof(ev) / sizeof(ev[0]), &n) < 0) {
			plat_log_error(MOD, "poll failed: remote input stops");
			break;
		}
		for (size_t i = 0; i < n && !atomic_load(&r->stop); i++)
			r->cb(r->ud, &ev[i]);
	}
	return NULL;
}

int plat_evdev_runner_start(struct plat_evdev_set *set,
			    void (*cb)(void *ud, const struct plat_input_event *ev), void *ud,
			    struct plat_evdev_runner **out)
{
	if (out)
		*out = NULL;
	if (!set || !cb || !out)
		return -EINVAL;
	struct plat_evdev_runner *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->set = set;
	r->cb = cb;
	r->ud = ud;
	atomic_init(&r->stop, false);
	int e = pthread_create(&r->thread, NULL, runner_main, r);
	if (e) {
		free(r);
		return -e;
	}
	*out = r;
	return 0;
}

void plat_evdev_runner_stop(struct plat_evdev_runner **r)
{
	if (!r || !*r)
		return;
	atomic_store(&(*r)->stop, true);
	plat_evdev_set_wake((*r)->set);
	pthread_join((*r)->thread, NULL);
	free(*r);
	*r = NULL;
}
