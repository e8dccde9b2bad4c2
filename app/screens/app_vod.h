/* SPDX-License-Identifier: MIT */
/* What the movies, series, search, favourites, continue-watching, account and settings screens share:
 * the screen header, time and date formatting in the UI language, and the entry points that open a
 * movie's or a series' details from another screen (wrappers of the browser's route). Private to
 * app/ (not part of app.h's contract). UI thread only. */
#ifndef APP_VOD_H
#define APP_VOD_H

#include "app.h"
#include "app_browser.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Gives screen the theme background and a title at the top. */
void app_vod_header(struct app *app, struct ui_widget *screen, const char *title);

/* "1 h 32 min" / "1 س 32 د" for a duration in seconds. Returns snprintf's value. */
int app_vod_duration_text(const struct app *app, int64_t secs, char *out, size_t cap);

/* A play position as "12:34" or "1:02:03". */
int app_vod_clock_text(int64_t ms, char *out, size_t cap);

/* A unix time as the date "2026-11-22" (UTC), "-" for 0. */
int app_vod_date_text(int64_t t, char *out, size_t cap);

/* Draws a play-progress bar (fraction 0..1) inside a list item (focused: drawn to show on the accent
 * colour); it fills left to right in both layout directions (playback time always runs that way). */
void app_vod_draw_progress(const struct app *app, struct ui_draw *d, struct ui_rect r, double fraction,
			   bool focused);

/* An episode as the screens keep it. */
struct app_vod_episode {
	char id[48]; /* the panel's episode id */
	int64_t series_id;
	char series_name[256];
	int season, episode;
	char title[256];
	char ext[16];
	int64_t duration_secs;
};

/* Creates the episode table (once, at start, before the store writer opens). */
int app_vod_migrate(struct store *s);
/* Remembers an episode that is played (the panel's history knows only episode ids), so continue
 * watching can name it and open its series. Returns 0 or a negative errno. */
int app_vod_episode_remember(struct app *app, const struct app_vod_episode *e);
/* 0 and *out, -ENOENT when never played here (or its write is still queued), or another errno. */
int app_vod_episode_lookup(struct app *app, const char *id, struct app_vod_episode *out);

/* The diagnostics report for support and the settings' diagnostics view: versions, device, the panel
 * in use and the last playback (URLs redacted, no password anywhere). Caller owns it (json_decref). */
json_t *app_vod_diagnostics(struct app *app);

/* A PIN entry screen ("pin"): a secret keyboard under a prompt; done(user, kb, text) gets the text.
 * The screen is owned by the UI context (ui_screen_destroy() it when rebuilding). *kb gets the
 * keyboard. Returns the screen or NULL. */
struct ui_widget *app_vod_pin_screen(struct app *app, const char *prompt, ui_text_done_fn done, void *user,
				     struct ui_widget **kb);

/* Shows the details of one movie / one series over the current screen: the browser's route
 * (app_browser_open_details), kept under these names for the screens that call them. Returns 0,
 * -ENOENT when it is not in the catalogue, -EACCES when the parental lock hides it. */
static inline int app_movie_open(struct app *app, int64_t id)
{
	return app_browser_open_details(app, LIBRARY_VOD, id);
}

static inline int app_series_open(struct app *app, int64_t id)
{
	return app_browser_open_details(app, LIBRARY_SERIES, id);
}

#endif
