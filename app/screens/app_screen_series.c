/* SPDX-License-Identifier: MIT */
/* The series screen: series categories and a virtualised cover grid, then a series screen with the
 * cover, plot, the seasons and their episodes (get_series_info on the worker), resume of the episode
 * last watched, and, when an episode ends, the next one offered over the player. Episodes played here
 * are remembered (app_vod_episode_remember) so continue watching and favourites can name them. */
#include "app.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The categories row that asks for the PIN. */
enum { CAT_LOCKED = -2 };

enum { PAGE = 96, CAT_MAX = 512, SEASON_MAX = 64, EPISODE_MAX = 2000 };

struct show {
	int64_t id;
	char name[256];
	char cover[512];
	double rating;
	int year;
	bool locked;
};

struct show_cat {
	int64_t id;
	char name[128];
};

struct season {
	int number;
	char name[128];
};

struct series_info {
	char plot[2048], cast[512], genre[160], release[40], cover[512];
	double rating;
	struct season seasons[SEASON_MAX];
	size_t n_seasons;
	struct app_vod_episode *eps; /* EPISODE_MAX */
	size_t n_eps;
};

struct series {
	struct app *app;
	struct ui_widget *screen, *cats_list, *grid, *empty, *count_label;
	struct show_cat *cats;
	size_t n_cats, cat, count;
	size_t n_locked; /* categories the parental lock hides */
	bool unlocked;   /* the viewer gave the PIN: locked categories show until Qanat stops */
	struct ui_widget *pin, *pin_kb;
	struct show page[PAGE];
	size_t page_base, page_n;
	bool page_valid;

	/* the series screen */
	struct ui_widget *details, *d_title, *d_meta, *d_plot, *d_cover, *d_seasons, *d_episodes, *d_status,
	    *d_resume, *d_fav;
	struct show cur;
	struct series_info info;
	size_t season;                                             /* index into info.seasons */
	size_t season_first[SEASON_MAX], season_count[SEASON_MAX]; /* episodes of a season in info.eps */
	int resume_ep; /* index into info.eps of the episode to continue, -1 none */
	unsigned info_seq;
	bool loaded;

	/* what plays from here, for the next-episode offer */
	struct app_vod_episode playing;
	bool offering;
};

/* ---- the category window ---- */

struct page_fill {
	struct series *s;
	size_t n;
	struct show *out;
};

static struct ui_widget *build(struct app *app);

static int page_row(void *ud, const struct library_item *it)
{
	struct page_fill *f = ud;
	if (f->n >= PAGE)
		return -ENOSPC;
	struct show *sh = &f->out[f->n++];
	*sh = (struct show){ .id = it->id, .rating = it->rating, .year = it->year, .locked = it->locked };
	snprintf(sh->name, sizeof(sh->name), "%s", it->name ? it->name : "");
	snprintf(sh->cover, sizeof(sh->cover), "%s", it->icon ? it->icon : "");
	return 0;
}

static int64_t cat_id(const struct series *s)
{
	return s->n_cats ? s->cats[s->cat].id : -1;
}

static const struct show *show_at(struct series *s, size_t i)
{
	if (i >= s->count)
		return NULL;
	if (!s->page_valid || i < s->page_base || i >= s->page_base + s->page_n) {
		size_t base = i > PAGE / 4 ? i - PAGE / 4 : 0;
		struct page_fill f = { s, 0, s->page };
		library_items(s->app->library, LIBRARY_SERIES, cat_id(s), base, PAGE, page_row, &f);
		s->page_base = base;
		s->page_n = f.n;
		s->page_valid = true;
		if (i >= base + f.n)
			return NULL;
	}
	return &s->page[i - s->page_base];
}

/* ---- categories and grid ---- */

static size_t cats_count(void *user)
{
	return ((struct series *)user)->n_cats;
}

static void cats_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct series *s = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused       ? t->accent
		     : i == s->cat ? t->surface_alt
				   : t->surface);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w - 48, h }, s->cats[i].name, &st);
}

static int cats_label(void *user, size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", ((struct series *)user)->cats[i].name);
	return 0;
}

static void shows_load(struct series *s);

static void cats_focus(void *user, size_t i)
{
	struct series *s = user;
	if (i == s->cat || i >= s->n_cats)
		return;
	s->cat = i;
	shows_load(s);
	ui_list_refresh(s->cats_list);
}

