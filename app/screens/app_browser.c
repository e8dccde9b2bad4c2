/* SPDX-License-Identifier: MIT */
/* The catalogue browser (app_browser.h): categories, the poster grid over a page cache, the locked
 * categories behind the PIN, the details frame and its job on the worker, favourites and resume
 * points, for every kind in the table below. The kinds' own parts live in app_screen_<kind>.c. */
#include "app_browser.h"

#include "app_vod.h"

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The categories row that asks for the PIN. */
enum { CAT_LOCKED = -2 };

enum { PAGE = 96, CAT_MAX = 512 };

struct browser_cat {
	int64_t id; /* -1: all */
	char name[128];
};

struct app_browser {
	struct app *app;
	const struct app_browser_kind *kind;
	struct ui_widget *screen, *cats_list, *grid, *empty, *count_label;
	struct browser_cat *cats; /* CAT_MAX */
	size_t n_cats, cat, count;
	size_t n_locked; /* categories the parental lock hides */
	struct ui_widget *pin, *pin_kb;
	/* a window of the current category, [page_base, page_base + page_n) */
	struct app_browser_item page[PAGE];
	size_t page_base, page_n;
	bool page_valid;
	/* the details page */
	struct app_browser_page d;
	struct app_browser_item cur;
	unsigned seq;    /* of the last details job: older answers are dropped */
	uint64_t job_id; /* of the last details job while it runs (cancelled when the page is left) */
	void *state;     /* the kind's, kind->state_size bytes */
};

/* The kinds with a browser, by library kind: the route of app_browser_open_details. */
static const struct {
	enum library_kind kind;
	enum app_screen screen;
	const struct app_screen_class *cls;
} routes[] = {
	{ LIBRARY_VOD, APP_SCREEN_MOVIES, &app_screen_movies_class },
	{ LIBRARY_SERIES, APP_SCREEN_SERIES, &app_screen_series_class },
};

/* ---- the lock and the viewer's data, in one place ---- */

static bool lock_open(const struct app_browser *b)
{
	return ctl_parental_unlocked(b->app->parental);
}

static bool category_hidden(struct app_browser *b, const struct library_category *c)
{
	return ctl_parental_category_hidden(b->app->parental, b->kind->kind, c->id);
}

static bool item_hidden(struct app_browser *b, const struct app_browser_item *it)
{
	return it->locked && ctl_parental_check(b->app->parental, b->kind->kind, it->id) == -EACCES;
}

/* True when pin unlocks; otherwise the viewer is told why. */
static bool lock_unlock(struct app_browser *b, const char *pin)
{
	int rc = ctl_parental_unlock(b->app->parental, pin);
	if (rc < 0)
		ui_toast_show(b->app->ui,
			      rc == -ENOENT ? TR(b->app, "No parental PIN is set yet: set one in Settings.")
					    : TR(b->app, "That PIN is not right."),
			      3000);
	return rc == 0;
}

static void id_text(const struct app_browser *b, char *out, size_t cap)
{
	snprintf(out, cap, "%lld", (long long)b->cur.id);
}

bool app_browser_favourite_is(const struct app_browser *b)
{
	char id[24];
	id_text(b, id, sizeof(id));
	return ctl_viewer_favourite_is(b->app->viewer, b->kind->kind, id);
}

void app_browser_favourite_toggle(struct app_browser *b)
{
	struct app *app = b->app;
	char id[24];
	id_text(b, id, sizeof(id));
	bool on = !app_browser_favourite_is(b);
	int rc = ctl_viewer_favourite_set(app->viewer, b->kind->kind, id, on);
	if (rc == 0)
		ui_toast_show(app->ui,
			      on ? TR(app, "Added to favourites") : TR(app, "Removed from favourites"), 2000);
	app_screens_changed(app, APP_CHANGED_FAVOURITES);
}

int app_browser_resume_get(const struct app_browser *b, enum library_kind kind, const char *id,
			   int64_t *position_ms, int64_t *duration_ms)
{
	return ctl_viewer_resume_get(b->app->viewer, kind, id, position_ms, duration_ms);
}

void app_browser_resume_clear(struct app_browser *b, enum library_kind kind, const char *id)
{
	ctl_viewer_resume_set(b->app->viewer, kind, id, 0, 0);
}

/* ---- accessors ---- */

struct app_browser *app_browser_get(struct app *app, enum app_screen screen)
{
	return app->screen_state[screen];
}

