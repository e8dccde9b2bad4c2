/* SPDX-License-Identifier: MIT */
/* Movies, as a kind of the catalogue browser (app_browser.h): the details are get_vod_info on the
 * worker (year, duration, rating, genre, plot, cast, director), and the actions Resume at the stored
 * position, Play from the start (or Play) and the favourite toggle. */
#include "app.h"
#include "app_browser.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct movie_info {
	char plot[2048], cast[512], director[256], genre[160], release[40], cover[512];
	int64_t duration_secs;
	double rating;
	char ext[16];
};

/* The kind's state: the details body and what it shows. */
struct movie {
	struct ui_widget *people, *actions;
	struct movie_info info;
	char ext[16]; /* the container to play: the catalogue's, then get_vod_info's */
};

static struct movie *movie_of(struct app_browser *b)
{
	return app_browser_state(b);
}

/* ---- the details job (worker) ---- */

static int info_cb(void *ud, const struct xt_vod_info *v)
{
	struct movie_info *i = ud;
	snprintf(i->plot, sizeof(i->plot), "%s", v->plot ? v->plot : "");
	snprintf(i->cast, sizeof(i->cast), "%s", v->cast ? v->cast : "");
	snprintf(i->director, sizeof(i->director), "%s", v->director ? v->director : "");
	snprintf(i->genre, sizeof(i->genre), "%s", v->genre ? v->genre : "");
	snprintf(i->release, sizeof(i->release), "%s", v->release_date ? v->release_date : "");
	snprintf(i->cover, sizeof(i->cover), "%s", v->cover ? v->cover : "");
	snprintf(i->ext, sizeof(i->ext), "%s", v->container_extension);
	i->duration_secs = v->duration_secs;
	i->rating = v->rating;
	return 0;
}

static int movie_load(struct xt_client *xt, const struct app_browser_item *it, void *job)
{
	return xt_client_vod_info(xt, it->id, info_cb, job);
}

/* ---- the details page ---- */

static void movie_fill(struct app_browser *b)
{
	struct app *app = app_browser_app(b);
	struct movie *m = movie_of(b);
	const struct app_browser_item *mv = app_browser_item(b);
	const struct app_browser_page *pg = app_browser_page(b);
	const struct movie_info *i = &m->info;
	char meta[512] = "", part[128];
	size_t n = 0;
	if (mv->year > 0)
		n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%d", mv->year);
	else if (strlen(i->release) >= 4)
		n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%.4s", i->release);
	if (i->duration_secs > 0 && n < sizeof(meta)) {
		app_vod_duration_text(app, i->duration_secs, part, sizeof(part));
		n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%s%s", n ? "  ·  " : "", part);
	}
	double rating = i->rating > 0 ? i->rating : mv->rating;
	if (rating > 0 && n < sizeof(meta))
		n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%s%s %.1f", n ? "  ·  " : "",
				      TR(app, "Rating"), rating);
	if (i->genre[0] && n < sizeof(meta))
		snprintf(meta + n, sizeof(meta) - n, "%s%s", n ? "  ·  " : "", i->genre);
	ui_label_set_text(pg->meta, meta);
	ui_label_set_text(pg->plot, i->plot);
	char people[1024] = "";
	if (i->cast[0] || i->director[0])
		snprintf(people, sizeof(people), "%s%s%s%s%s", i->cast[0] ? TR(app, "Cast: ") : "", i->cast,
			 i->cast[0] && i->director[0] ? "\n" : "",
			 i->director[0] ? TR(app, "Director: ") : "", i->director);
	ui_label_set_text(m->people, people);
	if (i->cover[0])
		ui_image_set_url(pg->poster, i->cover);
	if (i->ext[0])
		snprintf(m->ext, sizeof(m->ext), "%s", i->ext);
}

static void movie_render(struct app_browser *b, void *job)
{
	movie_of(b)->info = *(const struct movie_info *)job;
	movie_fill(b);
}

/* The actions are a list drawn from the resume points at draw time, so coming back from the player
 * shows the new resume point without any notification. */
enum movie_action { ACT_RESUME, ACT_PLAY, ACT_FROM_START, ACT_FAV };

static size_t actions_of(struct app_browser *b, enum movie_action out[3], int64_t *resume_ms)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)app_browser_item(b)->id);
	int64_t at = 0, dur = 0;
	bool has = app_browser_resume_get(b, LIBRARY_VOD, id, &at, &dur) == 0 && at > 0;
	size_t n = 0;
	if (has) {
		out[n++] = ACT_RESUME;
		out[n++] = ACT_FROM_START;
	} else {
		out[n++] = ACT_PLAY;
	}
	out[n++] = ACT_FAV;
	if (resume_ms)
		*resume_ms = at;
	return n;
}