static void cats_activate(void *user, size_t i)
{
	struct series *s = user;
	if (i < s->n_cats && s->cats[i].id == CAT_LOCKED && s->pin) {
		ui_keyboard_set_text(s->pin_kb, "");
		ui_screen_push(s->app->ui, s->pin);
		ui_widget_focus(s->pin_kb);
	}
}

static const struct ui_list_model cats_model = { .count = cats_count,
						 .draw = cats_draw,
						 .activate = cats_activate,
						 .focus_changed = cats_focus,
						 .label = cats_label };

static size_t grid_count(void *user)
{
	return ((struct series *)user)->count;
}

static void grid_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct series *s = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct show *sh = show_at(s, i);
	ui_draw_fill(d, (struct ui_rect){ 6, 6, w - 12, h - 12 }, focused ? t->accent : t->surface);
	if (!sh)
		return;
	if (sh->locked && !s->unlocked) {
		ui_draw_fill(d, (struct ui_rect){ 16, 16, w - 32, h - 110 }, t->surface_alt);
		ui_draw_text(d, (struct ui_rect){ 16, 16, w - 32, h - 110 }, TR(s->app, "Locked"),
			     &(struct ui_text_style){ .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER });
		return;
	}
	ui_draw_image(d, (struct ui_rect){ 16, 16, w - 32, h - 110 }, sh->cover);
	struct ui_text_style st = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_CENTER | UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				    .max_lines = 2 };
	ui_draw_text(d, (struct ui_rect){ 14, h - 90, w - 28, 76 }, sh->name, &st);
}

static int grid_label(void *user, size_t i, char *buf, size_t cap)
{
	const struct show *sh = show_at(user, i);
	snprintf(buf, cap, "%s", sh ? sh->name : "");
	return 0;
}

static void details_show(struct series *s, const struct show *sh);

static void grid_activate(void *user, size_t i)
{
	struct series *s = user;
	const struct show *sh = show_at(s, i);
	if (!sh)
		return;
	if (sh->locked && !s->unlocked) {
		ui_toast_show(s->app->ui, TR(s->app, "This series is locked by parental control"), 3000);
		return;
	}
	struct show copy = *sh;
	details_show(s, &copy);
}

static const struct ui_list_model grid_model = {
	.count = grid_count, .draw = grid_draw, .activate = grid_activate, .label = grid_label
};

static int cat_row(void *ud, const struct library_category *c)
{
	struct series *s = ud;
	if (c->locked)
		s->n_locked++;
	if ((c->locked && !s->unlocked) || s->n_cats >= CAT_MAX)
		return 0;
	s->cats[s->n_cats].id = c->id;
	snprintf(s->cats[s->n_cats].name, sizeof(s->cats[0].name), "%s", c->name ? c->name : "");
	s->n_cats++;
	return 0;
}

static void cats_load(struct series *s)
{
	int64_t keep = s->n_cats ? s->cats[s->cat].id : -1;
	s->n_cats = 1;
	s->cats[0].id = -1;
	snprintf(s->cats[0].name, sizeof(s->cats[0].name), "%s", TR(s->app, "All series"));
	s->n_locked = 0;
	library_categories(s->app->library, LIBRARY_SERIES, cat_row, s);
	if (s->n_locked && !s->unlocked && s->n_cats < CAT_MAX) {
		s->cats[s->n_cats].id = CAT_LOCKED;
		snprintf(s->cats[s->n_cats].name, sizeof(s->cats[0].name), "%s",
			 TR(s->app, "Locked categories (PIN)"));
		s->n_cats++;
	}
	s->cat = 0;
	for (size_t i = 0; i < s->n_cats; i++)
		if (s->cats[i].id == keep)
			s->cat = i;
}

static void shows_load(struct series *s)
{
	size_t n = 0;
	library_count(s->app->library, LIBRARY_SERIES, cat_id(s), &n);
	s->count = n;
	s->page_valid = false;
	if (s->grid) {
		ui_list_set_index(s->grid, 0);
		ui_list_refresh(s->grid);
	}
	if (s->empty) {
		ui_widget_set_visible(s->empty, n == 0);
		ui_label_set_text(
		    s->empty,
		    cat_id(s) == CAT_LOCKED
			? TR(s->app, "Press OK and type the parental PIN to show the locked categories.")
			: TR(s->app, "No series here yet. The catalogue is still loading, or this category "
				     "is empty."));
	}
	if (s->count_label) {
		char text[64];
		snprintf(text, sizeof(text), "%zu %s", n, TR(s->app, "series"));
		ui_label_set_text(s->count_label, text);
	}
}

