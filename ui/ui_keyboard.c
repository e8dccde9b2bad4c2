/* SPDX-License-Identifier: MIT */
/* The on-screen keyboard for login and search: a text field over a grid of keys, Latin (QWERTY) and
 * Arabic layouts. The Latin layout always runs left to right and the Arabic one right to left,
 * whatever the UI language, so the widget does its own mirroring. The focus moves between keys by
 * nearest neighbour and leaves the keyboard at its edges. */
#include "ui_internal.h"

#include <errno.h>
#include <string.h>

enum { KB_TEXT_CAP = 256, KB_MAX_KEYS = 64, FIELD_H = 100, KEY_GAP = 8 };

enum key_kind { KEY_CHAR, KEY_SPACE, KEY_BACKSPACE, KEY_LAYOUT, KEY_DONE };

struct key {
	enum key_kind kind;
	char label[24];   /* what it shows and, for KEY_CHAR, what it types */
	struct ui_rect r; /* inside the widget, design units, already in visual order */
};

struct kb {
	char text[KB_TEXT_CAP];
	enum ui_kb_layout layout;
	bool secret;
	struct key keys[KB_MAX_KEYS];
	size_t n_keys, focus;
	ui_text_done_fn on_done;
	void *user;
};

static const char *const latin_rows[] = { "1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm@._" };
/* Arabic (the common PC layout, one letter per key; lam-alef is typed as two letters). */
static const char *const arabic_rows[] = { "1234567890", "ضصثقفغعهخحج", "شسيبلاتنمكط", "ئءؤرىةوزظد" };

/* Splits a row into UTF-8 characters. */
static size_t utf8_chars(const char *s, char out[][16], size_t cap)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < cap;) {
		size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		memcpy(out[n], p, len);
		out[n][len] = 0;
		n++;
		for (size_t i = 0; i < len && *p; i++)
			p++;
	}
	return n;
}

static void build_keys(struct ui_widget *w)
{
	struct kb *k = w->data;
	const char *const *rows = k->layout == UI_KB_ARABIC ? arabic_rows : latin_rows;
	bool rtl = k->layout == UI_KB_ARABIC;
	int width = w->rect.w, rows_n = 5;
	int kh = (w->rect.h - FIELD_H - KEY_GAP) / rows_n;
	int cols = 11;
	int kw = width / cols;
	k->n_keys = 0;
	for (int r = 0; r < 4; r++) {
		char chars[16][16];
		size_t n = utf8_chars(rows[r], chars, 16);
		int x0 = (width - (int)n * kw) / 2;
		for (size_t c = 0; c < n && k->n_keys < KB_MAX_KEYS; c++) {
			struct key *key = &k->keys[k->n_keys++];
			int x = x0 + (int)c * kw;
			if (rtl)
				x = width - x - kw;
			key->kind = KEY_CHAR;
			snprintf(key->label, sizeof(key->label), "%s", chars[c]);
			key->r =
			    (struct ui_rect){ x, FIELD_H + KEY_GAP + r * kh, kw - KEY_GAP, kh - KEY_GAP };
		}
	}
	static const struct {
		enum key_kind kind;
		int span;
	} specials[] = { { KEY_LAYOUT, 2 }, { KEY_SPACE, 5 }, { KEY_BACKSPACE, 2 }, { KEY_DONE, 2 } };
	int x = (width - 11 * kw) / 2;
	for (size_t i = 0; i < 4 && k->n_keys < KB_MAX_KEYS; i++) {
		struct key *key = &k->keys[k->n_keys++];
		int kx = rtl ? width - x - specials[i].span * kw : x;
		key->kind = specials[i].kind;
		const char *label = specials[i].kind == KEY_LAYOUT      ? (rtl ? "ABC" : "عربي")
				    : specials[i].kind == KEY_SPACE     ? (rtl ? "مسافة" : "Space")
				    : specials[i].kind == KEY_BACKSPACE ? (rtl ? "حذف" : "Delete")
									: (rtl ? "تم" : "Done");
		snprintf(key->label, sizeof(key->label), "%s", label);
		key->r = (struct ui_rect){ kx, FIELD_H + KEY_GAP + 4 * kh, specials[i].span * kw - KEY_GAP,
					   kh - KEY_GAP };
		x += specials[i].span * kw;
	}
	if (k->focus >= k->n_keys)
		k->focus = 0;
}

/* Keys are laid out in visual order already: the widget itself is never mirrored. */
static struct ui_draw kb_draw_ctx(struct ui_widget *w)
{
	struct ui_draw d = { .ctx = w->ctx, .dw = w->rect.w, .dh = w->rect.h };
	ui_widget_px(w, &d.px, NULL);
	return d;
}

