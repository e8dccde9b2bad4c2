/* SPDX-License-Identifier: MIT */
/* The theme: every colour, font and size of the UI in one struct, so an operator's brand (from the
 * provisioning file) restyles the whole UI by overriding a few named keys. Sizes are in design units:
 * the UI is designed for 1920x1080 and scaled to the output (720p, 1080p, 2160p). Plain data, no
 * threads, no allocation. */
#ifndef UI_THEME_H
#define UI_THEME_H

#include <stdint.h>

struct ui_color {
	uint8_t r, g, b, a;
};

enum { UI_DESIGN_WIDTH = 1920, UI_DESIGN_HEIGHT = 1080, UI_THEME_PATH_MAX = 256 };

struct ui_theme {
	struct ui_color bg;          /* screen background */
	struct ui_color surface;     /* panels, list rows, keys */
	struct ui_color surface_alt; /* alternate rows, tracks */
	struct ui_color text;
	struct ui_color text_dim;
	struct ui_color accent;    /* brand colour: progress, selected items */
	struct ui_color on_accent; /* text drawn on the accent colour */
	struct ui_color focus;     /* the focus ring */
	struct ui_color overlay;   /* dims the screens under a dialog */
	struct ui_color placeholder;
	struct ui_color danger;
	char font_latin[UI_THEME_PATH_MAX];  /* Latin, digits, punctuation */
	char font_arabic[UI_THEME_PATH_MAX]; /* Arabic runs and fallback for glyphs the Latin font lacks */
	int text_small;                      /* pixel sizes in design units */
	int text_body;
	int text_title;
	int text_huge;
	int spacing;       /* the basic gap between widgets */
	int focus_width;   /* thickness of the focus ring */
	int focus_anim_ms; /* the ring glides to the new focus in this time (< 150 ms) */
};

/* Fills *t with the default dark theme and the fonts found at build time (qanat_config.h). */
void ui_theme_default(struct ui_theme *t);

/* Parses "#rrggbb" or "#rrggbbaa". Returns 0 or -EINVAL (and leaves *out untouched). */
int ui_color_parse(const char *s, struct ui_color *out);

/* Overrides one key by name: a colour ("bg", "surface", "surface_alt", "text", "text_dim", "accent",
 * "on_accent", "focus", "overlay", "placeholder", "danger") from "#rrggbb[aa]", a font path
 * ("font_latin", "font_arabic") or a size ("text_small", "text_body", "text_title", "text_huge",
 * "spacing", "focus_width", "focus_anim_ms") from a decimal number. Returns 0, -ENOENT for an unknown
 * key, -EINVAL for a bad value, -ENAMETOOLONG for a path over UI_THEME_PATH_MAX. */
int ui_theme_set(struct ui_theme *t, const char *key, const char *value);

#endif
