/* SPDX-License-Identifier: MIT */
/* Continue watching: the movies and episodes the viewer stopped part-way through, most recent first,
 * each with how far it got. OK resumes it where it stopped (app_play_* starts at the resume point);
 * the yellow key forgets the point. Finished titles leave the list by themselves (the viewer clears
 * a resume point in the last 5%). A movie or a series the parental lock hides keeps its place but
 * not its name, and OK asks for the PIN first (ctl_parental_check through app_pin.h). */
#include "app.h"
#include "app_pin.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CONT_MAX = 100 };

struct entry {
	enum library_kind kind; /* LIBRARY_VOD or LIBRARY_EPISODE */
	char id[48];
	char name[400];
	char icon[512];
	char ext[16];
	int64_t when, position_ms, duration_ms;
	enum library_kind
	    lock_kind;   /* what the parental lock is asked about: LIBRARY_VOD or LIBRARY_SERIES */
	int64_t lock_id; /* the movie or the episode's series */
	bool locked;     /* hidden by the lock when the list was loaded */
};

struct cont {
	struct app *app;
	struct ui_widget *screen, *list, *empty;
	struct entry items[CONT_MAX];
	size_t n;
	/* what the list was loaded after: playback changes it (new session, new resume point) */
	int loaded_session;
	int64_t loaded_saved;
};

struct movie_copy {
	char name[256], icon[512], ext[16];
};

static int copy_movie(void *ud, const struct library_item *it)
{
	struct movie_copy *m = ud;
	snprintf(m->name, sizeof(m->name), "%s", it->name ? it->name : "");
	snprintf(m->icon, sizeof(m->icon), "%s", it->icon ? it->icon : "");
	snprintf(m->ext, sizeof(m->ext), "%s", it->extension && it->extension[0] ? it->extension : "mp4");
	return 0;
}

static void add_history(struct cont *c, enum library_kind kind, const char *id, int64_t when)
{
	struct app *app = c->app;
	if (c->n >= CONT_MAX)
		return;
	struct entry e = { .kind = kind, .when = when };
	if (ctl_viewer_resume_get(app->viewer, kind, id, &e.position_ms, &e.duration_ms) < 0 ||
	    e.position_ms <= 0)
		return; /* finished or never really started */
	snprintf(e.id, sizeof(e.id), "%s", id);
	if (kind == LIBRARY_VOD) {
		struct movie_copy m = { 0 };
		char *end = NULL;
		long long vid = strtoll(id, &end, 10);
		if (!end || *end || library_item(app->library, LIBRARY_VOD, vid, copy_movie, &m) < 0)
			return; /* gone from the catalogue */
		e.lock_kind = LIBRARY_VOD;
		e.lock_id = vid;
		snprintf(e.name, sizeof(e.name), "%s", m.name);
		snprintf(e.icon, sizeof(e.icon), "%s", m.icon);
		snprintf(e.ext, sizeof(e.ext), "%s", m.ext);
	} else {
		struct app_vod_episode ep;
		if (app_vod_episode_lookup(app, id, &ep) < 0)
			return;
		snprintf(e.name, sizeof(e.name), "%s · %s%d %s%d %s", ep.series_name, TR(app, "S"), ep.season,
			 TR(app, "E"), ep.episode, ep.title);
		snprintf(e.ext, sizeof(e.ext), "%s", ep.ext);
		e.lock_kind = LIBRARY_SERIES;
		e.lock_id = ep.series_id;
	}
	e.locked = ctl_parental_check(app->parental, e.lock_kind, e.lock_id) != 0;
	if (e.locked) {
		snprintf(e.name, sizeof(e.name), "%s", TR(app, "Locked"));
		e.icon[0] = 0;
	}
	c->items[c->n++] = e;
}

static int by_when(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->when > y->when ? -1 : x->when < y->when;
}

static void cont_load(struct cont *c)
{
	c->loaded_session = app_playing(c->app)->session;
	c->loaded_saved = ctl_playback_resume_saved_ms(c->app->playback);
	c->n = 0;
	static const enum library_kind kinds[] = { LIBRARY_VOD, LIBRARY_EPISODE };
	for (size_t k = 0; k < 2; k++) {
		const struct ctl_viewer_seen *seen;
		size_t n = ctl_viewer_history(c->app->viewer, kinds[k], &seen);
		for (size_t i = 0; i < n && i < CONT_MAX; i++)
			add_history(c, kinds[k], seen[i].id, seen[i].when);
	}
	qsort(c->items, c->n, sizeof(c->items[0]), by_when);
	if (c->list)
		ui_list_refresh(c->list);
	if (c->empty)
		ui_widget_set_visible(c->empty, c->n == 0);
}

static void clamp_later(void *user)
{
	struct cont *c = user;
	if (c->list)
		ui_list_refresh(c->list);
}

/* The screen is not told when it comes back from the player: the list is drawn again then, and
 * reloads when playback moved on since it was loaded. */
static size_t cont_count(void *user)
{
	struct cont *c = user;
	if (c->loaded_session != app_playing(c->app)->session ||
	    c->loaded_saved != ctl_playback_resume_saved_ms(c->app->playback)) {
		struct ui_widget *list = c->list;
		c->list = NULL; /* no refresh from inside a draw */
		cont_load(c);
		c->list = list;
		if (c->empty)
			ui_widget_set_visible(c->empty, c->n == 0);
		ui_ctx_later(c->app->ui, clamp_later, c);
	}
	return c->n;
}