static void kb_draw(struct ui_widget *w, struct ui_draw *d)
{
	struct kb *k = w->data;
	const struct ui_theme *t = ui_draw_theme(d);
	bool focused = ui_widget_is_focused(w);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, d->dw, FIELD_H }, t->surface_alt);
	char shown[KB_TEXT_CAP * 3 + 4];
	if (k->secret) {
		size_t n = 0, o = 0;
		for (const unsigned char *p = (const unsigned char *)k->text; *p; p++)
			n += (*p & 0xc0) != 0x80;
		for (size_t i = 0; i < n && o + 3 < sizeof(shown); i++, o += 3)
			memcpy(shown + o, "\xe2\x80\xa2", 3); /* bullet */
		shown[o] = 0;
	} else {
		snprintf(shown, sizeof(shown), "%s", k->text);
	}
	size_t len = strlen(shown);
	snprintf(shown + len, sizeof(shown) - len, "|"); /* the caret: typing goes at the end */
	struct ui_text_style fs = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_draw field = *d;
	field.mirror = ui_ctx_rtl(w->ctx);
	ui_draw_text(&field, (struct ui_rect){ 24, 0, d->dw - 48, FIELD_H }, shown, &fs);
	for (size_t i = 0; i < k->n_keys; i++) {
		const struct key *key = &k->keys[i];
		bool f = focused && i == k->focus;
		struct ui_color bg = f ? t->accent : key->kind == KEY_CHAR ? t->surface : t->surface_alt;
		ui_draw_fill(d, key->r, bg);
		struct ui_text_style ks = { .size = t->text_body,
					    .color = f ? t->on_accent : t->text,
					    .flags = UI_TEXT_CENTER | UI_TEXT_MIDDLE };
		ui_draw_text(d, key->r, key->label, &ks);
	}
}

static void kb_focus_rect(struct ui_widget *w, SDL_Rect *px)
{
	struct kb *k = w->data;
	struct ui_draw d = kb_draw_ctx(w);
	*px = k->n_keys ? ui_draw_map(&d, k->keys[k->focus].r) : d.px;
}

static bool nearest_key(struct ui_widget *w, enum plat_action a)
{
	struct kb *k = w->data;
	const struct ui_rect *f = &k->keys[k->focus].r;
	long fcx = f->x + f->w / 2, fcy = f->y + f->h / 2, best_score = -1;
	size_t best = k->focus;
	for (size_t i = 0; i < k->n_keys; i++) {
		const struct ui_rect *c = &k->keys[i].r;
		long cx = c->x + c->w / 2, cy = c->y + c->h / 2, p, s;
		switch (a) {
		case PLAT_ACT_LEFT:
			p = fcx - cx, s = labs(cy - fcy);
			break;
		case PLAT_ACT_RIGHT:
			p = cx - fcx, s = labs(cy - fcy);
			break;
		case PLAT_ACT_UP:
			p = fcy - cy, s = labs(cx - fcx);
			break;
		case PLAT_ACT_DOWN:
			p = cy - fcy, s = labs(cx - fcx);
			break;
		default:
			return false;
		}
		/* same row for LEFT/RIGHT, any key that way for UP/DOWN, nearest centre first */
		bool horiz = a == PLAT_ACT_LEFT || a == PLAT_ACT_RIGHT;
		if (p <= 0 || (horiz && s > f->h / 2))
			continue;
		long score = p + 3 * s;
		if (best_score < 0 || score < best_score) {
			best_score = score;
			best = i;
		}
	}
	if (best_score < 0)
		return false;
	struct ui_draw d = kb_draw_ctx(w);
	SDL_Rect old = ui_draw_map(&d, k->keys[k->focus].r), nw = ui_draw_map(&d, k->keys[best].r);
	ui_ctx_dirty(w->ctx, &old);
	ui_ctx_dirty(w->ctx, &nw);
	k->focus = best;
	return true;
}

static void field_changed(struct ui_widget *w)
{
	struct ui_draw d = kb_draw_ctx(w);
	SDL_Rect px = ui_draw_map(&d, (struct ui_rect){ 0, 0, w->rect.w, FIELD_H });
	ui_ctx_dirty(w->ctx, &px);
}

static bool append(struct ui_widget *w, const char *utf8)
{
	struct kb *k = w->data;
	size_t len = strlen(k->text), add = strlen(utf8);
	if (len + add >= KB_TEXT_CAP)
		return false;
	memcpy(k->text + len, utf8, add + 1);
	field_changed(w);
	return true;
}

