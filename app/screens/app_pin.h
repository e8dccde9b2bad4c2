/* SPDX-License-Identifier: MIT */
/* The one parental PIN prompt of the screens, and the gate they play channels through: a play the
 * lock holds (ctl_lineup_zap or ctl_parental_check said -EACCES) opens the prompt; the right PIN
 * unlocks the session (ctl_parental_unlock) and runs the continuation that retries the play; a wrong
 * PIN, or no PIN set yet, says so and the prompt stays. BACK closes it and nothing plays.
 *
 * The prompt is a screen named "pin" with a secret keyboard (id "pin") and a message line (id
 * "pin_message"), so headless state reports show it. UI thread only. */
#ifndef APP_PIN_H
#define APP_PIN_H

#include "app.h"

#include <stddef.h>
#include <stdint.h>

enum { APP_PIN_ARG_MAX = 512 };

/* What runs after the right PIN: arg is the prompt's copy of what app_pin_ask was given. */
typedef void (*app_pin_then_fn)(struct app *app, const void *arg);

/* Opens the prompt over the current screen; why is the line under the title (copied). arg (len
 * bytes, at most APP_PIN_ARG_MAX) is copied. A prompt already open is replaced. Returns 0 or a
 * negative errno. */
int app_pin_ask(struct app *app, const char *why, app_pin_then_fn then, const void *arg, size_t len);
/* True while the prompt is on top. */
bool app_pin_open(const struct app *app);

/* Plays a channel through the line-up's gate (ctl_lineup_zap): 0 when it plays, -EACCES when the
 * lock holds it and the prompt is open (it plays once the right PIN is typed), -ENOENT when it is not
 * in the line-up, or app_play_live's error. how: the QoE "tuned by". */
int app_pin_play_live(struct app *app, int64_t stream_id, enum ctl_zap_from from, const char *how);
/* The same for a catch-up programme of a channel. */
int app_pin_play_catchup(struct app *app, int64_t stream_id, int64_t start, int64_t end, const char *title);
/* For a movie (LIBRARY_VOD) or a series (LIBRARY_SERIES): 0 when it may open now; -EACCES when the
 * lock holds it: the prompt is open and then(app, arg) runs after the right PIN. */
int app_pin_check(struct app *app, enum library_kind kind, int64_t id, app_pin_then_fn then, const void *arg,
		  size_t len);

void app_pin_free(struct app_pin **pin);

#endif