static void series_refresh(struct app *app)
{
	struct series *s = app->screen_state[APP_SCREEN_SERIES];
	if (!s || !s->screen)
		return;
	cats_load(s);
	ui_list_refresh(s->cats_list);
	ui_list_set_index(s->cats_list, s->cat);
	shows_load(s);
}

/* ---- seasons and episodes ---- */

static size_t seasons_count(void *user)
{
	return ((struct series *)user)->info.n_seasons;
}

static void season_text(const struct series *s, size_t i, char *buf, size_t cap)
{
	const struct season *se = &s->info.seasons[i];
	if (se->name[0])
		snprintf(buf, cap, "%s", se->name);
	else
		snprintf(buf, cap, "%s %d", TR(s->app, "Season"), se->number);
}

static void seasons_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct series *s = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused          ? t->accent
		     : i == s->season ? t->surface_alt
				      : t->surface);
	char text[160];
	season_text(s, i, text, sizeof(text));
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w - 48, h }, text, &st);
}

static int seasons_label(void *user, size_t i, char *buf, size_t cap)
{
	season_text(user, i, buf, cap);
	return 0;
}

static void seasons_focus(void *user, size_t i)
{
	struct series *s = user;
	if (i >= s->info.n_seasons || i == s->season)
		return;
	s->season = i;
	ui_list_set_index(s->d_episodes, 0);
	ui_list_refresh(s->d_episodes);
	ui_list_refresh(s->d_seasons);
}

static const struct ui_list_model seasons_model = {
	.count = seasons_count, .draw = seasons_draw, .focus_changed = seasons_focus, .label = seasons_label
};

static const struct app_vod_episode *episode_at(const struct series *s, size_t i)
{
	if (s->season >= s->info.n_seasons || i >= s->season_count[s->season])
		return NULL;
	return &s->info.eps[s->season_first[s->season] + i];
}

static size_t episodes_count(void *user)
{
	struct series *s = user;
	return s->season < s->info.n_seasons ? s->season_count[s->season] : 0;
}

static void episode_text(const struct series *s, const struct app_vod_episode *e, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%d  %s", TR(s->app, "E"), e->episode, e->title);
}

static void episodes_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct series *s = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct app_vod_episode *e = episode_at(s, i);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	if (!e)
		return;
	char text[400], dur[64] = "";
	episode_text(s, e, text, sizeof(text));
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w - 260, h - 10 }, text, &st);
	if (e->duration_secs > 0)
		app_vod_duration_text(s->app, e->duration_secs, dur, sizeof(dur));
	struct ui_text_style dim = { .size = t->text_small,
				     .color = focused ? t->on_accent : t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	ui_draw_text(d, (struct ui_rect){ w - 230, 0, 206, h - 10 }, dur, &dim);
	int64_t at = 0, len = 0;
	if (library_resume_get(s->app->library, LIBRARY_EPISODE, e->id, &at, &len) == 0 && at > 0 && len > 0)
		app_vod_draw_progress(s->app, d, (struct ui_rect){ 24, h - 12, w - 48, 6 },
				      (double)at / (double)len, focused);
}

static int episodes_label(void *user, size_t i, char *buf, size_t cap)
{
	struct series *s = user;
	const struct app_vod_episode *e = episode_at(s, i);
	if (e)
		episode_text(s, e, buf, cap);
	else if (cap)
		buf[0] = '\0';
	return 0;
}

static void play_episode(struct series *s, const struct app_vod_episode *e);

static void resume_answer(void *user, int button)
{
	struct series *s = user;
	if (button < 0)
		return;
	if (button == 1) /* from the start: a position of 0 clears the point */
		library_resume_set(s->app->library, LIBRARY_EPISODE, s->playing.id, 0, 0);
	play_episode(s, &s->playing);
}

