/* SPDX-License-Identifier: MIT */
/* The movies screen: VOD categories on one side and a virtualised poster grid on the other (a window
 * of the category is read from the library as the grid scrolls, so 100k movies cost the visible
 * posters), then a details screen with the poster, year, duration, rating, genre, plot, cast and
 * director (get_vod_info on the worker), Play from the start, Resume at the stored position, and a
 * favourite toggle. Categories the parental lock hides are left out; a locked movie in "All" shows
 * as locked. Also app_movie_open(), the details of one movie, for search, favourites and continue. */
#include "app.h"
#include "app_vod.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The categories row that asks for the PIN. */
enum { CAT_LOCKED = -2 };

enum { PAGE = 96, CAT_MAX = 512 };

struct movie {
	int64_t id;
	char name[256];
	char icon[512];
	char ext[16];
	double rating;
	int year;
	bool locked;
};

struct movie_cat {
	int64_t id; /* -1: all */
	char name[128];
};

struct movie_info {
	char plot[2048], cast[512], director[256], genre[160], release[40], cover[512];
	int64_t duration_secs;
	double rating;
	char ext[16];
};

struct movies {
	struct app *app;
	struct ui_widget *screen, *cats_list, *grid, *empty, *count_label;
	struct movie_cat *cats;
	size_t n_cats;
	size_t cat; /* index into cats */
	size_t count;
	size_t n_locked; /* categories the parental lock hides */
	bool unlocked;   /* the viewer gave the PIN: locked categories show until Qanat stops */
	struct ui_widget *pin, *pin_kb;
	/* a window of the current category, [page_base, page_base + page_n) */
	struct movie page[PAGE];
	size_t page_base, page_n;
	bool page_valid;

	/* details */
	struct ui_widget *details, *d_title, *d_meta, *d_plot, *d_people, *d_poster, *d_actions, *d_status;
	struct movie cur;
	struct movie_info info;
	unsigned info_seq;
};

/* ---- the category window ---- */

struct page_fill {
	struct movies *m;
	size_t n;
};

static struct ui_widget *build(struct app *app);

static int page_row(void *ud, const struct library_item *it)
{
	struct page_fill *f = ud;
	if (f->n >= PAGE)
		return -ENOSPC;
	struct movie *mv = &f->m->page[f->n++];
	*mv = (struct movie){ .id = it->id, .rating = it->rating, .year = it->year, .locked = it->locked };
	snprintf(mv->name, sizeof(mv->name), "%s", it->name ? it->name : "");
	snprintf(mv->icon, sizeof(mv->icon), "%s", it->icon ? it->icon : "");
	snprintf(mv->ext, sizeof(mv->ext), "%s", it->extension && it->extension[0] ? it->extension : "mp4");
	return 0;
}

static int64_t cat_id(const struct movies *m)
{
	return m->n_cats ? m->cats[m->cat].id : -1;
}

static const struct movie *movie_at(struct movies *m, size_t i)
{
	if (i >= m->count)
		return NULL;
	if (!m->page_valid || i < m->page_base || i >= m->page_base + m->page_n) {
		size_t base = i > PAGE / 4 ? i - PAGE / 4 : 0;
		struct page_fill f = { m, 0 };
		library_items(m->app->library, LIBRARY_VOD, cat_id(m), base, PAGE, page_row, &f);
		m->page_base = base;
		m->page_n = f.n;
		m->page_valid = true;
		if (i >= base + f.n)
			return NULL;
	}
	return &m->page[i - m->page_base];
}

/* ---- models ---- */

static size_t cats_count(void *user)
{
	return ((struct movies *)user)->n_cats;
}

static void cats_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct movies *m = user;
	const struct ui_theme *t = ui_draw_theme(d);
	bool current = i == m->cat;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused   ? t->accent
		     : current ? t->surface_alt
			       : t->surface);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w - 48, h }, m->cats[i].name, &st);
}

static int cats_label(void *user, size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", ((struct movies *)user)->cats[i].name);
	return 0;
}

static void movies_load(struct movies *m);

static void cats_focus(void *user, size_t i)
{
	struct movies *m = user;
	if (i == m->cat || i >= m->n_cats)
		return;
	m->cat = i;
	movies_load(m);
	ui_list_refresh(m->cats_list);
}

static void cats_activate(void *user, size_t i)
{
	struct movies *m = user;
	if (i < m->n_cats && m->cats[i].id == CAT_LOCKED && m->pin) {
		ui_keyboard_set_text(m->pin_kb, "");
		ui_screen_push(m->app->ui, m->pin);
		ui_widget_focus(m->pin_kb);
	}
}

