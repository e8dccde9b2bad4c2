/* SPDX-License-Identifier: MIT */
/* The search screen: the on-screen keyboard (Latin or Arabic layout) and, beside it, results that
 * follow every key: channels, programmes on now or later (the guide), movies and series (the
 * library's diacritic-insensitive full-text search; movies and series of locked categories stay
 * hidden until the PIN is typed, a channel of one or its programmes show without the channel's
 * name). OK on a channel or a
 * programme on air plays it, on a programme that is over and archived plays the catch-up, on a movie
 * or a series opens its details; channels go through the line-up's gate (app_pin.h), so a locked one
 * asks for the PIN. Yellow adds it to (or removes it from) the favourites. The queries are local
 * SQLite reads: fast on the UI thread. */
#include "app.h"
#include "app_pin.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* epg_search() reads from a day before `since` and drops what ended before it, within its row
 * limit (2 x cap): ask for more slots than shown so a frequent title still reaches today. */
enum { PER_KIND = 10, RESULT_MAX = 4 * PER_KIND, SLOT_MAX = 200 };

enum result_kind { R_CHANNEL, R_PROGRAMME, R_MOVIE, R_SERIES };

struct result {
	enum result_kind kind;
	int64_t id; /* stream, movie or series id; the channel for a programme */
	char name[256];
	char detail[160]; /* programme: channel and time */
	char ext[16];
	int64_t start, stop;
	bool archive;
};

struct search {
	struct app *app;
	struct ui_widget *screen, *kb, *list, *hint;
	char query[256]; /* what the results are for */
	struct result results[RESULT_MAX];
	size_t n;
	struct epg_slot *slots; /* SLOT_MAX */
};

static const char *kind_text(const struct app *app, enum result_kind k)
{
	switch (k) {
	case R_CHANNEL:
		return TR(app, "Channel");
	case R_PROGRAMME:
		return TR(app, "Programme");
	case R_MOVIE:
		return TR(app, "Movie");
	default:
		return TRC(app, "kind", "Series");
	}
}

/* ---- the queries ---- */

static int add_item(void *ud, const struct library_item *it)
{
	struct search *s = ud;
	if (s->n >= RESULT_MAX)
		return -ENOSPC;
	struct result *r = &s->results[s->n++];
	*r = (struct result){ .kind = it->kind == LIBRARY_LIVE  ? R_CHANNEL
				      : it->kind == LIBRARY_VOD ? R_MOVIE
								: R_SERIES,
			      .id = it->id,
			      .archive = it->archive };
	snprintf(r->name, sizeof(r->name), "%s", it->name ? it->name : "");
	snprintf(r->ext, sizeof(r->ext), "%s", it->extension && it->extension[0] ? it->extension : "mp4");
	if (it->kind == LIBRARY_LIVE && ctl_parental_check(s->app->parental, LIBRARY_LIVE, it->id) != 0)
		snprintf(r->name, sizeof(r->name), "%s",
			 TR(s->app, "Locked channel")); /* OK asks for the PIN */
	return 0;
}

struct channel_name {
	char name[256];
	bool archive;
};

static int copy_channel(void *ud, const struct library_item *it)
{
	struct channel_name *c = ud;
	snprintf(c->name, sizeof(c->name), "%s", it->name ? it->name : "");
	c->archive = it->archive;
	return 0;
}

static void time_text(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (localtime_r(&tt, &tm))
		strftime(out, cap, "%H:%M", &tm);
	else
		snprintf(out, cap, "--:--");
}

static void add_programmes(struct search *s)
{
	struct app *app = s->app;
	size_t n = 0;
	int64_t now = app_now(app);
	if (!s->slots ||
	    epg_search(app->store, s->query, now, app->settings.lang, s->slots, SLOT_MAX, &n) < 0)
		return;
	size_t added = 0;
	for (size_t i = 0; i < n && s->n < RESULT_MAX && added < PER_KIND; i++) {
		const struct epg_slot *p = &s->slots[i];
		struct channel_name ch = { 0 };
		if (p->stream_id <= 0 ||
		    library_item(app->library, LIBRARY_LIVE, p->stream_id, copy_channel, &ch) < 0)
			continue; /* a guide channel no stream of this line carries */
		if (ctl_parental_check(app->parental, LIBRARY_LIVE, p->stream_id) != 0)
			snprintf(ch.name, sizeof(ch.name), "%s", TR(app, "Locked channel"));
		added++;
		struct result *r = &s->results[s->n++];
		*r = (struct result){ .kind = R_PROGRAMME,
				      .id = p->stream_id,
				      .start = p->start,
				      .stop = p->stop,
				      .archive = ch.archive };
		snprintf(r->name, sizeof(r->name), "%s", p->title);
		char from[16], to[16];
		time_text(p->start, from, sizeof(from));
		time_text(p->stop, to, sizeof(to));
		if (p->start <= now && now < p->stop)
			snprintf(r->detail, sizeof(r->detail), "%s · %s %s-%s", ch.name, TR(app, "now"), from,
				 to);
		else
			snprintf(r->detail, sizeof(r->detail), "%s · %s-%s", ch.name, from, to);
	}
}

