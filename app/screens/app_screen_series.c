/* SPDX-License-Identifier: MIT */
/* Series, as a kind of the catalogue browser (app_browser.h): the details are get_series_info on
 * the worker (plot, rating, genre, the seasons and their episodes), with Continue at the episode
 * last watched, the favourite toggle, and, when an episode that played from here ends, the next one
 * offered over the player. Episodes played here are remembered (app_vod_episode_remember) so
 * continue watching and favourites can name them. */
#include "app.h"
#include "app_browser.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SEASON_MAX = 64, EPISODE_MAX = 2000 };

struct season {
	int number;
	char name[128];
};

struct series_info {
	char plot[2048], cast[512], genre[160], release[40], cover[512];
	double rating;
	struct season seasons[SEASON_MAX];
	size_t n_seasons;
	struct app_vod_episode eps[EPISODE_MAX];
	size_t n_eps;
};

/* A details job: the answer, and the series it is for (copied: the worker reads nothing else). */
struct series_job {
	int64_t id;
	char series_name[256];
	struct series_info info;
};

/* The kind's state: the details body and what it shows. */
struct series {
	struct ui_widget *seasons, *episodes, *resume, *fav;
	struct series_info info;
	size_t season;                                             /* index into info.seasons */
	size_t season_first[SEASON_MAX], season_count[SEASON_MAX]; /* episodes of a season in info.eps */
	int resume_ep; /* index into info.eps of the episode to continue, -1 none */
	bool loaded;
	/* what plays from here, for the next-episode offer */
	struct app_vod_episode playing;
	bool offering;
};

static struct series *series_of(struct app_browser *b)
{
	return app_browser_state(b);
}

/* ---- seasons and episodes ---- */

static size_t seasons_count(void *user)
{
	return series_of(user)->info.n_seasons;
}

static void season_text(struct app_browser *b, size_t i, char *buf, size_t cap)
{
	const struct season *se = &series_of(b)->info.seasons[i];
	if (se->name[0])
		snprintf(buf, cap, "%s", se->name);
	else
		snprintf(buf, cap, "%s %d", TR(app_browser_app(b), "Season"), se->number);
}

static void seasons_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct series *s = series_of(user);
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused          ? t->accent
		     : i == s->season ? t->surface_alt
				      : t->surface);
	char text[160];
	season_text(user, i, text, sizeof(text));
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
	struct series *s = series_of(user);
	if (i >= s->info.n_seasons || i == s->season)
		return;
	s->season = i;
	ui_list_set_index(s->episodes, 0);
	ui_list_refresh(s->episodes);
	ui_list_refresh(s->seasons);
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
	struct series *s = series_of(user);
	return s->season < s->info.n_seasons ? s->season_count[s->season] : 0;
}

static void episode_text(struct app *app, const struct app_vod_episode *e, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%d  %s", TR(app, "E"), e->episode, e->title);
}

static void episodes_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct app_browser *b = user;
	struct app *app = app_browser_app(b);
	const struct ui_theme *t = ui_draw_theme(d);
	const struct app_vod_episode *e = episode_at(series_of(b), i);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	if (!e)
		return;
	char text[400], dur[64] = "";
	episode_text(app, e, text, sizeof(text));
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w - 260, h - 10 }, text, &st);
	if (e->duration_secs > 0)
		app_vod_duration_text(app, e->duration_secs, dur, sizeof(dur));
	struct ui_text_style dim = { .size = t->text_small,
				     .color = focused ? t->on_accent : t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	ui_draw_text(d, (struct ui_rect){ w - 230, 0, 206, h - 10 }, dur, &dim);
	int64_t at = 0, len = 0;
	if (app_browser_resume_get(b, LIBRARY_EPISODE, e->id, &at, &len) == 0 && at > 0 && len > 0)
		app_vod_draw_progress(app, d, (struct ui_rect){ 24, h - 12, w - 48, 6 },
				      (double)at / (double)len, focused);
}

static int episodes_label(void *user, size_t i, char *buf, size_t cap)
{
	const struct app_vod_episode *e = episode_at(series_of(user), i);
	if (e)
		episode_text(app_browser_app(user), e, buf, cap);
	else if (cap)
		buf[0] = '\0';
	return 0;
}

