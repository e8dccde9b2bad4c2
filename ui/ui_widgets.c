/* SPDX-License-Identifier: MIT */
/* The plain widgets: box (a container), label, button, image, progress bar, spinner, and the modal
 * dialog built from them on an overlay screen. */
#include "ui_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { TEXT_CAP = 1024, URL_CAP = 1024 };

/* ---- box ---- */

static const struct ui_widget_class box_class = { .kind = "box" };

struct ui_widget *ui_box_create(struct ui_widget *parent, struct ui_rect r)
{
	return ui_widget_new(parent, &box_class, r, 0);
}

/* ---- label ---- */

struct label {
	char text[TEXT_CAP];
	struct ui_text_style style;
};

static void label_draw(struct ui_widget *w, struct ui_draw *d)
{
	struct label *l = w->data;
	ui_draw_text(d, (struct ui_rect){ 0, 0, d->dw, d->dh }, l->text, &l->style);
}

static long label_item(const struct ui_widget *w, char *label, size_t cap)
{
	snprintf(label, cap, "%s", ((const struct label *)w->data)->text);
	return -1;
}

static const struct ui_widget_class label_class = { .kind = "label", .draw = label_draw, .item = label_item };

struct ui_widget *ui_label_create(struct ui_widget *parent, struct ui_rect r, const char *utf8,
				  const struct ui_text_style *st)
{
	struct ui_widget *w = ui_widget_new(parent, &label_class, r, sizeof(struct label));
	if (!w)
		return NULL;
	ui_label_set_style(w, st);
	ui_label_set_text(w, utf8);
	return w;
}

int ui_label_set_text(struct ui_widget *w, const char *utf8)
{
	if (w->cls != &label_class)
		return -EINVAL;
	struct label *l = w->data;
	if (strcmp(l->text, utf8 ? utf8 : "") == 0)
		return 0;
	snprintf(l->text, sizeof(l->text), "%s", utf8 ? utf8 : "");
	ui_widget_invalidate(w);
	return strlen(utf8 ? utf8 : "") >= TEXT_CAP ? -E2BIG : 0;
}

void ui_label_set_style(struct ui_widget *w, const struct ui_text_style *st)
{
	if (w->cls != &label_class)
		return;
	struct label *l = w->data;
	l->style = st ? *st : (struct ui_text_style){ .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_widget_invalidate(w);
}

/* ---- button ---- */

struct button {
	char text[256];
	ui_click_fn on_click;
	void *user;
};

static void button_draw(struct ui_widget *w, struct ui_draw *d)
{
	struct button *b = w->data;
	const struct ui_theme *t = ui_draw_theme(d);
	bool f = ui_widget_is_focused(w);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, d->dw, d->dh }, f ? t->accent : t->surface);
	struct ui_text_style st = { .size = t->text_body,
				    .color = f ? t->on_accent : t->text,
				    .flags = UI_TEXT_CENTER | UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 16, 0, d->dw - 32, d->dh }, b->text, &st);
}

static bool button_action(struct ui_widget *w, enum plat_action a)
{
	struct button *b = w->data;
	if (a != PLAT_ACT_OK || !b->on_click)
		return false;
	b->on_click(b->user, w);
	return true;
}

static long button_item(const struct ui_widget *w, char *label, size_t cap)
{
	snprintf(label, cap, "%s", ((const struct button *)w->data)->text);
	return -1;
}

static const struct ui_widget_class button_class = {
	.kind = "button", .draw = button_draw, .action = button_action, .item = button_item
};

struct ui_widget *ui_button_create(struct ui_widget *parent, struct ui_rect r, const char *utf8,
				   ui_click_fn on_click, void *user)
{
	struct ui_widget *w = ui_widget_new(parent, &button_class, r, sizeof(struct button));
	if (!w)
		return NULL;
	struct button *b = w->data;
	b->on_click = on_click;
	b->user = user;
	w->focusable = true;
	ui_button_set_text(w, utf8);
	return w;
}

int ui_button_set_text(struct ui_widget *w, const char *utf8)
{
	if (w->cls != &button_class)
		return -EINVAL;
	struct button *b = w->data;
	snprintf(b->text, sizeof(b->text), "%s", utf8 ? utf8 : "");
	ui_widget_invalidate(w);
	return 0;
}

