/* SPDX-License-Identifier: MIT */
/* The 10-foot toolkit: a context on a platform display, a stack of screens, widgets owned by their
 * parents, focus moved by semantic remote actions (plat_input.h), right-to-left mirroring, and a
 * frame loop that redraws only dirty regions and sleeps when nothing changes. Geometry is in design
 * units (1920x1080, ui_theme.h) relative to the parent; in a right-to-left UI every widget is mirrored
 * inside its parent unless ui_widget_set_mirror(w, false) (progress bars, transport controls).
 *
 * Threads: everything here is UI-thread only. Image loading runs on the context's worker threads and
 * comes back through ui_ctx_frame(); nothing else crosses threads but the config's wake callback,
 * which the workers call to wake the owner's loop.
 * Ownership: the context owns screens, a screen owns its widgets, a widget owns its children; a
 * widget pointer stays valid until its parent (or itself) is destroyed. Models and callbacks passed in
 * are borrowed and must outlive the widget. */
#ifndef UI_H
#define UI_H

#include "plat_display.h"
#include "plat_input.h"
#include "ui_text.h"
#include "ui_theme.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui_ctx;
struct ui_widget;
struct ui_draw;

/* A rectangle in design units (relative to the parent or to a list item). */
struct ui_rect {
	int x, y, w, h;
};

/* Loads a URL for the image cache on a worker thread: fills *data (malloc'ed, the cache frees it) and
 * *len, at most cap bytes. Returns 0 or a negative error. Must be thread-safe. */
typedef int (*ui_fetch_fn)(void *user, const char *url, uint8_t **data, size_t *len, size_t cap);

struct ui_ctx_config {
	struct plat_display *display; /* borrowed; must outlive the context */
	const struct ui_theme *theme; /* copied; NULL for ui_theme_default() */
	bool rtl;                     /* the UI language is written right to left */
	bool virtual_time;            /* time moves only with ui_ctx_advance() (headless scripts) */
	int64_t wall_ms;              /* with virtual_time: the pinned wall clock at start (0 = now) */
	size_t image_mem_cap;         /* bytes of decoded images kept as textures (0 = 48 MiB) */
	const char *image_disk_dir;   /* fetched image files cached here (NULL = no disk cache) */
	size_t image_disk_cap;        /* bytes on disk (0 = 64 MiB) */
	int image_max_dim;            /* images are scaled down to fit this (0 = 512) */
	int image_workers;            /* decode threads (0 = 2) */
	ui_fetch_fn fetch;            /* URLs that are not local files; NULL = built-in curl for http(s) */
	void *fetch_user;
	/* Called on an image worker thread each time a load finished, so the owner's loop wakes and runs
	 * ui_ctx_frame() (which takes the result). Thread-safe and quick (a pipe write); it must not
	 * push SDL events nor call into the context. NULL: none (the workers still push an SDL user
	 * event, which wakes SDL_WaitEvent on the drivers that really wait). */
	void (*wake)(void *user);
	void *wake_user;
};

/* Creates the context (text engine, image workers, scene texture). On success *out is owned by the
 * caller (ui_ctx_destroy). Returns 0 or a negative error (-ENOENT for missing fonts). */
int ui_ctx_create(const struct ui_ctx_config *cfg, struct ui_ctx **out);

/* Stops the workers, destroys every screen and widget, frees all; accepts NULL, sets *ctx to NULL. */
void ui_ctx_destroy(struct ui_ctx **ctx);

const struct ui_theme *ui_ctx_theme(const struct ui_ctx *ctx);
/* Replaces the theme (an operator's brand) and redraws everything. Fonts stay those of creation. */
void ui_ctx_set_theme(struct ui_ctx *ctx, const struct ui_theme *theme);
bool ui_ctx_rtl(const struct ui_ctx *ctx);
/* Switches the layout direction (a language change); everything is mirrored and redrawn. */
void ui_ctx_set_rtl(struct ui_ctx *ctx, bool rtl);

/* Output pixels for design units at the current output size (1080 design rows = output height). */
int ui_ctx_px(const struct ui_ctx *ctx, int design);

