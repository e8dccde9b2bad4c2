/* SPDX-License-Identifier: MIT */
/* The guide grid: channels down, time across, virtualised on both axes. Only the visible rows are
 * asked for, and only for the visible time window, so a 20k-channel guide over days of programmes
 * costs one screen of cells. LEFT/RIGHT walk programmes in a row (scrolling time by half hours), and
 * UP/DOWN keep the time the viewer was looking at (the anchor), the way TV guides behave. In a
 * right-to-left UI time runs right to left and LEFT/RIGHT follow the eye. */
#include "ui_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { ITEMS_CAP = 64, HEADER_H = 64, GAP = 4 };
#define STEP_MS (30LL * 60 * 1000)
#define DAY_MS (24LL * 60 * 60 * 1000)

struct guide {
	const struct ui_guide_model *m; /* borrowed */
	void *user;
	int64_t start, span;
	int ch_w, row_h;
	size_t first_row, row;
	struct ui_guide_item focus;
	bool has_item;
	int64_t anchor; /* the time kept when moving between rows */
};

static size_t rows(const struct guide *g)
{
	return g->m->rows ? g->m->rows(g->user) : 0;
}

static size_t vis_rows(const struct ui_widget *w)
{
	const struct guide *g = w->data;
	int h = w->rect.h - HEADER_H;
	size_t r = h > 0 ? (size_t)(h / g->row_h) : 0;
	return r ? r : 1;
}

static int time_x(const struct ui_widget *w, int64_t t)
{
	const struct guide *g = w->data;
	int track = w->rect.w - g->ch_w;
	if (t < g->start)
		t = g->start;
	if (t > g->start + g->span)
		t = g->start + g->span;
	return g->ch_w + (int)((t - g->start) * track / g->span);
}

static struct ui_rect cell_rect(const struct ui_widget *w, size_t row, int64_t s, int64_t e)
{
	const struct guide *g = w->data;
	int x0 = time_x(w, s), x1 = time_x(w, e);
	int y = HEADER_H + (int)(row - g->first_row) * g->row_h;
	return (struct ui_rect){ x0 + GAP / 2, y, x1 - x0 - GAP, g->row_h - GAP };
}

static void draw_header(struct ui_widget *w, struct ui_draw *d)
{
	struct guide *g = w->data;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, d->dw, HEADER_H - GAP }, t->surface_alt);
	struct ui_text_style st = { .size = t->text_small, .color = t->text_dim, .flags = UI_TEXT_MIDDLE };
	int64_t first = (g->start + STEP_MS - 1) / STEP_MS * STEP_MS;
	for (int64_t m = first; m < g->start + g->span; m += STEP_MS) {
		time_t secs = (time_t)(m / 1000);
		struct tm tm;
		char label[16] = "";
		if (localtime_r(&secs, &tm))
			strftime(label, sizeof(label), "%H:%M", &tm);
		int x = time_x(w, m);
		ui_draw_fill(d, (struct ui_rect){ x, HEADER_H - 20, 2, 16 }, t->text_dim);
		ui_draw_text(d, (struct ui_rect){ x + 10, 0, 160, HEADER_H - GAP }, label, &st);
	}
}

