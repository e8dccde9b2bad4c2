/* SPDX-License-Identifier: MIT */
/* Virtualised list and grid: one widget whatever the number of items. The model gives the count and
 * draws item i on demand, and only items inside the redrawn area are asked for, so a 100k-row list
 * costs what its dozen visible rows cost. The widget owns navigation inside itself and passes a
 * direction up when it is at an edge (so the container can move the focus out). In a right-to-left UI
 * grid rows flow right to left and LEFT/RIGHT follow the eye. */
#include "ui_internal.h"

#include <errno.h>

struct list {
	const struct ui_list_model *m; /* borrowed */
	void *user;
	int cell_w, cell_h, gap; /* design units; cell_w 0 = the list's width */
	bool grid;
	size_t index, first_row;
};

static size_t count(const struct list *l)
{
	return l->m->count ? l->m->count(l->user) : 0;
}

static size_t columns(const struct ui_widget *w)
{
	const struct list *l = w->data;
	if (!l->grid || l->cell_w <= 0)
		return 1;
	size_t c = (size_t)(w->rect.w / l->cell_w);
	return c ? c : 1;
}

static size_t full_rows(const struct ui_widget *w)
{
	const struct list *l = w->data;
	size_t r = (size_t)(w->rect.h / l->cell_h);
	return r ? r : 1;
}

static struct ui_rect item_rect(const struct ui_widget *w, size_t index)
{
	const struct list *l = w->data;
	size_t cols = columns(w), row = index / cols, col = index % cols;
	int cw = l->grid ? l->cell_w : w->rect.w;
	long y = ((long)row - (long)l->first_row) * l->cell_h;
	return (struct ui_rect){ (int)col * cw, (int)y, cw - (l->grid ? l->gap : 0), l->cell_h - l->gap };
}

static struct ui_draw widget_draw(struct ui_widget *w)
{
	struct ui_draw d = { .ctx = w->ctx, .dw = w->rect.w, .dh = w->rect.h };
	ui_widget_px(w, &d.px, &d.mirror);
	return d;
}

static void list_draw(struct ui_widget *w, struct ui_draw *d)
{
	struct list *l = w->data;
	size_t n = count(l), cols = columns(w);
	size_t rows = (size_t)(w->rect.h + l->cell_h - 1) / (size_t)l->cell_h;
	SDL_Rect clip;
	SDL_RenderGetClipRect(d->r, &clip);
	bool focused = ui_widget_is_focused(w);
	size_t drawn = 0;
	for (size_t r = l->first_row; r < l->first_row + rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = r * cols + c;
			if (i >= n)
				break;
			struct ui_rect ir = item_rect(w, i);
			SDL_Rect px = ui_draw_map(d, ir);
			if (!SDL_HasIntersection(&px, &clip))
				continue;
			struct ui_draw sub = ui_draw_sub(d, ir);
			SDL_Rect in;
			bool peeks = !SDL_IntersectRect(&px, &d->px, &in) || !SDL_RectEquals(&in, &px);
			if (peeks) /* a row scrolled partly out: its texts are cut by the viewport, not clipped */
				ui_ctx_partial_item(w->ctx, &px);
			l->m->draw(l->user, &sub, i, ir.w, ir.h, focused && i == l->index);
			if (peeks)
				ui_ctx_partial_item(w->ctx, NULL);
			SDL_RenderSetClipRect(d->r, &clip); /* a model may not leave its own clip behind */
			drawn++;
		}
	}
	ui_ctx_count_items(w->ctx, drawn);
}

static void invalidate_item(struct ui_widget *w, size_t index)
{
	struct ui_draw d = widget_draw(w);
	SDL_Rect px = ui_draw_map(&d, item_rect(w, index));
	ui_ctx_dirty(w->ctx, &px);
}

static void move_to(struct ui_widget *w, size_t index)
{
	struct list *l = w->data;
	size_t n = count(l);
	if (n == 0)
		index = 0;
	else if (index >= n)
		index = n - 1;
	size_t cols = columns(w), row = index / cols, vis = full_rows(w), first = l->first_row;
	if (row < first)
		first = row;
	else if (row >= first + vis)
		first = row - vis + 1;
	if (first != l->first_row) {
		l->first_row = first;
		ui_widget_invalidate(w);
	} else if (index != l->index) {
		invalidate_item(w, l->index);
		invalidate_item(w, index);
	}
	bool changed = index != l->index;
	l->index = index;
	if (changed && l->m->focus_changed)
		l->m->focus_changed(l->user, index);
}