struct app *app_browser_app(const struct app_browser *b)
{
	return b->app;
}

void *app_browser_state(struct app_browser *b)
{
	return b->state;
}

const struct app_browser_item *app_browser_item(const struct app_browser *b)
{
	return &b->cur;
}

const struct app_browser_page *app_browser_page(const struct app_browser *b)
{
	return &b->d;
}

bool app_browser_details_shown(const struct app_browser *b)
{
	return b->d.screen && ui_screen_top(b->app->ui) == b->d.screen;
}

/* ---- the category window ---- */

struct page_fill {
	struct app_browser_item *out;
	size_t n, cap;
};

static int page_row(void *ud, const struct library_item *it)
{
	struct page_fill *f = ud;
	if (f->n >= f->cap)
		return -ENOSPC;
	struct app_browser_item *o = &f->out[f->n++];
	*o = (struct app_browser_item){
		.id = it->id, .rating = it->rating, .year = it->year, .locked = it->locked
	};
	snprintf(o->name, sizeof(o->name), "%s", it->name ? it->name : "");
	snprintf(o->icon, sizeof(o->icon), "%s", it->icon ? it->icon : "");
	snprintf(o->ext, sizeof(o->ext), "%s", it->extension && it->extension[0] ? it->extension : "mp4");
	return 0;
}

static int64_t cat_id(const struct app_browser *b)
{
	return b->n_cats ? b->cats[b->cat].id : -1;
}

static const struct app_browser_item *item_at(struct app_browser *b, size_t i)
{
	if (i >= b->count)
		return NULL;
	if (!b->page_valid || i < b->page_base || i >= b->page_base + b->page_n) {
		size_t base = i > PAGE / 4 ? i - PAGE / 4 : 0;
		struct page_fill f = { b->page, 0, PAGE };
		library_items(b->app->library, b->kind->kind, cat_id(b), base, PAGE, page_row, &f);
		b->page_base = base;
		b->page_n = f.n;
		b->page_valid = true;
		if (i >= base + f.n)
			return NULL;
	}
	return &b->page[i - b->page_base];
}

/* ---- categories ---- */

static int cat_row(void *ud, const struct library_category *c)
{
	struct app_browser *b = ud;
	if (c->locked)
		b->n_locked++;
	if (category_hidden(b, c) || b->n_cats >= CAT_MAX)
		return 0;
	struct browser_cat *bc = &b->cats[b->n_cats++];
	bc->id = c->id;
	snprintf(bc->name, sizeof(bc->name), "%s", c->name ? c->name : "");
	return 0;
}

static void cats_load(struct app_browser *b)
{
	int64_t keep = cat_id(b);
	b->n_cats = 1;
	b->cats[0].id = -1;
	snprintf(b->cats[0].name, sizeof(b->cats[0].name), "%s", TR(b->app, b->kind->all));
	b->n_locked = 0;
	library_categories(b->app->library, b->kind->kind, cat_row, b);
	if (b->n_locked && !lock_open(b) && b->n_cats < CAT_MAX) {
		b->cats[b->n_cats].id = CAT_LOCKED;
		snprintf(b->cats[b->n_cats].name, sizeof(b->cats[0].name), "%s",
			 TR(b->app, "Locked categories (PIN)"));
		b->n_cats++;
	}
	b->cat = 0;
	for (size_t i = 0; i < b->n_cats; i++)
		if (b->cats[i].id == keep)
			b->cat = i;
}

static void items_load(struct app_browser *b)
{
	struct app *app = b->app;
	size_t n = 0;
	library_count(app->library, b->kind->kind, cat_id(b), &n);
	b->count = n;
	b->page_valid = false;
	if (b->grid) {
		ui_list_set_index(b->grid, 0);
		ui_list_refresh(b->grid);
	}
	if (b->empty) {
		ui_widget_set_visible(b->empty, n == 0);
		ui_label_set_text(
		    b->empty,
		    cat_id(b) == CAT_LOCKED
			? TR(app, "Press OK and type the parental PIN to show the locked categories.")
			: TR(app, b->kind->empty));
	}
	if (b->count_label) {
		char text[64];
		b->kind->count_text(app, n, text, sizeof(text));
		ui_label_set_text(b->count_label, text);
	}
}

static size_t cats_count(void *user)
{
	return ((struct app_browser *)user)->n_cats;
}