/* OK on an episode: with a resume point, ask; else play. */
static void episode_choose(struct series *s, const struct app_vod_episode *e)
{
	struct app *app = s->app;
	int64_t at = 0, len = 0;
	if (library_resume_get(app->library, LIBRARY_EPISODE, e->id, &at, &len) == 0 && at > 0) {
		s->playing = *e;
		char pos[32], resume[96], msg[400];
		app_vod_clock_text(at, pos, sizeof(pos));
		snprintf(resume, sizeof(resume), "%s %s", TR(app, "Resume from"), pos);
		snprintf(msg, sizeof(msg), "%s %d · %s%d  %s", TR(app, "Season"), e->season, TR(app, "E"),
			 e->episode, e->title);
		const char *buttons[] = { resume, TR(app, "Play from start") };
		ui_dialog_open(app->ui, s->cur.name, msg, buttons, 2, resume_answer, s);
		return;
	}
	play_episode(s, e);
}

static void episodes_activate(void *user, size_t i)
{
	struct series *s = user;
	const struct app_vod_episode *e = episode_at(s, i);
	if (e) {
		struct app_vod_episode copy = *e;
		episode_choose(s, &copy);
	}
}

static const struct ui_list_model episodes_model = {
	.count = episodes_count, .draw = episodes_draw, .activate = episodes_activate, .label = episodes_label
};

/* ---- playing and the next episode ---- */

static const struct app_vod_episode *episode_after(const struct series *s, const char *id)
{
	for (size_t i = 0; i + 1 < s->info.n_eps; i++)
		if (strcmp(s->info.eps[i].id, id) == 0)
			return &s->info.eps[i + 1];
	return NULL;
}

static void series_ended(struct app *app);

static void play_episode(struct series *s, const struct app_vod_episode *e)
{
	struct app *app = s->app;
	struct app_vod_episode ep = *e;
	char name[400];
	snprintf(name, sizeof(name), "%s · %s%d %s%d", ep.series_name, TR(app, "S"), ep.season, TR(app, "E"),
		 ep.episode);
	app_vod_episode_remember(app, &ep);
	int rc = app_play_episode(app, ep.id, ep.ext, name);
	if (rc < 0) {
		ui_toast_show(app->ui,
			      app->playing.error[0] ? app->playing.error
						    : TR(app, "This episode cannot be played."),
			      4000);
		return;
	}
	s->playing = ep;
	s->offering = false;
	app->on_playback_ended = series_ended;
}

static void next_answer(void *user, int button)
{
	struct series *s = user;
	s->offering = false;
	const struct app_vod_episode *next = episode_after(s, s->playing.id);
	if (button == 0 && next) {
		struct app_vod_episode copy = *next;
		library_resume_set(s->app->library, LIBRARY_EPISODE, copy.id, 0, 0);
		play_episode(s, &copy);
	}
}

/* The episode that played from here reached its end: offer the next one over the player. */
static void series_ended(struct app *app)
{
	struct series *s = app->screen_state[APP_SCREEN_SERIES];
	app->on_playback_ended = NULL;
	if (!s || s->offering || !s->loaded || strcmp(app->playing.episode_id, s->playing.id) != 0)
		return;
	const struct app_vod_episode *next = episode_after(s, s->playing.id);
	if (!next) {
		ui_toast_show(app->ui, TR(app, "That was the last episode."), 4000);
		return;
	}
	char msg[400];
	snprintf(msg, sizeof(msg), "%s %d · %s%d  %s", TR(app, "Season"), next->season, TR(app, "E"),
		 next->episode, next->title);
	const char *buttons[] = { TR(app, "Play next"), TR(app, "Not now") };
	if (ui_dialog_open(app->ui, TR(app, "Next episode"), msg, buttons, 2, next_answer, s) == 0)
		s->offering = true;
}

/* ---- the series screen ---- */

struct info_job {
	struct series *s;
	unsigned seq;
	int64_t id;
	char series_name[256];
	struct series_info info;
};

static int info_info(void *ud, const struct xt_series_info *v)
{
	struct series_info *i = &((struct info_job *)ud)->info;
	snprintf(i->plot, sizeof(i->plot), "%s", v->plot ? v->plot : "");
	snprintf(i->cast, sizeof(i->cast), "%s", v->cast ? v->cast : "");
	snprintf(i->genre, sizeof(i->genre), "%s", v->genre ? v->genre : "");
	snprintf(i->release, sizeof(i->release), "%s", v->release_date ? v->release_date : "");
	snprintf(i->cover, sizeof(i->cover), "%s", v->cover ? v->cover : "");
	i->rating = v->rating;
	return 0;
}