static const struct ui_list_model cats_model = { .count = cats_count,
						 .draw = cats_draw,
						 .activate = cats_activate,
						 .focus_changed = cats_focus,
						 .label = cats_label };

static size_t grid_count(void *user)
{
	return ((struct movies *)user)->count;
}

static void grid_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct movies *m = user;
	const struct ui_theme *t = ui_draw_theme(d);
	const struct movie *mv = movie_at(m, i);
	ui_draw_fill(d, (struct ui_rect){ 6, 6, w - 12, h - 12 }, focused ? t->accent : t->surface);
	if (!mv)
		return;
	struct ui_text_style st = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_CENTER | UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				    .max_lines = 2 };
	if (mv->locked && !m->unlocked) {
		ui_draw_fill(d, (struct ui_rect){ 16, 16, w - 32, h - 110 }, t->surface_alt);
		ui_draw_text(d, (struct ui_rect){ 16, 16, w - 32, h - 110 }, TR(m->app, "Locked"),
			     &(struct ui_text_style){ .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER });
		return;
	}
	ui_draw_image(d, (struct ui_rect){ 16, 16, w - 32, h - 110 }, mv->icon);
	ui_draw_text(d, (struct ui_rect){ 14, h - 90, w - 28, 76 }, mv->name, &st);
}

static int grid_label(void *user, size_t i, char *buf, size_t cap)
{
	const struct movie *mv = movie_at(user, i);
	snprintf(buf, cap, "%s", mv ? mv->name : "");
	return 0;
}

static void details_show(struct movies *m, const struct movie *mv);

static void grid_activate(void *user, size_t i)
{
	struct movies *m = user;
	const struct movie *mv = movie_at(m, i);
	if (!mv)
		return;
	if (mv->locked && !m->unlocked) {
		ui_toast_show(m->app->ui, TR(m->app, "This movie is locked by parental control"), 3000);
		return;
	}
	struct movie copy = *mv;
	details_show(m, &copy);
}

static const struct ui_list_model grid_model = {
	.count = grid_count, .draw = grid_draw, .activate = grid_activate, .label = grid_label
};

/* ---- loading ---- */

static int cat_row(void *ud, const struct library_category *c)
{
	struct movies *m = ud;
	if (c->locked)
		m->n_locked++;
	if ((c->locked && !m->unlocked) || m->n_cats >= CAT_MAX)
		return 0;
	struct movie_cat *mc = &m->cats[m->n_cats++];
	mc->id = c->id;
	snprintf(mc->name, sizeof(mc->name), "%s", c->name ? c->name : "");
	return 0;
}

static void cats_load(struct movies *m)
{
	int64_t keep = m->n_cats ? m->cats[m->cat].id : -1;
	m->n_cats = 0;
	m->cats[m->n_cats].id = -1;
	snprintf(m->cats[m->n_cats].name, sizeof(m->cats[0].name), "%s", TR(m->app, "All movies"));
	m->n_cats++;
	m->n_locked = 0;
	library_categories(m->app->library, LIBRARY_VOD, cat_row, m);
	if (m->n_locked && !m->unlocked && m->n_cats < CAT_MAX) {
		m->cats[m->n_cats].id = CAT_LOCKED;
		snprintf(m->cats[m->n_cats].name, sizeof(m->cats[0].name), "%s",
			 TR(m->app, "Locked categories (PIN)"));
		m->n_cats++;
	}
	m->cat = 0;
	for (size_t i = 0; i < m->n_cats; i++)
		if (m->cats[i].id == keep)
			m->cat = i;
}

static void movies_load(struct movies *m)
{
	size_t n = 0;
	library_count(m->app->library, LIBRARY_VOD, cat_id(m), &n);
	m->count = n;
	m->page_valid = false;
	if (m->grid) {
		ui_list_set_index(m->grid, 0);
		ui_list_refresh(m->grid);
	}
	if (m->empty) {
		ui_widget_set_visible(m->empty, n == 0);
		ui_label_set_text(
		    m->empty,
		    cat_id(m) == CAT_LOCKED
			? TR(m->app, "Press OK and type the parental PIN to show the locked categories.")
			: TR(m->app, "No movies here yet. The catalogue is still loading, or this category "
				     "is empty."));
	}
	if (m->count_label) {
		char text[64];
		snprintf(text, sizeof(text), TRN(m->app, "%zu movie", "%zu movies", n), n);
		ui_label_set_text(m->count_label, text);
	}
}

