/* SPDX-License-Identifier: MIT */
/* The core of the toolkit: the context, the screen stack, the widget tree, focus navigation by
 * remote actions (containers own it: a widget that cannot use a direction passes it up, and each
 * container looks for the nearest focusable widget that way inside itself), the animated focus ring,
 * and the frame: dirty rectangles are redrawn into a persistent scene texture (alpha where the video
 * layer shows through), composed over the video layer and presented. No dirty region, no frame. */
#include "ui_internal.h"

#include "plat_clock.h"
#include "plat_display_sdl.h"
#include "plat_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
	STACK_MAX = 16,
	SCREENS_MAX = 64,
	SEEN_MAX = 4096, /* texts noted in one frame */
	DIRTY_MAX = 8,
	TRACK_MAX = 64,
	WAITING_MAX = 128,
	FRAME_RING = 4096,
	RING_STEP_MS = 16, /* one display frame: the gliding focus ring moves at every one */
};

struct screen_data {
	char name[32];
	bool overlay, autofree, on_stack;
	struct ui_widget *focus; /* the focused widget: the screen's focus memory */
};

struct waiting {
	uint64_t hash;
	SDL_Rect px;
};

struct ui_ctx {
	struct plat_display *display; /* borrowed */
	SDL_Renderer *r;              /* borrowed from the display */
	struct ui_theme theme;
	bool rtl, virtual_time;
	uint64_t vnow_ms, mono0_ms;
	int64_t wall0_ms;
	struct ui_text *text;
	struct ui_imgcache *images;
	uint32_t wake_event; /* pushed by the image workers; fixed at creation */
	/* The owner's wake-up, called by image_watch on the workers' threads under SDL's event-watch
	 * lock: changed only while the watch is removed (ui_ctx_set_wake). */
	void (*wake)(void *user);
	void *wake_user;
	/* ui_ctx_set_action_hook: sees every action before the screens (standby) */
	bool (*action_hook)(void *user, enum plat_action a);
	void *action_hook_user;

	struct ui_widget *screens[SCREENS_MAX]; /* every screen created, owned */
	size_t n_screens;
	struct ui_widget *stack[STACK_MAX];
	size_t depth;
	struct ui_widget *deferred[STACK_MAX]; /* popped auto-free screens, freed after the action */
	size_t n_deferred;
	struct {
		void (*fn)(void *user);
		void *user;
	} later[16];
	size_t n_later;

	SDL_Texture *scene;
	int out_w, out_h;
	SDL_Rect dirty[DIRTY_MAX];
	size_t n_dirty;
	bool full_dirty;
	bool recompose; /* present again without redrawing the scene */

	struct ui_widget *tracked[TRACK_MAX]; /* animating widgets and video layers */
	size_t n_tracked;
	struct waiting waiting[WAITING_MAX]; /* placeholders drawn, redrawn when their image arrives */
	size_t n_waiting;
	bool waiting_overflow;

	/* focus ring animation, output pixels */
	SDL_Rect ring_from, ring_to, ring_drawn;
	uint64_t ring_t0;
	uint64_t ring_step_ms; /* when its last step was computed (a frame) */
	bool ring_valid, ring_shown;
	const struct ui_widget *ring_widget;

	char toast[256];
	uint64_t toast_until;
	SDL_Rect toast_px;

	ui_keymap_fn keymap;
	void *keymap_user;
	bool quit;

	uint32_t frame_us[FRAME_RING];
	unsigned long frames;
	unsigned long dirty_px_last;
	unsigned long items_drawn;

	/* texts noted while ui_ctx_texts() redraws (collecting) */
	bool collecting;
	const char *drawing_screen; /* name of the screen being drawn, borrowed during the draw */
	SDL_Rect partial_px;        /* a list item only partly in view (w 0: none) */
	struct ui_text_seen *seen;
	size_t n_seen, cap_seen;
};

static const struct ui_widget_class screen_class = { .kind = "screen" };

/* ---- small helpers ---- */

SDL_Color ui_sdl_color(struct ui_color c)
{
	return (SDL_Color){ c.r, c.g, c.b, c.a };
}

int ui_px(const struct ui_ctx *ctx, int design)
{
	long v = (long)design * ctx->out_h;
	return (int)(v >= 0 ? (v + UI_DESIGN_HEIGHT / 2) / UI_DESIGN_HEIGHT
			    : -((-v + UI_DESIGN_HEIGHT / 2) / UI_DESIGN_HEIGHT));
}

int ui_ctx_px(const struct ui_ctx *ctx, int design)
{
	return ui_px(ctx, design);
}

static bool rect_empty(const SDL_Rect *r)
{
	return r->w <= 0 || r->h <= 0;
}

static SDL_Rect rect_union(const SDL_Rect *a, const SDL_Rect *b)
{
	if (rect_empty(a))
		return *b;
	if (rect_empty(b))
		return *a;
	SDL_Rect u;
	SDL_UnionRect(a, b, &u);
	return u;
}

struct ui_text *ui_ctx_text(struct ui_ctx *ctx)
{
	return ctx->text;
}

SDL_Renderer *ui_ctx_renderer(struct ui_ctx *ctx)
{
	return ctx->r;
}

void ui_ctx_recompose(struct ui_ctx *ctx)
{
	ctx->recompose = true;
}

struct ui_imgcache *ui_ctx_images(struct ui_ctx *ctx)
{
	return ctx->images;
}

/* ---- clocks ---- */

uint64_t ui_ctx_now_ms(const struct ui_ctx *ctx)
{
	return ctx->virtual_time ? ctx->vnow_ms : plat_clock_mono_ms() - ctx->mono0_ms;
}

int64_t ui_ctx_wall_ms(const struct ui_ctx *ctx)
{
	return ctx->virtual_time ? ctx->wall0_ms + (int64_t)ctx->vnow_ms : plat_clock_wall_ms();
}

void ui_ctx_advance(struct ui_ctx *ctx, uint32_t ms)
{
	if (ctx->virtual_time)
		ctx->vnow_ms += ms;
}

/* ---- dirty region ---- */

void ui_ctx_dirty(struct ui_ctx *ctx, const SDL_Rect *px)
{
	SDL_Rect screen = { 0, 0, ctx->out_w, ctx->out_h }, r;
	if (ctx->full_dirty || !SDL_IntersectRect(px, &screen, &r))
		return;
	for (size_t i = 0; i < ctx->n_dirty; i++) {
		if (SDL_HasIntersection(&ctx->dirty[i], &r)) {
			ctx->dirty[i] = rect_union(&ctx->dirty[i], &r);
			return;
		}
	}
	if (ctx->n_dirty < DIRTY_MAX) {
		ctx->dirty[ctx->n_dirty++] = r;
		return;
	}
	/* Full: merge into the rectangle that grows least. */
	size_t best = 0;
	long best_growth = -1;
	for (size_t i = 0; i < ctx->n_dirty; i++) {
		SDL_Rect u = rect_union(&ctx->dirty[i], &r);
		long g = (long)u.w * u.h - (long)ctx->dirty[i].w * ctx->dirty[i].h;
		if (best_growth < 0 || g < best_growth) {
			best_growth = g;
			best = i;
		}
	}
	ctx->dirty[best] = rect_union(&ctx->dirty[best], &r);
}

static void dirty_all(struct ui_ctx *ctx)
{
	ctx->full_dirty = true;
	ctx->n_dirty = 0;
}

/* ---- widget geometry ---- */

struct ui_widget *ui_widget_screen(const struct ui_widget *w)
{
	while (w && w->parent)
		w = w->parent;
	return (struct ui_widget *)w;
}

