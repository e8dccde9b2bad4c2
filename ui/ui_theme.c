/* SPDX-License-Identifier: MIT */
/* The default theme and the named overrides an operator brand applies to it. */
#include "ui_theme.h"

#include "qanat_config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ui_theme_default(struct ui_theme *t)
{
	*t = (struct ui_theme){
		.bg = { 0x10, 0x14, 0x1c, 0xff },
		.surface = { 0x22, 0x2a, 0x38, 0xff },
		.surface_alt = { 0x1a, 0x20, 0x2b, 0xff },
		.text = { 0xf2, 0xf4, 0xf8, 0xff },
		.text_dim = { 0x9a, 0xa4, 0xb5, 0xff },
		.accent = { 0x1e, 0x88, 0xe5, 0xff },
		.on_accent = { 0xff, 0xff, 0xff, 0xff },
		.focus = { 0xff, 0xc1, 0x07, 0xff },
		.overlay = { 0x00, 0x00, 0x00, 0xa0 },
		.placeholder = { 0x33, 0x3d, 0x4f, 0xff },
		.danger = { 0xe5, 0x39, 0x35, 0xff },
		.text_small = 26,
		.text_body = 32,
		.text_title = 44,
		.text_huge = 64,
		.spacing = 24,
		.focus_width = 5,
		.focus_anim_ms = 120,
	};
	snprintf(t->font_latin, sizeof(t->font_latin), "%s", QANAT_FONT_LATIN);
	snprintf(t->font_arabic, sizeof(t->font_arabic), "%s", QANAT_FONT_ARABIC);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ui_color_parse(const char *s, struct ui_color *out)
{
	if (!s || s[0] != '#')
		return -EINVAL;
	size_t n = strlen(s + 1);
	if (n != 6 && n != 8)
		return -EINVAL;
	uint8_t v[4] = { 0, 0, 0, 0xff };
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		v[i] = (uint8_t)(hi * 16 + lo);
	}
	*out = (struct ui_color){ v[0], v[1], v[2], v[3] };
	return 0;
}

#define COLOR(name)                                    \
	{                                              \
#name, offsetof(struct ui_theme, name) \
	}
static const struct {
	const char *key;
	size_t off;
} colors[] = { COLOR(bg),       COLOR(surface),     COLOR(surface_alt), COLOR(text),
	       COLOR(text_dim), COLOR(accent),      COLOR(on_accent),   COLOR(focus),
	       COLOR(overlay),  COLOR(placeholder), COLOR(danger) };
#undef COLOR

/* Sizes with their sane range, so a typo in a brand file cannot make the UI unusable. */
#define SIZE(name, lo, hi)                                     \
	{                                                      \
#name, offsetof(struct ui_theme, name), lo, hi \
	}
static const struct {
	const char *key;
	size_t off;
	long lo, hi;
} sizes[] = { SIZE(text_small, 8, 200),   SIZE(text_body, 8, 200), SIZE(text_title, 8, 300),
	      SIZE(text_huge, 8, 400),    SIZE(spacing, 0, 200),   SIZE(focus_width, 1, 40),
	      SIZE(focus_anim_ms, 0, 149) };
#undef SIZE

int ui_theme_set(struct ui_theme *t, const char *key, const char *value)
{
	if (!key || !value)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(colors) / sizeof(colors[0]); i++)
		if (strcmp(key, colors[i].key) == 0)
			return ui_color_parse(value, (struct ui_color *)((char *)t + colors[i].off));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (strcmp(key, sizes[i].key) != 0)
			continue;
		char *end = NULL;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < sizes[i].lo || v > sizes[i].hi)
			return -EINVAL;
		*(int *)((char *)t + sizes[i].off) = (int)v;
		return 0;
	}
	char *path = strcmp(key, "font_latin") == 0    ? t->font_latin
		     : strcmp(key, "font_arabic") == 0 ? t->font_arabic
						       : NULL;
	if (!path)
		return -ENOENT;
	if (strlen(value) >= UI_THEME_PATH_MAX)
		return -ENAMETOOLONG;
	snprintf(path, UI_THEME_PATH_MAX, "%s", value);
	return 0;
}
