/* SPDX-License-Identifier: MIT */
/* The UI thread's loop and the headless script runner (app_loop.c). UI thread only, except
 * app_loop_wake(), which any thread may call. */
#ifndef APP_LOOP_H
#define APP_LOOP_H

#include "plat_input.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

/* Wakes the UI loop (a task result is ready); any thread. opaque is the struct app. */
void app_loop_wake(void *opaque);

/* Wakes the interactive loop at mono_ms (plat_clock_mono_ms()) at the latest, for periodic work that
 * is due then: the loop otherwise sleeps until input or a wake-up. Earliest wins: one deadline per
 * purpose is kept (8 pending at most; beyond that the latest merges into an earlier one, so the loop
 * may wake early, never late). The periodic work (app_playback_tick, app_session_tick) runs after
 * every wake-up, so work that finds itself not due yet arms its timer again. UI thread. Headless
 * scripts run the periodic work at every step of their virtual time and need none. */
void app_loop_timer_at(struct app *app, int64_t mono_ms);

/* The desktop keyboard through the keymap (user: the struct plat_keymap, may be NULL). */
enum plat_action app_loop_map_key(void *user, int sdl_keycode);

/* Starts reading remote controls from dir (NULL: none); box: grab /dev/input devices. */
void app_loop_start_remotes(struct app *app, const char *dir, bool box);

/* Runs the interactive loop until the viewer quits (or SDL_QUIT: SIGTERM, SIGINT). It sleeps until
 * something is due, never polls. With QANAT_LOOP_STATS=1 it prints on exit to stderr
 * "qanat: loop: wakeups N, longest frame gap X ms": the times it woke, and the longest time from a
 * wake being due (an event's arrival, a deadline, a picture ready) to the end of the frame that
 * answered it. Returns 0, or -ENOMEM. */
int app_loop_run(struct app *app);

/* Runs a headless script (NULL: the default "idle, snap"), snapshots into snap. Returns 0 or a
 * negative error with the reason in err. Its `state` reports carry "loop": {"wakeups",
 * "longest_gap_ms"}: there, batches of remote actions arriving in real time (--input) and how long
 * they waited to be taken (scripted keys are not wake-ups). */
int app_loop_script(struct app *app, const char *script, const char *snap, char *err, size_t cap);

/* Frees the loop's state (timers armed before the loop ran, on an error path). Accepts none. */
void app_loop_free(struct app *app);

#endif