static int info_season(void *ud, const struct xt_season *se)
{
	struct series_info *i = &((struct info_job *)ud)->info;
	for (size_t k = 0; k < i->n_seasons; k++)
		if (i->seasons[k].number == se->number)
			return 0;
	if (i->n_seasons < SEASON_MAX) {
		i->seasons[i->n_seasons].number = se->number;
		snprintf(i->seasons[i->n_seasons].name, sizeof(i->seasons[0].name), "%s",
			 se->name ? se->name : "");
		i->n_seasons++;
	}
	return 0;
}

static int info_episode(void *ud, const struct xt_episode *e)
{
	struct info_job *j = ud;
	struct series_info *i = &j->info;
	if (i->n_eps >= EPISODE_MAX)
		return 0;
	struct app_vod_episode *o = &i->eps[i->n_eps++];
	*o = (struct app_vod_episode){ .series_id = j->id,
				       .season = e->season,
				       .episode = e->episode_num,
				       .duration_secs = e->duration_secs };
	snprintf(o->id, sizeof(o->id), "%s", e->id);
	snprintf(o->title, sizeof(o->title), "%s", e->title ? e->title : "");
	snprintf(o->ext, sizeof(o->ext), "%s", e->container_extension[0] ? e->container_extension : "mp4");
	snprintf(o->series_name, sizeof(o->series_name), "%s", j->series_name);
	return 0;
}

static int ep_order(const void *a, const void *b)
{
	const struct app_vod_episode *x = a, *y = b;
	if (x->season != y->season)
		return x->season < y->season ? -1 : 1;
	return x->episode < y->episode ? -1 : x->episode > y->episode;
}

static int season_order(const void *a, const void *b)
{
	const struct season *x = a, *y = b;
	return x->number < y->number ? -1 : x->number > y->number;
}

static int info_work(struct app *app, void *arg, const _Atomic bool *cancel)
{
	struct info_job *j = arg;
	if (!app->xt)
		return -ENOTCONN;
	static const struct xt_series_visitor v = { .info = info_info,
						    .season = info_season,
						    .episode = info_episode };
	int rc = xt_client_series_info(app->xt, j->id, &v, j);
	if (rc < 0)
		return rc;
	struct series_info *i = &j->info;
	qsort(i->eps, i->n_eps, sizeof(i->eps[0]), ep_order);
	/* seasons that only the episodes name (panels often send no seasons list) */
	for (size_t k = 0; k < i->n_eps; k++) {
		struct xt_season se = { .number = i->eps[k].season };
		info_season(j, &se);
	}
	/* seasons without episodes are not shown */
	size_t keep = 0;
	for (size_t k = 0; k < i->n_seasons; k++) {
		bool any = false;
		for (size_t e = 0; e < i->n_eps && !any; e++)
			any = i->eps[e].season == i->seasons[k].number;
		if (any)
			i->seasons[keep++] = i->seasons[k];
	}
	i->n_seasons = keep;
	qsort(i->seasons, i->n_seasons, sizeof(i->seasons[0]), season_order);
	return 0;
}

struct last_watch {
	const struct series *s;
	int found;
};

static int last_watched(void *ud, const char *id, int64_t when)
{
	struct last_watch *lw = ud;
	if (lw->found >= 0)
		return 0;
	for (size_t i = 0; i < lw->s->info.n_eps; i++)
		if (strcmp(lw->s->info.eps[i].id, id) == 0) {
			lw->found = (int)i;
			break;
		}
	return 0;
}

static void resume_button(struct series *s)
{
	struct app *app = s->app;
	s->resume_ep = -1;
	struct last_watch lw = { s, -1 };
	library_history(app->library, LIBRARY_EPISODE, 200, last_watched, &lw);
	if (lw.found >= 0) {
		const struct app_vod_episode *e = &s->info.eps[lw.found];
		int64_t at = 0, len = 0;
		bool partial =
		    library_resume_get(app->library, LIBRARY_EPISODE, e->id, &at, &len) == 0 && at > 0;
		/* finished: continue with the one after it */
		if (!partial && (size_t)lw.found + 1 < s->info.n_eps)
			lw.found++;
		if (partial || (size_t)lw.found < s->info.n_eps)
			s->resume_ep = lw.found;
	}
	if (s->resume_ep >= 0) {
		const struct app_vod_episode *e = &s->info.eps[s->resume_ep];
		char text[160];
		snprintf(text, sizeof(text), "%s %s%d %s%d", TR(app, "Continue"), TR(app, "S"), e->season,
			 TR(app, "E"), e->episode);
		ui_button_set_text(s->d_resume, text);
	}
	ui_widget_set_visible(s->d_resume, s->resume_ep >= 0);
	ui_widget_set_rect(s->d_fav, (struct ui_rect){ s->resume_ep >= 0 ? 460 : 0, 0, 440, 90 });
}