static void cats_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct app_browser *b = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused       ? t->accent
		     : i == b->cat ? t->surface_alt
				   : t->surface);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w - 48, h }, b->cats[i].name, &st);
}

static int cats_label(void *user, size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", ((struct app_browser *)user)->cats[i].name);
	return 0;
}

static void cats_focus(void *user, size_t i)
{
	struct app_browser *b = user;
	if (i == b->cat || i >= b->n_cats)
		return;
	b->cat = i;
	items_load(b);
	ui_list_refresh(b->cats_list);
}

static void cats_activate(void *user, size_t i)
{
	struct app_browser *b = user;
	if (i < b->n_cats && b->cats[i].id == CAT_LOCKED && b->pin) {
		ui_keyboard_set_text(b->pin_kb, "");
		ui_screen_push(b->app->ui, b->pin);
		ui_widget_focus(b->pin_kb);
	}
}

static const struct ui_list_model cats_model = { .count = cats_count,
						 .draw = cats_draw,
						 .activate = cats_activate,
						 .focus_changed = cats_focus,
						 .label = cats_label };

/* ---- the grid ---- */

static size_t grid_count(void *user)
{
	return ((struct app_browser *)user)->count;
}

static void grid_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct app_browser *b = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct app_browser_item *it = item_at(b, i);
	ui_draw_fill(d, (struct ui_rect){ 6, 6, w - 12, h - 12 }, focused ? t->accent : t->surface);
	if (!it)
		return;
	struct ui_rect art = { 16, 16, w - 32, h - 110 };
	if (it->locked && !lock_open(b)) {
		ui_draw_fill(d, art, t->surface_alt);
		ui_draw_text(d, art, TR(b->app, "Locked"),
			     &(struct ui_text_style){ .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER });
		return;
	}
	ui_draw_image(d, art, it->icon);
	struct ui_text_style st = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_CENTER | UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				    .max_lines = 2 };
	ui_draw_text(d, (struct ui_rect){ 14, h - 90, w - 28, 76 }, it->name, &st);
}

static int grid_label(void *user, size_t i, char *buf, size_t cap)
{
	const struct app_browser_item *it = item_at(user, i);
	snprintf(buf, cap, "%s", it ? it->name : "");
	return 0;
}

static void details_show(struct app_browser *b, const struct app_browser_item *it);

/* An item the viewer may open now: its details; a locked one: say so. */
static int item_open(struct app_browser *b, const struct app_browser_item *it)
{
	if (item_hidden(b, it)) {
		ui_toast_show(b->app->ui, TR(b->app, b->kind->locked), 3000);
		return -EACCES;
	}
	struct app_browser_item copy = *it; /* it may be in the page cache */
	details_show(b, &copy);
	return 0;
}

static void grid_activate(void *user, size_t i)
{
	struct app_browser *b = user;
	const struct app_browser_item *it = item_at(b, i);
	if (it)
		item_open(b, it);
}

static const struct ui_list_model grid_model = {
	.count = grid_count, .draw = grid_draw, .activate = grid_activate, .label = grid_label
};

/* ---- the details job ---- */

/* The worker reads only the copies here (kind is a constant record); b is for done, on the UI thread,
 * and only once screen_state says the browser still exists. */
struct details_job {
	struct app_browser *b; /* done only */
	const struct app_browser_kind *kind;
	unsigned seq;
	struct app_browser_item item;
	struct ctl_panel_copy panel;                   /* the session's panels and credentials */
	alignas(max_align_t) unsigned char kind_job[]; /* kind->job_size */
};

static void details_free(struct details_job *j)
{
	for (volatile unsigned char *c = (unsigned char *)&j->panel;
	     c < (unsigned char *)&j->panel + sizeof(j->panel); c++)
		*c = 0;
	free(j);
}

static int details_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct details_job *j = arg;
	struct xt_client *xt = NULL;
	int rc = j->panel.url_count ? ctl_worker_client(w, &j->panel, cancel, &xt) : -ENOTCONN;
	if (rc < 0)
		return rc == -EINVAL ? -ENOTCONN : rc;
	return j->kind->load_details(xt, &j->item, j->kind_job);
}

