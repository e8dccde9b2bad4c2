/* SPDX-License-Identifier: MIT */
/* The UI thread's loop and the headless script runner (app_loop.c). UI thread only, except
 * app_loop_wake(), which any thread may call. */
#ifndef APP_LOOP_H
#define APP_LOOP_H

#include "plat_input.h"

#include <stdbool.h>
#include <stddef.h>

struct app;

/* Wakes the UI loop (a task result is ready); any thread. opaque is the struct app. */
void app_loop_wake(void *opaque);

/* The desktop keyboard through the keymap (user: the struct plat_keymap, may be NULL). */
enum plat_action app_loop_map_key(void *user, int sdl_keycode);

/* Starts reading remote controls from dir (NULL: none); box: grab /dev/input devices. */
void app_loop_start_remotes(struct app *app, const char *dir, bool box);

/* Runs the interactive loop until the viewer quits. Returns 0. */
int app_loop_run(struct app *app);

/* Runs a headless script (NULL: the default "idle, snap"), snapshots into snap. Returns 0 or a
 * negative error with the reason in err. */
int app_loop_script(struct app *app, const char *script, const char *snap, char *err, size_t cap);

#endif