/* ---- image ---- */

struct image {
	char url[URL_CAP];
};

static void image_draw(struct ui_widget *w, struct ui_draw *d)
{
	ui_draw_image(d, (struct ui_rect){ 0, 0, d->dw, d->dh }, ((struct image *)w->data)->url);
}

static const struct ui_widget_class image_class = { .kind = "image", .draw = image_draw };

struct ui_widget *ui_image_create(struct ui_widget *parent, struct ui_rect r, const char *url)
{
	struct ui_widget *w = ui_widget_new(parent, &image_class, r, sizeof(struct image));
	if (w)
		ui_image_set_url(w, url);
	return w;
}

int ui_image_set_url(struct ui_widget *w, const char *url)
{
	if (w->cls != &image_class)
		return -EINVAL;
	struct image *im = w->data;
	if (url && strlen(url) >= URL_CAP)
		return -E2BIG;
	snprintf(im->url, sizeof(im->url), "%s", url ? url : "");
	ui_widget_invalidate(w);
	return 0;
}

int ui_image_status(struct ui_widget *w)
{
	if (w->cls != &image_class)
		return -EINVAL;
	struct image *im = w->data;
	SDL_Texture *tex;
	int iw, ih;
	return im->url[0] ? ui_imgcache_get(ui_ctx_images(w->ctx), im->url, &tex, &iw, &ih) : -ENOENT;
}

/* ---- progress bar ---- */

struct progress {
	double fraction;
};

static void progress_draw(struct ui_widget *w, struct ui_draw *d)
{
	const struct ui_theme *t = ui_draw_theme(d);
	struct progress *p = w->data;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, d->dw, d->dh }, t->surface_alt);
	int fill = (int)lround(p->fraction * d->dw);
	if (fill > 0)
		ui_draw_fill(d, (struct ui_rect){ 0, 0, fill, d->dh }, t->accent);
}

static const struct ui_widget_class progress_class = { .kind = "progress", .draw = progress_draw };

struct ui_widget *ui_progress_create(struct ui_widget *parent, struct ui_rect r)
{
	struct ui_widget *w = ui_widget_new(parent, &progress_class, r, sizeof(struct progress));
	if (w)
		w->mirror = false;
	return w;
}

void ui_progress_set(struct ui_widget *w, double fraction)
{
	if (w->cls != &progress_class)
		return;
	if (!(fraction >= 0.0))
		fraction = 0.0;
	if (fraction > 1.0)
		fraction = 1.0;
	struct progress *p = w->data;
	if (p->fraction != fraction) {
		p->fraction = fraction;
		ui_widget_invalidate(w);
	}
}

/* ---- spinner ---- */

enum { SPIN_DOTS = 12, SPIN_PERIOD_MS = 960 };

struct spinner {
	long drawn_tick;
};

static long spin_tick(uint64_t now)
{
	return (long)(now / (SPIN_PERIOD_MS / SPIN_DOTS));
}

static void spinner_draw(struct ui_widget *w, struct ui_draw *d)
{
	struct spinner *s = w->data;
	const struct ui_theme *t = ui_draw_theme(d);
	long tick = spin_tick(ui_ctx_now_ms(w->ctx));
	s->drawn_tick = tick;
	int size = d->dw < d->dh ? d->dw : d->dh;
	int dot = size / 8 > 2 ? size / 8 : 2;
	double radius = (size - dot) / 2.0;
	for (int i = 0; i < SPIN_DOTS; i++) {
		/* clockwise; the head dot is brightest and the tail fades */
		int age = (int)((tick - i) % SPIN_DOTS + SPIN_DOTS) % SPIN_DOTS;
		double ang = 2.0 * M_PI * i / SPIN_DOTS - M_PI / 2;
		struct ui_color c = t->accent;
		c.a = (uint8_t)(255 - age * 200 / SPIN_DOTS);
		int cx = d->dw / 2 + (int)lround(radius * cos(ang)),
		    cy = d->dh / 2 + (int)lround(radius * sin(ang));
		ui_draw_fill(d, (struct ui_rect){ cx - dot / 2, cy - dot / 2, dot, dot }, c);
	}
}

