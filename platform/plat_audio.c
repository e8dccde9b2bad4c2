/* SPDX-License-Identifier: MIT */
/* Audio output drivers: SDL2 audio (callback on SDL's audio thread) and a null device whose thread
 * consumes one period per period of real time, waiting on a condition variable (no polling), so
 * the player's audio clock advances exactly as it would on a sound card. */
#include "plat_audio.h"

#include "plat_log.h"

#include <SDL.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct plat_audio {
	const struct plat_audio_driver *drv;
	plat_audio_pull_fn pull;
	void *opaque;
	struct plat_audio_spec spec;
	/* sdl */
	SDL_AudioDeviceID sdl_dev;
	/* null: lock guards paused and stop; the thread owns buf. */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool paused;
	bool stop;
	uint8_t *buf;
	size_t buf_len;
};

/* ---- SDL ---- */

static void sdl_callback(void *opaque, Uint8 *stream, int len)
{
	struct plat_audio *a = opaque;
	a->pull(a->opaque, stream, (size_t)len);
}

static int sdl_open(struct plat_audio *a, const struct plat_audio_spec *want, struct plat_audio_spec *have)
{
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		plat_log_error("audio", "SDL audio init failed: %s", SDL_GetError());
		return -EIO;
	}
	SDL_AudioSpec w = { 0 }, h = { 0 };
	w.freq = want->sample_rate;
	w.format = AUDIO_S16SYS;
	w.channels = (Uint8)want->channels;
	w.samples = (Uint16)want->period;
	w.callback = sdl_callback;
	w.userdata = a;
	a->sdl_dev = SDL_OpenAudioDevice(NULL, 0, &w, &h,
					 SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
	if (a->sdl_dev == 0 || (h.channels != 1 && h.channels != 2)) {
		plat_log_error("audio", "SDL audio open failed: %s", SDL_GetError());
		if (a->sdl_dev)
			SDL_CloseAudioDevice(a->sdl_dev);
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
		return -EIO;
	}
	have->sample_rate = h.freq;
	have->channels = h.channels;
	have->period = h.samples;
	plat_log_info("audio", "SDL audio driver %s: %d Hz, %d ch, %d frames", SDL_GetCurrentAudioDriver(),
		      h.freq, h.channels, h.samples);
	return 0;
}

static void sdl_set_paused(struct plat_audio *a, bool paused)
{
	SDL_PauseAudioDevice(a->sdl_dev, paused ? 1 : 0);
}

static void sdl_close(struct plat_audio *a)
{
	SDL_CloseAudioDevice(a->sdl_dev); /* waits for the callback to return */
	SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

const struct plat_audio_driver plat_audio_sdl = {
	.name = "sdl",
	.open = sdl_open,
	.set_paused = sdl_set_paused,
	.close = sdl_close,
};

/* ---- null ---- */

static void timespec_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static void *null_thread(void *arg)
{
	struct plat_audio *a = arg;
	long period_ns = (long)((int64_t)a->spec.period * 1000000000LL / a->spec.sample_rate);
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&a->lock);
	while (!a->stop) {
		if (a->paused) {
			pthread_cond_wait(&a->cond, &a->lock);
			clock_gettime(CLOCK_MONOTONIC, &next);
			continue;
		}
		pthread_mutex_unlock(&a->lock);
		a->pull(a->opaque, a->buf, a->buf_len);
		pthread_mutex_lock(&a->lock);
		timespec_add_ns(&next, period_ns);
		while (!a->stop && !a->paused &&
		       pthread_cond_timedwait(&a->cond, &a->lock, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static int null_open(struct plat_audio *a, const struct plat_audio_spec *want, struct plat_audio_spec *have)
{
	*have = *want;
	if (have->sample_rate <= 0)
		have->sample_rate = 48000;
	if (have->channels != 1)
		have->channels = 2;
	if (have->period <= 0)
		have->period = 1024;
	a->spec = *have;
	a->buf_len = (size_t)have->period * (size_t)have->channels * 2;
	a->buf = malloc(a->buf_len);
	if (!a->buf)
		return -ENOMEM;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&a->lock, NULL);
	a->paused = true;
	if (pthread_create(&a->thread, NULL, null_thread, a) != 0) {
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
		free(a->buf);
		return -EAGAIN;
	}
	a->thread_started = true;
	return 0;
}

static void null_set_paused(struct plat_audio *a, bool paused)
{
	pthread_mutex_lock(&a->lock);
	a->paused = paused;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static void null_close(struct plat_audio *a)
{
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a->buf);
}

const struct plat_audio_driver plat_audio_null = {
	.name = "null",
	.open = null_open,
	.set_paused = null_set_paused,
	.close = null_close,
};

/* ---- generic ---- */

const struct plat_audio_driver *plat_audio_driver_find(const char *name)
{
	static const struct plat_audio_driver *const all[] = { &plat_audio_sdl, &plat_audio_null };
	for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

int plat_audio_open(const struct plat_audio_driver *drv, const struct plat_audio_spec *want,
		    plat_audio_pull_fn pull, void *opaque, struct plat_audio **out,
		    struct plat_audio_spec *have)
{
	if (!want || !pull || !out)
		return -EINVAL;
	struct plat_audio *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->drv = drv ? drv : &plat_audio_null;
	a->pull = pull;
	a->opaque = opaque;
	struct plat_audio_spec h = { 0 };
	int rc = a->drv->open(a, want, &h);
	if (rc < 0) {
		free(a);
		return rc;
	}
	/* the null driver's thread already reads a->spec: only a driver that left it unset needs it */
	if (a->spec.sample_rate <= 0)
		a->spec = h;
	if (have)
		*have = h;
	*out = a;
	return 0;
}

void plat_audio_set_paused(struct plat_audio *a, bool paused)
{
	if (a)
		a->drv->set_paused(a, paused);
}

const char *plat_audio_driver_name(const struct plat_audio *a)
{
	return a ? a->drv->name : "none";
}

uint32_t plat_audio_latency_us(const struct plat_audio *a)
{
	if (!a || a->spec.sample_rate <= 0)
		return 0;
	return (uint32_t)(2ULL * (uint64_t)a->spec.period * 1000000ULL / (uint64_t)a->spec.sample_rate);
}

void plat_audio_close(struct plat_audio **ap)
{
	if (!ap || !*ap)
		return;
	struct plat_audio *a = *ap;
	a->drv->close(a);
	free(a);
	*ap = NULL;
}