/* Absolute design rect of w and whether its content is mirrored. */
static void abs_rect(const struct ui_widget *w, struct ui_rect *out, bool *content_mirrored)
{
	if (!w->parent) {
		*out = (struct ui_rect){ 0, 0, UI_DESIGN_WIDTH, UI_DESIGN_HEIGHT };
		if (w->ctx->out_h > 0)
			out->w = (int)((long)w->ctx->out_w * UI_DESIGN_HEIGHT / w->ctx->out_h);
		*content_mirrored = w->ctx->rtl && w->mirror;
		return;
	}
	struct ui_rect p;
	bool pm;
	abs_rect(w->parent, &p, &pm);
	int x = pm ? p.w - w->rect.x - w->rect.w : w->rect.x;
	*out = (struct ui_rect){ p.x + x, p.y + w->rect.y, w->rect.w, w->rect.h };
	*content_mirrored = pm && w->mirror;
}

static SDL_Rect design_to_px(const struct ui_ctx *ctx, struct ui_rect r)
{
	int x0 = ui_px(ctx, r.x), y0 = ui_px(ctx, r.y);
	return (SDL_Rect){ x0, y0, ui_px(ctx, r.x + r.w) - x0, ui_px(ctx, r.y + r.h) - y0 };
}

void ui_widget_px(const struct ui_widget *w, SDL_Rect *px, bool *mirrored)
{
	struct ui_rect a;
	bool m;
	abs_rect(w, &a, &m);
	*px = design_to_px(w->ctx, a);
	if (mirrored)
		*mirrored = m;
}

void ui_widget_screen_rect(const struct ui_widget *w, int *x, int *y, int *width, int *height)
{
	SDL_Rect r;
	ui_widget_px(w, &r, NULL);
	*x = r.x;
	*y = r.y;
	*width = r.w;
	*height = r.h;
}

enum plat_action ui_logical_action(const struct ui_widget *w, enum plat_action a)
{
	SDL_Rect px;
	bool m;
	ui_widget_px(w, &px, &m);
	if (m && a == PLAT_ACT_LEFT)
		return PLAT_ACT_RIGHT;
	if (m && a == PLAT_ACT_RIGHT)
		return PLAT_ACT_LEFT;
	return a;
}

/* ---- widgets ---- */

struct ui_widget *ui_widget_new(struct ui_widget *parent, const struct ui_widget_class *cls, struct ui_rect r,
				size_t data_size)
{
	if (!parent)
		return NULL;
	struct ui_widget *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	if (data_size && !(w->data = calloc(1, data_size))) {
		free(w);
		return NULL;
	}
	w->cls = cls;
	w->ctx = parent->ctx;
	w->rect = r;
	w->visible = true;
	w->mirror = true;
	w->parent = parent;
	w->prev = parent->last;
	if (parent->last)
		parent->last->next = w;
	else
		parent->first = w;
	parent->last = w;
	ui_widget_invalidate(w);
	return w;
}

static bool is_within(const struct ui_widget *w, const struct ui_widget *root)
{
	for (; w; w = w->parent)
		if (w == root)
			return true;
	return false;
}

/* Forgets every pointer into the subtree of gone: focus and container memories. */
static void forget(struct ui_widget *node, const struct ui_widget *gone)
{
	if (node->memory && is_within(node->memory, gone))
		node->memory = NULL;
	for (struct ui_widget *c = node->first; c; c = c->next)
		forget(c, gone);
}

static void free_tree(struct ui_widget *w)
{
	while (w->first) {
		struct ui_widget *c = w->first;
		w->first = c->next;
		free_tree(c);
	}
	ui_ctx_track(w->ctx, w, false);
	if (w->cls->destroy)
		w->cls->destroy(w);
	free(w->data);
	free(w);
}

void ui_widget_destroy(struct ui_widget **wp)
{
	struct ui_widget *w = wp ? *wp : NULL;
	if (!w)
		return;
	if (!w->parent) { /* a screen */
		ui_screen_destroy(wp);
		return;
	}
	ui_widget_invalidate(w);
	struct ui_widget *screen = ui_widget_screen(w);
	struct screen_data *sd = screen->data;
	if (sd->focus && is_within(sd->focus, w))
		sd->focus = NULL;
	forget(screen, w);
	if (w->ctx->ring_widget && is_within(w->ctx->ring_widget, w))
		w->ctx->ring_widget = NULL;
	if (w->prev)
		w->prev->next = w->next;
	else
		w->parent->first = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		w->parent->last = w->prev;
	free_tree(w);
	*wp = NULL;
}

void ui_widget_set_id(struct ui_widget *w, const char *id)
{
	snprintf(w->id, sizeof(w->id), "%s", id ? id : "");
}

const char *ui_widget_id(const struct ui_widget *w)
{
	return w->id;
}

const char *ui_widget_kind(const struct ui_widget *w)
{
	return w->cls->kind;
}

struct ui_widget *ui_widget_find(struct ui_widget *root, const char *id)
{
	if (!root || !id)
		return NULL;
	if (strcmp(root->id, id) == 0)
		return root;
	for (struct ui_widget *c = root->first; c; c = c->next) {
		struct ui_widget *f = ui_widget_find(c, id);
		if (f)
			return f;
	}
	return NULL;
}

void ui_widget_invalidate(struct ui_widget *w)
{
	if (!w)
		return;
	SDL_Rect px;
	ui_widget_px(w, &px, NULL);
	ui_ctx_dirty(w->ctx, &px);
}

void ui_widget_set_rect(struct ui_widget *w, struct ui_rect r)
{
	ui_widget_invalidate(w);
	w->rect = r;
	ui_widget_invalidate(w);
}

struct ui_rect ui_widget_rect(const struct ui_widget *w)
{
	return w->rect;
}

void ui_widget_set_visible(struct ui_widget *w, bool visible)
{
	if (w->visible != visible) {
		w->visible = visible;
		ui_widget_invalidate(w);
	}
}

void ui_widget_set_focusable(struct ui_widget *w, bool focusable)
{
	w->focusable = focusable;
	ui_widget_invalidate(w);
}

void ui_widget_set_mirror(struct ui_widget *w, bool mirror)
{
	w->mirror = mirror;
	ui_widget_invalidate(w);
}

void ui_widget_set_wrap(struct ui_widget *w, bool horizontal, bool vertical)
{
	w->wrap_h = horizontal;
	w->wrap_v = vertical;
}

void ui_widget_set_background(struct ui_widget *w, struct ui_color c)
{
	w->bg = c;
	ui_widget_invalidate(w);
}

void ui_widget_on_action(struct ui_widget *w, ui_action_fn fn, void *user)
{
	w->on_action = fn;
	w->action_user = user;
}

long ui_widget_item(const struct ui_widget *w, char *label, size_t cap)
{
	if (label && cap)
		label[0] = 0;
	return (w && w->cls->item) ? w->cls->item(w, label, cap) : -1;
}

void ui_ctx_track(struct ui_ctx *ctx, struct ui_widget *w, bool on)
{
	for (size_t i = 0; i < ctx->n_tracked; i++) {
		if (ctx->tracked[i] == w) {
			if (!on)
				ctx->tracked[i] = ctx->tracked[--ctx->n_tracked];
			return;
		}
	}
	if (on && ctx->n_tracked < TRACK_MAX)
		ctx->tracked[ctx->n_tracked++] = w;
}

/* ---- screens ---- */

struct ui_widget *ui_screen_create(struct ui_ctx *ctx, const char *name)
{
	if (ctx->n_screens == SCREENS_MAX)
		return NULL;
	struct ui_widget *s = calloc(1, sizeof(*s));
	struct screen_data *sd = calloc(1, sizeof(*sd));
	if (!s || !sd) {
		free(s);
		free(sd);
		return NULL;
	}
	s->cls = &screen_class;
	s->ctx = ctx;
	s->data = sd;
	s->visible = s->mirror = true;
	s->rect = (struct ui_rect){ 0, 0, UI_DESIGN_WIDTH, UI_DESIGN_HEIGHT };
	s->bg = ctx->theme.bg;
	snprintf(sd->name, sizeof(sd->name), "%s", name ? name : "");
	snprintf(s->id, sizeof(s->id), "%s", sd->name);
	ctx->screens[ctx->n_screens++] = s;
	return s;
}

