/* SPDX-License-Identifier: MIT */
/* Internals shared by the files of ui/ only: the widget struct and its class table, the context, the
 * draw context, and the image cache used by image widgets and ui_draw_image(). Not a public header. */
#ifndef UI_INTERNAL_H
#define UI_INTERNAL_H

#include "ui.h"
#include "ui_pixels.h"
#include "ui_text.h"

#include <SDL.h>

/* What makes a widget kind. Every hook is optional. */
struct ui_widget_class {
	const char *kind;
	/* Draws the widget itself (children are drawn after it by the core). */
	void (*draw)(struct ui_widget *w, struct ui_draw *d);
	/* Handles an action while w is focused (or an ancestor of the focus). true = used. */
	bool (*action)(struct ui_widget *w, enum plat_action a);
	bool (*text)(struct ui_widget *w, const char *utf8);
	/* The part of w that shows the focus (the focused row of a list), output pixels. */
	void (*focus_rect)(struct ui_widget *w, SDL_Rect *px);
	/* ms until w needs a frame again while visible, -1 when it does not animate. */
	int (*deadline)(struct ui_widget *w, uint64_t now_ms);
	long (*item)(const struct ui_widget *w, char *label, size_t cap);
	void (*destroy)(struct ui_widget *w); /* frees w->data */
	/* Draws under the scene (the video layer) straight onto the output. */
	void (*underlay)(struct ui_widget *w, const SDL_Rect *px);
};

struct ui_widget {
	const struct ui_widget_class *cls;
	struct ui_ctx *ctx;
	struct ui_widget *parent, *first, *last, *next, *prev;
	struct ui_rect rect; /* design units, relative to the parent, before mirroring */
	char id[32];
	bool visible, focusable, mirror, wrap_h, wrap_v;
	struct ui_color bg;
	struct ui_widget *memory; /* containers: the descendant that had the focus last */
	ui_action_fn on_action;
	void *action_user;
	void *data; /* class data, owned */
};

/* Where an item or widget is drawn. */
struct ui_draw {
	struct ui_ctx *ctx;
	SDL_Renderer *r;
	SDL_Rect px; /* the item in output pixels */
	bool mirror; /* content runs right to left */
	int dw, dh;  /* the item in design units */
};

/* ---- image cache (ui_image.c) ---- */
struct ui_imgcache;
int ui_imgcache_create(SDL_Renderer *r, const struct ui_ctx_config *cfg, uint32_t wake_event,
		       struct ui_imgcache **out);
void ui_imgcache_destroy(struct ui_imgcache **c);
/* 1 with *tex (borrowed until the next pump) when ready, 0 while loading, negative on failure. */
int ui_imgcache_get(struct ui_imgcache *c, const char *url, SDL_Texture **tex, int *w, int *h);
/* UI thread: finished decodes become textures; done(user, hash) for each. Returns how many. */
int ui_imgcache_pump(struct ui_imgcache *c, void (*done)(void *user, uint64_t hash), void *user);
/* A new frame starts: textures used from now on are protected from eviction. */
void ui_imgcache_frame(struct ui_imgcache *c);
bool ui_imgcache_busy(const struct ui_imgcache *c);
/* Blocks until the workers are idle or timeout_ms passes (headless scripts, for stable snaps). */
void ui_imgcache_settle(struct ui_imgcache *c, uint32_t timeout_ms);
void ui_imgcache_stats(const struct ui_imgcache *c, struct ui_ctx_stats *s);
uint64_t ui_imgcache_hash(const char *url);

/* ---- core helpers (ui_core.c) ---- */
struct ui_widget *ui_widget_new(struct ui_widget *parent, const struct ui_widget_class *cls, struct ui_rect r,
				size_t data_size);
/* Pixels of the output for a design length. */
int ui_px(const struct ui_ctx *ctx, int design);
/* Output rect of a design rect relative to the draw's item (mirrored when the item is). */
SDL_Rect ui_draw_map(const struct ui_draw *d, struct ui_rect r);
/* A draw context for a sub-rectangle of d (list items). */
struct ui_draw ui_draw_sub(const struct ui_draw *d, struct ui_rect r);
struct ui_text *ui_ctx_text(struct ui_ctx *ctx);
SDL_Renderer *ui_ctx_renderer(struct ui_ctx *ctx);
/* The scene needs composing and presenting again although no widget changed (a new video frame). */
void ui_ctx_recompose(struct ui_ctx *ctx);
struct ui_imgcache *ui_ctx_images(struct ui_ctx *ctx);
/* Screen rect and whether the content of w runs right to left. */
void ui_widget_px(const struct ui_widget *w, SDL_Rect *px, bool *mirrored);
bool ui_widget_is_focused(const struct ui_widget *w);
/* Adds an output rectangle to the dirty region. */
void ui_ctx_dirty(struct ui_ctx *ctx, const SDL_Rect *px);
/* Registers/unregisters widgets that animate or draw an underlay. */
void ui_ctx_track(struct ui_ctx *ctx, struct ui_widget *w, bool on);
/* The screen a widget belongs to. */
struct ui_widget *ui_widget_screen(const struct ui_widget *w);
/* Frees an auto-destroy screen after the current action returns. */
void ui_ctx_defer_free(struct ui_ctx *ctx, struct ui_widget *screen);
void ui_screen_set_autofree(struct ui_widget *screen);
/* Applies a text style with theme defaults. */
unsigned ui_style_flags(const struct ui_draw *d, const struct ui_text_style *st);
/* Left/right swapped when the content of w runs right to left, so a list "next" follows the eye. */
enum plat_action ui_logical_action(const struct ui_widget *w, enum plat_action a);
void ui_draw_frame(struct ui_draw *d, struct ui_rect r, struct ui_color c, int width);
SDL_Color ui_sdl_color(struct ui_color c);
/* Lists and grids count the items they draw (the proof of virtualisation in the stats). */
void ui_ctx_count_items(struct ui_ctx *ctx, size_t n);

/* ---- what the frame shows in text (state reports) ---- */
/* A text drawn and visible (inside the renderer's clip, on a screen that is drawn) in the frame that
 * ui_ctx_texts() redrew. */
struct ui_text_seen {
	char *text;         /* owned by the context */
	SDL_Rect box;       /* the laid-out lines on the output, pixels (before any clip) */
	int missing_glyphs; /* drawn as .notdef after the whole face chain */
	bool clipped;       /* lines dropped, ink outside its box, or cut by a clip, none of it asked for */
	bool ellipsized;    /* the caller asked for UI_TEXT_ELLIPSIS and it was used */
	bool partial;       /* cut only by the edge of a scrolling list or guide (the item peeks in) */
	bool rtl;           /* the paragraph's resolved base direction */
	bool arabic;        /* has Arabic letters */
	char screen[32];    /* the screen that drew it, "toast" for the toast */
};
/* Redraws the whole frame (not presented) noting every text drawn, and gives them in drawing order;
 * *out is borrowed until the next call or ui_ctx_destroy(). Returns 0 or a negative error. */
int ui_ctx_texts(struct ui_ctx *ctx, const struct ui_text_seen **out, size_t *n);
/* Lists and the guide, around drawing an item that lies only partly inside their viewport: px is the
 * item's output rect (NULL after it), so a text cut by the viewport reads "partial", not "clipped". */
void ui_ctx_partial_item(struct ui_ctx *ctx, const SDL_Rect *px);

#endif