/* Monotonic milliseconds as the UI sees them (virtual with virtual_time) and the wall clock. */
uint64_t ui_ctx_now_ms(const struct ui_ctx *ctx);
int64_t ui_ctx_wall_ms(const struct ui_ctx *ctx);
/* Moves virtual time forward (no effect on real time). */
void ui_ctx_advance(struct ui_ctx *ctx, uint32_t ms);

/* Delivers a remote action to the focused widget of the top screen; it bubbles up through the
 * containers (which move focus spatially) to the screen's hook, then BACK pops the screen. Returns
 * true when something used it. */
bool ui_ctx_action(struct ui_ctx *ctx, enum plat_action a);
/* fn(user, a) sees every action first (from keys, remotes and scripts alike); returning true
 * consumes it. One hook (NULL removes it): the shell's standby. */
void ui_ctx_set_action_hook(struct ui_ctx *ctx, bool (*fn)(void *user, enum plat_action a), void *user);

/* Runs fn(user) once the current action has been handled (or at the next frame): for callbacks that
 * destroy the widget that called them. At most 16 pending; returns -EBUSY beyond. */
int ui_ctx_later(struct ui_ctx *ctx, void (*fn)(void *user), void *user);

/* Text typed on the on-screen keyboard (or a desktop keyboard) goes to the focused widget that takes
 * text. Returns true when one did. */
bool ui_ctx_type_text(struct ui_ctx *ctx, const char *utf8);

/* Takes finished image loads, runs animations and, when something is dirty (or force), draws and
 * presents one frame. Returns 1 when a frame was drawn, 0 when nothing changed, negative on error. */
int ui_ctx_frame(struct ui_ctx *ctx, bool force);

/* Replaces the wake-up of struct ui_ctx_config (wake NULL: none). Once it returns the old one is not
 * running and will not be called again, so its user may be freed. */
void ui_ctx_set_wake(struct ui_ctx *ctx, void (*wake)(void *user), void *user);

/* Milliseconds until the next frame that will differ from the one shown (0: something is dirty or
 * due now; a gliding focus ring: its next step, one display frame away, 16 ms; a toast: its end; a
 * spinner on a drawn screen: its next dot), or -1 when nothing animates and nothing is due: the
 * owner may then sleep until input or a wake-up. In the context's time (virtual with virtual_time). */
int ui_ctx_next_deadline(const struct ui_ctx *ctx);

/* True while image loads are queued or running. */
bool ui_ctx_busy(const struct ui_ctx *ctx);

/* Redraws the whole frame and copies it into *out (RGBA, caller frees with ui_pixels_free) before it
 * is presented. Returns 0 or a negative error. */
struct ui_pixels;
int ui_ctx_capture(struct ui_ctx *ctx, struct ui_pixels *out);

/* Maps a desktop key event to an action; the app can install its keymap (NULL keeps the default:
 * arrows, Enter, Escape/Backspace, PageUp/Down, digits, F1-F4 colours, e/i/m, space, q). */
typedef enum plat_action (*ui_keymap_fn)(void *user, int sdl_keycode);
void ui_ctx_set_keymap(struct ui_ctx *ctx, ui_keymap_fn fn, void *user);

/* The interactive loop: waits for input with the next animation deadline as timeout (no CPU when
 * idle), until quit or until run_ms elapse (0 = no limit). Returns 0 or a negative error. */
int ui_ctx_run(struct ui_ctx *ctx, uint32_t run_ms);
/* Makes ui_ctx_run() return after the current event. */
void ui_ctx_quit(struct ui_ctx *ctx);

struct ui_ctx_stats {
	unsigned long frames;
	unsigned long frame_us_p50, frame_us_p99, frame_us_max; /* over the last 4096 frames */
	unsigned long dirty_px_last;                            /* pixels redrawn in the last frame */
	size_t glyphs, glyph_atlas_bytes, text_layouts, text_layout_bytes;
	size_t images, image_mem_bytes, image_mem_cap, image_disk_bytes, image_disk_cap;
	unsigned long images_loaded, images_failed, images_evicted;
	unsigned long list_items_drawn; /* items drawn by lists/grids since the last reset */
};
void ui_ctx_stats(const struct ui_ctx *ctx, struct ui_ctx_stats *s);
void ui_ctx_stats_reset(struct ui_ctx *ctx);

/* ---- screens ---- */