static void screen_free(struct ui_ctx *ctx, struct ui_widget *s)
{
	for (size_t i = 0; i < ctx->n_screens; i++) {
		if (ctx->screens[i] == s) {
			ctx->screens[i] = ctx->screens[--ctx->n_screens];
			break;
		}
	}
	if (ctx->ring_widget && ui_widget_screen(ctx->ring_widget) == s)
		ctx->ring_widget = NULL;
	free_tree(s);
}

void ui_screen_destroy(struct ui_widget **sp)
{
	struct ui_widget *s = sp ? *sp : NULL;
	if (!s)
		return;
	struct screen_data *sd = s->data;
	if (sd->on_stack) {
		plat_log_warn("ui", "screen %s destroyed while shown: ignored", sd->name);
		return;
	}
	screen_free(s->ctx, s);
	*sp = NULL;
}

void ui_screen_on_action(struct ui_widget *screen, ui_action_fn fn, void *user)
{
	ui_widget_on_action(screen, fn, user);
}

void ui_screen_set_overlay(struct ui_widget *screen, bool overlay)
{
	((struct screen_data *)screen->data)->overlay = overlay;
	if (overlay)
		screen->bg = (struct ui_color){ 0, 0, 0, 0 };
}

void ui_screen_set_autofree(struct ui_widget *screen)
{
	((struct screen_data *)screen->data)->autofree = true;
}

int ui_screen_push(struct ui_ctx *ctx, struct ui_widget *screen)
{
	struct screen_data *sd = screen->data;
	if (sd->on_stack)
		return -EBUSY;
	if (ctx->depth == STACK_MAX)
		return -E2BIG;
	ctx->stack[ctx->depth++] = screen;
	sd->on_stack = true;
	dirty_all(ctx);
	return 0;
}

void ui_ctx_defer_free(struct ui_ctx *ctx, struct ui_widget *screen)
{
	if (ctx->n_deferred < STACK_MAX)
		ctx->deferred[ctx->n_deferred++] = screen;
}

static void free_deferred(struct ui_ctx *ctx)
{
	while (ctx->n_deferred)
		screen_free(ctx, ctx->deferred[--ctx->n_deferred]);
	/* callbacks may queue more: run what is there now, in order */
	for (size_t i = 0; i < ctx->n_later; i++) {
		void (*fn)(void *) = ctx->later[i].fn;
		void *user = ctx->later[i].user;
		memmove(&ctx->later[i], &ctx->later[i + 1], (ctx->n_later - i - 1) * sizeof(ctx->later[0]));
		ctx->n_later--;
		i--;
		fn(user);
	}
	while (ctx->n_deferred)
		screen_free(ctx, ctx->deferred[--ctx->n_deferred]);
}

int ui_ctx_later(struct ui_ctx *ctx, void (*fn)(void *user), void *user)
{
	if (ctx->n_later == sizeof(ctx->later) / sizeof(ctx->later[0]))
		return -EBUSY;
	ctx->later[ctx->n_later].fn = fn;
	ctx->later[ctx->n_later].user = user;
	ctx->n_later++;
	return 0;
}

int ui_screen_reset(struct ui_ctx *ctx, struct ui_widget *screen)
{
	struct screen_data *sd = screen->data;
	while (ctx->depth) {
		struct ui_widget *s = ctx->stack[--ctx->depth];
		struct screen_data *d = s->data;
		d->on_stack = false;
		if (d->autofree && s != screen)
			ui_ctx_defer_free(ctx, s);
	}
	(void)sd;
	return ui_screen_push(ctx, screen);
}

int ui_screen_pop(struct ui_ctx *ctx)
{
	if (ctx->depth <= 1)
		return -EINVAL;
	struct ui_widget *s = ctx->stack[--ctx->depth];
	struct screen_data *sd = s->data;
	sd->on_stack = false;
	if (sd->autofree)
		ui_ctx_defer_free(ctx, s);
	dirty_all(ctx);
	return 0;
}

struct ui_widget *ui_screen_top(const struct ui_ctx *ctx)
{
	return ctx->depth ? ctx->stack[ctx->depth - 1] : NULL;
}

size_t ui_screen_depth(const struct ui_ctx *ctx)
{
	return ctx->depth;
}

const char *ui_screen_name(const struct ui_widget *screen)
{
	return screen ? ((const struct screen_data *)ui_widget_screen(screen)->data)->name : "";
}

/* ---- focus ---- */

static bool shown(const struct ui_widget *w)
{
	for (; w; w = w->parent)
		if (!w->visible)
			return false;
	return true;
}

static bool can_focus(const struct ui_widget *w)
{
	return w && w->focusable && shown(w);
}

static struct ui_widget *first_focusable(struct ui_widget *w)
{
	if (!w->visible)
		return NULL;
	if (w->focusable)
		return w;
	for (struct ui_widget *c = w->first; c; c = c->next) {
		struct ui_widget *f = first_focusable(c);
		if (f)
			return f;
	}
	return NULL;
}

static void set_focus(struct ui_widget *screen, struct ui_widget *w)
{
	struct screen_data *sd = screen->data;
	if (sd->focus == w)
		return;
	ui_widget_invalidate(sd->focus);
	sd->focus = w;
	for (struct ui_widget *a = w ? w->parent : NULL; a; a = a->parent)
		a->memory = w;
	ui_widget_invalidate(w);
}

static struct ui_widget *screen_focus(struct ui_widget *screen)
{
	if (!screen)
		return NULL;
	struct screen_data *sd = screen->data;
	if (!can_focus(sd->focus))
		set_focus(screen, first_focusable(screen));
	return sd->focus;
}

struct ui_widget *ui_focused(const struct ui_ctx *ctx)
{
	return screen_focus(ui_screen_top(ctx));
}

bool ui_widget_is_focused(const struct ui_widget *w)
{
	struct ui_widget *top = ui_screen_top(w->ctx);
	return top && ((struct screen_data *)top->data)->focus == w;
}

int ui_widget_focus(struct ui_widget *w)
{
	if (!can_focus(w))
		return -EINVAL;
	set_focus(ui_widget_screen(w), w);
	return 0;
}

static void focus_px(struct ui_widget *w, SDL_Rect *px)
{
	if (w->cls->focus_rect)
		w->cls->focus_rect(w, px);
	else
		ui_widget_px(w, px, NULL);
}

static void collect(struct ui_widget *w, const struct ui_widget *skip, struct ui_widget **out, size_t *n,
		    size_t cap)
{
	if (!w->visible || *n == cap)
		return;
	if (w->focusable) {
		if (w != skip)
			out[(*n)++] = w;
		return;
	}
	for (struct ui_widget *c = w->first; c; c = c->next)
		collect(c, skip, out, n, cap);
}