static void movies_refresh(struct app *app)
{
	struct movies *m = app->screen_state[APP_SCREEN_MOVIES];
	if (!m || !m->screen)
		return;
	cats_load(m);
	ui_list_refresh(m->cats_list);
	ui_list_set_index(m->cats_list, m->cat);
	movies_load(m);
}

/* ---- details ---- */

struct info_job {
	struct movies *m;
	unsigned seq;
	int64_t id;
	struct movie_info info;
};

static int info_cb(void *ud, const struct xt_vod_info *v)
{
	struct movie_info *i = &((struct info_job *)ud)->info;
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

static int info_work(struct app *app, void *arg, const _Atomic bool *cancel)
{
	struct info_job *j = arg;
	if (!app->xt)
		return -ENOTCONN;
	return xt_client_vod_info(app->xt, j->id, info_cb, j);
}

static void details_fill(struct movies *m)
{
	struct app *app = m->app;
	const struct movie *mv = &m->cur;
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
	ui_label_set_text(m->d_meta, meta);
	ui_label_set_text(m->d_plot, i->plot);
	char people[1024] = "";
	if (i->cast[0] || i->director[0])
		snprintf(people, sizeof(people), "%s%s%s%s%s%s", i->cast[0] ? TR(app, "Cast: ") : "", i->cast,
			 i->cast[0] && i->director[0] ? "\n" : "",
			 i->director[0] ? TR(app, "Director: ") : "", i->director, "");
	ui_label_set_text(m->d_people, people);
	if (i->cover[0])
		ui_image_set_url(m->d_poster, i->cover);
	if (i->ext[0])
		snprintf(m->cur.ext, sizeof(m->cur.ext), "%s", i->ext);
}

static void info_done(struct app *app, void *arg, int rc)
{
	struct info_job *j = arg;
	struct movies *m = j->m;
	if (rc != -ECANCELED && app->screen_state[APP_SCREEN_MOVIES] == m && j->seq == m->info_seq &&
	    m->details) {
		if (rc >= 0) {
			m->info = j->info;
			ui_label_set_text(m->d_status, "");
			details_fill(m);
		} else {
			ui_label_set_text(
			    m->d_status, rc == -ENOTCONN ? TR(app, "Details need a connection to the server.")
							 : xt_strerror(rc));
		}
	}
	free(j);
}

/* The actions are a list drawn from the library at draw time, so coming back from the player shows
 * the new resume point without any notification. */
enum movie_action { ACT_RESUME, ACT_PLAY, ACT_FROM_START, ACT_FAV };

static size_t actions_of(struct movies *m, enum movie_action out[3], int64_t *resume_ms)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)m->cur.id);
	int64_t at = 0, dur = 0;
	bool has = library_resume_get(m->app->library, LIBRARY_VOD, id, &at, &dur) == 0 && at > 0;
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

static void action_text(struct movies *m, size_t i, char *buf, size_t cap)
{
	enum movie_action acts[3];
	int64_t at = 0;
	size_t n = actions_of(m, acts, &at);
	if (cap)
		buf[0] = '\0';
	if (i >= n)
		return;
	char pos[32], id[24];
	switch (acts[i]) {
	case ACT_RESUME:
		app_vod_clock_text(at, pos, sizeof(pos));
		snprintf(buf, cap, "%s %s", TR(m->app, "Resume from"), pos);
		break;
	case ACT_PLAY:
		snprintf(buf, cap, "%s", TR(m->app, "Play"));
		break;
	case ACT_FROM_START:
		snprintf(buf, cap, "%s", TR(m->app, "Play from start"));
		break;
	case ACT_FAV:
		snprintf(id, sizeof(id), "%lld", (long long)m->cur.id);
		snprintf(buf, cap, "%s",
			 library_favourite_is(m->app->library, LIBRARY_VOD, id) == 1
			     ? TR(m->app, "Remove from favourites")
			     : TR(m->app, "Add to favourites"));
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
	struct movies *m = user;
	const struct ui_theme *t = ui_draw_theme(d);
	char text[160];
	action_text(m, i, text, sizeof(text));
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

static void play(struct movies *m, bool from_start);

static void toggle_fav(struct movies *m)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)m->cur.id);
	bool on = library_favourite_is(m->app->library, LIBRARY_VOD, id) != 1;
	if (library_favourite_set(m->app->library, LIBRARY_VOD, id, on) == 0)
		ui_toast_show(m->app->ui,
			      on ? TR(m->app, "Added to favourites") : TR(m->app, "Removed from favourites"),
			      2000);
	ui_list_refresh(m->d_actions);
	app_screens_changed(m->app, APP_CHANGED_FAVOURITES);
}