static void search_run(struct search *s)
{
	struct app *app = s->app;
	const char *text = s->kb ? ui_keyboard_text(s->kb) : "";
	if (strcmp(text, s->query) == 0)
		return;
	snprintf(s->query, sizeof(s->query), "%s", text);
	s->n = 0;
	bool blank = strspn(s->query, " ") == strlen(s->query);
	if (!blank) {
		bool unlocked = ctl_parental_unlocked(app->parental);
		/* channels of locked categories are listed without their names: the gate asks for the PIN */
		library_search(app->library, s->query, LIBRARY_KIND_BIT(LIBRARY_LIVE), true, PER_KIND,
			       add_item, s);
		add_programmes(s);
		library_search(app->library, s->query, LIBRARY_KIND_BIT(LIBRARY_VOD), unlocked, PER_KIND,
			       add_item, s);
		library_search(app->library, s->query, LIBRARY_KIND_BIT(LIBRARY_SERIES), unlocked, PER_KIND,
			       add_item, s);
	}
	char hint[400];
	if (blank)
		snprintf(hint, sizeof(hint), "%s",
			 TR(app, "Type a name: channels, programmes, movies and series appear as you type."));
	else if (s->n == 0)
		snprintf(hint, sizeof(hint), "%s \"%s\"", TR(app, "Nothing found for"), s->query);
	else
		snprintf(hint, sizeof(hint), "%zu %s", s->n, TR(app, "results"));
	ui_label_set_text(s->hint, hint);
	ui_list_set_index(s->list, 0);
	ui_list_refresh(s->list);
}

/* ---- the results list ---- */

static size_t results_count(void *user)
{
	return ((struct search *)user)->n;
}

static void results_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct search *s = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct result *r = &s->results[i];
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	struct ui_text_style badge = { .size = t->text_small,
				       .color = focused ? t->on_accent : t->text_dim,
				       .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 20, 0, 170, h }, kind_text(s->app, r->kind), &badge);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	if (r->detail[0]) {
		ui_draw_text(d, (struct ui_rect){ 200, 4, w - 220, h / 2 }, r->name, &st);
		ui_draw_text(d, (struct ui_rect){ 200, h / 2, w - 220, h / 2 - 4 }, r->detail, &badge);
	} else {
		ui_draw_text(d, (struct ui_rect){ 200, 0, w - 220, h }, r->name, &st);
	}
}

static int results_label(void *user, size_t i, char *buf, size_t cap)
{
	struct search *s = user;
	const struct result *r = &s->results[i];
	snprintf(buf, cap, "%s: %s", kind_text(s->app, r->kind), r->name);
	return 0;
}

static void results_activate(void *user, size_t i)
{
	struct search *s = user;
	struct app *app = s->app;
	if (i >= s->n)
		return;
	struct result r = s->results[i];
	int64_t now = app_now(app);
	int rc = 0;
	switch (r.kind) {
	case R_CHANNEL:
		rc = app_pin_play_live(app, r.id, CTL_ZAP_SEARCH, "search");
		break;
	case R_MOVIE:
		rc = app_movie_open(app, r.id);
		break;
	case R_SERIES:
		rc = app_series_open(app, r.id);
		break;
	case R_PROGRAMME:
		if (r.start <= now && now < r.stop) {
			rc = app_pin_play_live(app, r.id, CTL_ZAP_SEARCH, "search");
		} else if (r.stop <= now && r.archive) {
			rc = app_pin_play_catchup(app, r.id, r.start, r.stop, r.name);
		} else {
			char at[16], msg[400];
			time_text(r.start, at, sizeof(at));
			snprintf(msg, sizeof(msg), "%s %s: %s", TR(app, "Starts at"), at, r.detail);
			ui_toast_show(app->ui, msg, 4000);
		}
		break;
	}
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This cannot be opened."),
			      4000);
}

