/* SPDX-License-Identifier: MIT */
/* Audio output: a device that pulls interleaved signed 16-bit PCM from its owner on its own thread.
 * Backends are driver tables chosen at run time (STYLE.md rule 9): "sdl" (SDL2 audio, whatever
 * SDL_AUDIODRIVER picks, including SDL's dummy) and "null" (consumes samples in real time on a thread
 * of its own and plays nothing: headless runs, tests, boards without sound). The player resamples
 * once to the format the device reports and never sees SDL. */
#ifndef PLAT_AUDIO_H
#define PLAT_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plat_audio;

/* Format of a device: always interleaved native-endian signed 16-bit. */
struct plat_audio_spec {
	int sample_rate; /* e.g. 48000 */
	int channels;    /* 1 or 2 */
	int period;      /* frames per pull, a power of two (e.g. 1024) */
};

/* Called on the device's thread: fill exactly len bytes of buf (silence when there is nothing to
 * play). Must not block for long: no I/O, only short locks. */
typedef void (*plat_audio_pull_fn)(void *opaque, uint8_t *buf, size_t len);

/* A backend. All hooks are mandatory; plat_audio_open() and friends call them. */
struct plat_audio_driver {
	const char *name; /* "sdl", "null" */
	/* Opens the device as close to *want as it can, writes the real format to *have, and starts
	 * pulling (paused devices pull nothing). Returns 0 or a negative errno. */
	int (*open)(struct plat_audio *a, const struct plat_audio_spec *want, struct plat_audio_spec *have);
	void (*set_paused)(struct plat_audio *a, bool paused);
	/* Stops the thread (no pull runs after it returns) and releases the backend's state. */
	void (*close)(struct plat_audio *a);
};

extern const struct plat_audio_driver plat_audio_sdl;
extern const struct plat_audio_driver plat_audio_null;

/* Picks a driver by name ("sdl", "null"); NULL when the name is unknown. */
const struct plat_audio_driver *plat_audio_driver_find(const char *name);

/* Opens a device with drv (NULL: the null driver). pull(opaque, ...) then runs on the device's
 * thread until plat_audio_close(). On success *out is owned by the caller (plat_audio_close()) and
 * *have (may be NULL) holds the format the device uses. Returns 0 or a negative errno (-EIO when the
 * backend refuses, with the reason logged). The device starts paused. */
int plat_audio_open(const struct plat_audio_driver *drv, const struct plat_audio_spec *want,
		    plat_audio_pull_fn pull, void *opaque, struct plat_audio **out,
		    struct plat_audio_spec *have);

/* Starts or stops pulling. Any thread. */
void plat_audio_set_paused(struct plat_audio *a, bool paused);

/* Name of the driver in use. */
const char *plat_audio_driver_name(const struct plat_audio *a);

/* Output latency of the device's own buffering in microseconds (an estimate: two periods). */
uint32_t plat_audio_latency_us(const struct plat_audio *a);

/* Stops and frees; no pull runs after it returns. Accepts NULL and sets *a to NULL. */
void plat_audio_close(struct plat_audio **a);

#endif