/* Distance along the direction and off its axis; false when c is not that way from f. */
static bool direction_score(const SDL_Rect *f, const SDL_Rect *c, enum plat_action a, long *primary,
			    long *secondary)
{
	long fcx = f->x + f->w / 2, fcy = f->y + f->h / 2, ccx = c->x + c->w / 2, ccy = c->y + c->h / 2;
	bool horiz = a == PLAT_ACT_LEFT || a == PLAT_ACT_RIGHT;
	bool ok;
	switch (a) {
	case PLAT_ACT_RIGHT:
		ok = ccx > fcx && c->x + c->w > f->x + f->w && c->x >= fcx;
		*primary = c->x - (f->x + f->w);
		break;
	case PLAT_ACT_LEFT:
		ok = ccx < fcx && c->x < f->x && c->x + c->w <= fcx;
		*primary = f->x - (c->x + c->w);
		break;
	case PLAT_ACT_DOWN:
		ok = ccy > fcy && c->y + c->h > f->y + f->h && c->y >= fcy;
		*primary = c->y - (f->y + f->h);
		break;
	case PLAT_ACT_UP:
		ok = ccy < fcy && c->y < f->y && c->y + c->h <= fcy;
		*primary = f->y - (c->y + c->h);
		break;
	default:
		return false;
	}
	if (*primary < 0)
		*primary = 0;
	long lo1 = horiz ? f->y : f->x, hi1 = lo1 + (horiz ? f->h : f->w);
	long lo2 = horiz ? c->y : c->x, hi2 = lo2 + (horiz ? c->h : c->w);
	long gap = lo2 >= hi1 ? lo2 - hi1 : lo1 >= hi2 ? lo1 - hi2 : 0;
	long centre = horiz ? labs(ccy - fcy) : labs(ccx - fcx);
	*secondary = gap * 4096 + centre;
	return ok;
}

static enum plat_action opposite(enum plat_action a)
{
	switch (a) {
	case PLAT_ACT_LEFT:
		return PLAT_ACT_RIGHT;
	case PLAT_ACT_RIGHT:
		return PLAT_ACT_LEFT;
	case PLAT_ACT_UP:
		return PLAT_ACT_DOWN;
	default:
		return PLAT_ACT_UP;
	}
}

/* Entering a container that remembers a focus goes back to it (a row of buttons keeps its place). */
static struct ui_widget *remembered(struct ui_widget *target, const struct ui_widget *scope,
				    const struct ui_widget *from)
{
	struct ui_widget *best = target;
	for (struct ui_widget *a = target->parent; a && a != scope; a = a->parent)
		if (!is_within(from, a) && a->memory && can_focus(a->memory) && is_within(a->memory, a))
			best = a->memory;
	return best;
}

/* Moves the focus from cur to the nearest focusable widget in direction a inside scope. */
static bool navigate(struct ui_widget *scope, struct ui_widget *cur, enum plat_action a)
{
	if (a != PLAT_ACT_LEFT && a != PLAT_ACT_RIGHT && a != PLAT_ACT_UP && a != PLAT_ACT_DOWN)
		return false;
	struct ui_widget *cand[256];
	size_t n = 0;
	collect(scope, cur, cand, &n, 256);
	SDL_Rect f;
	focus_px(cur, &f);
	struct ui_widget *best = NULL;
	long bp = 0, bs = 0;
	for (size_t i = 0; i < n; i++) {
		SDL_Rect c;
		ui_widget_px(cand[i], &c, NULL);
		long p, s;
		if (!direction_score(&f, &c, a, &p, &s))
			continue;
		long score = p + s / 4096 * 2;
		if (!best || score < bp || (score == bp && s < bs)) {
			best = cand[i];
			bp = score;
			bs = s;
		}
	}
	bool horiz = a == PLAT_ACT_LEFT || a == PLAT_ACT_RIGHT;
	if (!best && (horiz ? scope->wrap_h : scope->wrap_v)) {
		/* Wrap: the farthest one the other way, closest to our axis. */
		for (size_t i = 0; i < n; i++) {
			SDL_Rect c;
			ui_widget_px(cand[i], &c, NULL);
			long p, s;
			if (!direction_score(&f, &c, opposite(a), &p, &s))
				continue;
			if (!best || s / 4096 < bs / 4096 || (s / 4096 == bs / 4096 && p > bp)) {
				best = cand[i];
				bp = p;
				bs = s;
			}
		}
	}
	if (!best)
		return false;
	set_focus(ui_widget_screen(cur), remembered(best, scope, cur));
	return true;
}

void ui_ctx_set_action_hook(struct ui_ctx *ctx, bool (*fn)(void *user, enum plat_action a), void *user)
{
	ctx->action_hook = fn;
	ctx->action_hook_user = user;
}

bool ui_ctx_action(struct ui_ctx *ctx, enum plat_action a)
{
	if (a != PLAT_ACT_NONE && ctx->action_hook && ctx->action_hook(ctx->action_hook_user, a))
		return true;
	struct ui_widget *top = ui_screen_top(ctx);
	if (!top || a == PLAT_ACT_NONE)
		return false;
	struct ui_widget *f = screen_focus(top);
	bool used = false;
	for (struct ui_widget *w = f ? f : top; w && !used; w = w->parent) {
		if (w->cls->action && w->cls->action(w, a))
			used = true;
		else if (w != f && f && navigate(w, f, a))
			used = true;
		else if (w->on_action && w->on_action(w->action_user, w, a))
			used = true;
	}
	if (!used && a == PLAT_ACT_BACK && ctx->depth > 1)
		used = ui_screen_pop(ctx) == 0;
	free_deferred(ctx);
	return used;
}

bool ui_ctx_type_text(struct ui_ctx *ctx, const char *utf8)
{
	struct ui_widget *f = ui_focused(ctx);
	for (struct ui_widget *w = f; w; w = w->parent)
		if (w->cls->text && w->cls->text(w, utf8))
			return true;
	return false;
}

/* ---- texts noted for the state reports ---- */

static bool rect_within(const SDL_Rect *a, const SDL_Rect *b, int tolerance)
{
	return a->x >= b->x - tolerance && a->y >= b->y - tolerance &&
	       a->x + a->w <= b->x + b->w + tolerance && a->y + a->h <= b->y + b->h + tolerance;
}

static void seen_clear(struct ui_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_seen; i++)
		free(ctx->seen[i].text);
	ctx->n_seen = 0;
}

/* Notes a text just drawn when it shows: some of it inside the renderer's clip. */
static void note_text(struct ui_ctx *ctx, const char *utf8, const struct ui_text_report *rep,
		      const char *screen)
{
	SDL_Rect clip = { 0, 0, 0, 0 };
	if (SDL_RenderIsClipEnabled(ctx->r))
		SDL_RenderGetClipRect(ctx->r, &clip);
	if (clip.w <= 0 || clip.h <= 0)
		clip = (SDL_Rect){ 0, 0, ctx->out_w, ctx->out_h };
	const SDL_Rect *shown = rep->ink.w > 0 ? &rep->ink : &rep->extent;
	if (!SDL_HasIntersection(shown, &clip) || ctx->n_seen == SEEN_MAX)
		return;
	if (ctx->n_seen == ctx->cap_seen) {
		size_t cap = ctx->cap_seen ? ctx->cap_seen * 2 : 128;
		struct ui_text_seen *v = realloc(ctx->seen, cap * sizeof(*v));
		if (!v)
			return;
		ctx->seen = v;
		ctx->cap_seen = cap;
	}
	char *copy = strdup(utf8);
	if (!copy)
		return;
	/* cut by the viewport of a list whose item peeks in, while the text fits that item */
	bool partial = rep->cut && ctx->partial_px.w > 0 && rect_within(shown, &ctx->partial_px, 1);
	struct ui_text_seen *e = &ctx->seen[ctx->n_seen++];
	*e = (struct ui_text_seen){ .text = copy,
				    .box = rep->extent,
				    .missing_glyphs = rep->missing_glyphs,
				    .clipped = rep->dropped || rep->overflow || (rep->cut && !partial),
				    .ellipsized = rep->ellipsized,
				    .partial = partial,
				    .rtl = rep->rtl,
				    .arabic = rep->arabic };
	snprintf(e->screen, sizeof(e->screen), "%s", screen ? screen : "");
}

/* Draws text, noting it while ui_ctx_texts() collects. */
static void draw_noted(struct ui_ctx *ctx, const char *utf8, int size, const SDL_Rect *box, SDL_Color c,
		       unsigned flags, int max_lines, const char *screen)
{
	if (!ctx->collecting) {
		ui_text_draw(ctx->text, utf8, size, box, c, flags, max_lines);
		return;
	}
	struct ui_text_report rep;
	if (ui_text_draw_report(ctx->text, utf8, size, box, c, flags, max_lines, &rep) == 0)
		note_text(ctx, utf8, &rep, screen);
}