static void fav_button(struct series *s)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)s->cur.id);
	int fav = library_favourite_is(s->app->library, LIBRARY_SERIES, id);
	ui_button_set_text(s->d_fav,
			   fav == 1 ? TR(s->app, "Remove from favourites") : TR(s->app, "Add to favourites"));
}

static void index_seasons(struct series *s)
{
	for (size_t k = 0; k < s->info.n_seasons; k++) {
		s->season_first[k] = 0;
		s->season_count[k] = 0;
		for (size_t e = 0; e < s->info.n_eps; e++)
			if (s->info.eps[e].season == s->info.seasons[k].number) {
				if (s->season_count[k] == 0)
					s->season_first[k] = e;
				s->season_count[k]++;
			}
	}
}

static void info_done(struct app *app, void *arg, int rc)
{
	struct info_job *j = arg;
	struct series *s = j->s;
	if (rc != -ECANCELED && app->screen_state[APP_SCREEN_SERIES] == s && j->seq == s->info_seq &&
	    s->details) {
		if (rc >= 0) {
			struct app_vod_episode *eps = s->info.eps;
			s->info = j->info;
			memcpy(eps, j->info.eps, j->info.n_eps * sizeof(*eps));
			s->info.eps = eps;
			s->loaded = true;
			index_seasons(s);
			char meta[400] = "";
			size_t n = 0;
			if (s->info.release[0])
				n += (size_t)snprintf(meta, sizeof(meta), "%.4s", s->info.release);
			if (s->info.rating > 0 && n < sizeof(meta))
				n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%s%s %.1f",
						      n ? "  ·  " : "", TR(app, "Rating"), s->info.rating);
			if (s->info.genre[0] && n < sizeof(meta))
				n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%s%s", n ? "  ·  " : "",
						      s->info.genre);
			if (n < sizeof(meta))
				snprintf(meta + n, sizeof(meta) - n, "%s%zu %s", n ? "  ·  " : "",
					 s->info.n_eps, TR(app, "episodes"));
			ui_label_set_text(s->d_meta, meta);
			ui_label_set_text(s->d_plot, s->info.plot);
			if (s->info.cover[0])
				ui_image_set_url(s->d_cover, s->info.cover);
			ui_label_set_text(s->d_status, s->info.n_eps ? "" : TR(app, "No episodes yet."));
			resume_button(s);
			s->season = 0;
			if (s->resume_ep >= 0)
				for (size_t k = 0; k < s->info.n_seasons; k++)
					if (s->info.seasons[k].number == s->info.eps[s->resume_ep].season)
						s->season = k;
			ui_list_refresh(s->d_seasons);
			ui_list_set_index(s->d_seasons, s->season);
			ui_list_refresh(s->d_episodes);
			ui_list_set_index(s->d_episodes, s->resume_ep >= 0 ? (size_t)s->resume_ep -
										 s->season_first[s->season]
									   : 0);
			if (ui_screen_top(app->ui) == s->details)
				ui_widget_focus(s->resume_ep >= 0 ? s->d_resume
						: s->info.n_eps   ? s->d_episodes
								  : s->d_fav);
		} else {
			ui_label_set_text(s->d_status,
					  rc == -ENOTCONN
					      ? TR(app, "Episodes need a connection to the server.")
					      : xt_strerror(rc));
		}
	}
	free(j->info.eps);
	free(j);
}