static void guide_draw(struct ui_widget *w, struct ui_draw *d)
{
	struct guide *g = w->data;
	const struct ui_theme *t = ui_draw_theme(d);
	draw_header(w, d);
	size_t n = rows(g), vis = vis_rows(w) + 1;
	bool focused = ui_widget_is_focused(w);
	SDL_Rect clip;
	SDL_RenderGetClipRect(d->r, &clip);
	struct ui_guide_item items[ITEMS_CAP];
	size_t drawn = 0;
	for (size_t r = g->first_row; r < g->first_row + vis && r < n; r++) {
		int y = HEADER_H + (int)(r - g->first_row) * g->row_h;
		struct ui_rect ch = { 0, y, g->ch_w - GAP, g->row_h - GAP };
		SDL_Rect rowpx = ui_draw_map(d, (struct ui_rect){ 0, y, d->dw, g->row_h });
		if (!SDL_HasIntersection(&rowpx, &clip))
			continue;
		struct ui_draw sub = ui_draw_sub(d, ch);
		SDL_Rect in;
		bool peeks = !SDL_IntersectRect(&rowpx, &d->px, &in) || !SDL_RectEquals(&in, &rowpx);
		if (peeks) /* the row under the last full one: cut by the viewport, not clipped */
			ui_ctx_partial_item(w->ctx, &rowpx);
		g->m->draw_channel(g->user, &sub, r, ch.w, ch.h, focused && r == g->row);
		size_t k = g->m->items(g->user, r, g->start, g->start + g->span, items, ITEMS_CAP);
		for (size_t i = 0; i < k && i < ITEMS_CAP; i++) {
			struct ui_rect cr = cell_rect(w, r, items[i].start_ms, items[i].end_ms);
			if (cr.w <= 0)
				continue;
			bool f = focused && r == g->row && g->has_item && items[i].id == g->focus.id &&
				 items[i].start_ms == g->focus.start_ms;
			struct ui_draw cs = ui_draw_sub(d, cr);
			g->m->draw_item(g->user, &cs, r, &items[i], cr.w, cr.h, f);
			SDL_RenderSetClipRect(d->r, &clip);
			drawn++;
		}
		if (peeks)
			ui_ctx_partial_item(w->ctx, NULL);
		drawn++;
	}
	ui_ctx_count_items(w->ctx, drawn);
	int64_t now = ui_ctx_wall_ms(w->ctx);
	if (now >= g->start && now < g->start + g->span)
		ui_draw_fill(d, (struct ui_rect){ time_x(w, now) - 2, 0, 4, d->dh }, t->danger);
}

/* The item of row that contains time at, if any. */
static bool item_at(struct guide *g, size_t row, int64_t at, struct ui_guide_item *out)
{
	struct ui_guide_item items[ITEMS_CAP];
	size_t k = g->m->items(g->user, row, at, at + 1, items, ITEMS_CAP);
	for (size_t i = 0; i < k && i < ITEMS_CAP; i++) {
		if (items[i].start_ms <= at && items[i].end_ms > at) {
			*out = items[i];
			return true;
		}
	}
	return false;
}

static void scroll_time(struct guide *g)
{
	if (!g->has_item)
		return;
	const struct ui_guide_item *it = &g->focus;
	/* bounded: the loops move at most a day's worth of steps */
	for (int i = 0;
	     i < 48 && it->start_ms >= g->start + g->span - g->span / 4 && it->end_ms > g->start + g->span;
	     i++)
		g->start += STEP_MS;
	for (int i = 0; i < 48 && it->start_ms < g->start && it->end_ms <= g->start + g->span / 4; i++)
		g->start -= STEP_MS;
	if (it->start_ms >= g->start + g->span || it->end_ms <= g->start)
		g->start = it->start_ms / STEP_MS * STEP_MS;
}

static void scroll_rows(struct ui_widget *w)
{
	struct guide *g = w->data;
	size_t vis = vis_rows(w);
	if (g->row < g->first_row)
		g->first_row = g->row;
	else if (g->row >= g->first_row + vis)
		g->first_row = g->row - vis + 1;
}

static bool step_item(struct guide *g, bool next)
{
	if (!g->has_item)
		return false;
	struct ui_guide_item items[ITEMS_CAP];
	int64_t from = next ? g->focus.end_ms : g->focus.start_ms - DAY_MS;
	int64_t to = next ? g->focus.end_ms + DAY_MS : g->focus.start_ms;
	size_t k = g->m->items(g->user, g->row, from, to, items, ITEMS_CAP);
	if (k > ITEMS_CAP)
		k = ITEMS_CAP;
	for (size_t i = 0; i < k; i++) {
		size_t j = next ? i : k - 1 - i;
		bool ok = next ? items[j].start_ms >= g->focus.end_ms : items[j].end_ms <= g->focus.start_ms;
		if (ok) {
			g->focus = items[j];
			g->anchor = items[j].start_ms > g->start ? items[j].start_ms : g->start;
			return true;
		}
	}
	return false;
}

