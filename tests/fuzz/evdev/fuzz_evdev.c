/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for evdev records (plat_evdev_read): a remote bridge daemon or a FIFO feeds
 * struct input_event records, and a kernel driver can send any type, code and value. The bytes after
 * a one-byte header go through a real pipe into the device in chunks of a size the header picks, so
 * records split across reads occur; time moves between reads so software repeat runs too. Every
 * action must be a known one, the output never overruns cap, and the end of the pipe is -ENODEV. */
#include "plat_evdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

enum { CAP = 4, MAX_INPUT = 32768 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keymap_text[] = "remote up KEY_UP\nremote down KEY_DOWN\nremote ok KEY_OK KEY_ENTER\n"
				  "remote back KEY_BACK KEY_ESC\nremote 1 KEY_1 KEY_NUMERIC_1\n"
				  "remote red KEY_RED\nremote chup KEY_CHANNELUP\n";

/* Reads until the device has nothing more now; returns the last rc. */
static int drain(struct plat_evdev *d, uint64_t *now_us)
{
	for (int round = 0; round < 100000; round++) {
		struct plat_input_event out[CAP + 1];
		memset(out, 0xA5, sizeof(out));
		uint8_t guard[sizeof(out[0])];
		memset(guard, 0xA5, sizeof(guard));
		size_t n = 0;
		int rc = plat_evdev_read(d, *now_us, out, CAP, &n);
		CHECK(n <= CAP);
		CHECK(memcmp(&out[CAP], guard, sizeof(guard)) == 0); /* nothing written past cap */
		for (size_t i = 0; i < n; i++)
			CHECK(out[i].action > PLAT_ACT_NONE && out[i].action < PLAT_ACT_COUNT);
		int t = plat_evdev_timeout_ms(d, *now_us);
		CHECK(t >= -1);
		*now_us += 40000; /* 40 ms between reads: soft repeats fall due */
		if (rc < 0)
			return rc;
		if (n < CAP)
			return 0;
	}
	return 0; /* a held key repeating forever is allowed; bounded here */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	struct plat_keymap *km = NULL;
	char err[160];
	CHECK(plat_keymap_parse(keymap_text, sizeof(keymap_text) - 1, "fuzz", &km, err, sizeof(err)) == 0);
	struct plat_evdev_options opt = { 0 };
	opt.repeat = (enum plat_evdev_repeat)(data[0] % 3);
	opt.repeat_delay_ms = (data[0] >> 2) & 1 ? 100 : 0;
	opt.repeat_period_ms = (data[0] >> 3) & 1 ? 30 : 0;
	size_t chunk = 1 + (size_t)(data[0] >> 4) * 7; /* 1 to 106 bytes: splits mid-record */
	data++;
	size--;
	int fds[2];
	CHECK(pipe(fds) == 0);
	struct plat_evdev *d = NULL;
	CHECK(plat_evdev_open_fd(fds[0], "fuzz", km, &opt, &d) == 0);
	CHECK(plat_evdev_repeat_mode(d) != PLAT_EVDEV_REPEAT_AUTO);
	uint64_t now_us = 1000000;
	for (size_t off = 0; off < size;) {
		size_t n = chunk < size - off ? chunk : size - off;
		CHECK(write(fds[1], data + off, n) == (ssize_t)n);
		off += n;
		CHECK(drain(d, &now_us) == 0);
	}
	close(fds[1]);
	int rc = 0;
	for (int i = 0; i < 1000 && rc == 0; i++)
		rc = drain(d, &now_us);
	CHECK(rc == -ENODEV);
	plat_evdev_close(&d);
	CHECK(d == NULL);
	plat_keymap_free(&km);
	return 0;
}