void ui_ctx_partial_item(struct ui_ctx *ctx, const SDL_Rect *px)
{
	ctx->partial_px = px ? *px : (SDL_Rect){ 0, 0, 0, 0 };
}

/* ---- toast ---- */

void ui_toast_show(struct ui_ctx *ctx, const char *utf8, uint32_t ms)
{
	ui_ctx_dirty(ctx, &ctx->toast_px);
	snprintf(ctx->toast, sizeof(ctx->toast), "%s", utf8 ? utf8 : "");
	ctx->toast_until = ui_ctx_now_ms(ctx) + ms;
	ctx->toast_px = (SDL_Rect){ 0, ctx->out_h * 3 / 4, ctx->out_w, ctx->out_h / 4 };
	ui_ctx_dirty(ctx, &ctx->toast_px);
}

const char *ui_toast_text(const struct ui_ctx *ctx)
{
	return ctx->toast[0] && ui_ctx_now_ms(ctx) < ctx->toast_until ? ctx->toast : NULL;
}

static void draw_toast(struct ui_ctx *ctx)
{
	if (!ui_toast_text(ctx))
		return;
	struct ui_text_metrics m;
	int size = ui_px(ctx, ctx->theme.text_body), pad = ui_px(ctx, 24);
	unsigned flags = UI_TEXT_ELLIPSIS | (ctx->rtl ? UI_TEXT_RTL : 0);
	int max_w = ctx->out_w * 2 / 3;
	if (ui_text_measure(ctx->text, ctx->toast, size, max_w, 1, flags, &m) < 0)
		return;
	SDL_Rect box = { (ctx->out_w - m.width) / 2 - pad, ctx->out_h - ui_px(ctx, 120) - m.line_height - pad,
			 m.width + 2 * pad, m.line_height + 2 * pad };
	SDL_Color bg = ui_sdl_color(ctx->theme.surface), fg = ui_sdl_color(ctx->theme.text);
	SDL_SetRenderDrawBlendMode(ctx->r, SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(ctx->r, bg.r, bg.g, bg.b, 0xf0);
	SDL_RenderFillRect(ctx->r, &box);
	SDL_Color ac = ui_sdl_color(ctx->theme.accent);
	SDL_SetRenderDrawColor(ctx->r, ac.r, ac.g, ac.b, ac.a);
	SDL_Rect bar = { box.x, box.y + box.h - ui_px(ctx, 4), box.w, ui_px(ctx, 4) };
	SDL_RenderFillRect(ctx->r, &bar);
	SDL_Rect text = { box.x + pad, box.y + pad, m.width, m.line_height };
	draw_noted(ctx, ctx->toast, size, &text, fg, flags | UI_TEXT_CENTER, 1, "toast");
}

/* ---- drawing ---- */

SDL_Rect ui_draw_map(const struct ui_draw *d, struct ui_rect r)
{
	int x0 = ui_px(d->ctx, r.x), x1 = ui_px(d->ctx, r.x + r.w);
	int y0 = ui_px(d->ctx, r.y), y1 = ui_px(d->ctx, r.y + r.h);
	if (d->mirror)
		return (SDL_Rect){ d->px.x + d->px.w - x1, d->px.y + y0, x1 - x0, y1 - y0 };
	return (SDL_Rect){ d->px.x + x0, d->px.y + y0, x1 - x0, y1 - y0 };
}

struct ui_draw ui_draw_sub(const struct ui_draw *d, struct ui_rect r)
{
	struct ui_draw s = *d;
	s.px = ui_draw_map(d, r);
	s.dw = r.w;
	s.dh = r.h;
	return s;
}

const struct ui_theme *ui_draw_theme(const struct ui_draw *d)
{
	return &d->ctx->theme;
}

struct ui_ctx *ui_draw_ctx(const struct ui_draw *d)
{
	return d->ctx;
}

void ui_draw_fill(struct ui_draw *d, struct ui_rect r, struct ui_color c)
{
	SDL_Rect px = ui_draw_map(d, r);
	SDL_SetRenderDrawBlendMode(d->r, c.a == 0xff ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(d->r, &px);
}

void ui_draw_frame(struct ui_draw *d, struct ui_rect r, struct ui_color c, int width)
{
	ui_draw_fill(d, (struct ui_rect){ r.x, r.y, r.w, width }, c);
	ui_draw_fill(d, (struct ui_rect){ r.x, r.y + r.h - width, r.w, width }, c);
	ui_draw_fill(d, (struct ui_rect){ r.x, r.y, width, r.h }, c);
	ui_draw_fill(d, (struct ui_rect){ r.x + r.w - width, r.y, width, r.h }, c);
}

unsigned ui_style_flags(const struct ui_draw *d, const struct ui_text_style *st)
{
	unsigned f = st ? st->flags : 0;
	f &= ~(unsigned)UI_TEXT_RTL;
	if (d->mirror)
		f |= UI_TEXT_RTL;
	return f;
}

void ui_draw_text(struct ui_draw *d, struct ui_rect r, const char *utf8, const struct ui_text_style *st)
{
	if (!utf8 || !*utf8)
		return;
	SDL_Rect px = ui_draw_map(d, r);
	int size = ui_px(d->ctx, st && st->size ? st->size : d->ctx->theme.text_body);
	struct ui_color c = st && st->color.a ? st->color : d->ctx->theme.text;
	int max_lines = st ? st->max_lines : 0;
	unsigned flags = ui_style_flags(d, st);
	if (!(flags & UI_TEXT_WRAP) && max_lines == 0)
		max_lines = 1;
	draw_noted(d->ctx, utf8, size, &px, ui_sdl_color(c), flags, max_lines, d->ctx->drawing_screen);
}

void ui_draw_image(struct ui_draw *d, struct ui_rect r, const char *url)
{
	SDL_Rect px = ui_draw_map(d, r);
	SDL_Texture *tex = NULL;
	int w = 0, h = 0;
	int st = url && *url ? ui_imgcache_get(d->ctx->images, url, &tex, &w, &h) : -ENOENT;
	if (st == 1 && w > 0 && h > 0) {
		/* fit inside, centred */
		SDL_Rect dst = px;
		if ((long)w * px.h > (long)h * px.w) {
			dst.h = (int)((long)h * px.w / w);
			dst.y += (px.h - dst.h) / 2;
		} else {
			dst.w = (int)((long)w * px.h / h);
			dst.x += (px.w - dst.w) / 2;
		}
		SDL_RenderCopy(d->r, tex, NULL, &dst);
		return;
	}
	struct ui_color pc = d->ctx->theme.placeholder;
	SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(d->r, pc.r, pc.g, pc.b, 0xff);
	SDL_RenderFillRect(d->r, &px);
	if (st == 0) {
		struct ui_ctx *ctx = d->ctx;
		if (ctx->n_waiting < WAITING_MAX)
			ctx->waiting[ctx->n_waiting++] = (struct waiting){ ui_imgcache_hash(url), px };
		else
			ctx->waiting_overflow = true;
	}
}

static void draw_tree(struct ui_ctx *ctx, struct ui_widget *w, struct ui_rect parent, bool pm,
		      const SDL_Rect *clip)
{
	if (!w->visible)
		return;
	struct ui_rect a = parent;
	bool m = pm;
	if (w->parent) {
		int x = pm ? parent.w - w->rect.x - w->rect.w : w->rect.x;
		a = (struct ui_rect){ parent.x + x, parent.y + w->rect.y, w->rect.w, w->rect.h };
		m = pm && w->mirror;
	}
	SDL_Rect px = design_to_px(ctx, a), c;
	if (!SDL_IntersectRect(&px, clip, &c))
		return;
	SDL_RenderSetClipRect(ctx->r, &c);
	struct ui_draw d = { .ctx = ctx, .r = ctx->r, .px = px, .mirror = m, .dw = a.w, .dh = a.h };
	if (w->bg.a) {
		SDL_SetRenderDrawBlendMode(ctx->r,
					   w->bg.a == 0xff ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
		SDL_SetRenderDrawColor(ctx->r, w->bg.r, w->bg.g, w->bg.b, w->bg.a);
		SDL_RenderFillRect(ctx->r, &px);
	}
	if (w->cls->draw)
		w->cls->draw(w, &d);
	for (struct ui_widget *ch = w->first; ch; ch = ch->next)
		draw_tree(ctx, ch, a, m, &c);
	SDL_RenderSetClipRect(ctx->r, clip);
}

static size_t first_drawn_screen(const struct ui_ctx *ctx)
{
	size_t i = ctx->depth ? ctx->depth - 1 : 0;
	while (i > 0 && ((struct screen_data *)ctx->stack[i]->data)->overlay)
		i--;
	return i;
}

static void draw_ring(struct ui_ctx *ctx)
{
	if (!ctx->ring_valid || rect_empty(&ctx->ring_drawn))
		return;
	SDL_Color c = ui_sdl_color(ctx->theme.focus);
	int t = ui_px(ctx, ctx->theme.focus_width);
	if (t < 1)
		t = 1;
	SDL_Rect r = ctx->ring_drawn;
	SDL_Rect sides[4] = { { r.x, r.y, r.w, t },
			      { r.x, r.y + r.h - t, r.w, t },
			      { r.x, r.y, t, r.h },
			      { r.x + r.w - t, r.y, t, r.h } };
	SDL_SetRenderDrawBlendMode(ctx->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(ctx->r, c.r, c.g, c.b, 0xff);
	SDL_RenderFillRects(ctx->r, sides, 4);
}

static void draw_scene(struct ui_ctx *ctx, const SDL_Rect *clip)
{
	SDL_RenderSetClipRect(ctx->r, clip);
	SDL_SetRenderDrawBlendMode(ctx->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(ctx->r, 0, 0, 0, 0);
	SDL_RenderFillRect(ctx->r, clip);
	for (size_t i = first_drawn_screen(ctx); i < ctx->depth; i++) {
		struct ui_widget *s = ctx->stack[i];
		if (((struct screen_data *)s->data)->overlay && i > 0) {
			struct ui_color o = ctx->theme.overlay;
			SDL_SetRenderDrawBlendMode(ctx->r, SDL_BLENDMODE_BLEND);
			SDL_SetRenderDrawColor(ctx->r, o.r, o.g, o.b, o.a);
			SDL_RenderFillRect(ctx->r, clip);
		}
		struct ui_rect root;
		bool m;
		abs_rect(s, &root, &m);
		ctx->drawing_screen = ((struct screen_data *)s->data)->name;
		draw_tree(ctx, s, root, m, clip);
		ctx->drawing_screen = NULL;
	}
	SDL_RenderSetClipRect(ctx->r, clip);
	draw_ring(ctx);
	draw_toast(ctx);
	SDL_RenderSetClipRect(ctx->r, NULL);
}

/* ---- frame ---- */

static void image_done(void *user, uint64_t hash)
{
	struct ui_ctx *ctx = user;
	if (ctx->waiting_overflow) {
		dirty_all(ctx);
		return;
	}
	for (size_t i = 0; i < ctx->n_waiting;) {
		if (ctx->waiting[i].hash == hash) {
			ui_ctx_dirty(ctx, &ctx->waiting[i].px);
			ctx->waiting[i] = ctx->waiting[--ctx->n_waiting];
		} else {
			i++;
		}
	}
}

static bool on_drawn_screen(const struct ui_ctx *ctx, const struct ui_widget *w)
{
	if (!shown(w))
		return false;
	struct ui_widget *s = ui_widget_screen(w);
	for (size_t i = first_drawn_screen(ctx); i < ctx->depth; i++)
		if (ctx->stack[i] == s)
			return true;
	return false;
}

static SDL_Rect ring_target(struct ui_ctx *ctx)
{
	struct ui_widget *f = ui_focused(ctx);
	ctx->ring_widget = f;
	if (!f)
		return (SDL_Rect){ 0, 0, 0, 0 };
	SDL_Rect r;
	focus_px(f, &r);
	int t = ui_px(ctx, ctx->theme.focus_width);
	return (SDL_Rect){ r.x - t, r.y - t, r.w + 2 * t, r.h + 2 * t };
}

static int lerp(int a, int b, double k)
{
	return a + (int)((b - a) * k + (b >= a ? 0.5 : -0.5));
}

/* ms until the focus ring's next step: one display frame after the last one while it glides (the
 * last lands at the end of the glide, at rest), -1 once it rests where it was drawn. */
static long ring_deadline(const struct ui_ctx *ctx, uint64_t now)
{
	if (!ctx->ring_valid || SDL_RectEquals(&ctx->ring_drawn, &ctx->ring_to))
		return -1;
	uint64_t end = ctx->ring_t0 + (uint64_t)(ctx->theme.focus_anim_ms > 0 ? ctx->theme.focus_anim_ms : 0);
	uint64_t next = ctx->ring_step_ms + RING_STEP_MS;
	if (next > end)
		next = end;
	return next > now ? (long)(next - now) : 0;
}

static void update_ring(struct ui_ctx *ctx)
{
	SDL_Rect target = ring_target(ctx);
	uint64_t now = ui_ctx_now_ms(ctx);
	ctx->ring_step_ms = now;
	if (!SDL_RectEquals(&target, &ctx->ring_to)) {
		ctx->ring_from = ctx->ring_valid ? ctx->ring_drawn : target;
		if (rect_empty(&ctx->ring_from))
			ctx->ring_from = target;
		ctx->ring_to = target;
		ctx->ring_t0 = now;
		ctx->ring_valid = !rect_empty(&target);
	}
	SDL_Rect pos = ctx->ring_to;
	if (ctx->theme.focus_anim_ms > 0 && now < ctx->ring_t0 + (uint64_t)ctx->theme.focus_anim_ms) {
		double k = (double)(now - ctx->ring_t0) / ctx->theme.focus_anim_ms;
		k = 1.0 - (1.0 - k) * (1.0 - k) * (1.0 - k); /* ease out */
		pos = (SDL_Rect){ lerp(ctx->ring_from.x, ctx->ring_to.x, k),
				  lerp(ctx->ring_from.y, ctx->ring_to.y, k),
				  lerp(ctx->ring_from.w, ctx->ring_to.w, k),
				  lerp(ctx->ring_from.h, ctx->ring_to.h, k) };
	}
	if (!SDL_RectEquals(&pos, &ctx->ring_drawn)) {
		ui_ctx_dirty(ctx, &ctx->ring_drawn);
		ui_ctx_dirty(ctx, &pos);
		ctx->ring_drawn = pos;
	}
}

static int ensure_scene(struct ui_ctx *ctx)
{
	int w = 0, h = 0;
	plat_display_size(ctx->display, &w, &h);
	if (ctx->scene && w == ctx->out_w && h == ctx->out_h)
		return 0;
	if (ctx->scene)
		SDL_DestroyTexture(ctx->scene);
	ctx->out_w = w;
	ctx->out_h = h;
	ctx->scene = SDL_CreateTexture(ctx->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
	if (!ctx->scene) {
		plat_log_error("ui", "cannot create a %dx%d scene texture: %s", w, h, SDL_GetError());
		return -EIO;
	}
	SDL_SetTextureBlendMode(ctx->scene, SDL_BLENDMODE_BLEND);
	dirty_all(ctx);
	return 0;
}

static void check_animations(struct ui_ctx *ctx)
{
	uint64_t now = ui_ctx_now_ms(ctx);
	for (size_t i = 0; i < ctx->n_tracked; i++) {
		struct ui_widget *w = ctx->tracked[i];
		if (w->cls->deadline && on_drawn_screen(ctx, w) && w->cls->deadline(w, now) == 0)
			ui_widget_invalidate(w);
	}
	if (ctx->toast[0] && now >= ctx->toast_until) {
		ctx->toast[0] = 0;
		ui_ctx_dirty(ctx, &ctx->toast_px);
	}
}

static void compose(struct ui_ctx *ctx)
{
	SDL_SetRenderTarget(ctx->r, NULL);
	SDL_SetRenderDrawBlendMode(ctx->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(ctx->r, 0, 0, 0, 0xff);
	SDL_RenderClear(ctx->r);
	for (size_t i = 0; i < ctx->n_tracked; i++) {
		struct ui_widget *w = ctx->tracked[i];
		if (w->cls->underlay && on_drawn_screen(ctx, w)) {
			SDL_Rect px;
			ui_widget_px(w, &px, NULL);
			w->cls->underlay(w, &px);
		}
	}
	SDL_RenderCopy(ctx->r, ctx->scene, NULL, NULL);
}

static int render(struct ui_ctx *ctx)
{
	uint64_t t0 = plat_clock_mono_us();
	ui_imgcache_frame(ctx->images);
	if (SDL_SetRenderTarget(ctx->r, ctx->scene) < 0)
		return -EIO;
	SDL_Rect all = { 0, 0, ctx->out_w, ctx->out_h };
	/* The waiting list is rebuilt by this frame's placeholders inside the redrawn areas. */
	unsigned long px = 0;
	if (ctx->full_dirty) {
		ctx->n_waiting = 0;
		ctx->waiting_overflow = false;
		draw_scene(ctx, &all);
		px = (unsigned long)all.w * all.h;
	} else {
		for (size_t i = 0; i < ctx->n_dirty; i++) {
			for (size_t k = 0; k < ctx->n_waiting;) {
				if (SDL_HasIntersection(&ctx->waiting[k].px, &ctx->dirty[i]))
					ctx->waiting[k] = ctx->waiting[--ctx->n_waiting];
				else
					k++;
			}
		}
		for (size_t i = 0; i < ctx->n_dirty; i++) {
			draw_scene(ctx, &ctx->dirty[i]);
			px += (unsigned long)ctx->dirty[i].w * ctx->dirty[i].h;
		}
	}
	ctx->full_dirty = false;
	ctx->n_dirty = 0;
	compose(ctx);
	ctx->dirty_px_last = px;
	ctx->frame_us[ctx->frames % FRAME_RING] = (uint32_t)(plat_clock_mono_us() - t0);
	ctx->frames++;
	return 0;
}

static void prepare(struct ui_ctx *ctx)
{
	free_deferred(ctx);
	ui_imgcache_pump(ctx->images, image_done, ctx);
	check_animations(ctx);
	update_ring(ctx);
}

int ui_ctx_frame(struct ui_ctx *ctx, bool force)
{
	int rc = ensure_scene(ctx);
	if (rc < 0)
		return rc;
	prepare(ctx);
	if (force)
		dirty_all(ctx);
	if (!ctx->full_dirty && ctx->n_dirty == 0) {
		if (!ctx->recompose)
			return 0;
		ctx->recompose = false;
		compose(ctx);
		SDL_RenderPresent(ctx->r);
		return 1;
	}
	ctx->recompose = false;
	rc = render(ctx);
	if (rc < 0)
		return rc;
	SDL_RenderPresent(ctx->r);
	return 1;
}

int ui_ctx_capture(struct ui_ctx *ctx, struct ui_pixels *out)
{
	*out = (struct ui_pixels){ 0 };
	int rc = ensure_scene(ctx);
	if (rc < 0)
		return rc;
	prepare(ctx);
	dirty_all(ctx);
	rc = render(ctx);
	if (rc < 0)
		return rc;
	out->rgba = malloc((size_t)ctx->out_w * ctx->out_h * 4);
	if (!out->rgba)
		return -ENOMEM;
	out->width = ctx->out_w;
	out->height = ctx->out_h;
	if (SDL_RenderReadPixels(ctx->r, NULL, SDL_PIXELFORMAT_RGBA32, out->rgba, ctx->out_w * 4) < 0) {
		plat_log_error("ui", "cannot read pixels: %s", SDL_GetError());
		ui_pixels_free(out);
		return -EIO;
	}
	SDL_RenderPresent(ctx->r);
	return 0;
}

int ui_ctx_texts(struct ui_ctx *ctx, const struct ui_text_seen **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = ensure_scene(ctx);
	if (rc < 0)
		return rc;
	prepare(ctx);
	dirty_all(ctx);
	seen_clear(ctx);
	ctx->collecting = true;
	rc = render(ctx);
	ctx->collecting = false;
	ctx->partial_px = (SDL_Rect){ 0, 0, 0, 0 };
	if (rc < 0)
		return rc;
	*out = ctx->seen;
	*n = ctx->n_seen;
	return 0;
}

int ui_ctx_next_deadline(const struct ui_ctx *ctx)
{
	uint64_t now = ui_ctx_now_ms(ctx);
	/* something to draw, or callbacks waiting for the next frame (ui_ctx_later) */
	if (ctx->full_dirty || ctx->n_dirty || ctx->recompose || ctx->n_later)
		return 0;
	long best = ring_deadline(ctx, now);
	for (size_t i = 0; i < ctx->n_tracked; i++) {
		struct ui_widget *w = ctx->tracked[i];
		if (!w->cls->deadline || !on_drawn_screen(ctx, w))
			continue;
		int d = w->cls->deadline(w, now);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	if (ctx->toast[0]) {
		long d = ctx->toast_until > now ? (long)(ctx->toast_until - now) : 0;
		if (best < 0 || d < best)
			best = d;
	}
	return (int)best;
}

/* SDL calls event watches on the thread that pushes the event, under its watch lock: an image
 * worker's wake event reaches the owner's wake-up at once, from the worker. */
static int image_watch(void *user, SDL_Event *ev)
{
	struct ui_ctx *ctx = user;
	if (ev->type == ctx->wake_event && ctx->wake)
		ctx->wake(ctx->wake_user);
	return 0;
}

void ui_ctx_set_wake(struct ui_ctx *ctx, void (*wake)(void *user), void *user)
{
	/* SDL_DelEventWatch waits for a watch that runs: after it nothing calls the old one */
	SDL_DelEventWatch(image_watch, ctx);
	ctx->wake = wake;
	ctx->wake_user = user;
	if (wake)
		SDL_AddEventWatch(image_watch, ctx);
}

bool ui_ctx_busy(const struct ui_ctx *ctx)
{
	return ui_imgcache_busy(ctx->images);
}

/* ---- context ---- */

int ui_ctx_create(const struct ui_ctx_config *cfg, struct ui_ctx **out)
{
	*out = NULL;
	struct ui_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->display = cfg->display;
	ctx->r = plat_display_renderer(cfg->display);
	if (cfg->theme)
		ctx->theme = *cfg->theme;
	else
		ui_theme_default(&ctx->theme);
	ctx->rtl = cfg->rtl;
	ctx->virtual_time = cfg->virtual_time;
	ctx->wall0_ms = cfg->wall_ms ? cfg->wall_ms : plat_clock_wall_ms();
	ctx->mono0_ms = plat_clock_mono_ms();
	ctx->wake_event = SDL_RegisterEvents(1);
	if (cfg->wake)
		ui_ctx_set_wake(ctx, cfg->wake, cfg->wake_user);
	int rc = ui_text_create(ctx->r, ctx->theme.font_latin, ctx->theme.font_arabic, &ctx->text);
	if (rc < 0)
		plat_log_error("ui", "cannot load the fonts %s and %s", ctx->theme.font_latin,
			       ctx->theme.font_arabic);
	if (rc == 0)
		rc = ui_imgcache_create(ctx->r, cfg, ctx->wake_event, &ctx->images);
	if (rc == 0)
		rc = ensure_scene(ctx);
	if (rc < 0) {
		ui_ctx_destroy(&ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

void ui_ctx_destroy(struct ui_ctx **cp)
{
	struct ui_ctx *ctx = cp ? *cp : NULL;
	if (!ctx)
		return;
	ui_ctx_set_wake(ctx, NULL, NULL);
	ctx->depth = 0;
	while (ctx->n_screens)
		screen_free(ctx, ctx->screens[ctx->n_screens - 1]);
	ui_imgcache_destroy(&ctx->images);
	ui_text_destroy(&ctx->text);
	if (ctx->scene)
		SDL_DestroyTexture(ctx->scene);
	seen_clear(ctx);
	free(ctx->seen);
	free(ctx);
	*cp = NULL;
}

const struct ui_theme *ui_ctx_theme(const struct ui_ctx *ctx)
{
	return &ctx->theme;
}

static void restyle(struct ui_widget *w, struct ui_color old_bg, struct ui_color new_bg)
{
	if (memcmp(&w->bg, &old_bg, sizeof(old_bg)) == 0)
		w->bg = new_bg;
}

void ui_ctx_set_theme(struct ui_ctx *ctx, const struct ui_theme *theme)
{
	struct ui_color old = ctx->theme.bg;
	ctx->theme = *theme;
	/* fonts were loaded at creation */
	for (size_t i = 0; i < ctx->n_screens; i++)
		restyle(ctx->screens[i], old, theme->bg);
	dirty_all(ctx);
}

bool ui_ctx_rtl(const struct ui_ctx *ctx)
{
	return ctx->rtl;
}

void ui_ctx_set_rtl(struct ui_ctx *ctx, bool rtl)
{
	ctx->rtl = rtl;
	dirty_all(ctx);
}

void ui_ctx_stats(const struct ui_ctx *ctx, struct ui_ctx_stats *s)
{
	*s = (struct ui_ctx_stats){ .frames = ctx->frames,
				    .dirty_px_last = ctx->dirty_px_last,
				    .list_items_drawn = ctx->items_drawn };
	size_t n = ctx->frames < FRAME_RING ? ctx->frames : FRAME_RING;
	if (n) {
		uint32_t *v = malloc(n * sizeof(*v));
		if (v) {
			memcpy(v, ctx->frame_us, n * sizeof(*v));
			for (size_t i = 1; i < n; i++) { /* insertion sort: n <= 4096, stats only */
				uint32_t x = v[i];
				size_t j = i;
				for (; j > 0 && v[j - 1] > x; j--)
					v[j] = v[j - 1];
				v[j] = x;
			}
			s->frame_us_p50 = v[n / 2];
			s->frame_us_p99 = v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
			s->frame_us_max = v[n - 1];
			free(v);
		}
	}
	struct ui_text_stats ts;
	ui_text_stats(ctx->text, &ts);
	s->glyphs = ts.glyphs;
	s->glyph_atlas_bytes = ts.atlas_bytes;
	s->text_layouts = ts.layouts;
	s->text_layout_bytes = ts.layout_bytes;
	ui_imgcache_stats(ctx->images, s);
}

void ui_ctx_stats_reset(struct ui_ctx *ctx)
{
	ctx->frames = 0;
	ctx->items_drawn = 0;
}

void ui_ctx_count_items(struct ui_ctx *ctx, size_t n)
{
	ctx->items_drawn += n;
}

/* ---- the interactive loop ---- */

static enum plat_action default_keymap(int key)
{
	switch (key) {
	case SDLK_UP:
		return PLAT_ACT_UP;
	case SDLK_DOWN:
		return PLAT_ACT_DOWN;
	case SDLK_LEFT:
		return PLAT_ACT_LEFT;
	case SDLK_RIGHT:
		return PLAT_ACT_RIGHT;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		return PLAT_ACT_OK;
	case SDLK_ESCAPE:
	case SDLK_BACKSPACE:
		return PLAT_ACT_BACK;
	case SDLK_HOME:
		return PLAT_ACT_HOME;
	case SDLK_PAGEUP:
		return PLAT_ACT_PAGE_UP;
	case SDLK_PAGEDOWN:
		return PLAT_ACT_PAGE_DOWN;
	case SDLK_F1:
		return PLAT_ACT_RED;
	case SDLK_F2:
		return PLAT_ACT_GREEN;
	case SDLK_F3:
		return PLAT_ACT_YELLOW;
	case SDLK_F4:
		return PLAT_ACT_BLUE;
	case SDLK_e:
		return PLAT_ACT_EPG;
	case SDLK_i:
		return PLAT_ACT_INFO;
	case SDLK_m:
		return PLAT_ACT_MENU;
	case SDLK_SPACE:
		return PLAT_ACT_PLAY_PAUSE;
	case SDLK_q:
		return PLAT_ACT_QUIT;
	default:
		if (key >= SDLK_0 && key <= SDLK_9)
			return (enum plat_action)(PLAT_ACT_DIGIT_0 + (key - SDLK_0));
		return PLAT_ACT_NONE;
	}
}

void ui_ctx_set_keymap(struct ui_ctx *ctx, ui_keymap_fn fn, void *user)
{
	ctx->keymap = fn;
	ctx->keymap_user = user;
}

void ui_ctx_quit(struct ui_ctx *ctx)
{
	ctx->quit = true;
}

static void handle_event(struct ui_ctx *ctx, const SDL_Event *ev)
{
	if (ev->type == SDL_QUIT) {
		ctx->quit = true;
	} else if (ev->type == SDL_KEYDOWN) {
		int key = ev->key.keysym.sym;
		enum plat_action a = ctx->keymap ? ctx->keymap(ctx->keymap_user, key) : default_keymap(key);
		if (a == PLAT_ACT_QUIT)
			ctx->quit = true;
		else
			ui_ctx_action(ctx, a);
	} else if (ev->type == SDL_WINDOWEVENT) {
		dirty_all(ctx);
	}
}

/* Drivers whose SDL_WaitEventTimeout really sleeps; the others (dummy, kmsdrm) would poll every
 * millisecond inside SDL, so there we poll ourselves at 100 Hz and sleep in between. */
static bool driver_can_wait(void)
{
	const char *d = SDL_GetCurrentVideoDriver();
	return d && (strcmp(d, "x11") == 0 || strcmp(d, "wayland") == 0);
}

int ui_ctx_run(struct ui_ctx *ctx, uint32_t run_ms)
{
	uint64_t start = plat_clock_mono_ms();
	bool can_wait = driver_can_wait();
	ctx->quit = false;
	int rc = ui_ctx_frame(ctx, true);
	while (rc >= 0 && !ctx->quit) {
		long timeout = ui_ctx_next_deadline(ctx);
		if (run_ms) {
			long left = (long)run_ms - (long)(plat_clock_mono_ms() - start);
			if (left <= 0)
				break;
			if (timeout < 0 || timeout > left)
				timeout = left;
		}
		SDL_Event ev;
		int got;
		if (can_wait) {
			got = timeout < 0 ? SDL_WaitEvent(&ev) : SDL_WaitEventTimeout(&ev, (int)timeout);
		} else {
			got = SDL_PollEvent(&ev);
			if (!got && timeout != 0) {
				long slice = timeout < 0 || timeout > 10 ? 10 : timeout;
				plat_clock_sleep_ms((uint32_t)slice);
				got = SDL_PollEvent(&ev);
			}
		}
		if (got) {
			handle_event(ctx, &ev);
			while (!ctx->quit && SDL_PollEvent(&ev))
				handle_event(ctx, &ev);
		}
		rc = ui_ctx_frame(ctx, false);
	}
	return rc < 0 ? rc : 0;
}