static void actions_activate(void *user, size_t i)
{
	struct movies *m = user;
	enum movie_action acts[3];
	size_t n = actions_of(m, acts, NULL);
	if (i >= n)
		return;
	if (acts[i] == ACT_FAV)
		toggle_fav(m);
	else
		play(m, acts[i] == ACT_FROM_START);
}

static const struct ui_list_model actions_model = {
	.count = actions_count, .draw = actions_draw, .activate = actions_activate, .label = actions_label
};

static void details_show(struct movies *m, const struct movie *mv)
{
	struct app *app = m->app;
	m->cur = *mv;
	m->info = (struct movie_info){ 0 };
	ui_label_set_text(m->d_title, mv->name);
	ui_label_set_text(m->d_meta, "");
	ui_label_set_text(m->d_plot, "");
	ui_label_set_text(m->d_people, "");
	ui_label_set_text(m->d_status, TR(app, "Loading details…"));
	ui_image_set_url(m->d_poster, mv->icon);
	details_fill(m);
	ui_screen_push(app->ui, m->details);
	ui_list_refresh(m->d_actions);
	ui_list_set_index(m->d_actions, 0);
	ui_widget_focus(m->d_actions);
	struct info_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	*j = (struct info_job){ .m = m, .seq = ++m->info_seq, .id = mv->id };
	if (app_run_bg(app, info_work, info_done, j) < 0)
		free(j);
}

static void play(struct movies *m, bool from_start)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)m->cur.id);
	if (from_start) /* a position of 0 clears the point: the player starts at the beginning */
		library_resume_set(m->app->library, LIBRARY_VOD, id, 0, 0);
	m->app->on_playback_ended = NULL;
	int rc = app_play_vod(m->app, m->cur.id, m->cur.ext, m->cur.name);
	if (rc < 0)
		ui_toast_show(m->app->ui,
			      m->app->playing.error[0] ? m->app->playing.error
						       : TR(m->app, "This movie cannot be played."),
			      4000);
	ui_list_set_index(m->d_actions, 0);
}

/* PLAY on the details screen resumes (or starts) the movie. */
static bool details_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct movies *m = user;
	if (a == PLAT_ACT_PLAY || a == PLAT_ACT_PLAY_PAUSE) {
		play(m, false);
		return true;
	}
	return false;
}

static void build_details(struct movies *m)
{
	struct app *app = m->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = m->details = ui_screen_create(app->ui, "movie");
	if (!s)
		return;
	ui_widget_set_background(s, t->bg);
	ui_screen_on_action(s, details_keys, m);
	m->d_poster = ui_image_create(s, (struct ui_rect){ 80, 100, 460, 690 }, "");
	ui_widget_set_id(m->d_poster, "poster");
	struct ui_text_style title = { .size = t->text_title,
				       .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				       .max_lines = 2 };
	m->d_title = ui_label_create(s, (struct ui_rect){ 600, 90, 1240, 150 }, "", &title);
	ui_widget_set_id(m->d_title, "title");
	struct ui_text_style dim = { .size = t->text_body, .color = t->text_dim, .flags = UI_TEXT_ELLIPSIS };
	m->d_meta = ui_label_create(s, (struct ui_rect){ 600, 250, 1240, 60 }, "", &dim);
	ui_widget_set_id(m->d_meta, "meta");
	struct ui_text_style body = { .size = t->text_body,
				      .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				      .max_lines = 6 };
	m->d_plot = ui_label_create(s, (struct ui_rect){ 600, 330, 1240, 300 }, "", &body);
	ui_widget_set_id(m->d_plot, "plot");
	struct ui_text_style small = { .size = t->text_small,
				       .color = t->text_dim,
				       .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				       .max_lines = 3 };
	m->d_people = ui_label_create(s, (struct ui_rect){ 600, 640, 1240, 150 }, "", &small);
	ui_widget_set_id(m->d_people, "people");
	m->d_actions = ui_list_create(s, (struct ui_rect){ 80, 810, 460, 240 }, &actions_model, m, 80);
	ui_widget_set_id(m->d_actions, "actions");
	m->d_status = ui_label_create(s, (struct ui_rect){ 600, 800, 1240, 60 }, "", &small);
	ui_widget_set_id(m->d_status, "status");
}