/* An action hook of a screen: runs when no widget used the action. Return true when used. */
typedef bool (*ui_action_fn)(void *user, struct ui_widget *screen, enum plat_action a);

/* Creates a screen (not shown until pushed), owned by the context: freed by ui_ctx_destroy() or
 * ui_screen_destroy(). name is copied (for state reports). */
struct ui_widget *ui_screen_create(struct ui_ctx *ctx, const char *name);
/* Destroys a screen that is not on the stack; accepts NULL, sets *screen to NULL. */
void ui_screen_destroy(struct ui_widget **screen);
void ui_screen_on_action(struct ui_widget *screen, ui_action_fn fn, void *user);
/* An overlay screen (dialogs) is drawn over the screen under it instead of replacing it. */
void ui_screen_set_overlay(struct ui_widget *screen, bool overlay);
/* Shows screen on top. Its remembered focus comes back with it. Returns 0, -EBUSY when already on the
 * stack, -E2BIG when the stack is full (16). */
int ui_screen_push(struct ui_ctx *ctx, struct ui_widget *screen);
/* Removes the top screen (never the last one). Screens made by ui_dialog_open() are then freed. */
int ui_screen_pop(struct ui_ctx *ctx);
/* Empties the stack and shows screen alone (login -> home, a language switch). The screens taken
 * off stay owned by the context (auto-free ones are freed). Returns 0 or a negative error. */
int ui_screen_reset(struct ui_ctx *ctx, struct ui_widget *screen);
struct ui_widget *ui_screen_top(const struct ui_ctx *ctx);
size_t ui_screen_depth(const struct ui_ctx *ctx);
const char *ui_screen_name(const struct ui_widget *screen);

/* ---- every widget ---- */

/* The widget with the focus on the top screen (NULL when none is focusable). */
struct ui_widget *ui_focused(const struct ui_ctx *ctx);
/* Gives w the focus (and to its screen's memory). w must be focusable and visible. */
int ui_widget_focus(struct ui_widget *w);
void ui_widget_set_id(struct ui_widget *w, const char *id); /* copied, 31 bytes at most */
const char *ui_widget_id(const struct ui_widget *w);
/* The widget's class name: "box", "label", "button", "list", "grid", ... */
const char *ui_widget_kind(const struct ui_widget *w);
struct ui_widget *ui_widget_find(struct ui_widget *root, const char *id);
void ui_widget_set_rect(struct ui_widget *w, struct ui_rect r);
struct ui_rect ui_widget_rect(const struct ui_widget *w);
/* Where w is on the output, in pixels, after mirroring and scaling. */
void ui_widget_screen_rect(const struct ui_widget *w, int *x, int *y, int *width, int *height);
void ui_widget_set_visible(struct ui_widget *w, bool visible);
void ui_widget_set_focusable(struct ui_widget *w, bool focusable);
/* false keeps w (and its children) in left-to-right order in a right-to-left UI. */
void ui_widget_set_mirror(struct ui_widget *w, bool mirror);
/* Wrap focus around at the edges of this container, per axis. */
void ui_widget_set_wrap(struct ui_widget *w, bool horizontal, bool vertical);
/* Background fill of a box or screen (alpha 0 = none). */
void ui_widget_set_background(struct ui_widget *w, struct ui_color c);
/* Marks w for redraw. */
void ui_widget_invalidate(struct ui_widget *w);
/* An action hook of any widget: runs before it bubbles up. Return true when used. */
void ui_widget_on_action(struct ui_widget *w, ui_action_fn fn, void *user);
/* Destroys w and its children and removes it from its parent; accepts NULL, sets *w to NULL. */
void ui_widget_destroy(struct ui_widget **w);
/* For state reports: the focused item index of a list/grid/keyboard (-1 for others) and its label. */
long ui_widget_item(const struct ui_widget *w, char *label, size_t cap);

/* ---- drawing inside items (list/grid/guide models) ---- */

/* Rectangles are design units relative to the item being drawn; they are mirrored in RTL. Text flags
 * are UI_TEXT_* of ui_text.h; UI_TEXT_RTL is set by the toolkit from the layout direction. */