/* ---- playing and the next episode ---- */

static const struct app_vod_episode *episode_after(const struct series *s, const char *id)
{
	for (size_t i = 0; i + 1 < s->info.n_eps; i++)
		if (strcmp(s->info.eps[i].id, id) == 0)
			return &s->info.eps[i + 1];
	return NULL;
}

static void series_ended(struct app *app);

static void play_episode(struct app_browser *b, const struct app_vod_episode *e)
{
	struct app *app = app_browser_app(b);
	struct series *s = series_of(b);
	struct app_vod_episode ep = *e;
	char name[400];
	snprintf(name, sizeof(name), "%s · %s%d %s%d", ep.series_name, TR(app, "S"), ep.season, TR(app, "E"),
		 ep.episode);
	app_vod_episode_remember(app, &ep);
	if (app_play_episode(app, ep.id, ep.ext, name) < 0) {
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This episode cannot be played."),
			      4000);
		return;
	}
	s->playing = ep;
	s->offering = false;
	app->on_playback_ended = series_ended;
}

static void resume_answer(void *user, int button)
{
	struct app_browser *b = user;
	struct series *s = series_of(b);
	if (button < 0)
		return;
	if (button == 1) /* from the start */
		app_browser_resume_clear(b, LIBRARY_EPISODE, s->playing.id);
	play_episode(b, &s->playing);
}

/* OK on an episode: with a resume point, ask; else play. */
static void episode_choose(struct app_browser *b, const struct app_vod_episode *e)
{
	struct app *app = app_browser_app(b);
	int64_t at = 0, len = 0;
	if (app_browser_resume_get(b, LIBRARY_EPISODE, e->id, &at, &len) == 0 && at > 0) {
		series_of(b)->playing = *e;
		char pos[32], resume[96], msg[400];
		app_vod_clock_text(at, pos, sizeof(pos));
		snprintf(resume, sizeof(resume), "%s %s", TR(app, "Resume from"), pos);
		snprintf(msg, sizeof(msg), "%s %d · %s%d  %s", TR(app, "Season"), e->season, TR(app, "E"),
			 e->episode, e->title);
		const char *buttons[] = { resume, TR(app, "Play from start") };
		ui_dialog_open(app->ui, app_browser_item(b)->name, msg, buttons, 2, resume_answer, b);
		return;
	}
	play_episode(b, e);
}

static void episodes_activate(void *user, size_t i)
{
	const struct app_vod_episode *e = episode_at(series_of(user), i);
	if (e) {
		struct app_vod_episode copy = *e;
		episode_choose(user, &copy);
	}
}

static const struct ui_list_model episodes_model = {
	.count = episodes_count, .draw = episodes_draw, .activate = episodes_activate, .label = episodes_label
};

static void next_answer(void *user, int button)
{
	struct app_browser *b = user;
	struct series *s = series_of(b);
	s->offering = false;
	const struct app_vod_episode *next = episode_after(s, s->playing.id);
	if (button == 0 && next) {
		struct app_vod_episode copy = *next;
		app_browser_resume_clear(b, LIBRARY_EPISODE, copy.id);
		play_episode(b, &copy);
	}
}

/* The episode that played from here reached its end: offer the next one over the player. */
static void series_ended(struct app *app)
{
	struct app_browser *b = app_browser_get(app, APP_SCREEN_SERIES);
	app->on_playback_ended = NULL;
	if (!b)
		return;
	struct series *s = series_of(b);
	if (s->offering || !s->loaded || strcmp(app_playing(app)->episode_id, s->playing.id) != 0)
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
	if (ui_dialog_open(app->ui, TR(app, "Next episode"), msg, buttons, 2, next_answer, b) == 0)
		s->offering = true;
}

/* ---- the details job (worker) ---- */