static const struct ui_list_model results_model = {
	.count = results_count, .draw = results_draw, .activate = results_activate, .label = results_label
};

/* ---- the keyboard ---- */

static void run_later(void *user)
{
	search_run(user);
}

/* Every key the keyboard takes may change the text: search once it has been handled. */
static bool kb_keys(void *user, struct ui_widget *w, enum plat_action a)
{
	struct search *s = user;
	ui_ctx_later(s->app->ui, run_later, s);
	return false;
}

static void kb_done(void *user, struct ui_widget *w, const char *text)
{
	struct search *s = user;
	search_run(s);
	if (s->n)
		ui_widget_focus(s->list);
}

/* Text typed on a desktop keyboard reaches the keyboard without an action: the results follow at
 * the next key; the screen keys below also refresh them. */
static bool screen_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct search *s = user;
	struct app *app = s->app;
	search_run(s);
	if (a != PLAT_ACT_YELLOW || ui_focused(app->ui) != s->list || !s->n)
		return false;
	/* yellow on a channel, a movie or a series: favourite on/off */
	const struct result *r = &s->results[ui_list_index(s->list)];
	if (r->kind == R_PROGRAMME)
		return true;
	enum library_kind k = r->kind == R_CHANNEL ? LIBRARY_LIVE
			      : r->kind == R_MOVIE ? LIBRARY_VOD
						   : LIBRARY_SERIES;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	bool on = !ctl_viewer_favourite_is(app->viewer, k, id);
	if (ctl_viewer_favourite_set(app->viewer, k, id, on) == 0)
		ui_toast_show(app->ui,
			      on ? TR(app, "Added to favourites") : TR(app, "Removed from favourites"), 2000);
	app_screens_changed(app, APP_CHANGED_FAVOURITES);
	return true;
}

static void search_refresh(struct app *app)
{
	struct search *s = app->screen_state[APP_SCREEN_SEARCH];
	if (!s || !s->screen)
		return;
	s->query[0] = 1; /* the catalogue changed: run the same text again */
	s->query[1] = 0;
	search_run(s);
}

static void search_free(void *p)
{
	struct search *s = p;
	free(s->slots);
	free(s);
}

static struct ui_widget *build(struct app *app)
{
	struct search *s = app->screen_state[APP_SCREEN_SEARCH];
	if (!s) {
		s = calloc(1, sizeof(*s));
		struct epg_slot *slots = calloc(SLOT_MAX, sizeof(*slots));
		if (!s || !slots) {
			free(s);
			free(slots);
			return NULL;
		}
		s->slots = slots;
		app->screen_state[APP_SCREEN_SEARCH] = s;
	}
	struct epg_slot *slots = s->slots;
	*s = (struct search){ .app = app, .slots = slots };
	s->query[0] = 1; /* differs from any text: the first run fills the hint */
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *scr = s->screen = ui_screen_create(app->ui, "search");
	if (!scr)
		return NULL;
	app_vod_header(app, scr, TR(app, "Search"));
	ui_screen_on_action(scr, screen_keys, s);
	s->kb = ui_keyboard_create(scr, (struct ui_rect){ 60, 140, 1000, 620 },
				   app->rtl ? UI_KB_ARABIC : UI_KB_LATIN, kb_done, s);
	ui_widget_set_id(s->kb, "keyboard");
	ui_widget_on_action(s->kb, kb_keys, s);
	struct ui_text_style small = { .size = t->text_small,
				       .color = t->text_dim,
				       .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				       .max_lines = 3 };
	s->hint = ui_label_create(scr, (struct ui_rect){ 60, 790, 1000, 200 }, "", &small);
	ui_widget_set_id(s->hint, "hint");
	s->list = ui_list_create(scr, (struct ui_rect){ 1100, 140, 760, 900 }, &results_model, s, 96);
	ui_widget_set_id(s->list, "results");
	search_run(s);
	ui_widget_focus(s->kb);
	return scr;
}

const struct app_screen_class app_screen_search_class = {
	.name = "search",
	.build = build,
	.refresh = search_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.free_state = search_free,
};