static void focus_row(struct ui_widget *w, size_t row)
{
	struct guide *g = w->data;
	g->row = row;
	int64_t at = g->anchor;
	if (at < g->start)
		at = g->start;
	g->has_item = item_at(g, row, at, &g->focus);
	if (!g->has_item)
		g->focus = (struct ui_guide_item){ 0 };
	scroll_rows(w);
}

static bool guide_action(struct ui_widget *w, enum plat_action a)
{
	struct guide *g = w->data;
	size_t n = rows(g), page = vis_rows(w);
	if (n == 0)
		return false;
	bool used = true;
	switch (ui_logical_action(w, a)) {
	case PLAT_ACT_LEFT:
		used = step_item(g, false);
		scroll_time(g);
		break;
	case PLAT_ACT_RIGHT:
		used = step_item(g, true);
		scroll_time(g);
		break;
	case PLAT_ACT_UP:
		if (g->row == 0)
			return false;
		focus_row(w, g->row - 1);
		break;
	case PLAT_ACT_DOWN:
		if (g->row + 1 >= n)
			return false;
		focus_row(w, g->row + 1);
		break;
	case PLAT_ACT_PAGE_UP:
	case PLAT_ACT_CH_UP:
		focus_row(w, g->row > page ? g->row - page : 0);
		break;
	case PLAT_ACT_PAGE_DOWN:
	case PLAT_ACT_CH_DOWN:
		focus_row(w, g->row + page < n ? g->row + page : n - 1);
		break;
	case PLAT_ACT_OK:
		if (!g->m->activate)
			return false;
		g->m->activate(g->user, g->row, g->has_item ? &g->focus : NULL);
		return true;
	default:
		return false;
	}
	if (used)
		ui_widget_invalidate(w);
	return used;
}

static void guide_focus_rect(struct ui_widget *w, SDL_Rect *px)
{
	struct guide *g = w->data;
	struct ui_draw d = { .ctx = w->ctx, .dw = w->rect.w, .dh = w->rect.h };
	ui_widget_px(w, &d.px, &d.mirror);
	struct ui_rect r;
	if (g->has_item)
		r = cell_rect(w, g->row, g->focus.start_ms, g->focus.end_ms);
	else
		r = (struct ui_rect){ 0, HEADER_H + (int)(g->row - g->first_row) * g->row_h, g->ch_w - GAP,
				      g->row_h - GAP };
	*px = ui_draw_map(&d, r);
}

static long guide_item(const struct ui_widget *w, char *label, size_t cap)
{
	const struct guide *g = w->data;
	if (g->m->label && label && cap)
		g->m->label(g->user, g->row, g->has_item ? &g->focus : NULL, label, cap);
	return (long)g->row;
}

static const struct ui_widget_class guide_class = { .kind = "guide",
						    .draw = guide_draw,
						    .action = guide_action,
						    .focus_rect = guide_focus_rect,
						    .item = guide_item };

struct ui_widget *ui_guide_create(struct ui_widget *parent, struct ui_rect r, const struct ui_guide_model *m,
				  void *user, int64_t start_ms, int64_t span_ms, int channel_w, int row_h)
{
	if (!m || !m->rows || !m->items || !m->draw_channel || !m->draw_item || span_ms <= 0 || row_h <= 0 ||
	    channel_w >= r.w)
		return NULL;
	struct ui_widget *w = ui_widget_new(parent, &guide_class, r, sizeof(struct guide));
	if (!w)
		return NULL;
	struct guide *g = w->data;
	*g = (struct guide){
		.m = m, .user = user, .start = start_ms, .span = span_ms, .ch_w = channel_w, .row_h = row_h
	};
	int64_t now = ui_ctx_wall_ms(w->ctx);
	g->anchor = now >= start_ms && now < start_ms + span_ms ? now : start_ms;
	w->focusable = true;
	if (rows(g))
		focus_row(w, 0);
	return w;
}

void ui_guide_focus(const struct ui_widget *w, size_t *row, struct ui_guide_item *it)
{
	const struct guide *g = w->data;
	*row = g->row;
	*it = g->has_item ? g->focus : (struct ui_guide_item){ 0 };
}

void ui_guide_window(const struct ui_widget *w, size_t *first_row, int64_t *start_ms)
{
	const struct guide *g = w->data;
	*first_row = g->first_row;
	*start_ms = g->start;
}