struct ui_text_style {
	int size;              /* design units; 0 = theme text_body */
	struct ui_color color; /* alpha 0 = theme text */
	unsigned flags;        /* UI_TEXT_* (ui_text.h) */
	int max_lines;         /* 0 = one line unless UI_TEXT_WRAP */
};
void ui_draw_fill(struct ui_draw *d, struct ui_rect r, struct ui_color c);
void ui_draw_text(struct ui_draw *d, struct ui_rect r, const char *utf8, const struct ui_text_style *st);
/* Draws the image at url scaled to fit r, or the placeholder while it loads or when it failed. */
void ui_draw_image(struct ui_draw *d, struct ui_rect r, const char *url);
const struct ui_theme *ui_draw_theme(const struct ui_draw *d);
struct ui_ctx *ui_draw_ctx(const struct ui_draw *d);

/* ---- widgets ---- */

struct ui_widget *ui_box_create(struct ui_widget *parent, struct ui_rect r);

struct ui_widget *ui_label_create(struct ui_widget *parent, struct ui_rect r, const char *utf8,
				  const struct ui_text_style *st);
int ui_label_set_text(struct ui_widget *w, const char *utf8);
void ui_label_set_style(struct ui_widget *w, const struct ui_text_style *st);

typedef void (*ui_click_fn)(void *user, struct ui_widget *w);
struct ui_widget *ui_button_create(struct ui_widget *parent, struct ui_rect r, const char *utf8,
				   ui_click_fn on_click, void *user);
int ui_button_set_text(struct ui_widget *w, const char *utf8);

/* An image from a file path, file:// or http(s):// URL, decoded off the UI thread. */
struct ui_widget *ui_image_create(struct ui_widget *parent, struct ui_rect r, const char *url);
int ui_image_set_url(struct ui_widget *w, const char *url);
/* 1 loaded, 0 loading (placeholder shown), negative when it failed. */
int ui_image_status(struct ui_widget *w);

/* A progress bar: not mirrored by default (playback time always runs left to right). */
struct ui_widget *ui_progress_create(struct ui_widget *parent, struct ui_rect r);
void ui_progress_set(struct ui_widget *w, double fraction); /* clamped to 0..1 */

/* A spinner: animates while visible on the top screen, and only then asks for frames. */
struct ui_widget *ui_spinner_create(struct ui_widget *parent, struct ui_rect r);

/* A virtualised list or grid: the model gives the count and draws item i on demand, so the cost is
 * the visible items whatever the count. */
struct ui_list_model {
	size_t (*count)(void *user);
	/* Draws item index in a w x h item (design units). */
	void (*draw)(void *user, struct ui_draw *d, size_t index, int w, int h, bool focused);
	void (*activate)(void *user, size_t index);                    /* optional: OK */
	void (*focus_changed)(void *user, size_t index);               /* optional */
	int (*label)(void *user, size_t index, char *buf, size_t cap); /* optional: state reports */
};
/* A vertical list with rows of row_h design units. */
struct ui_widget *ui_list_create(struct ui_widget *parent, struct ui_rect r, const struct ui_list_model *m,
				 void *user, int row_h);
/* A grid of cell_w x cell_h cells (gap included), as many columns as fit; rows scroll. */
struct ui_widget *ui_grid_create(struct ui_widget *parent, struct ui_rect r, const struct ui_list_model *m,
				 void *user, int cell_w, int cell_h);
/* Focused index of a list/grid; setting it scrolls it into view (clamped to the count). */
size_t ui_list_index(const struct ui_widget *w);
void ui_list_set_index(struct ui_widget *w, size_t index);
/* The count changed: clamps the focus and redraws. */
void ui_list_refresh(struct ui_widget *w);
/* First visible item and number of visible items. */
void ui_list_visible(const struct ui_widget *w, size_t *first, size_t *count);