static void cont_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct cont *c = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct entry *e = &c->items[i];
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	ui_draw_image(d, (struct ui_rect){ 16, 8, 80, h - 16 }, e->icon);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 120, 6, w - 480, h / 2 }, e->name, &st);
	char pos[32], len[32], text[96];
	app_vod_clock_text(e->position_ms, pos, sizeof(pos));
	app_vod_clock_text(e->duration_ms, len, sizeof(len));
	snprintf(text, sizeof(text), "%s / %s", pos, len);
	struct ui_text_style dim = { .size = t->text_small,
				     .color = focused ? t->on_accent : t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	ui_draw_text(d, (struct ui_rect){ w - 340, 6, 320, h / 2 }, text, &dim);
	if (e->duration_ms > 0)
		app_vod_draw_progress(c->app, d, (struct ui_rect){ 120, h - 30, w - 140, 10 },
				      (double)e->position_ms / (double)e->duration_ms, focused);
}

static int cont_label(void *user, size_t i, char *buf, size_t cap)
{
	struct cont *c = user;
	char pos[32];
	app_vod_clock_text(c->items[i].position_ms, pos, sizeof(pos));
	snprintf(buf, cap, "%s @ %s", c->items[i].name, pos);
	return 0;
}

static void cont_play(struct app *app, const struct entry *e);

struct cont_retry {
	enum library_kind kind;
	char id[48];
};

/* After the right PIN: the entry again, as the unlock reloaded it (with its name). */
static void cont_unlocked(struct app *app, const void *arg)
{
	const struct cont_retry *r = arg;
	struct cont *c = app->screen_state[APP_SCREEN_CONTINUE];
	if (c && c->screen)
		cont_load(c);
	for (size_t i = 0; c && i < c->n; i++)
		if (c->items[i].kind == r->kind && strcmp(c->items[i].id, r->id) == 0) {
			cont_play(app, &c->items[i]);
			return;
		}
}

static void cont_activate(void *user, size_t i)
{
	struct cont *c = user;
	if (i >= c->n)
		return;
	cont_play(c->app, &c->items[i]);
}

static void cont_play(struct app *app, const struct entry *entry)
{
	struct entry e = *entry;
	struct cont_retry r = { .kind = e.kind };
	snprintf(r.id, sizeof(r.id), "%s", e.id);
	if (app_pin_check(app, e.lock_kind, e.lock_id, cont_unlocked, &r, sizeof(r)) < 0)
		return; /* the PIN prompt is open: it plays after the right PIN */
	app->on_playback_ended = NULL;
	int rc;
	if (e.kind == LIBRARY_VOD) {
		rc = app_play_vod(app, strtoll(e.id, NULL, 10), e.ext, e.name);
	} else {
		rc = app_play_episode(app, e.id, e.ext, e.name);
	}
	if (rc < 0)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This cannot be played."),
			      4000);
}

static const struct ui_list_model cont_model = {
	.count = cont_count, .draw = cont_draw, .activate = cont_activate, .label = cont_label
};

static bool cont_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct cont *c = user;
	if (a != PLAT_ACT_YELLOW || !c->n)
		return false;
	size_t i = ui_list_index(c->list);
	if (i < c->n) {
		ctl_viewer_resume_set(c->app->viewer, c->items[i].kind, c->items[i].id, 0, 0);
		ui_toast_show(c->app->ui, TR(c->app, "Removed from continue watching"), 2000);
		cont_load(c);
	}
	return true;
}

/* The list changes with every playback: reload it whenever the screen comes back. */
static void cont_refresh(struct app *app)
{
	struct cont *c = app->screen_state[APP_SCREEN_CONTINUE];
	if (c && c->screen)
		cont_load(c);
}

static void cont_free(void *p)
{
	free(p);
}

static struct ui_widget *build(struct app *app)
{
	struct cont *c = app->screen_state[APP_SCREEN_CONTINUE];
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		app->screen_state[APP_SCREEN_CONTINUE] = c;
	}
	c->app = app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = c->screen = ui_screen_create(app->ui, "continue");
	if (!s)
		return NULL;
	app_vod_header(app, s, TR(app, "Continue watching"));
	ui_screen_on_action(s, cont_keys, c);
	struct ui_text_style small = { .size = t->text_small,
				       .color = t->text_dim,
				       .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	ui_widget_set_id(ui_label_create(s, (struct ui_rect){ 1060, 40, 800, 60 },
					 TR(app, "Yellow: remove from the list"), &small),
			 "help");
	c->list = ui_list_create(s, (struct ui_rect){ 60, 140, 1800, 900 }, &cont_model, c, 110);
	ui_widget_set_id(c->list, "continue");
	struct ui_text_style body = { .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_WRAP };
	c->empty = ui_label_create(
	    s, (struct ui_rect){ 260, 400, 1400, 200 },
	    TR(app, "Nothing to continue. Movies and episodes you stop part-way appear here."), &body);
	ui_widget_set_id(c->empty, "empty");
	cont_load(c);
	ui_widget_focus(c->list);
	return s;
}

const struct app_screen_class app_screen_continue_class = {
	.name = "continue",
	.build = build,
	.refresh = cont_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE | APP_CHANGED_RESUME,
	.free_state = cont_free,
};