static int spinner_deadline(struct ui_widget *w, uint64_t now)
{
	struct spinner *s = w->data;
	if (spin_tick(now) != s->drawn_tick)
		return 0;
	long step = SPIN_PERIOD_MS / SPIN_DOTS;
	return (int)(step - (long)(now % (uint64_t)step));
}

static const struct ui_widget_class spinner_class = { .kind = "spinner",
						      .draw = spinner_draw,
						      .deadline = spinner_deadline };

struct ui_widget *ui_spinner_create(struct ui_widget *parent, struct ui_rect r)
{
	struct ui_widget *w = ui_widget_new(parent, &spinner_class, r, sizeof(struct spinner));
	if (w) {
		((struct spinner *)w->data)->drawn_tick = -1;
		ui_ctx_track(w->ctx, w, true);
	}
	return w;
}

/* ---- dialog ---- */

struct dialog {
	ui_dialog_fn on_close;
	void *user;
	struct ui_widget *buttons[4];
	size_t n;
};

static void dialog_close(struct ui_widget *screen, int button)
{
	struct ui_ctx *ctx = screen->ctx;
	struct ui_widget *box = screen->first;
	struct dialog *d = box ? box->data : NULL;
	ui_dialog_fn fn = d ? d->on_close : NULL;
	void *user = d ? d->user : NULL;
	if (ui_screen_top(ctx) == screen)
		ui_screen_pop(ctx);
	if (fn)
		fn(user, button);
}

static void dialog_click(void *user, struct ui_widget *b)
{
	struct ui_widget *box = user;
	struct dialog *d = box->data;
	for (size_t i = 0; i < d->n; i++)
		if (d->buttons[i] == b)
			dialog_close(ui_widget_screen(box), (int)i);
}

static bool dialog_back(void *user, struct ui_widget *screen, enum plat_action a)
{
	if (a != PLAT_ACT_BACK)
		return false;
	dialog_close(screen, -1);
	return true;
}

static const struct ui_widget_class dialog_class = { .kind = "dialog" };

int ui_dialog_open(struct ui_ctx *ctx, const char *title, const char *message, const char *const *buttons,
		   size_t n_buttons, ui_dialog_fn on_close, void *user)
{
	if (n_buttons > 4)
		return -EINVAL;
	struct ui_widget *s = ui_screen_create(ctx, "dialog");
	if (!s)
		return -ENOMEM;
	ui_screen_set_overlay(s, true);
	ui_screen_set_autofree(s);
	const struct ui_theme *t = ui_ctx_theme(ctx);
	int w = 1000, h = 480, x = (UI_DESIGN_WIDTH - w) / 2, y = (UI_DESIGN_HEIGHT - h) / 2;
	struct ui_widget *box =
	    ui_widget_new(s, &dialog_class, (struct ui_rect){ x, y, w, h }, sizeof(struct dialog));
	if (!box) {
		ui_screen_destroy(&s);
		return -ENOMEM;
	}
	struct dialog *d = box->data;
	d->on_close = on_close;
	d->user = user;
	ui_widget_set_background(box, t->surface);
	ui_widget_set_wrap(box, true, false);
	struct ui_text_style ts = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(box, (struct ui_rect){ 48, 32, w - 96, 70 }, title, &ts);
	struct ui_text_style ms = { .size = t->text_body,
				    .color = t->text_dim,
				    .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				    .max_lines = 4 };
	ui_label_create(box, (struct ui_rect){ 48, 120, w - 96, 200 }, message, &ms);
	int bw = 260, gap = 32, total = (int)n_buttons * bw + (int)(n_buttons ? n_buttons - 1 : 0) * gap;
	for (size_t i = 0; i < n_buttons; i++) {
		d->buttons[i] = ui_button_create(
		    box, (struct ui_rect){ (w - total) / 2 + (int)i * (bw + gap), h - 120, bw, 80 },
		    buttons[i], dialog_click, box);
		char id[16];
		snprintf(id, sizeof(id), "button%zu", i);
		if (d->buttons[i])
			ui_widget_set_id(d->buttons[i], id);
	}
	d->n = n_buttons;
	ui_screen_on_action(s, dialog_back, NULL);
	int rc = ui_screen_push(ctx, s);
	if (rc < 0)
		ui_screen_destroy(&s);
	return rc;
}