static void details_done(struct app *app, void *arg, int rc)
{
	struct details_job *j = arg;
	struct app_browser *b = j->b;
	enum app_screen route = j->kind->screen;
	bool current = rc != -ECANCELED && app->screen_state[route] == b && j->seq == b->seq && b->d.screen;
	if (app->screen_state[route] == b && j->seq == b->seq)
		b->job_id = 0; /* the last job is over */
	if (current && rc >= 0) {
		ui_label_set_text(b->d.status, "");
		b->kind->render_details(b, j->kind_job);
	} else if (current) {
		ui_label_set_text(b->d.status, rc == -ENOTCONN ? TR(app, b->kind->offline)
					       : rc == -ENOENT ? TR(app, "This title is no longer available.")
							       : xt_strerror(rc));
	}
	details_free(j);
}

static void details_show(struct app_browser *b, const struct app_browser_item *it)
{
	struct app *app = b->app;
	if (!b->d.screen)
		return;
	b->cur = *it;
	ui_label_set_text(b->d.title, it->name);
	ui_label_set_text(b->d.meta, "");
	ui_label_set_text(b->d.plot, "");
	ui_label_set_text(b->d.status, TR(app, b->kind->loading));
	ui_image_set_url(b->d.poster, it->icon);
	ui_screen_push(app->ui, b->d.screen);
	b->kind->show_details(b);
	struct details_job *j = calloc(1, sizeof(*j) + b->kind->job_size);
	if (!j)
		return;
	j->b = b;
	j->kind = b->kind;
	j->seq = ++b->seq;
	j->item = *it;
	if (ctl_session_logged_in(app->session))
		ctl_session_panel_copy(app->session, &j->panel);
	/* the details of the item before are of no use any more */
	app_bg_cancel(app, &b->job_id);
	if (app_run_bg(app, details_work, details_done, j, &b->job_id) < 0)
		details_free(j);
}

static bool details_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct app_browser *b = user;
	if (b->kind->play && (a == PLAT_ACT_PLAY || a == PLAT_ACT_PLAY_PAUSE)) {
		b->kind->play(b);
		return true;
	}
	if (a == PLAT_ACT_BACK)
		app_bg_cancel(b->app, &b->job_id); /* the viewer left the details: no answer is waited for */
	return false;
}

static void build_details(struct app_browser *b)
{
	struct app *app = b->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	const struct app_browser_frame *f = &b->kind->frame;
	struct ui_widget *s = b->d.screen = ui_screen_create(app->ui, b->kind->details);
	if (!s)
		return;
	ui_widget_set_background(s, t->bg);
	ui_screen_on_action(s, details_keys, b);
	b->d.poster = ui_image_create(s, f->poster, "");
	ui_widget_set_id(b->d.poster, f->poster_id);
	struct ui_text_style title = { .size = t->text_title,
				       .flags = f->title_lines > 1 ? UI_TEXT_WRAP | UI_TEXT_ELLIPSIS
								   : UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS,
				       .max_lines = f->title_lines };
	b->d.title = ui_label_create(s, f->title, "", &title);
	ui_widget_set_id(b->d.title, "title");
	struct ui_text_style dim = { .size = t->text_body, .color = t->text_dim, .flags = UI_TEXT_ELLIPSIS };
	b->d.meta = ui_label_create(s, f->meta, "", &dim);
	ui_widget_set_id(b->d.meta, "meta");
	struct ui_text_style body = { .size = f->plot_small ? t->text_small : t->text_body,
				      .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				      .max_lines = f->plot_lines };
	b->d.plot = ui_label_create(s, f->plot, "", &body);
	ui_widget_set_id(b->d.plot, "plot");
	b->kind->build_details(b, &b->d);
	struct ui_text_style small = { .size = t->text_small,
				       .color = t->text_dim,
				       .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	b->d.status = ui_label_create(s, f->status, "", &small);
	ui_widget_set_id(b->d.status, "status");
}

/* ---- the PIN of the locked categories ---- */

static void refresh_all(struct app *app)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct app_browser *b = app->screen_state[routes[i].screen];
		if (b)
			app_browser_refresh(app, b->kind);
	}
}

/* The PIN typed on the "Locked categories" row: right, and the locked categories show. */
static void pin_done(void *user, struct ui_widget *w, const char *text)
{
	struct app_browser *b = user;
	struct app *app = b->app;
	bool ok = lock_unlock(b, text);
	ui_keyboard_set_text(w, "");
	if (!ok)
		return;
	if (ui_screen_top(app->ui) == b->pin)
		ui_screen_pop(app->ui);
	ui_toast_show(app->ui, TR(app, "Locked categories are shown until Qanat is closed."), 4000);
	refresh_all(app);
}