/* The guide: channels as rows, time as the horizontal axis, virtualised on both. */
struct ui_guide_item {
	int64_t start_ms, end_ms; /* wall clock */
	uint64_t id;
};
struct ui_guide_model {
	size_t (*rows)(void *user);
	/* Writes the items of row that overlap [from_ms, to_ms), sorted by start, at most cap; returns how
	 * many were written. */
	size_t (*items)(void *user, size_t row, int64_t from_ms, int64_t to_ms, struct ui_guide_item *out,
			size_t cap);
	void (*draw_channel)(void *user, struct ui_draw *d, size_t row, int w, int h, bool focused_row);
	void (*draw_item)(void *user, struct ui_draw *d, size_t row, const struct ui_guide_item *it, int w,
			  int h, bool focused);
	void (*activate)(void *user, size_t row, const struct ui_guide_item *it); /* optional */
	int (*label)(void *user, size_t row, const struct ui_guide_item *it, char *buf,
		     size_t cap); /* opt. */
};
/* Shows span_ms of time from start_ms; the channel column is channel_w wide, rows row_h high. */
struct ui_widget *ui_guide_create(struct ui_widget *parent, struct ui_rect r, const struct ui_guide_model *m,
				  void *user, int64_t start_ms, int64_t span_ms, int channel_w, int row_h);
/* The focused row and item (id 0 and times 0 when the row has no item there). */
void ui_guide_focus(const struct ui_widget *w, size_t *row, struct ui_guide_item *it);
void ui_guide_window(const struct ui_widget *w, size_t *first_row, int64_t *start_ms);

/* The on-screen keyboard with a text field: Latin (QWERTY) and Arabic layouts, switched by its
 * layout key; OK on "done" (or the remote's green key) calls on_done with the text. Digits on the
 * remote type digits. */
enum ui_kb_layout { UI_KB_LATIN, UI_KB_ARABIC };
typedef void (*ui_text_done_fn)(void *user, struct ui_widget *w, const char *utf8);
struct ui_widget *ui_keyboard_create(struct ui_widget *parent, struct ui_rect r, enum ui_kb_layout layout,
				     ui_text_done_fn on_done, void *user);
const char *ui_keyboard_text(const struct ui_widget *w);
int ui_keyboard_set_text(struct ui_widget *w, const char *utf8);
void ui_keyboard_set_layout(struct ui_widget *w, enum ui_kb_layout layout);
enum ui_kb_layout ui_keyboard_layout(const struct ui_widget *w);
/* Shows the field as dots (passwords). */
void ui_keyboard_set_secret(struct ui_widget *w, bool secret);

/* A modal dialog: an overlay screen with a title, a wrapped message and up to 4 buttons. on_close
 * gets the chosen button index, or -1 for BACK; the dialog is then popped and freed. */
typedef void (*ui_dialog_fn)(void *user, int button);
int ui_dialog_open(struct ui_ctx *ctx, const char *title, const char *message, const char *const *buttons,
		   size_t n_buttons, ui_dialog_fn on_close, void *user);

/* A toast: one line at the bottom over everything for ms milliseconds; a new one replaces it. */
void ui_toast_show(struct ui_ctx *ctx, const char *utf8, uint32_t ms);
/* The toast text while one is shown, else NULL. */
const char *ui_toast_text(const struct ui_ctx *ctx);

/* The video layer: frames from the player shown under the UI (the UI draws over it with alpha). */
enum ui_video_format { UI_VIDEO_YUV420P, UI_VIDEO_NV12 };
enum ui_video_aspect { UI_ASPECT_FIT, UI_ASPECT_FILL, UI_ASPECT_STRETCH };
/* A neutral frame: plane pointers and line sizes are borrowed for the duration of the call. YUV420P
 * has 3 planes (Y, U, V), NV12 has 2 (Y, interleaved UV). sar = sample aspect ratio (0/0 = square). */
struct ui_video_frame {
	int width, height;
	enum ui_video_format format;
	const uint8_t *planes[3];
	int linesize[3];
	int sar_num, sar_den;
};
struct ui_widget *ui_video_create(struct ui_widget *parent, struct ui_rect r);
/* Uploads the frame to the layer's texture (SDL_UpdateYUVTexture / SDL_UpdateNVTexture). Returns 0,
 * -EINVAL for a bad frame, -EIO when the renderer refuses. */
int ui_video_show(struct ui_widget *w, const struct ui_video_frame *f);
void ui_video_clear(struct ui_widget *w);
void ui_video_set_aspect(struct ui_widget *w, enum ui_video_aspect a);
/* Where the picture lands inside the layer, in output pixels (for tests and subtitles). */
void ui_video_picture_rect(const struct ui_widget *w, int *x, int *y, int *width, int *height);

#endif