static int info_info(void *ud, const struct xt_series_info *v)
{
	struct series_info *i = &((struct series_job *)ud)->info;
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
	struct series_info *i = &((struct series_job *)ud)->info;
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
	struct series_job *j = ud;
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

static int series_load(struct xt_client *xt, const struct app_browser_item *it, void *job)
{
	struct series_job *j = job;
	j->id = it->id;
	snprintf(j->series_name, sizeof(j->series_name), "%s", it->name);
	static const struct xt_series_visitor v = { .info = info_info,
						    .season = info_season,
						    .episode = info_episode };
	int rc = xt_client_series_info(xt, j->id, &v, j);
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

/* ---- the details page ---- */

/* The episode of s watched last (the viewer's history, most recent first), or -1. */
static int last_watched(const struct app *app, const struct series *s)
{
	const struct ctl_viewer_seen *seen;
	size_t n = ctl_viewer_history(app->viewer, LIBRARY_EPISODE, &seen);
	for (size_t h = 0; h < n; h++)
		for (size_t i = 0; i < s->info.n_eps; i++)
			if (strcmp(s->info.eps[i].id, seen[h].id) == 0)
				return (int)i;
	return -1;
}

/* Continue: the episode last watched, or the one after it when that one was finished. */
static void resume_button(struct app_browser *b)
{
	struct app *app = app_browser_app(b);
	struct series *s = series_of(b);
	s->resume_ep = -1;
	int found = last_watched(app, s);
	if (found >= 0) {
		const struct app_vod_episode *e = &s->info.eps[found];
		int64_t at = 0, len = 0;
		bool partial = app_browser_resume_get(b, LIBRARY_EPISODE, e->id, &at, &len) == 0 && at > 0;
		if (!partial && (size_t)found + 1 < s->info.n_eps)
			found++;
		s->resume_ep = found;
	}
	if (s->resume_ep >= 0) {
		const struct app_vod_episode *e = &s->info.eps[s->resume_ep];
		char text[160];
		snprintf(text, sizeof(text), "%s %s%d %s%d", TR(app, "Continue"), TR(app, "S"), e->season,
			 TR(app, "E"), e->episode);
		ui_button_set_text(s->resume, text);
	}
	ui_widget_set_visible(s->resume, s->resume_ep >= 0);
	ui_widget_set_rect(s->fav, (struct ui_rect){ s->resume_ep >= 0 ? 460 : 0, 0, 440, 90 });
}

static void fav_button(struct app_browser *b)
{
	struct app *app = app_browser_app(b);
	ui_button_set_text(series_of(b)->fav, app_browser_favourite_is(b) ? TR(app, "Remove from favourites")
									  : TR(app, "Add to favourites"));
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

static void meta_text(struct app *app, const struct series_info *i, char *meta, size_t cap)
{
	size_t n = 0;
	meta[0] = '\0';
	if (i->release[0])
		n += (size_t)snprintf(meta, cap, "%.4s", i->release);
	if (i->rating > 0 && n < cap)
		n += (size_t)snprintf(meta + n, cap - n, "%s%s %.1f", n ? "  ·  " : "", TR(app, "Rating"),
				      i->rating);
	if (i->genre[0] && n < cap)
		n += (size_t)snprintf(meta + n, cap - n, "%s%s", n ? "  ·  " : "", i->genre);
	char eps[64];
	snprintf(eps, sizeof(eps), TRN(app, "%zu episode", "%zu episodes", i->n_eps), i->n_eps);
	if (n < cap)
		snprintf(meta + n, cap - n, "%s%s", n ? "  ·  " : "", eps);
}

static void series_render(struct app_browser *b, void *job)
{
	struct app *app = app_browser_app(b);
	struct series *s = series_of(b);
	const struct app_browser_page *pg = app_browser_page(b);
	s->info = ((const struct series_job *)job)->info;
	s->loaded = true;
	index_seasons(s);
	char meta[400];
	meta_text(app, &s->info, meta, sizeof(meta));
	ui_label_set_text(pg->meta, meta);
	ui_label_set_text(pg->plot, s->info.plot);
	if (s->info.cover[0])
		ui_image_set_url(pg->poster, s->info.cover);
	ui_label_set_text(pg->status, s->info.n_eps ? "" : TR(app, "No episodes yet."));
	resume_button(b);
	s->season = 0;
	if (s->resume_ep >= 0)
		for (size_t k = 0; k < s->info.n_seasons; k++)
			if (s->info.seasons[k].number == s->info.eps[s->resume_ep].season)
				s->season = k;
	ui_list_refresh(s->seasons);
	ui_list_set_index(s->seasons, s->season);
	ui_list_refresh(s->episodes);
	ui_list_set_index(s->episodes,
			  s->resume_ep >= 0 ? (size_t)s->resume_ep - s->season_first[s->season] : 0);
	if (app_browser_details_shown(b))
		ui_widget_focus(s->resume_ep >= 0 ? s->resume : s->info.n_eps ? s->episodes : s->fav);
}

static void series_show(struct app_browser *b)
{
	struct series *s = series_of(b);
	s->info.n_seasons = s->info.n_eps = 0;
	s->loaded = false;
	s->season = 0;
	s->resume_ep = -1;
	ui_widget_set_visible(s->resume, false);
	ui_widget_set_rect(s->fav, (struct ui_rect){ 0, 0, 440, 90 });
	fav_button(b);
	ui_list_refresh(s->seasons);
	ui_list_refresh(s->episodes);
	ui_widget_focus(s->fav);
}

static void click_resume(void *user, struct ui_widget *w)
{
	struct series *s = series_of(user);
	if (s->resume_ep >= 0 && (size_t)s->resume_ep < s->info.n_eps) {
		struct app_vod_episode e = s->info.eps[s->resume_ep];
		play_episode(user, &e);
	}
}

static void click_fav(void *user, struct ui_widget *w)
{
	app_browser_favourite_toggle(user);
	fav_button(user);
}

static void series_build(struct app_browser *b, const struct app_browser_page *pg)
{
	struct series *s = series_of(b);
	struct ui_widget *row = ui_box_create(pg->screen, (struct ui_rect){ 400, 410, 1460, 90 });
	s->resume = ui_button_create(row, (struct ui_rect){ 0, 0, 440, 90 }, "", click_resume, b);
	ui_widget_set_id(s->resume, "resume");
	s->fav = ui_button_create(row, (struct ui_rect){ 460, 0, 440, 90 }, "", click_fav, b);
	ui_widget_set_id(s->fav, "favourite");
	s->seasons = ui_list_create(pg->screen, (struct ui_rect){ 60, 540, 400, 500 }, &seasons_model, b, 72);
	ui_widget_set_id(s->seasons, "seasons");
	s->episodes =
	    ui_list_create(pg->screen, (struct ui_rect){ 500, 540, 1360, 500 }, &episodes_model, b, 84);
	ui_widget_set_id(s->episodes, "episodes");
}

static void series_count(struct app *app, size_t n, char *out, size_t cap)
{
	snprintf(out, cap, TRN(app, "%zu series", "%zu series", n), n);
}

static const struct app_browser_kind series_kind = {
	.kind = LIBRARY_SERIES,
	.screen = APP_SCREEN_SERIES,
	.name = "series",
	.details = "episodes",
	.grid_id = "covers",
	.title = N_("Series"),
	.all = N_("All series"),
	.empty = N_("No series here yet. The catalogue is still loading, or this category is empty."),
	.locked = N_("This series is locked by parental control"),
	.loading = N_("Loading episodes…"),
	.offline = N_("Episodes need a connection to the server."),
	.frame = { .poster_id = "cover",
		   .poster = { 60, 60, 300, 450 },
		   .title = { 400, 50, 1460, 90 },
		   .meta = { 400, 150, 1460, 56 },
		   .plot = { 400, 215, 1460, 180 },
		   .status = { 500, 560, 1360, 60 },
		   .title_lines = 1,
		   .plot_lines = 4,
		   .plot_small = true },
	.state_size = sizeof(struct series),
	.job_size = sizeof(struct series_job),
	.count_text = series_count,
	.build_details = series_build,
	.show_details = series_show,
	.load_details = series_load,
	.render_details = series_render,
};

static struct ui_widget *series_build_screen(struct app *app)
{
	return app_browser_build(app, &series_kind);
}

static void series_refresh(struct app *app)
{
	app_browser_refresh(app, &series_kind);
}

const struct app_screen_class app_screen_series_class = {
	.name = "series",
	.build = series_build_screen,
	.refresh = series_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.free_state = app_browser_free,
};