/* ---- the screen ---- */

void app_browser_free(void *state)
{
	struct app_browser *b = state;
	if (!b)
		return;
	free(b->cats);
	free(b->state);
	free(b);
}

static struct app_browser *browser_state(struct app *app, const struct app_browser_kind *kind)
{
	struct app_browser *b = app->screen_state[kind->screen];
	if (b)
		return b;
	b = calloc(1, sizeof(*b));
	struct browser_cat *cats = calloc(CAT_MAX, sizeof(*cats));
	void *ks = calloc(1, kind->state_size ? kind->state_size : 1);
	if (!b || !cats || !ks) {
		free(b);
		free(cats);
		free(ks);
		return NULL;
	}
	b->app = app;
	b->kind = kind;
	b->cats = cats;
	b->state = ks;
	app->screen_state[kind->screen] = b;
	return b;
}

/* The pages made by an earlier build go, unless the viewer is on one (a language switch from
 * there): that one stays until it is left. */
static void drop_pages(struct app_browser *b)
{
	struct ui_widget *top = ui_screen_top(b->app->ui);
	if (b->d.screen && b->d.screen != top)
		ui_screen_destroy(&b->d.screen);
	if (b->pin && b->pin != top)
		ui_screen_destroy(&b->pin);
	b->d = (struct app_browser_page){ 0 };
	b->pin = b->pin_kb = NULL;
	b->cats_list = b->grid = b->empty = b->count_label = NULL;
}

struct ui_widget *app_browser_build(struct app *app, const struct app_browser_kind *kind)
{
	struct app_browser *b = browser_state(app, kind);
	if (!b)
		return NULL;
	drop_pages(b);
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = b->screen = ui_screen_create(app->ui, kind->name);
	if (!s)
		return NULL;
	app_vod_header(app, s, TR(app, kind->title));
	struct ui_text_style dim = { .size = t->text_small,
				     .color = t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	b->count_label = ui_label_create(s, (struct ui_rect){ 1360, 40, 500, 60 }, "", &dim);
	ui_widget_set_id(b->count_label, "count");
	cats_load(b);
	b->cats_list = ui_list_create(s, (struct ui_rect){ 60, 140, 460, 900 }, &cats_model, b, 72);
	ui_widget_set_id(b->cats_list, "categories");
	b->grid = ui_grid_create(s, (struct ui_rect){ 560, 140, 1320, 900 }, &grid_model, b, 264, 440);
	ui_widget_set_id(b->grid, kind->grid_id);
	struct ui_text_style body = { .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_WRAP };
	b->empty = ui_label_create(s, (struct ui_rect){ 600, 400, 1240, 200 }, TR(app, kind->empty), &body);
	ui_widget_set_id(b->empty, "empty");
	ui_list_set_index(b->cats_list, b->cat);
	items_load(b);
	build_details(b);
	b->pin = app_vod_pin_screen(
	    app, TR(app, "Type the parental PIN to show the locked categories, then Done."), pin_done, b,
	    &b->pin_kb);
	ui_widget_focus(b->count ? b->grid : b->cats_list);
	return s;
}

void app_browser_refresh(struct app *app, const struct app_browser_kind *kind)
{
	struct app_browser *b = app->screen_state[kind->screen];
	if (!b || !b->screen)
		return;
	cats_load(b);
	ui_list_refresh(b->cats_list);
	ui_list_set_index(b->cats_list, b->cat);
	items_load(b);
}

int app_browser_open_details(struct app *app, enum library_kind kind, int64_t id)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].kind != kind)
			continue;
		/* built as app_show would, but not pushed: BACK from the details returns to the caller */
		enum app_screen s = routes[i].screen;
		if (!app->screens[s]) {
			app->screens[s] = routes[i].cls->build(app);
			if (!app->screens[s])
				return -ENOMEM;
		}
		struct app_browser *b = app->screen_state[s];
		struct app_browser_item it;
		struct page_fill f = { &it, 0, 1 };
		int rc = library_item(app->library, kind, id, page_row, &f);
		if (rc < 0 || f.n == 0)
			return rc < 0 ? rc : -ENOENT;
		return item_open(b, &it);
	}
	return -EINVAL;
}
