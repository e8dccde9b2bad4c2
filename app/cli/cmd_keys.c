/* SPDX-License-Identifier: MIT */
/* `qanat keys`: the OEM's remote-control bring-up check. Loads the keymap the box would load (or
 * --keymap FILE), reads remote keys - from the evdev devices of /dev/input (hot-plug included), or
 * from one file/FIFO/stdin of struct input_event records with --input, whose value-2 records are the
 * repeats - and prints the action of each key as the UI would get it, one per line (or one JSON
 * object). Unmapped keys print nothing (QANAT_LOG=debug names them). Stops after --count actions, --timeout-ms of silence, or the end of
 * --input. */
#include "app_commands.h"
#include "plat_clock.h"
#include "plat_evdev.h"
#include "plat_keymap.h"
#include "qanat_config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct keys_opts {
	const char *keymap; /* NULL: plat_keymap_path() */
	const char *input;  /* NULL: the /dev/input set; "-": stdin */
	const char *dir;    /* --dir for the set (default /dev/input) */
	long count;         /* 0: no limit */
	long timeout_ms;    /* -1: none */
};

static int parse_long(const char *s, long min, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || errno || !end || *end || v < min)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct keys_opts *o)
{
	*o = (struct keys_opts){ .timeout_ms = -1 };
	/* every option takes a value */
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--keymap") == 0 && v)
			o->keymap = v;
		else if (strcmp(a, "--input") == 0 && v)
			o->input = v;
		else if (strcmp(a, "--dir") == 0 && v)
			o->dir = v;
		else if (strcmp(a, "--count") == 0 && parse_long(v, 1, &o->count) == 0)
			;
		else if (strcmp(a, "--timeout-ms") == 0 && parse_long(v, 0, &o->timeout_ms) == 0)
			;
		else {
			fprintf(stderr, "qanat keys: bad argument '%s' (see qanat --help)\n", a);
			return -EINVAL;
		}
	}
	return 0;
}

static const char *assets_dir(void)
{
	const char *env = getenv("QANAT_ASSETS_DIR");
	return env && *env ? env : QANAT_ASSETS_DIR;
}

/* Prints one action; returns true when --count is reached. */
static bool report(const struct plat_input_event *ev, bool json, json_t *list, long *seen, long count)
{
	const char *name = plat_action_name(ev->action);
	if (json) {
		json_array_append_new(list, json_pack("{s:s,s:b}", "action", name, "repeat", ev->repeat));
	} else {
		printf("%s%s\n", name, ev->repeat ? " (repeat)" : "");
		fflush(stdout);
	}
	(*seen)++;
	return count > 0 && *seen >= count;
}

/* One fd of records (a file, a FIFO, stdin): until its end, --count or --timeout-ms of silence.
 * The fd is made non-blocking; for stdin that is the caller's pipe, which ends with us. */
static int run_input(const struct keys_opts *o, const struct plat_keymap *km, bool json, json_t *list,
		     long *seen)
{
	int fd = strcmp(o->input, "-") == 0 ? dup(STDIN_FILENO) : open(o->input, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "qanat keys: %s: %s\n", o->input, strerror(errno));
		return -errno;
	}
	/* records replayed from a file or pipe carry the kernel's own repeats (value 2) */
	struct plat_evdev_options opt = { .repeat = PLAT_EVDEV_REPEAT_KERNEL };
	struct plat_evdev *d = NULL;
	int rc = plat_evdev_open_fd(fd, o->input, km, &opt, &d);
	if (rc < 0)
		return rc;
	uint64_t last = plat_clock_mono_us();
	for (bool done = false; !done;) {
		int wait = plat_evdev_timeout_ms(d, plat_clock_mono_us());
		if (o->timeout_ms >= 0 && (wait < 0 || wait > o->timeout_ms))
			wait = (int)o->timeout_ms;
		struct pollfd p = { .fd = plat_evdev_fd(d), .events = POLLIN };
		if (poll(&p, 1, wait) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		uint64_t now = plat_clock_mono_us();
		struct plat_input_event ev[16];
		size_t n = 0;
		rc = plat_evdev_read(d, now, ev, 16, &n);
		for (size_t i = 0; i < n && !done; i++)
			done = report(&ev[i], json, list, seen, o->count);
		if (rc == -ENODEV) { /* the end of the input */
			rc = 0;
			break;
		}
		if (rc < 0)
			break;
		if (n > 0 || p.revents)
			last = now;
		else if (o->timeout_ms >= 0 && now - last >= (uint64_t)o->timeout_ms * 1000)
			break;
	}
	plat_evdev_close(&d);
	return rc;
}

/* Every key device of the directory, hot-plugged, until --count or --timeout-ms of silence. */
static int run_devices(const struct keys_opts *o, const struct plat_keymap *km, bool json, json_t *list,
		       long *seen)
{
	struct plat_evdev_set_options opt = { .dir = o->dir };
	struct plat_evdev_set *s = NULL;
	int rc = plat_evdev_set_create(km, &opt, &s);
	if (rc < 0) {
		fprintf(stderr, "qanat keys: cannot watch the input devices: %s\n", strerror(-rc));
		return rc;
	}
	if (!json)
		fprintf(stderr, "qanat keys: %zu key device(s) in %s; press keys on the remote\n",
			plat_evdev_set_count(s), o->dir ? o->dir : "/dev/input");
	for (bool done = false; !done;) {
		struct plat_input_event ev[16];
		size_t n = 0;
		rc = plat_evdev_set_wait(s, o->timeout_ms >= 0 ? (int)o->timeout_ms : -1, ev, 16, &n);
		if (rc < 0 || (n == 0 && o->timeout_ms >= 0))
			break;
		for (size_t i = 0; i < n && !done; i++)
			done = report(&ev[i], json, list, seen, o->count);
	}
	plat_evdev_set_destroy(&s);
	return rc < 0 ? rc : 0;
}

int app_cmd_keys(int argc, char **argv, bool json)
{
	struct keys_opts o;
	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	char path[512];
	if (o.keymap)
		snprintf(path, sizeof(path), "%s", o.keymap);
	else if (plat_keymap_path(NULL, assets_dir(), path, sizeof(path)) < 0) {
		fprintf(stderr, "qanat keys: keymap path too long\n");
		return 1;
	}
	struct plat_keymap *km = NULL;
	char err[512];
	if (plat_keymap_load(path, &km, err, sizeof(err)) < 0) {
		fprintf(stderr, "qanat keys: %s\n", err);
		return 1;
	}
	if (!json)
		fprintf(stderr, "qanat keys: keymap %s\n", path);
	json_t *list = json_array();
	long seen = 0;
	int rc = o.input ? run_input(&o, km, json, list, &seen) : run_devices(&o, km, json, list, &seen);
	if (json) {
		json_t *root = json_pack("{s:s,s:o,s:b}", "keymap", path, "actions", list, "ok", rc >= 0);
		char *text = json_dumps(root, JSON_COMPACT);
		puts(text ? text : "{}");
		free(text);
		json_decref(root);
	} else {
		json_decref(list);
	}
	plat_keymap_free(&km);
	if (rc < 0) {
		fprintf(stderr, "qanat keys: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