static void backspace(struct ui_widget *w)
{
	struct kb *k = w->data;
	size_t len = strlen(k->text);
	while (len > 0 && ((unsigned char)k->text[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	k->text[len] = 0;
	field_changed(w);
}

static void press(struct ui_widget *w)
{
	struct kb *k = w->data;
	const struct key *key = &k->keys[k->focus];
	switch (key->kind) {
	case KEY_CHAR:
		append(w, key->label);
		break;
	case KEY_SPACE:
		append(w, " ");
		break;
	case KEY_BACKSPACE:
		backspace(w);
		break;
	case KEY_LAYOUT:
		ui_keyboard_set_layout(w, k->layout == UI_KB_LATIN ? UI_KB_ARABIC : UI_KB_LATIN);
		break;
	case KEY_DONE:
		if (k->on_done)
			k->on_done(k->user, w, k->text);
		break;
	}
}

static bool kb_action(struct ui_widget *w, enum plat_action a)
{
	struct kb *k = w->data;
	if (a >= PLAT_ACT_DIGIT_0 && a <= PLAT_ACT_DIGIT_9) {
		char digit[2] = { (char)('0' + (a - PLAT_ACT_DIGIT_0)), 0 };
		return append(w, digit);
	}
	switch (a) {
	case PLAT_ACT_OK:
		press(w);
		return true;
	case PLAT_ACT_GREEN:
		if (k->on_done)
			k->on_done(k->user, w, k->text);
		return true;
	case PLAT_ACT_RED:
		backspace(w);
		return true;
	case PLAT_ACT_LEFT:
	case PLAT_ACT_RIGHT:
	case PLAT_ACT_UP:
	case PLAT_ACT_DOWN:
		return nearest_key(w, a);
	default:
		return false;
	}
}

static bool kb_text(struct ui_widget *w, const char *utf8)
{
	return append(w, utf8);
}

static long kb_item(const struct ui_widget *w, char *label, size_t cap)
{
	const struct kb *k = w->data;
	if (label && cap)
		snprintf(label, cap, "%s", k->n_keys ? k->keys[k->focus].label : "");
	return (long)k->focus;
}

static const struct ui_widget_class kb_class = { .kind = "keyboard",
						 .draw = kb_draw,
						 .action = kb_action,
						 .text = kb_text,
						 .focus_rect = kb_focus_rect,
						 .item = kb_item };

struct ui_widget *ui_keyboard_create(struct ui_widget *parent, struct ui_rect r, enum ui_kb_layout layout,
				     ui_text_done_fn on_done, void *user)
{
	struct ui_widget *w = ui_widget_new(parent, &kb_class, r, sizeof(struct kb));
	if (!w)
		return NULL;
	struct kb *k = w->data;
	k->layout = layout;
	k->on_done = on_done;
	k->user = user;
	w->focusable = true;
	w->mirror = false;
	build_keys(w);
	return w;
}

const char *ui_keyboard_text(const struct ui_widget *w)
{
	return w->cls == &kb_class ? ((const struct kb *)w->data)->text : "";
}

int ui_keyboard_set_text(struct ui_widget *w, const char *utf8)
{
	if (w->cls != &kb_class)
		return -EINVAL;
	struct kb *k = w->data;
	if (strlen(utf8) >= KB_TEXT_CAP)
		return -E2BIG;
	snprintf(k->text, sizeof(k->text), "%s", utf8);
	field_changed(w);
	return 0;
}

void ui_keyboard_set_layout(struct ui_widget *w, enum ui_kb_layout layout)
{
	if (w->cls != &kb_class)
		return;
	struct kb *k = w->data;
	k->layout = layout;
	size_t keep = k->focus;
	bool on_layout_key = k->n_keys && k->keys[keep].kind == KEY_LAYOUT;
	build_keys(w);
	if (on_layout_key) /* stay on the layout key so pressing again switches back */
		for (size_t i = 0; i < k->n_keys; i++)
			if (k->keys[i].kind == KEY_LAYOUT)
				k->focus = i;
	ui_widget_invalidate(w);
}

enum ui_kb_layout ui_keyboard_layout(const struct ui_widget *w)
{
	return w->cls == &kb_class ? ((const struct kb *)w->data)->layout : UI_KB_LATIN;
}

void ui_keyboard_set_secret(struct ui_widget *w, bool secret)
{
	if (w->cls != &kb_class)
		return;
	((struct kb *)w->data)->secret = secret;
	field_changed(w);
}