static void details_show(struct series *s, const struct show *sh)
{
	struct app *app = s->app;
	s->cur = *sh;
	struct app_vod_episode *eps = s->info.eps;
	s->info = (struct series_info){ .eps = eps };
	s->loaded = false;
	s->season = 0;
	s->resume_ep = -1;
	ui_label_set_text(s->d_title, sh->name);
	ui_label_set_text(s->d_meta, sh->year > 0 ? "" : "");
	ui_label_set_text(s->d_plot, "");
	ui_label_set_text(s->d_status, TR(app, "Loading episodes…"));
	ui_image_set_url(s->d_cover, sh->cover);
	ui_widget_set_visible(s->d_resume, false);
	ui_widget_set_rect(s->d_fav, (struct ui_rect){ 0, 0, 440, 90 });
	fav_button(s);
	ui_list_refresh(s->d_seasons);
	ui_list_refresh(s->d_episodes);
	ui_screen_push(app->ui, s->details);
	ui_widget_focus(s->d_fav);
	struct info_job *j = calloc(1, sizeof(*j));
	struct app_vod_episode *buf = calloc(EPISODE_MAX, sizeof(*buf));
	if (!j || !buf) {
		free(j);
		free(buf);
		return;
	}
	j->s = s;
	j->seq = ++s->info_seq;
	j->id = sh->id;
	j->info.eps = buf;
	snprintf(j->series_name, sizeof(j->series_name), "%s", sh->name);
	if (app_run_bg(app, info_work, info_done, j) < 0) {
		free(buf);
		free(j);
	}
}

static void click_resume(void *user, struct ui_widget *w)
{
	struct series *s = user;
	if (s->resume_ep >= 0 && (size_t)s->resume_ep < s->info.n_eps) {
		struct app_vod_episode e = s->info.eps[s->resume_ep];
		play_episode(s, &e);
	}
}

static void click_fav(void *user, struct ui_widget *w)
{
	struct series *s = user;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)s->cur.id);
	bool on = library_favourite_is(s->app->library, LIBRARY_SERIES, id) != 1;
	if (library_favourite_set(s->app->library, LIBRARY_SERIES, id, on) == 0)
		ui_toast_show(s->app->ui,
			      on ? TR(s->app, "Added to favourites") : TR(s->app, "Removed from favourites"),
			      2000);
	fav_button(s);
	app_screens_changed(s->app, APP_CHANGED_FAVOURITES);
}

static void build_details(struct series *s)
{
	struct app *app = s->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *d = s->details = ui_screen_create(app->ui, "episodes");
	if (!d)
		return;
	ui_widget_set_background(d, t->bg);
	s->d_cover = ui_image_create(d, (struct ui_rect){ 60, 60, 300, 450 }, "");
	ui_widget_set_id(s->d_cover, "cover");
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	s->d_title = ui_label_create(d, (struct ui_rect){ 400, 50, 1460, 90 }, "", &title);
	ui_widget_set_id(s->d_title, "title");
	struct ui_text_style dim = { .size = t->text_body, .color = t->text_dim, .flags = UI_TEXT_ELLIPSIS };
	s->d_meta = ui_label_create(d, (struct ui_rect){ 400, 150, 1460, 56 }, "", &dim);
	ui_widget_set_id(s->d_meta, "meta");
	struct ui_text_style body = { .size = t->text_small,
				      .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				      .max_lines = 4 };
	s->d_plot = ui_label_create(d, (struct ui_rect){ 400, 215, 1460, 180 }, "", &body);
	ui_widget_set_id(s->d_plot, "plot");
	struct ui_widget *row = ui_box_create(d, (struct ui_rect){ 400, 410, 1460, 90 });
	s->d_resume = ui_button_create(row, (struct ui_rect){ 0, 0, 440, 90 }, "", click_resume, s);
	ui_widget_set_id(s->d_resume, "resume");
	s->d_fav = ui_button_create(row, (struct ui_rect){ 460, 0, 440, 90 }, "", click_fav, s);
	ui_widget_set_id(s->d_fav, "favourite");
	s->d_seasons = ui_list_create(d, (struct ui_rect){ 60, 540, 400, 500 }, &seasons_model, s, 72);
	ui_widget_set_id(s->d_seasons, "seasons");
	s->d_episodes = ui_list_create(d, (struct ui_rect){ 500, 540, 1360, 500 }, &episodes_model, s, 84);
	ui_widget_set_id(s->d_episodes, "episodes");
	struct ui_text_style small = { .size = t->text_small, .color = t->text_dim, .flags = UI_TEXT_MIDDLE };
	s->d_status = ui_label_create(d, (struct ui_rect){ 500, 560, 1360, 60 }, "", &small);
	ui_widget_set_id(s->d_status, "status");
}

