/* SPDX-License-Identifier: MIT */
/* The favourites screen: the viewer's favourite channels, movies and series in one list, grouped by
 * kind, most recent first within a kind (favourites survive catalogue syncs; ones the panel dropped
 * are not listed). OK plays a channel (through the line-up's gate: a channel of a locked category,
 * added while the lock was open, asks for the PIN) or opens a movie's or a series' details; the
 * yellow key removes the focused favourite. */
#include "app.h"
#include "app_pin.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FAV_MAX = 600 };

struct fav {
	enum library_kind kind;
	int64_t id;
	char name[256];
	char icon[512];
};

struct favourites {
	struct app *app;
	struct ui_widget *screen, *list, *empty;
	struct fav *items; /* FAV_MAX */
	size_t n;
};

static const char *kind_text(const struct app *app, enum library_kind k)
{
	return k == LIBRARY_LIVE  ? TR(app, "Channel")
	       : k == LIBRARY_VOD ? TR(app, "Movie")
				  : TRC(app, "kind", "Series");
}

static int add_fav(void *ud, const struct library_item *it)
{
	struct favourites *f = ud;
	if (f->n >= FAV_MAX)
		return -ENOSPC;
	struct fav *v = &f->items[f->n++];
	*v = (struct fav){ .kind = it->kind, .id = it->id };
	snprintf(v->name, sizeof(v->name), "%s", it->name ? it->name : "");
	snprintf(v->icon, sizeof(v->icon), "%s", it->icon ? it->icon : "");
	if (it->kind == LIBRARY_LIVE && ctl_parental_check(f->app->parental, LIBRARY_LIVE, it->id) != 0) {
		snprintf(v->name, sizeof(v->name), "%s", TR(f->app, "Locked channel"));
		v->icon[0] = 0;
	}
	return 0;
}

static void favs_load(struct favourites *f)
{
	f->n = 0;
	static const enum library_kind kinds[] = { LIBRARY_LIVE, LIBRARY_VOD, LIBRARY_SERIES };
	/* the viewer's list (most recent first), each item's details from the catalogue (gone: skipped) */
	for (size_t k = 0; k < 3 && f->n < FAV_MAX; k++) {
		const char *const *ids;
		size_t n = ctl_viewer_favourites(f->app->viewer, kinds[k], &ids);
		for (size_t i = 0; i < n && f->n < FAV_MAX; i++) {
			char *end = NULL;
			long long id = strtoll(ids[i], &end, 10);
			if (end && !*end)
				library_item(f->app->library, kinds[k], id, add_fav, f);
		}
	}
	if (f->list)
		ui_list_refresh(f->list);
	if (f->empty)
		ui_widget_set_visible(f->empty, f->n == 0);
}

static size_t favs_count(void *user)
{
	return ((struct favourites *)user)->n;
}

static void favs_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct favourites *f = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct fav *v = &f->items[i];
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	ui_draw_image(d, (struct ui_rect){ 16, 8, v->kind == LIBRARY_LIVE ? 120 : 64, h - 16 }, v->icon);
	struct ui_text_style badge = { .size = t->text_small,
				       .color = focused ? t->on_accent : t->text_dim,
				       .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 160, 0, 200, h }, kind_text(f->app, v->kind), &badge);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 370, 0, w - 390, h }, v->name, &st);
}

static int favs_label(void *user, size_t i, char *buf, size_t cap)
{
	struct favourites *f = user;
	snprintf(buf, cap, "%s: %s", kind_text(f->app, f->items[i].kind), f->items[i].name);
	return 0;
}

static void favs_activate(void *user, size_t i)
{
	struct favourites *f = user;
	struct app *app = f->app;
	if (i >= f->n)
		return;
	struct fav v = f->items[i];
	int rc = v.kind == LIBRARY_LIVE  ? app_pin_play_live(app, v.id, CTL_ZAP_FAVOURITES, "favourites")
		 : v.kind == LIBRARY_VOD ? app_movie_open(app, v.id)
					 : app_series_open(app, v.id);
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This cannot be opened."),
			      4000);
}

static const struct ui_list_model favs_model = {
	.count = favs_count, .draw = favs_draw, .activate = favs_activate, .label = favs_label
};

static bool favs_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct favourites *f = user;
	if (a != PLAT_ACT_YELLOW || !f->n)
		return false;
	size_t i = ui_list_index(f->list);
	if (i >= f->n)
		return false;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)f->items[i].id);
	if (ctl_viewer_favourite_set(f->app->viewer, f->items[i].kind, id, false) == 0)
		ui_toast_show(f->app->ui, TR(f->app, "Removed from favourites"), 2000);
	favs_load(f);
	return true;
}

static void favs_refresh(struct app *app)
{
	struct favourites *f = app->screen_state[APP_SCREEN_FAVOURITES];
	if (f && f->screen)
		favs_load(f);
}

static void favs_free(void *p)
{
	struct favourites *f = p;
	free(f->items);
	free(f);
}

static struct ui_widget *build(struct app *app)
{
	struct favourites *f = app->screen_state[APP_SCREEN_FAVOURITES];
	if (!f) {
		f = calloc(1, sizeof(*f));
		struct fav *items = calloc(FAV_MAX, sizeof(*items));
		if (!f || !items) {
			free(f);
			free(items);
			return NULL;
		}
		f->items = items;
		app->screen_state[APP_SCREEN_FAVOURITES] = f;
	}
	f->app = app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = f->screen = ui_screen_create(app->ui, "favourites");
	if (!s)
		return NULL;
	app_vod_header(app, s, TR(app, "Favourites"));
	ui_screen_on_action(s, favs_keys, f);
	struct ui_text_style small = { .size = t->text_small,
				       .color = t->text_dim,
				       .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	ui_widget_set_id(ui_label_create(s, (struct ui_rect){ 1060, 40, 800, 60 },
					 TR(app, "Yellow: remove from favourites"), &small),
			 "help");
	f->list = ui_list_create(s, (struct ui_rect){ 60, 140, 1800, 900 }, &favs_model, f, 96);
	ui_widget_set_id(f->list, "favourites");
	struct ui_text_style body = { .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_WRAP };
	f->empty = ui_label_create(
	    s, (struct ui_rect){ 260, 400, 1400, 200 },
	    TR(app, "No favourites yet. Add channels, movies and series with the favourite button on "
		    "their details, or the yellow key in search."),
	    &body);
	ui_widget_set_id(f->empty, "empty");
	favs_load(f);
	ui_widget_focus(f->list);
	return s;
}

const struct app_screen_class app_screen_favourites_class = {
	.name = "favourites",
	.build = build,
	.refresh = favs_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE | APP_CHANGED_FAVOURITES,
	.free_state = favs_free,
};
