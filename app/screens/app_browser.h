/* SPDX-License-Identifier: MIT */
/* The catalogue browser every on-demand kind shares (movies, series, and whatever comes next): a
 * category list with its pseudo rows ("All ...", "Locked categories (PIN)"), a virtualised poster
 * grid over a page cache of the library, and a details page whose frame (poster, title, meta, plot,
 * status) the browser owns and whose body the kind builds. The details are loaded on the worker with
 * a sequence number, so an answer for an item the viewer already left is dropped. The parental lock,
 * favourites and resume points go through one place here (ctl_parental, ctl_viewer).
 *
 * A kind is one constant record (struct app_browser_kind) of texts and hooks; its screen class in
 * app_screen_<kind>.c is four lines over app_browser_build / _refresh / _free. Other screens open a
 * details page through app_browser_open_details(), never through a screen's internals.
 *
 * Threads: UI thread, except the load_details hook (the worker). Private to app/screens. */
#ifndef APP_BROWSER_H
#define APP_BROWSER_H

#include "app.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app_browser;

/* One catalogue item as the grid and the details page keep it (a copy of the library's row). */
struct app_browser_item {
	int64_t id;
	char name[256];
	char icon[512];
	char ext[16]; /* container extension ("mp4" when the panel gives none; unused by series) */
	double rating;
	int year;
	bool locked; /* in a locked category */
};

/* Where the details frame puts its widgets (design units; mirrored in a right-to-left layout). */
struct app_browser_frame {
	const char *poster_id; /* widget id of the poster ("poster", "cover") */
	struct ui_rect poster, title, meta, plot, status;
	int title_lines; /* 1: one line centred vertically; more: wrapped */
	int plot_lines;
	bool plot_small; /* the plot in the small text size */
};

/* The widgets of the details frame, for the kind's hooks to fill. */
struct app_browser_page {
	struct ui_widget *screen, *poster, *title, *meta, *plot, *status;
};

/* One on-demand kind. Text fields are English msgids (marked N_() where defined, translated here). */
struct app_browser_kind {
	enum library_kind kind; /* LIBRARY_VOD, LIBRARY_SERIES */
	enum app_screen screen; /* its route (APP_SCREEN_MOVIES) */
	const char *name;       /* the grid screen's name in state reports ("movies") */
	const char *details;    /* the details page's name ("movie") */
	const char *grid_id;    /* the grid's widget id ("posters") */
	const char *title;      /* "Movies" */
	const char *all;        /* the pseudo category of every item: "All movies" */
	const char *empty;      /* the grid has nothing to show */
	const char *locked;     /* toast: an item in a locked category */
	const char *loading;    /* the details status while the worker loads */
	const char *offline;    /* the details status without a connection */
	struct app_browser_frame frame;
	size_t state_size; /* bytes of the kind's own state (zeroed), app_browser_state() */
	size_t job_size;   /* bytes of the kind's part of a details job (zeroed) */
	/* "12 movies": the count above the grid, in the UI language (TRN). */
	void (*count_text)(struct app *app, size_t n, char *out, size_t cap);
	/* Adds the kind's widgets to the details page (page->screen), once per build. */
	void (*build_details)(struct app_browser *b, const struct app_browser_page *page);
	/* The page was reset to app_browser_item(b) and pushed: fill what is known and set the focus. */
	void (*show_details)(struct app_browser *b);
	/* On the worker: fetch the details of it (a copy) into job (job_size bytes) with xt, the
	 * worker's client (its cancel token already set). Sees no struct app, touches nothing of the
	 * UI's. */
	int (*load_details)(struct xt_client *xt, const struct app_browser_item *it, void *job);
	/* The job succeeded for the item still shown (stale and failed answers never arrive here). */
	void (*render_details)(struct app_browser *b, void *job);
	/* Optional: PLAY on the details page. */
	void (*play)(struct app_browser *b);
};

/* The screen class hooks of a kind (build returns the grid screen or NULL; refresh reloads the
 * categories and the grid; free frees app->screen_state[kind->screen]). */
struct ui_widget *app_browser_build(struct app *app, const struct app_browser_kind *kind);
void app_browser_refresh(struct app *app, const struct app_browser_kind *kind);
void app_browser_free(void *state);

/* The route other screens use (search, favourites, continue watching): builds the kind's screen if
 * needed and pushes the details page of id over the current screen, so BACK returns to the caller.
 * Returns 0, -ENOENT when the item is not in the catalogue, -EACCES when the parental lock hides it
 * (the viewer is told), -EINVAL for a kind without a browser, or another negative errno. */
int app_browser_open_details(struct app *app, enum library_kind kind, int64_t id);

/* The browser of a screen, NULL when it was never built (callbacks that only get the app). */
struct app_browser *app_browser_get(struct app *app, enum app_screen screen);
struct app *app_browser_app(const struct app_browser *b);
/* The kind's own state (state_size bytes, freed with the browser). */
void *app_browser_state(struct app_browser *b);
/* The item on the details page (borrowed). */
const struct app_browser_item *app_browser_item(const struct app_browser *b);
const struct app_browser_page *app_browser_page(const struct app_browser *b);
/* True while the details page is the top screen. */
bool app_browser_details_shown(const struct app_browser *b);

/* The item on the details page as a favourite; toggling tells the viewer and the other screens. */
bool app_browser_favourite_is(const struct app_browser *b);
void app_browser_favourite_toggle(struct app_browser *b);
/* Resume points of kind (LIBRARY_VOD, LIBRARY_EPISODE) and id: 0 with the values, or -ENOENT. */
int app_browser_resume_get(const struct app_browser *b, enum library_kind kind, const char *id,
			   int64_t *position_ms, int64_t *duration_ms);
/* A position of 0 clears the point (the next start is at the beginning). */
void app_browser_resume_clear(struct app_browser *b, enum library_kind kind, const char *id);

#endif