/* The PIN typed on the "Locked categories" row: right, and the locked categories show. */
static void pin_done(void *user, struct ui_widget *w, const char *text)
{
	struct series *s = user;
	struct app *app = s->app;
	bool ok = app_vod_pin_unlock(app, text);
	ui_keyboard_set_text(w, "");
	if (!ok)
		return;
	s->unlocked = true;
	if (ui_screen_top(app->ui) == s->pin)
		ui_screen_pop(app->ui);
	ui_toast_show(app->ui, TR(app, "Locked categories are shown until Qanat is closed."), 4000);
	series_refresh(app);
}

/* ---- the screen ---- */

static void series_free(void *p)
{
	struct series *s = p;
	free(s->cats);
	free(s->info.eps);
	free(s);
}

static struct series *series_state(struct app *app)
{
	struct series *s = app->screen_state[APP_SCREEN_SERIES];
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	struct show_cat *cats = calloc(CAT_MAX + 1, sizeof(*cats));
	struct app_vod_episode *eps = calloc(EPISODE_MAX, sizeof(*eps));
	if (!s || !cats || !eps) {
		free(s);
		free(cats);
		free(eps);
		return NULL;
	}
	s->app = app;
	s->cats = cats;
	s->info.eps = eps;
	app->screen_state[APP_SCREEN_SERIES] = s;
	return s;
}

int app_series_open(struct app *app, int64_t id)
{
	if (!app->screens[APP_SCREEN_SERIES]) {
		app->screens[APP_SCREEN_SERIES] = build(app);
		if (!app->screens[APP_SCREEN_SERIES])
			return -ENOMEM;
	}
	struct series *s = app->screen_state[APP_SCREEN_SERIES];
	struct show sh[1];
	struct page_fill f = { s, 0, sh };
	int rc = library_item(app->library, LIBRARY_SERIES, id, page_row, &f);
	if (rc < 0 || f.n == 0)
		return rc < 0 ? rc : -ENOENT;
	if (sh[0].locked && !s->unlocked) {
		ui_toast_show(app->ui, TR(app, "This series is locked by parental control"), 3000);
		return -EACCES;
	}
	details_show(s, &sh[0]);
	return 0;
}

static struct ui_widget *build(struct app *app)
{
	struct series *s = series_state(app);
	if (!s)
		return NULL;
	if (s->details && s->details != ui_screen_top(app->ui))
		ui_screen_destroy(&s->details);
	if (s->pin && s->pin != ui_screen_top(app->ui))
		ui_screen_destroy(&s->pin);
	s->pin = s->pin_kb = NULL;
	s->details = NULL;
	s->cats_list = s->grid = s->empty = s->count_label = NULL;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *scr = s->screen = ui_screen_create(app->ui, "series");
	if (!scr)
		return NULL;
	app_vod_header(app, scr, TR(app, "Series"));
	struct ui_text_style dim = { .size = t->text_small,
				     .color = t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	s->count_label = ui_label_create(scr, (struct ui_rect){ 1360, 40, 500, 60 }, "", &dim);
	ui_widget_set_id(s->count_label, "count");
	cats_load(s);
	s->cats_list = ui_list_create(scr, (struct ui_rect){ 60, 140, 460, 900 }, &cats_model, s, 72);
	ui_widget_set_id(s->cats_list, "categories");
	s->grid = ui_grid_create(scr, (struct ui_rect){ 560, 140, 1320, 900 }, &grid_model, s, 264, 440);
	ui_widget_set_id(s->grid, "covers");
	struct ui_text_style body = { .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_WRAP };
	s->empty = ui_label_create(
	    scr, (struct ui_rect){ 600, 400, 1240, 200 },
	    TR(app, "No series here yet. The catalogue is still loading, or this category is empty."), &body);
	ui_widget_set_id(s->empty, "empty");
	ui_list_set_index(s->cats_list, s->cat);
	shows_load(s);
	build_details(s);
	s->pin = app_vod_pin_screen(
	    app, TR(app, "Type the parental PIN to show the locked categories, then Done."), pin_done, s,
	    &s->pin_kb);
	ui_widget_focus(s->count ? s->grid : s->cats_list);
	return scr;
}

const struct app_screen_class app_screen_series_class = {
	.name = "series",
	.build = build,
	.refresh = series_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.free_state = series_free,
};
