/* SPDX-License-Identifier: MIT */
/* Text: FreeType rasterises, HarfBuzz shapes (Arabic letters joined), FriBidi orders mixed
 * Arabic/Latin/digit lines, with word wrapping, ellipsis, a glyph atlas of SDL textures and a cache of
 * laid-out strings. Faces form a chain: the Latin font, the Arabic font, then fallbacks found with
 * fontconfig (Noto Sans Symbols, Symbols 2, Noto Color Emoji, then any installed font whose charset has
 * the code point), so names with emoji and symbols draw no .notdef box. Each run of characters is
 * shaped with the face that draws it; colour emoji are scaled from their bitmap strike to the text
 * size. Sizes and widths here are output pixels (ui.h converts design units). UI thread only (owns SDL
 * textures; fontconfig is used through the context's own FcConfig).
 *
 * Environment: QANAT_FONTS_DIR adds a folder of font files to the set fontconfig searches (an OEM's
 * fonts; without it QANAT_ASSETS_DIR/fonts is added when it exists); QANAT_FONT_FALLBACK=off keeps only
 * the two primary fonts (tests, and to see what the chain adds). */
#ifndef UI_TEXT_H
#define UI_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui_text;

enum ui_text_flags {
	UI_TEXT_WRAP = 1 << 0,     /* break lines at spaces (inside a word only if it cannot fit) */
	UI_TEXT_ELLIPSIS = 1 << 1, /* end the last visible line with "…" when the text does not fit */
	UI_TEXT_CENTER = 1 << 2,   /* horizontal alignment; default is the start side */
	UI_TEXT_END = 1 << 3,
	UI_TEXT_MIDDLE = 1 << 4, /* vertical centring in the box */
	UI_TEXT_RTL = 1 << 5,    /* the UI is right to left: the start side is the right, and a line with
				    no strong letter is laid out right to left */
};

enum { UI_TEXT_MAX_CHARS = 4096 };

/* Loads both primary fonts and prepares the fallback chain. font_latin and font_arabic are each a font
 * file (used when it exists) or a fontconfig pattern ("Noto Sans"); a missing file or an empty string
 * is resolved with fontconfig from "Noto Sans" (lang en) or "Noto Sans Arabic" (lang ar). The renderer
 * is borrowed and must outlive the text context. On success *out is owned by the caller
 * (ui_text_destroy). Returns 0, -ENOENT when a font cannot be loaded, -ENOMEM. */
int ui_text_create(SDL_Renderer *r, const char *font_latin, const char *font_arabic, struct ui_text **out);

/* Frees the fonts, the atlas textures and the caches; accepts NULL and sets *t to NULL. */
void ui_text_destroy(struct ui_text **t);

struct ui_text_metrics {
	int width;  /* widest line, pixels */
	int height; /* lines * line_height */
	int lines;
	int line_height;
	bool truncated;     /* an ellipsis was added or lines were dropped */
	int missing_glyphs; /* glyphs laid out as .notdef after the whole face chain */
	bool rtl;           /* the paragraph's resolved base direction is right to left */
};

/* Lays out utf8 at px pixels in max_width (<= 0: unbounded) with at most max_lines lines (<= 0: no
 * limit) and reports its size. Invalid UTF-8 shows as U+FFFD; text past UI_TEXT_MAX_CHARS is dropped. */
int ui_text_measure(struct ui_text *t, const char *utf8, int px, int max_width, int max_lines, unsigned flags,
		    struct ui_text_metrics *m);

/* Draws utf8 into box on the renderer's current target, in the given colour, aligned by flags. Text
 * wider than the box is wrapped or ellipsised per flags; nothing is drawn outside the renderer's clip. */
int ui_text_draw(struct ui_text *t, const char *utf8, int px, const SDL_Rect *box, SDL_Color color,
		 unsigned flags, int max_lines);

/* What one ui_text_draw_report() drew, for the state reports (output pixels). */
struct ui_text_report {
	SDL_Rect extent;    /* the laid-out lines as aligned in the box: widest line x lines*line_height */
	SDL_Rect ink;       /* union of the glyph images drawn (w = 0 when none) */
	int lines;          /* lines drawn */
	int missing_glyphs; /* glyphs drawn as .notdef after the whole face chain */
	bool ellipsized;    /* UI_TEXT_ELLIPSIS was asked for and used */
	bool dropped;       /* lines were dropped (max_lines) without an ellipsis */
	bool overflow;      /* ink outside the box by more than a pixel (a line too long, too many lines) */
	bool cut;           /* ink outside the renderer's clip by more than a pixel: part of it not shown */
	bool rtl;           /* the paragraph's resolved base direction */
	bool arabic;        /* the text has Arabic letters */
};

/* ui_text_draw() that also fills *rep (which may be NULL). */
int ui_text_draw_report(struct ui_text *t, const char *utf8, int px, const SDL_Rect *box, SDL_Color color,
			unsigned flags, int max_lines, struct ui_text_report *rep);

/* One positioned glyph of a single laid-out line, in visual order (left to right on screen). */
struct ui_text_glyph {
	uint32_t cluster; /* byte offset in the UTF-8 input of the character it draws */
	uint32_t glyph;   /* glyph index in its font */
	int font;         /* face of the chain: 0 = Latin font, 1 = Arabic font, 2... = fallbacks */
	int x;            /* pen position, pixels from the line's left edge */
};

/* Shapes and orders utf8 as one line (no wrapping) and writes up to cap glyphs in visual order;
 * *n gets the number of glyphs (which may exceed cap) and *width the line width. For tests and for
 * callers that place glyphs themselves. */
int ui_text_shape_line(struct ui_text *t, const char *utf8, int px, unsigned flags, struct ui_text_glyph *out,
		       size_t cap, size_t *n, int *width);

/* The glyph the given face of the chain maps a code point to when it stands alone (0 when it has none
 * or there is no such face). */
uint32_t ui_text_nominal_glyph(struct ui_text *t, int font, uint32_t codepoint, int px);

/* The file of face `font` of the chain (NULL when there is none yet): fallbacks join the chain as
 * code points need them. */
const char *ui_text_face_file(const struct ui_text *t, int font);

struct ui_text_stats {
	size_t glyphs;      /* glyphs in the atlas */
	size_t atlas_pages; /* textures of UI_TEXT_ATLAS_SIZE^2 RGBA */
	size_t atlas_bytes;
	size_t layouts; /* cached laid-out strings */
	size_t layout_bytes;
	size_t faces; /* font instances (one per font and pixel size) */
	size_t chain; /* font files in the chain (primary two and fallbacks opened so far) */
	unsigned long atlas_resets;
};
void ui_text_stats(const struct ui_text *t, struct ui_text_stats *s);

#endif