static bool list_action(struct ui_widget *w, enum plat_action a)
{
	struct list *l = w->data;
	size_t n = count(l), cols = columns(w), i = l->index;
	if (n == 0)
		return false;
	size_t col = i % cols, last_row = (n - 1) / cols, page = full_rows(w) * cols;
	switch (ui_logical_action(w, a)) {
	case PLAT_ACT_UP:
		if (i >= cols)
			move_to(w, i - cols);
		else if (w->wrap_v)
			move_to(w, last_row * cols + col < n ? last_row * cols + col : n - 1);
		else
			return false;
		return true;
	case PLAT_ACT_DOWN:
		if (i + cols < n)
			move_to(w, i + cols);
		else if (i / cols < last_row) /* the last row is short: nearest is its last item */
			move_to(w, n - 1);
		else if (w->wrap_v)
			move_to(w, col);
		else
			return false;
		return true;
	case PLAT_ACT_LEFT:
		if (cols == 1)
			return false;
		if (col > 0)
			move_to(w, i - 1);
		else if (w->wrap_h)
			move_to(w, i + cols - 1 < n ? i + cols - 1 : n - 1);
		else
			return false;
		return true;
	case PLAT_ACT_RIGHT:
		if (cols == 1)
			return false;
		if (col + 1 < cols && i + 1 < n)
			move_to(w, i + 1);
		else if (w->wrap_h)
			move_to(w, i - col);
		else
			return false;
		return true;
	case PLAT_ACT_PAGE_DOWN:
	case PLAT_ACT_CH_DOWN:
		move_to(w, i + page < n ? i + page : n - 1);
		return true;
	case PLAT_ACT_PAGE_UP:
	case PLAT_ACT_CH_UP:
		move_to(w, i >= page ? i - page : col);
		return true;
	case PLAT_ACT_OK:
		if (!l->m->activate)
			return false;
		l->m->activate(l->user, i);
		return true;
	default:
		return false;
	}
}

static void list_focus_rect(struct ui_widget *w, SDL_Rect *px)
{
	struct list *l = w->data;
	struct ui_draw d = widget_draw(w);
	if (count(l) == 0) {
		*px = d.px;
		return;
	}
	SDL_Rect r = ui_draw_map(&d, item_rect(w, l->index)), c;
	*px = SDL_IntersectRect(&r, &d.px, &c) ? c : d.px;
}

static long list_item(const struct ui_widget *w, char *label, size_t cap)
{
	const struct list *l = w->data;
	if (count(l) == 0)
		return -1;
	if (l->m->label && label && cap)
		l->m->label(l->user, l->index, label, cap);
	return (long)l->index;
}

static const struct ui_widget_class list_class = { .kind = "list",
						   .draw = list_draw,
						   .action = list_action,
						   .focus_rect = list_focus_rect,
						   .item = list_item };
static const struct ui_widget_class grid_class = { .kind = "grid",
						   .draw = list_draw,
						   .action = list_action,
						   .focus_rect = list_focus_rect,
						   .item = list_item };

static struct ui_widget *create(struct ui_widget *parent, const struct ui_widget_class *cls, struct ui_rect r,
				const struct ui_list_model *m, void *user, int cell_w, int cell_h, int gap)
{
	if (!m || !m->draw || !m->count || cell_h <= 0)
		return NULL;
	struct ui_widget *w = ui_widget_new(parent, cls, r, sizeof(struct list));
	if (!w)
		return NULL;
	struct list *l = w->data;
	*l = (struct list){ .m = m,
			    .user = user,
			    .cell_w = cell_w,
			    .cell_h = cell_h,
			    .gap = gap,
			    .grid = cls == &grid_class };
	w->focusable = true;
	return w;
}

struct ui_widget *ui_list_create(struct ui_widget *parent, struct ui_rect r, const struct ui_list_model *m,
				 void *user, int row_h)
{
	return create(parent, &list_class, r, m, user, 0, row_h, 6);
}

struct ui_widget *ui_grid_create(struct ui_widget *parent, struct ui_rect r, const struct ui_list_model *m,
				 void *user, int cell_w, int cell_h)
{
	if (cell_w <= 0)
		return NULL;
	return create(parent, &grid_class, r, m, user, cell_w, cell_h, 20);
}

static bool is_list(const struct ui_widget *w)
{
	return w && (w->cls == &list_class || w->cls == &grid_class);
}

size_t ui_list_index(const struct ui_widget *w)
{
	return is_list(w) ? ((const struct list *)w->data)->index : 0;
}

void ui_list_set_index(struct ui_widget *w, size_t index)
{
	if (is_list(w))
		move_to(w, index);
}

void ui_list_refresh(struct ui_widget *w)
{
	if (!is_list(w))
		return;
	struct list *l = w->data;
	move_to(w, l->index);
	ui_widget_invalidate(w);
}

void ui_list_visible(const struct ui_widget *w, size_t *first, size_t *n)
{
	*first = *n = 0;
	if (!is_list(w))
		return;
	const struct list *l = w->data;
	size_t cols = columns(w), total = count(l);
	size_t rows = (size_t)(w->rect.h + l->cell_h - 1) / (size_t)l->cell_h;
	*first = l->first_row * cols;
	size_t end = (l->first_row + rows) * cols;
	*n = *first < total ? (end < total ? end : total) - *first : 0;
}