/* The PIN typed on the "Locked categories" row: right, and the locked categories show. */
static void pin_done(void *user, struct ui_widget *w, const char *text)
{
	struct movies *m = user;
	struct app *app = m->app;
	bool ok = app_vod_pin_unlock(app, text);
	ui_keyboard_set_text(w, "");
	if (!ok)
		return;
	m->unlocked = true;
	if (ui_screen_top(app->ui) == m->pin)
		ui_screen_pop(app->ui);
	ui_toast_show(app->ui, TR(app, "Locked categories are shown until Qanat is closed."), 4000);
	movies_refresh(app);
}

/* ---- the screen ---- */

static void movies_free(void *p)
{
	struct movies *m = p;
	free(m->cats);
	free(m);
}

static struct movies *movies_state(struct app *app)
{
	struct movies *m = app->screen_state[APP_SCREEN_MOVIES];
	if (m)
		return m;
	m = calloc(1, sizeof(*m));
	struct movie_cat *cats = calloc(CAT_MAX + 1, sizeof(*cats));
	if (!m || !cats) {
		free(m);
		free(cats);
		return NULL;
	}
	m->app = app;
	m->cats = cats;
	app->screen_state[APP_SCREEN_MOVIES] = m;
	return m;
}

/* Shows the details of one movie from another screen (search, favourites, continue watching). */
int app_movie_open(struct app *app, int64_t id)
{
	if (!app->screens[APP_SCREEN_MOVIES]) {
		app->screens[APP_SCREEN_MOVIES] = build(app);
		if (!app->screens[APP_SCREEN_MOVIES])
			return -ENOMEM;
	}
	struct movies *m = app->screen_state[APP_SCREEN_MOVIES];
	struct page_fill f = { m, 0 };
	/* borrow the last slot of the window: the window is reloaded on the next draw */
	struct movie saved = m->page[0];
	int rc = library_item(app->library, LIBRARY_VOD, id, page_row, &f);
	struct movie mv = m->page[0];
	m->page[0] = saved;
	if (rc < 0 || f.n == 0)
		return rc < 0 ? rc : -ENOENT;
	if (mv.locked && !m->unlocked) {
		ui_toast_show(app->ui, TR(app, "This movie is locked by parental control"), 3000);
		return -EACCES;
	}
	details_show(m, &mv);
	return 0;
}

static struct ui_widget *build(struct app *app)
{
	struct movies *m = movies_state(app);
	if (!m)
		return NULL;
	if (m->details && m->details != ui_screen_top(app->ui))
		ui_screen_destroy(&m->details);
	if (m->pin && m->pin != ui_screen_top(app->ui))
		ui_screen_destroy(&m->pin);
	m->pin = m->pin_kb = NULL;
	m->details = NULL;
	m->cats_list = m->grid = m->empty = m->count_label = NULL;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = m->screen = ui_screen_create(app->ui, "movies");
	if (!s)
		return NULL;
	app_vod_header(app, s, TR(app, "Movies"));
	struct ui_text_style dim = { .size = t->text_small,
				     .color = t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	m->count_label = ui_label_create(s, (struct ui_rect){ 1360, 40, 500, 60 }, "", &dim);
	ui_widget_set_id(m->count_label, "count");
	cats_load(m);
	m->cats_list = ui_list_create(s, (struct ui_rect){ 60, 140, 460, 900 }, &cats_model, m, 72);
	ui_widget_set_id(m->cats_list, "categories");
	m->grid = ui_grid_create(s, (struct ui_rect){ 560, 140, 1320, 900 }, &grid_model, m, 264, 440);
	ui_widget_set_id(m->grid, "posters");
	struct ui_text_style body = { .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_WRAP };
	m->empty = ui_label_create(
	    s, (struct ui_rect){ 600, 400, 1240, 200 },
	    TR(app, "No movies here yet. The catalogue is still loading, or this category is empty."), &body);
	ui_widget_set_id(m->empty, "empty");
	ui_list_set_index(m->cats_list, m->cat);
	movies_load(m);
	build_details(m);
	m->pin = app_vod_pin_screen(
	    app, TR(app, "Type the parental PIN to show the locked categories, then Done."), pin_done, m,
	    &m->pin_kb);
	ui_widget_focus(m->count ? m->grid : m->cats_list);
	return s;
}

const struct app_screen_class app_screen_movies_class = {
	.name = "movies",
	.build = build,
	.refresh = movies_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.free_state = movies_free,
};