static void action_text(struct app_browser *b, size_t i, char *buf, size_t cap)
{
	struct app *app = app_browser_app(b);
	enum movie_action acts[3];
	int64_t at = 0;
	size_t n = actions_of(b, acts, &at);
	if (cap)
		buf[0] = '\0';
	if (i >= n)
		return;
	char pos[32];
	switch (acts[i]) {
	case ACT_RESUME:
		app_vod_clock_text(at, pos, sizeof(pos));
		snprintf(buf, cap, "%s %s", TR(app, "Resume from"), pos);
		break;
	case ACT_PLAY:
		snprintf(buf, cap, "%s", TR(app, "Play"));
		break;
	case ACT_FROM_START:
		snprintf(buf, cap, "%s", TR(app, "Play from start"));
		break;
	case ACT_FAV:
		snprintf(buf, cap, "%s",
			 app_browser_favourite_is(b) ? TR(app, "Remove from favourites")
						     : TR(app, "Add to favourites"));
		break;
	}
}

static size_t actions_count(void *user)
{
	enum movie_action acts[3];
	return actions_of(user, acts, NULL);
}

static void actions_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	const struct ui_theme *t = ui_draw_theme(d);
	char text[160];
	action_text(user, i, text, sizeof(text));
	ui_draw_fill(d, (struct ui_rect){ 0, 4, w, h - 8 }, focused ? t->accent : t->surface);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 16, 4, w - 32, h - 8 }, text, &st);
}

static int actions_label(void *user, size_t i, char *buf, size_t cap)
{
	action_text(user, i, buf, cap);
	return 0;
}

static void movie_start(struct app_browser *b, bool from_start)
{
	struct app *app = app_browser_app(b);
	struct movie *m = movie_of(b);
	const struct app_browser_item *mv = app_browser_item(b);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)mv->id);
	if (from_start)
		app_browser_resume_clear(b, LIBRARY_VOD, id);
	app->on_playback_ended = NULL;
	if (app_play_vod(app, mv->id, m->ext, mv->name) < 0)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This movie cannot be played."),
			      4000);
	ui_list_set_index(m->actions, 0);
}

/* PLAY on the details page resumes (or starts) the movie. */
static void movie_play(struct app_browser *b)
{
	movie_start(b, false);
}

static void actions_activate(void *user, size_t i)
{
	struct app_browser *b = user;
	enum movie_action acts[3];
	size_t n = actions_of(b, acts, NULL);
	if (i >= n)
		return;
	if (acts[i] == ACT_FAV) {
		app_browser_favourite_toggle(b);
		ui_list_refresh(movie_of(b)->actions);
	} else {
		movie_start(b, acts[i] == ACT_FROM_START);
	}
}

static const struct ui_list_model actions_model = {
	.count = actions_count, .draw = actions_draw, .activate = actions_activate, .label = actions_label
};

static void movie_build(struct app_browser *b, const struct app_browser_page *pg)
{
	struct app *app = app_browser_app(b);
	struct movie *m = movie_of(b);
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_text_style small = { .size = t->text_small,
				       .color = t->text_dim,
				       .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				       .max_lines = 3 };
	m->people = ui_label_create(pg->screen, (struct ui_rect){ 600, 640, 1240, 150 }, "", &small);
	ui_widget_set_id(m->people, "people");
	m->actions = ui_list_create(pg->screen, (struct ui_rect){ 80, 810, 460, 240 }, &actions_model, b, 80);
	ui_widget_set_id(m->actions, "actions");
}

static void movie_show(struct app_browser *b)
{
	struct movie *m = movie_of(b);
	m->info = (struct movie_info){ 0 };
	snprintf(m->ext, sizeof(m->ext), "%s", app_browser_item(b)->ext);
	movie_fill(b);
	ui_list_refresh(m->actions);
	ui_list_set_index(m->actions, 0);
	ui_widget_focus(m->actions);
}

static void movie_count(struct app *app, size_t n, char *out, size_t cap)
{
	snprintf(out, cap, TRN(app, "%zu movie", "%zu movies", n), n);
}

static const struct app_browser_kind movies_kind = {
	.kind = LIBRARY_VOD,
	.screen = APP_SCREEN_MOVIES,
	.name = "movies",
	.details = "movie",
	.grid_id = "posters",
	.title = N_("Movies"),
	.all = N_("All movies"),
	.empty = N_("No movies here yet. The catalogue is still loading, or this category is empty."),
	.locked = N_("This movie is locked by parental control"),
	.loading = N_("Loading details…"),
	.offline = N_("Details need a connection to the server."),
	.frame = { .poster_id = "poster",
		   .poster = { 80, 100, 460, 690 },
		   .title = { 600, 90, 1240, 150 },
		   .meta = { 600, 250, 1240, 60 },
		   .plot = { 600, 330, 1240, 300 },
		   .status = { 600, 800, 1240, 60 },
		   .title_lines = 2,
		   .plot_lines = 6 },
	.state_size = sizeof(struct movie),
	.job_size = sizeof(struct movie_info),
	.count_text = movie_count,
	.build_details = movie_build,
	.show_details = movie_show,
	.load_details = movie_load,
	.render_details = movie_render,
	.play = movie_play,
};

static struct ui_widget *movies_build(struct app *app)
{
	return app_browser_build(app, &movies_kind);
}

static void movies_refresh(struct app *app)
{
	app_browser_refresh(app, &movies_kind);
}

const struct app_screen_class app_screen_movies_class = {
	.name = "movies",
	.build = movies_build,
	.refresh = movies_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.free_state = app_browser_free,
};
