/* SPDX-License-Identifier: MIT */
/* The text pipeline: UTF-8 -> code points -> FriBidi levels -> runs of one level and one font ->
 * HarfBuzz shaping -> per-line visual reordering of runs (UAX #9 rule L2) -> glyphs placed from an
 * atlas of SDL textures. Laid-out strings are cached (LRU, capped) so a list redrawn while scrolling
 * does not shape the same rows again; the atlas and the caches have hard caps and are reset, not grown,
 * when full. */
#include "ui_text.h"

#include <errno.h>
#include <fribidi.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_BITMAP_H
#include <fontconfig/fontconfig.h>
#include <hb-ft.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "qanat_config.h"

enum {
	MAX_SIZED = 96,       /* font instances (file x pixel size) */
	MAX_FILES = 16,       /* faces in the chain: the two primary fonts and fallbacks */
	CP_SLOTS = 4096,      /* code point -> face cache, open addressing, reset at 3/4 */
	ATLAS_SIZE = 1024,    /* atlas page side */
	ATLAS_PAGES = 4,      /* 16 MiB of RGBA at most */
	GLYPH_SLOTS = 8192,   /* open-addressing table, reset at 3/4 */
	LAYOUT_BUCKETS = 512, /* layout cache hash buckets */
	LAYOUT_CAP = 384,     /* cached layouts */
	MAX_LINES = 64,       /* per layout */
	ELLIPSIS = 0x2026,
};

/* A font file of the chain. The probe face (unsized) answers coverage questions; it is opened when
 * the chain first asks it. */
struct font_file {
	char path[512];
	int index;     /* face index in the file (collections) */
	bool emoji;    /* the colour emoji font: asked first for emoji code points */
	bool tried;    /* probe opened, or failed to open (then it covers nothing) */
	FT_Face probe; /* NULL until tried, or when the file cannot be opened */
};

struct sized_font {
	int file; /* index in files[] */
	int px;
	FT_Face face;
	hb_font_t *hb;
	bool color;   /* a colour bitmap face (FT_LOAD_COLOR, BGRA glyphs scaled by scale) */
	double scale; /* text size / the bitmap strike's size; 1 for outlines */
};

struct glyph_slot {
	uint64_t key; /* (sized index + 1) << 32 | glyph id; 0 = empty */
	int16_t page, left, top;
	uint16_t x, y, w, h;
	bool color; /* drawn in its own colours, not tinted */
};

struct cp_slot {
	uint32_t key; /* code point + 1; 0 = empty */
	int16_t file; /* the face that draws it; -1 = none has it */
};

/* A glyph placed in a layout. */
struct lglyph {
	uint16_t sf; /* sized font index */
	uint32_t gid;
	int32_t x26; /* pen x from the line start, 26.6 */
	int32_t y26;
	uint32_t cluster; /* code point index in the line's text */
};

struct lline {
	size_t first, count;
	int width;
};

struct layout {
	struct layout *hnext; /* hash chain */
	struct layout *lru_prev, *lru_next;
	uint64_t hash;
	char *text;
	int px, max_width, max_lines;
	unsigned flags;
	struct lglyph *glyphs;
	size_t n_glyphs;
	struct lline lines[MAX_LINES];
	size_t n_lines;
	int width;
	bool truncated;
	bool ellipsized; /* an ellipsis ends the last line */
	bool dropped;    /* lines dropped without an ellipsis */
	bool rtl;        /* resolved paragraph direction */
	bool arabic;     /* has Arabic letters */
	size_t missing;  /* .notdef glyphs in the lines */
	size_t bytes;
};

struct glyph_vec {
	struct lglyph *v;
	size_t n, cap;
	size_t missing; /* .notdef glyphs pushed for characters that should show */
};

struct ui_text {
	SDL_Renderer *renderer; /* borrowed */
	FT_Library ft;
	FcConfig *fc;         /* our own fontconfig set (NULL: the chain is the two primary fonts only) */
	FcFontSet *sorted[2]; /* every font sorted for text (0) and for emoji (1), made on first need */
	bool fc_tried;        /* fc set up (or failed) */
	struct font_file files[MAX_FILES];
	size_t n_files;
	struct cp_slot cps[CP_SLOTS];
	size_t n_cps;
	struct sized_font sized[MAX_SIZED];
	size_t n_sized;

	SDL_Texture *pages[ATLAS_PAGES];
	size_t n_pages;
	int shelf_x, shelf_y, shelf_h; /* packing cursor in the last page */
	struct glyph_slot slots[GLYPH_SLOTS];
	size_t n_glyphs;
	unsigned long resets;

	struct layout *buckets[LAYOUT_BUCKETS];
	struct layout *lru_head, *lru_tail; /* head = most recent */
	size_t n_layouts, layout_bytes;
};

/* ---- character classes ---- */

static bool is_arabic(uint32_t c)
{
	return (c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0x08a0 && c <= 0x08ff) ||
	       (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff);
}

/* An Arabic letter (not a digit, a comma or a sign): what makes a string Arabic. */
static bool is_arabic_letter(uint32_t c)
{
	return is_arabic(c) && fribidi_get_bidi_type(c) == FRIBIDI_TYPE_AL && !(c >= 0x060c && c <= 0x061f) &&
	       c != 0x0640 && !(c >= 0x066a && c <= 0x066d) && c != 0x06d4;
}

static bool is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xa0 || c == '\n';
}

/* Default-ignorable code points (joiners, variation selectors, tags, bidi controls): HarfBuzz hides
 * them, so they are never missing glyphs, and they stay in the run of the character before them so a
 * ZWJ emoji sequence or a VS16 reaches the emoji face whole. */
static bool is_ignorable(uint32_t c)
{
	return c == 0xad || c == 0x34f || c == 0x61c || (c >= 0x115f && c <= 0x1160) ||
	       (c >= 0x17b4 && c <= 0x17b5) || (c >= 0x180b && c <= 0x180f) || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c == 0x3164 ||
	       (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || c == 0xffa0 || (c >= 0x1bca0 && c <= 0x1bca3) ||
	       (c >= 0x1d173 && c <= 0x1d17a) || (c >= 0xe0000 && c <= 0xe0fff);
}

/* Code points shown as emoji by default (Emoji_Presentation, in the blocks that have them), and the
 * emoji modifiers and regional indicators that belong to the same face. */
static bool is_emoji(uint32_t c)
{
	return (c >= 0x1f1e6 && c <= 0x1f1ff) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x1f680 && c <= 0x1f6ff) || (c >= 0x1f7e0 && c <= 0x1f7eb) ||
	       (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x1fa70 && c <= 0x1faff) ||
	       (c >= 0x231a && c <= 0x231b) || (c >= 0x23e9 && c <= 0x23ec) || c == 0x23f0 || c == 0x23f3 ||
	       (c >= 0x25fd && c <= 0x25fe) || (c >= 0x2614 && c <= 0x2615) || (c >= 0x2648 && c <= 0x2653) ||
	       c == 0x267f || c == 0x2693 || c == 0x26a1 || (c >= 0x26aa && c <= 0x26ab) ||
	       (c >= 0x26bd && c <= 0x26be) || (c >= 0x26c4 && c <= 0x26c5) || c == 0x26ce || c == 0x26d4 ||
	       c == 0x26ea || (c >= 0x26f2 && c <= 0x26f3) || c == 0x26f5 || c == 0x26fa || c == 0x26fd ||
	       c == 0x2705 || (c >= 0x270a && c <= 0x270b) || c == 0x2728 || c == 0x274c || c == 0x274e ||
	       (c >= 0x2753 && c <= 0x2755) || c == 0x2757 || (c >= 0x2795 && c <= 0x2797) || c == 0x27b0 ||
	       c == 0x27bf || (c >= 0x2b1b && c <= 0x2b1c) || c == 0x2b50 || c == 0x2b55;
}

/* ---- the face chain ---- */

static bool fallback_enabled(void)
{
	const char *v = getenv("QANAT_FONT_FALLBACK");
	return !(v && (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0));
}

/* Our own fontconfig set: the system's configuration plus an OEM's folder, made once. NULL when the
 * fallback is off or fontconfig cannot load its configuration (then only the primary fonts draw). */
static FcConfig *fc_config(struct ui_text *t)
{
	if (t->fc_tried)
		return t->fc;
	t->fc_tried = true;
	if (!fallback_enabled())
		return NULL;
	t->fc = FcInitLoadConfigAndFonts();
	if (!t->fc)
		return NULL;
	const char *dir = getenv("QANAT_FONTS_DIR");
	char assets[600];
	if (!dir || !*dir) {
		const char *a = getenv("QANAT_ASSETS_DIR");
		snprintf(assets, sizeof(assets), "%s/fonts", a && *a ? a : QANAT_ASSETS_DIR);
		dir = assets;
	}
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		FcConfigAppFontAddDir(t->fc, (const FcChar8 *)dir);
	return t->fc;
}

/* Copies the file and face index of a fontconfig pattern; false when it has none. */
static bool fc_file(FcPattern *p, char *path, size_t cap, int *index)
{
	FcChar8 *file = NULL;
	if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch || !file)
		return false;
	int idx = 0;
	if (FcPatternGetInteger(p, FC_INDEX, 0, &idx) != FcResultMatch)
		idx = 0;
	snprintf(path, cap, "%s", (const char *)file);
	*index = idx;
	return true;
}

/* The best font for a pattern ("Noto Sans:lang=en"). With family_exact, only a font of that family
 * (fontconfig otherwise answers its nearest substitute). */
static bool fc_match_name(struct ui_text *t, const char *pattern, bool family_exact, char *path, size_t cap,
			  int *index)
{
	FcConfig *fc = fc_config(t);
	FcPattern *p = fc ? FcNameParse((const FcChar8 *)pattern) : NULL;
	if (!p)
		return false;
	FcChar8 *want = NULL;
	FcPatternGetString(p, FC_FAMILY, 0, &want);
	char family[128];
	snprintf(family, sizeof(family), "%s", want ? (const char *)want : "");
	FcConfigSubstitute(fc, p, FcMatchPattern);
	FcDefaultSubstitute(p);
	FcResult res;
	FcPattern *m = FcFontMatch(fc, p, &res);
	bool ok = false;
	if (m) {
		FcChar8 *fam = NULL;
		bool same = FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch && fam &&
			    strcasecmp((const char *)fam, family) == 0;
		ok = (!family_exact || same) && fc_file(m, path, cap, index);
		FcPatternDestroy(m);
	}
	FcPatternDestroy(p);
	return ok;
}

/* Every installed font in fontconfig's order of preference for a sans-serif UI font (set 0) or for
 * emoji, colour first (set 1), sorted once: a code point missing from the chain is then looked up in
 * memory, so a name full of rare characters costs no fontconfig query per character. */
static FcFontSet *fc_sorted(struct ui_text *t, bool emoji)
{
	FcFontSet **set = &t->sorted[emoji ? 1 : 0];
	FcConfig *fc = fc_config(t);
	if (*set || !fc)
		return *set;
	FcPattern *p = FcNameParse((const FcChar8 *)(emoji ? "emoji" : "sans-serif"));
	if (!p)
		return NULL;
	if (emoji)
		FcPatternAddBool(p, FC_COLOR, FcTrue);
	FcConfigSubstitute(fc, p, FcMatchPattern);
	FcDefaultSubstitute(p);
	FcResult res;
	*set = FcFontSort(fc, p, FcFalse, NULL, &res);
	FcPatternDestroy(p);
	return *set;
}

/* The first installed font, in that order, whose charset has c. */
static bool fc_match_char(struct ui_text *t, uint32_t c, char *path, size_t cap, int *index)
{
	FcFontSet *fs = fc_sorted(t, is_emoji(c));
	for (int i = 0; fs && i < fs->nfont; i++) {
		FcCharSet *has = NULL;
		if (FcPatternGetCharSet(fs->fonts[i], FC_CHARSET, 0, &has) == FcResultMatch && has &&
		    FcCharSetHasChar(has, c))
			return fc_file(fs->fonts[i], path, cap, index);
	}
	return false;
}

/* Adds a file to the chain (or finds it there). Returns its index, or -ENOSPC when the chain is full. */
static int chain_add(struct ui_text *t, const char *path, int index, bool emoji)
{
	for (size_t i = 0; i < t->n_files; i++)
		if (t->files[i].index == index && strcmp(t->files[i].path, path) == 0)
			return (int)i;
	if (t->n_files == MAX_FILES)
		return -ENOSPC;
	struct font_file *f = &t->files[t->n_files];
	*f = (struct font_file){ .index = index, .emoji = emoji };
	snprintf(f->path, sizeof(f->path), "%s", path);
	return (int)t->n_files++;
}

static FT_Face file_probe(struct ui_text *t, int file)
{
	struct font_file *f = &t->files[file];
	if (!f->tried) {
		f->tried = true;
		if (FT_New_Face(t->ft, f->path, f->index, &f->probe))
			f->probe = NULL;
	}
	return f->probe;
}

static bool file_has(struct ui_text *t, int file, uint32_t c)
{
	FT_Face p = file_probe(t, file);
	return p && FT_Get_Char_Index(p, c) != 0;
}

/* Which face of the chain draws c: Arabic letters the Arabic font, emoji the colour emoji font, then
 * the chain in order, then whatever fontconfig finds (which joins the chain). -1 when none has it. */
static int resolve(struct ui_text *t, uint32_t c, bool emoji)
{
	if (is_arabic(c) && file_has(t, 1, c))
		return 1;
	if (emoji)
		for (size_t i = 2; i < t->n_files; i++)
			if (t->files[i].emoji && file_has(t, (int)i, c))
				return (int)i;
	for (size_t i = 0; i < t->n_files; i++)
		if (file_has(t, (int)i, c))
			return (int)i;
	char path[512];
	int index = 0;
	if (!fc_match_char(t, c, path, sizeof(path), &index))
		return -1;
	int f = chain_add(t, path, index, emoji);
	return f >= 0 && file_has(t, f, c) ? f : -1;
}

/* resolve() once per code point (and presentation): the answer is kept in a small table. */
static int cached_face(struct ui_text *t, uint32_t c, bool emoji)
{
	uint32_t key = (c + 1) | (emoji ? 0x80000000u : 0);
	size_t i = (size_t)((key * 0x9e3779b1u) >> 20) % CP_SLOTS;
	while (t->cps[i].key && t->cps[i].key != key)
		i = (i + 1) % CP_SLOTS;
	if (t->cps[i].key == key)
		return t->cps[i].file;
	int f = resolve(t, c, emoji);
	if (t->n_cps >= CP_SLOTS * 3 / 4) {
		memset(t->cps, 0, sizeof(t->cps));
		t->n_cps = 0;
		i = (size_t)((key * 0x9e3779b1u) >> 20) % CP_SLOTS;
	}
	t->cps[i] = (struct cp_slot){ .key = key, .file = (int16_t)f };
	t->n_cps++;
	return f;
}

/* The face for text[i]: spaces and default ignorables stay with the character before them so runs are
 * not split needlessly; a VS16 after a character asks for its emoji form. None has it: the Latin font
 * (which draws .notdef, counted as missing). prev is the face of text[i - 1] (-1 at the start). */
static int font_for(struct ui_text *t, const uint32_t *text, size_t n, size_t i, int prev)
{
	uint32_t c = text[i];
	/* ignorables stay with an emoji (ZWJ sequences); a space does not: the emoji font's is as wide
	 * as an emoji */
	if (prev >= 0 && (is_ignorable(c) || (is_space(c) && !t->files[prev].emoji)))
		return prev;
	if (c < 0x80 && c >= 0x20 && file_has(t, 0, c))
		return 0;
	bool emoji = is_emoji(c) || (i + 1 < n && text[i + 1] == 0xfe0f);
	int f = cached_face(t, c, emoji);
	return f >= 0 ? f : 0;
}

/* Opens the fallbacks named for the chain (those installed): the symbols fonts, then colour emoji. */
static void chain_fallbacks(struct ui_text *t)
{
	static const struct {
		const char *name;
		bool emoji;
	} named[] = { { "Noto Sans Symbols", false },
		      { "Noto Sans Symbols2", false },
		      { "Noto Color Emoji", true } };
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		char path[512];
		int index = 0;
		if (fc_match_name(t, named[i].name, true, path, sizeof(path), &index))
			chain_add(t, path, index, named[i].emoji);
	}
}

/* A primary font: the file when spec names one that exists, else fontconfig's answer for spec (when it
 * is a pattern) or for the default pattern. */
static int chain_primary(struct ui_text *t, const char *spec, const char *fallback_pattern)
{
	struct stat st;
	if (spec && *spec && stat(spec, &st) == 0 && S_ISREG(st.st_mode))
		return chain_add(t, spec, 0, false);
	char path[512];
	int index = 0;
	bool is_pattern = spec && *spec && (!strchr(spec, '/') || strchr(spec, ':'));
	if ((is_pattern && fc_match_name(t, spec, false, path, sizeof(path), &index)) ||
	    fc_match_name(t, fallback_pattern, false, path, sizeof(path), &index))
		return chain_add(t, path, index, false);
	return -ENOENT;
}

/* Pixel size for a bitmap-only face: the strike nearest above px (or the largest), selected. */
static double select_strike(FT_Face face, int px)
{
	int best = 0;
	for (int i = 0; i < face->num_fixed_sizes; i++) {
		int have = (int)(face->available_sizes[i].y_ppem >> 6),
		    cur = (int)(face->available_sizes[best].y_ppem >> 6);
		if ((have >= px && (cur < px || have < cur)) || (cur < px && have > cur))
			best = i;
	}
	FT_Select_Size(face, best);
	int ppem = (int)(face->available_sizes[best].y_ppem >> 6);
	return ppem > 0 ? (double)px / ppem : 1.0;
}

static int sized_font(struct ui_text *t, int file, int px)
{
	if (px < 4)
		px = 4;
	if (px > 400)
		px = 400;
	for (size_t i = 0; i < t->n_sized; i++)
		if (t->sized[i].file == file && t->sized[i].px == px)
			return (int)i;
	if (t->n_sized == MAX_SIZED) {
		/* Full: the nearest size of the same file is better than no text. */
		int best = -1, dist = 1 << 30;
		for (size_t i = 0; i < t->n_sized; i++)
			if (t->sized[i].file == file && abs(t->sized[i].px - px) < dist) {
				dist = abs(t->sized[i].px - px);
				best = (int)i;
			}
		return best >= 0 ? best : -ENOSPC;
	}
	struct sized_font *s = &t->sized[t->n_sized];
	*s = (struct sized_font){ .file = file, .px = px, .scale = 1.0 };
	if (FT_New_Face(t->ft, t->files[file].path, t->files[file].index, &s->face))
		return -ENOENT;
	if (!FT_IS_SCALABLE(s->face) && s->face->num_fixed_sizes > 0) {
		/* A colour bitmap font (Noto Color Emoji): FreeType rasterises its one strike and the glyphs
		 * are scaled to px; HarfBuzz positions with its own tables at px, not FreeType's strike. */
		s->color = FT_HAS_COLOR(s->face);
		s->scale = select_strike(s->face, px);
		hb_face_t *hf = hb_ft_face_create_referenced(s->face);
		s->hb = hb_font_create(hf);
		hb_face_destroy(hf);
		hb_font_set_scale(s->hb, px * 64, px * 64);
	} else {
		FT_Set_Pixel_Sizes(s->face, 0, (FT_UInt)px);
		s->hb = hb_ft_font_create_referenced(s->face);
	}
	return (int)t->n_sized++;
}

/* ---- UTF-8 ---- */

/* Decodes at most cap code points; offs (optional) gets each one's byte offset. */
static size_t utf8_decode(const char *s, uint32_t *out, uint32_t *offs, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, i = 0;
	while (p[i] && n < cap) {
		uint32_t c = p[i], need = 0, min = 0;
		size_t start = i++;
		if (c >= 0xf0 && c <= 0xf4) {
			c &= 0x07, need = 3, min = 0x10000;
		} else if (c >= 0xe0 && c < 0xf0) {
			c &= 0x0f, need = 2, min = 0x800;
		} else if (c >= 0xc2 && c < 0xe0) {
			c &= 0x1f, need = 1, min = 0x80;
		} else if (c >= 0x80) {
			c = 0xfffd;
		}
		for (; need; need--) {
			if ((p[i] & 0xc0) != 0x80) {
				c = 0xfffd;
				min = 0;
				break;
			}
			c = (c << 6) | (p[i++] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			c = 0xfffd;
		if (offs)
			offs[n] = (uint32_t)start;
		out[n++] = c;
	}
	return n;
}

/* ---- shaping one line ---- */

static int vec_push(struct glyph_vec *v, struct lglyph g)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct lglyph *nv = realloc(v->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = g;
	return 0;
}

struct run {
	size_t start, len;
	FriBidiLevel level;
	int sf;
	size_t g_first, g_count; /* glyphs in the shaped buffer */
};

static void reverse_runs(struct run *r, size_t a, size_t b)
{
	for (; a + 1 < b; a++, b--) {
		struct run tmp = r[a];
		r[a] = r[b - 1];
		r[b - 1] = tmp;
	}
}

/* UAX #9 L2: from the highest level down to the lowest odd one, reverse every sequence of runs at
 * that level or higher. Glyphs inside an RTL run are already in visual order from HarfBuzz. */
static void reorder_runs(struct run *r, size_t n)
{
	int hi = 0, lo_odd = 256; /* levels are 0..125 */
	for (size_t i = 0; i < n; i++) {
		if (r[i].level > hi)
			hi = r[i].level;
		if ((r[i].level & 1) && r[i].level < lo_odd)
			lo_odd = r[i].level;
	}
	for (int lvl = hi; lvl >= lo_odd && lvl > 0; lvl--) {
		for (size_t i = 0; i < n;) {
			if (r[i].level < lvl) {
				i++;
				continue;
			}
			size_t j = i;
			while (j < n && r[j].level >= lvl)
				j++;
			reverse_runs(r, i, j);
			i = j;
		}
	}
}

/* Shapes text[0..n) as one line with the paragraph direction *base (weak values are resolved and
 * written back). Appends glyphs in visual order with x from the line start, adds each code point's
 * advance to adv[] when given, returns the width in 26.6 through *w26. */
static int shape_line(struct ui_text *t, const uint32_t *text, size_t n, int px, FriBidiParType *base,
		      struct glyph_vec *out, int32_t *adv, int32_t *w26)
{
	*w26 = 0;
	if (n == 0)
		return 0;
	int sf[MAX_FILES];
	for (size_t i = 0; i < MAX_FILES; i++)
		sf[i] = -1;
	sf[0] = sized_font(t, 0, px);
	if (sf[0] < 0)
		return -ENOENT;
	FriBidiCharType *types = malloc(n * sizeof(*types));
	FriBidiBracketType *brackets = malloc(n * sizeof(*brackets));
	FriBidiLevel *levels = malloc(n * sizeof(*levels));
	struct run *runs = malloc(n * sizeof(*runs));
	struct glyph_vec tmp = { 0 };
	int32_t *advances = NULL;
	size_t n_adv = 0;
	int rc = (!types || !brackets || !levels || !runs) ? -ENOMEM : 0;
	if (rc == 0) {
		fribidi_get_bidi_types(text, (FriBidiStrIndex)n, types);
		fribidi_get_bracket_types(text, (FriBidiStrIndex)n, types, brackets);
		if (!fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n, base, levels))
			memset(levels, 0, n * sizeof(*levels));
	}
	size_t n_runs = 0;
	int prev_font = -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int f = font_for(t, text, n, i, prev_font);
		prev_font = f;
		if (sf[f] < 0)
			sf[f] = sized_font(t, f, px);
		if (sf[f] < 0) /* a face that cannot be opened: its characters show as .notdef */
			sf[f] = sf[0];
		if (n_runs && runs[n_runs - 1].level == levels[i] && runs[n_runs - 1].sf == sf[f]) {
			runs[n_runs - 1].len++;
			continue;
		}
		runs[n_runs++] = (struct run){ .start = i, .len = 1, .level = levels[i], .sf = sf[f] };
	}
	hb_buffer_t *buf = hb_buffer_create();
	for (size_t r = 0; rc == 0 && r < n_runs; r++) {
		hb_buffer_clear_contents(buf);
		hb_buffer_add_utf32(buf, text, (int)n, (unsigned)runs[r].start, (int)runs[r].len);
		hb_buffer_set_direction(buf, (runs[r].level & 1) ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
		hb_buffer_guess_segment_properties(buf);
		hb_shape(t->sized[runs[r].sf].hb, buf, NULL, 0);
		unsigned gn = 0;
		hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &gn);
		hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &gn);
		runs[r].g_first = tmp.n;
		runs[r].g_count = gn;
		for (unsigned g = 0; g < gn && rc == 0; g++) {
			/* x26 holds the x offset and advances[] the advance until runs are reordered */
			rc = vec_push(&tmp, (struct lglyph){ .sf = (uint16_t)runs[r].sf,
							     .gid = info[g].codepoint,
							     .x26 = pos[g].x_offset,
							     .y26 = pos[g].y_offset,
							     .cluster = info[g].cluster });
			if (rc == 0 && tmp.n > n_adv) {
				size_t cap = tmp.cap;
				int32_t *na = realloc(advances, cap * sizeof(*na));
				if (!na)
					rc = -ENOMEM;
				else
					advances = na, n_adv = cap;
			}
			if (rc == 0) {
				advances[tmp.n - 1] = pos[g].x_advance;
				if (adv && info[g].cluster < n)
					adv[info[g].cluster] += pos[g].x_advance;
			}
		}
	}
	hb_buffer_destroy(buf);
	if (rc == 0) {
		reorder_runs(runs, n_runs);
		int32_t pen = 0;
		for (size_t r = 0; r < n_runs && rc == 0; r++) {
			for (size_t g = 0; g < runs[r].g_count && rc == 0; g++) {
				struct lglyph lg = tmp.v[runs[r].g_first + g];
				lg.x26 += pen;
				pen += advances[runs[r].g_first + g];
				if (lg.gid == 0 && lg.cluster < n && text[lg.cluster] >= 0x20 &&
				    text[lg.cluster] != 0x7f && !is_ignorable(text[lg.cluster]))
					out->missing++;
				rc = vec_push(out, lg);
			}
		}
		*w26 = pen;
	}
	free(tmp.v);
	free(advances);
	free(types);
	free(brackets);
	free(levels);
	free(runs);
	return rc;
}

/* ---- layout ---- */

static int32_t px26(int px)
{
	return (int32_t)px * 64;
}

static int add_line(struct layout *l, struct glyph_vec *g, size_t first, int32_t w26)
{
	if (l->n_lines == MAX_LINES)
		return -E2BIG;
	l->lines[l->n_lines++] =
	    (struct lline){ .first = first, .count = g->n - first, .width = (w26 + 63) / 64 };
	return 0;
}

/* Lays out text[a..b) as one line ending in an ellipsis, keeping as much of the start as fits. */
static int ellipsise(struct ui_text *t, const uint32_t *text, size_t a, size_t b, int px, FriBidiParType base,
		     int32_t max26, struct glyph_vec *g, struct layout *l)
{
	uint32_t *tmp = malloc((b - a + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	size_t lo = 0, hi = b - a, best = 0; /* best = code points kept */
	while (lo <= hi) {
		size_t mid = (lo + hi) / 2, k = mid;
		while (k > 0 && is_space(text[a + k - 1]))
			k--;
		memcpy(tmp, text + a, k * sizeof(*tmp));
		tmp[k] = ELLIPSIS;
		struct glyph_vec probe = { 0 };
		FriBidiParType b2 = base;
		int32_t w = 0;
		int rc = shape_line(t, tmp, k + 1, px, &b2, &probe, NULL, &w);
		free(probe.v);
		if (rc < 0) {
			free(tmp);
			return rc;
		}
		if (w <= max26) {
			best = mid;
			lo = mid + 1;
		} else if (mid == 0) {
			break;
		} else {
			hi = mid - 1;
		}
	}
	while (best > 0 && is_space(text[a + best - 1]))
		best--;
	memcpy(tmp, text + a, best * sizeof(*tmp));
	tmp[best] = ELLIPSIS;
	size_t first = g->n;
	int32_t w = 0;
	FriBidiParType b2 = base;
	int rc = shape_line(t, tmp, best + 1, px, &b2, g, NULL, &w);
	free(tmp);
	if (rc == 0)
		rc = add_line(l, g, first, w);
	l->truncated = true;
	l->ellipsized = true;
	return rc;
}

/* Greedy word wrap on per-code-point advances: breaks after spaces and at '\n'; a word longer than
 * the line is broken where it overflows. Writes [start, end) pairs; returns the number of lines. */
static size_t wrap_lines(const uint32_t *text, size_t n, const int32_t *adv, int32_t max26, size_t (*se)[2],
			 size_t cap)
{
	size_t lines = 0, start = 0;
	while (start < n && lines < cap) {
		int32_t w = 0;
		size_t i = start, brk = 0;
		bool hard = false;
		for (; i < n; i++) {
			if (text[i] == '\n') {
				hard = true;
				break;
			}
			if (w + adv[i] > max26 && i > start && !is_space(text[i]))
				break;
			w += adv[i];
			if (is_space(text[i]))
				brk = i + 1;
		}
		size_t end = i;
		if (!hard && i < n && brk > start)
			end = brk;
		se[lines][0] = start;
		se[lines][1] = end;
		lines++;
		start = hard ? end + 1 : end;
		while (!hard && start < n && text[start] == ' ')
			start++;
	}
	return lines;
}

static int build(struct ui_text *t, const char *utf8, int px, int max_width, int max_lines, unsigned flags,
		 struct layout *l)
{
	uint32_t *text = malloc(UI_TEXT_MAX_CHARS * sizeof(*text));
	int32_t *adv = calloc(UI_TEXT_MAX_CHARS, sizeof(*adv));
	size_t(*se)[2] = malloc(MAX_LINES * sizeof(*se));
	struct glyph_vec g = { 0 };
	int rc = (!text || !adv || !se) ? -ENOMEM : 0;
	size_t n = rc ? 0 : utf8_decode(utf8, text, NULL, UI_TEXT_MAX_CHARS);
	FriBidiParType base = (flags & UI_TEXT_RTL) ? FRIBIDI_PAR_WRTL : FRIBIDI_PAR_WLTR;
	int32_t w26 = 0, max26 = max_width > 0 ? px26(max_width) : INT32_MAX;
	/* The whole paragraph once: resolves the base direction and measures every code point. */
	if (rc == 0)
		rc = shape_line(t, text, n, px, &base, &g, adv, &w26);
	size_t lines = 0;
	if (rc == 0 && (flags & UI_TEXT_WRAP) && max_width > 0) {
		lines = wrap_lines(text, n, adv, max26, se, MAX_LINES);
	} else if (rc == 0) {
		se[0][0] = 0;
		se[0][1] = n;
		lines = 1;
	}
	bool dropped = false;
	if (max_lines > 0 && lines > (size_t)max_lines) {
		lines = (size_t)max_lines;
		dropped = true;
	}
	g.n = 0;
	g.missing = 0; /* counted again on the lines as drawn */
	l->rtl = FRIBIDI_IS_RTL(base);
	for (size_t k = 0; k < n && !l->arabic; k++)
		l->arabic = is_arabic_letter(text[k]);
	for (size_t i = 0; rc == 0 && i < lines; i++) {
		size_t a = se[i][0], b = se[i][1];
		while (b > a && is_space(text[b - 1]))
			b--;
		bool last = i + 1 == lines;
		int32_t lw = 0;
		for (size_t k = a; k < b; k++)
			lw += adv[k];
		if ((flags & UI_TEXT_ELLIPSIS) && last && (dropped || lw > max26)) {
			size_t end = dropped ? n : b;
			rc = ellipsise(t, text, a, end, px, base, max26, &g, l);
			continue;
		}
		size_t first = g.n;
		FriBidiParType b2 = base;
		rc = shape_line(t, text + a, b - a, px, &b2, &g, NULL, &lw);
		if (rc == 0)
			rc = add_line(l, &g, first, lw);
	}
	if (dropped)
		l->truncated = true;
	l->dropped = dropped && !l->ellipsized;
	l->missing = g.missing;
	l->glyphs = g.v;
	l->n_glyphs = g.n;
	for (size_t i = 0; i < l->n_lines; i++)
		if (l->lines[i].width > l->width)
			l->width = l->lines[i].width;
	free(text);
	free(adv);
	free(se);
	return rc;
}

/* ---- layout cache ---- */

static uint64_t fnv(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static uint64_t layout_hash(const char *utf8, int px, int maxw, int maxl, unsigned flags)
{
	uint64_t h = fnv(utf8, 0xcbf29ce484222325ull);
	uint64_t p[4] = { (uint64_t)px, (uint64_t)(uint32_t)maxw, (uint64_t)(uint32_t)maxl, flags };
	for (int i = 0; i < 4; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void lru_unlink(struct ui_text *t, struct layout *l)
{
	if (l->lru_prev)
		l->lru_prev->lru_next = l->lru_next;
	else
		t->lru_head = l->lru_next;
	if (l->lru_next)
		l->lru_next->lru_prev = l->lru_prev;
	else
		t->lru_tail = l->lru_prev;
	l->lru_prev = l->lru_next = NULL;
}

static void lru_front(struct ui_text *t, struct layout *l)
{
	l->lru_next = t->lru_head;
	if (t->lru_head)
		t->lru_head->lru_prev = l;
	t->lru_head = l;
	if (!t->lru_tail)
		t->lru_tail = l;
}

static void layout_free(struct layout *l)
{
	free(l->text);
	free(l->glyphs);
	free(l);
}

static void evict_one(struct ui_text *t)
{
	struct layout *l = t->lru_tail;
	if (!l)
		return;
	lru_unlink(t, l);
	struct layout **pp = &t->buckets[l->hash % LAYOUT_BUCKETS];
	while (*pp && *pp != l)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = l->hnext;
	t->n_layouts--;
	t->layout_bytes -= l->bytes;
	layout_free(l);
}

static int get_layout(struct ui_text *t, const char *utf8, int px, int maxw, int maxl, unsigned flags,
		      struct layout **out)
{
	flags &= UI_TEXT_WRAP | UI_TEXT_ELLIPSIS | UI_TEXT_RTL; /* alignment does not change the layout */
	if (maxw <= 0)
		maxw = 0;
	uint64_t h = layout_hash(utf8, px, maxw, maxl, flags);
	for (struct layout *l = t->buckets[h % LAYOUT_BUCKETS]; l; l = l->hnext) {
		if (l->hash == h && l->px == px && l->max_width == maxw && l->max_lines == maxl &&
		    l->flags == flags && strcmp(l->text, utf8) == 0) {
			lru_unlink(t, l);
			lru_front(t, l);
			*out = l;
			return 0;
		}
	}
	struct layout *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->text = strdup(utf8);
	int rc = l->text ? build(t, utf8, px, maxw, maxl, flags, l) : -ENOMEM;
	if (rc < 0) {
		layout_free(l);
		return rc;
	}
	l->hash = h;
	l->px = px;
	l->max_width = maxw;
	l->max_lines = maxl;
	l->flags = flags;
	l->bytes = sizeof(*l) + strlen(utf8) + 1 + l->n_glyphs * sizeof(struct lglyph);
	while (t->n_layouts >= LAYOUT_CAP)
		evict_one(t);
	l->hnext = t->buckets[h % LAYOUT_BUCKETS];
	t->buckets[h % LAYOUT_BUCKETS] = l;
	lru_front(t, l);
	t->n_layouts++;
	t->layout_bytes += l->bytes;
	*out = l;
	return 0;
}

/* ---- glyph atlas ---- */

static void atlas_reset(struct ui_text *t)
{
	memset(t->slots, 0, sizeof(t->slots));
	t->n_glyphs = 0;
	t->shelf_x = t->shelf_y = t->shelf_h = 0;
	t->n_pages = t->n_pages ? 1 : 0; /* keep one page's texture, rewrite it from the top */
	t->resets++;
}

static int atlas_place(struct ui_text *t, int w, int h, int *page, int *x, int *y)
{
	if (w + 2 > ATLAS_SIZE || h + 2 > ATLAS_SIZE)
		return -E2BIG;
	if (t->n_pages && t->shelf_x + w + 2 > ATLAS_SIZE) {
		t->shelf_y += t->shelf_h;
		t->shelf_x = 0;
		t->shelf_h = 0;
	}
	if (!t->n_pages || t->shelf_y + h + 2 > ATLAS_SIZE) {
		if (t->n_pages == ATLAS_PAGES)
			return -ENOSPC;
		if (!t->pages[t->n_pages]) {
			SDL_Texture *tex =
			    SDL_CreateTexture(t->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC,
					      ATLAS_SIZE, ATLAS_SIZE);
			if (!tex)
				return -ENOMEM;
			SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
			t->pages[t->n_pages] = tex;
		}
		t->n_pages++;
		t->shelf_x = t->shelf_y = t->shelf_h = 0;
	}
	*page = (int)t->n_pages - 1;
	*x = t->shelf_x + 1;
	*y = t->shelf_y + 1;
	t->shelf_x += w + 2;
	if (h + 2 > t->shelf_h)
		t->shelf_h = h + 2;
	return 0;
}

/* Uploads w x h ARGB pixels with a transparent 1-pixel border so filtering never picks up a neighbour. */
static int atlas_upload(struct ui_text *t, const uint32_t *argb, int w, int h, struct glyph_slot *s)
{
	int page, x, y;
	int rc = atlas_place(t, w, h, &page, &x, &y);
	if (rc < 0)
		return rc;
	int bw = w + 2, bh = h + 2;
	uint32_t *px = calloc((size_t)bw * bh, sizeof(*px));
	if (!px)
		return -ENOMEM;
	for (int r = 0; r < h; r++)
		memcpy(px + (size_t)(r + 1) * bw + 1, argb + (size_t)r * w, (size_t)w * sizeof(*px));
	SDL_Rect dst = { x - 1, y - 1, bw, bh };
	SDL_UpdateTexture(t->pages[page], &dst, px, bw * 4);
	free(px);
	s->page = (int16_t)page;
	s->x = (uint16_t)x;
	s->y = (uint16_t)y;
	return 0;
}

/* A BGRA (premultiplied) bitmap scaled by box filtering to w x h, as straight-alpha ARGB. */
static uint32_t *scale_bgra(const FT_Bitmap *bm, int w, int h)
{
	uint32_t *out = malloc((size_t)w * h * sizeof(*out));
	if (!out)
		return NULL;
	int sw = (int)bm->width, sh = (int)bm->rows, pitch = abs(bm->pitch);
	for (int y = 0; y < h; y++) {
		int y0 = y * sh / h, y1 = (y + 1) * sh / h;
		if (y1 <= y0)
			y1 = y0 + 1;
		for (int x = 0; x < w; x++) {
			int x0 = x * sw / w, x1 = (x + 1) * sw / w;
			if (x1 <= x0)
				x1 = x0 + 1;
			unsigned long sum[4] = { 0 }, cnt = 0;
			for (int sy = y0; sy < y1 && sy < sh; sy++)
				for (int sx = x0; sx < x1 && sx < sw; sx++, cnt++) {
					const unsigned char *p =
					    bm->buffer + (size_t)sy * pitch + (size_t)sx * 4;
					for (int k = 0; k < 4; k++)
						sum[k] += p[k];
				}
			uint32_t b = 0, g = 0, r = 0, a = cnt ? (uint32_t)(sum[3] / cnt) : 0;
			if (a) { /* un-premultiply: the atlas blends straight alpha */
				b = (uint32_t)(sum[0] * 255 / (sum[3] ? sum[3] : 1));
				g = (uint32_t)(sum[1] * 255 / (sum[3] ? sum[3] : 1));
				r = (uint32_t)(sum[2] * 255 / (sum[3] ? sum[3] : 1));
			}
			out[(size_t)y * w + x] = a << 24 | (r > 255 ? 255 : r) << 16 |
						 (g > 255 ? 255 : g) << 8 | (b > 255 ? 255 : b);
		}
	}
	return out;
}

static int rasterise_color(struct ui_text *t, const struct sized_font *sf, uint32_t gid, struct glyph_slot *s)
{
	FT_Face face = sf->face;
	if (FT_Load_Glyph(face, gid, FT_LOAD_COLOR))
		return -EINVAL;
	if (face->glyph->format != FT_GLYPH_FORMAT_BITMAP &&
	    FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL))
		return -EINVAL;
	FT_Bitmap *bm = &face->glyph->bitmap;
	double k = sf->scale;
	s->left = (int16_t)(face->glyph->bitmap_left * k + (face->glyph->bitmap_left >= 0 ? 0.5 : -0.5));
	s->top = (int16_t)(face->glyph->bitmap_top * k + (face->glyph->bitmap_top >= 0 ? 0.5 : -0.5));
	int w = (int)(bm->width * k + 0.5), h = (int)(bm->rows * k + 0.5);
	s->page = -1;
	s->color = true;
	if (bm->width == 0 || bm->rows == 0 || w <= 0 || h <= 0)
		return 0;
	if (bm->pixel_mode != FT_PIXEL_MODE_BGRA)
		return -EINVAL; /* a monochrome strike: not a colour font after all */
	s->w = (uint16_t)w;
	s->h = (uint16_t)h;
	uint32_t *argb = scale_bgra(bm, w, h);
	if (!argb)
		return -ENOMEM;
	int rc = atlas_upload(t, argb, w, h, s);
	free(argb);
	return rc;
}

static int rasterise(struct ui_text *t, int sf, uint32_t gid, struct glyph_slot *s)
{
	if (t->sized[sf].color)
		return rasterise_color(t, &t->sized[sf], gid, s);
	FT_Face face = t->sized[sf].face;
	if (FT_Load_Glyph(face, gid, FT_LOAD_DEFAULT) || FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL))
		return -EINVAL;
	FT_Bitmap *bm = &face->glyph->bitmap;
	s->left = (int16_t)face->glyph->bitmap_left;
	s->top = (int16_t)face->glyph->bitmap_top;
	s->w = (uint16_t)bm->width;
	s->h = (uint16_t)bm->rows;
	s->page = -1;
	if (bm->width == 0 || bm->rows == 0)
		return 0;
	FT_Bitmap gray;
	FT_Bitmap_Init(&gray);
	bool converted = bm->pixel_mode != FT_PIXEL_MODE_GRAY;
	if (converted) { /* an embedded 1-bit strike: 8 bits, levels 0..1 stretched to 0..255 */
		if (FT_Bitmap_Convert(t->ft, bm, &gray, 1))
			return -EINVAL;
		for (size_t i = 0; i < (size_t)gray.rows * (size_t)abs(gray.pitch); i++)
			gray.buffer[i] = gray.buffer[i] ? 255 : 0;
		bm = &gray;
	}
	uint32_t *argb = malloc((size_t)bm->width * bm->rows * sizeof(*argb));
	int rc = argb ? 0 : -ENOMEM;
	for (unsigned r = 0; rc == 0 && r < bm->rows; r++)
		for (unsigned c = 0; c < bm->width; c++)
			argb[r * bm->width + c] =
			    ((uint32_t)bm->buffer[r * (unsigned)abs(bm->pitch) + c] << 24) | 0xffffffu;
	if (rc == 0)
		rc = atlas_upload(t, argb, (int)bm->width, (int)bm->rows, s);
	free(argb);
	if (converted)
		FT_Bitmap_Done(t->ft, &gray);
	return rc;
}

static const struct glyph_slot *glyph_get(struct ui_text *t, int sf, uint32_t gid)
{
	uint64_t key = ((uint64_t)(sf + 1) << 32) | gid;
	for (int attempt = 0; attempt < 2; attempt++) {
		size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 51) % GLYPH_SLOTS;
		while (t->slots[i].key && t->slots[i].key != key)
			i = (i + 1) % GLYPH_SLOTS;
		if (t->slots[i].key == key)
			return &t->slots[i];
		if (t->n_glyphs < GLYPH_SLOTS * 3 / 4) {
			struct glyph_slot s = { 0 };
			int rc = rasterise(t, sf, gid, &s);
			if (rc == 0) {
				s.key = key;
				t->slots[i] = s;
				t->n_glyphs++;
				return &t->slots[i];
			}
			if (rc != -ENOSPC)
				return NULL;
		}
		atlas_reset(t); /* full: start again; glyphs of this frame are uploaded anew */
	}
	return NULL;
}

/* ---- public ---- */

int ui_text_create(SDL_Renderer *r, const char *font_latin, const char *font_arabic, struct ui_text **out)
{
	*out = NULL;
	struct ui_text *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->renderer = r;
	int rc = FT_Init_FreeType(&t->ft) ? -ENOMEM : 0;
	if (rc == 0 && chain_primary(t, font_latin, "Noto Sans:lang=en") != 0)
		rc = -ENOENT;
	if (rc == 0 && chain_primary(t, font_arabic, "Noto Sans Arabic:lang=ar") != 1)
		rc = -ENOENT;
	for (int i = 0; i < 2 && rc == 0; i++)
		if (!file_probe(t, i))
			rc = -ENOENT;
	if (rc == 0 && fc_config(t))
		chain_fallbacks(t);
	if (rc < 0) {
		ui_text_destroy(&t);
		return rc;
	}
	*out = t;
	return 0;
}

void ui_text_destroy(struct ui_text **tp)
{
	struct ui_text *t = tp ? *tp : NULL;
	if (!t)
		return;
	while (t->lru_tail)
		evict_one(t);
	for (size_t i = 0; i < ATLAS_PAGES; i++)
		if (t->pages[i])
			SDL_DestroyTexture(t->pages[i]);
	for (size_t i = 0; i < t->n_sized; i++) {
		hb_font_destroy(t->sized[i].hb); /* releases its reference to the face */
	}
	for (size_t i = 0; i < t->n_files; i++)
		if (t->files[i].probe)
			FT_Done_Face(t->files[i].probe);
	if (t->ft)
		FT_Done_FreeType(t->ft);
	for (int i = 0; i < 2; i++)
		if (t->sorted[i])
			FcFontSetDestroy(t->sorted[i]);
	if (t->fc)
		FcConfigDestroy(t->fc);
	free(t);
	*tp = NULL;
}

/* Line metrics from both fonts, so Arabic marks above and below are never clipped. */
static void line_metrics(struct ui_text *t, int px, int *ascent, int *line_h)
{
	int a = 0, d = 0;
	for (int f = 0; f < 2; f++) {
		int sf = sized_font(t, f, px);
		if (sf < 0)
			continue;
		FT_Size_Metrics *m = &t->sized[sf].face->size->metrics;
		if ((int)(m->ascender >> 6) > a)
			a = (int)(m->ascender >> 6);
		if ((int)(-m->descender >> 6) > d)
			d = (int)(-m->descender >> 6);
	}
	/* Noto Sans Arabic's ascender makes lines very tall; a fixed ratio keeps rows even. */
	if (a + d > px * 3 / 2) {
		a = px * 21 / 20;
		d = px * 9 / 20;
	}
	*ascent = a;
	*line_h = a + d;
}

int ui_text_measure(struct ui_text *t, const char *utf8, int px, int max_width, int max_lines, unsigned flags,
		    struct ui_text_metrics *m)
{
	*m = (struct ui_text_metrics){ 0 };
	struct layout *l = NULL;
	int rc = get_layout(t, utf8 ? utf8 : "", px, max_width, max_lines, flags, &l);
	if (rc < 0)
		return rc;
	int ascent;
	line_metrics(t, px, &ascent, &m->line_height);
	m->width = l->width;
	m->lines = (int)l->n_lines;
	m->height = m->lines * m->line_height;
	m->truncated = l->truncated;
	m->missing_glyphs = (int)l->missing;
	m->rtl = l->rtl;
	return 0;
}

/* The rectangle the renderer draws into: its clip, else its viewport. */
static SDL_Rect render_clip(SDL_Renderer *r)
{
	SDL_Rect c = { 0, 0, 0, 0 };
	if (SDL_RenderIsClipEnabled(r))
		SDL_RenderGetClipRect(r, &c);
	if (c.w <= 0 || c.h <= 0)
		SDL_RenderGetViewport(r, &c);
	return c;
}

/* a is outside b by more than tolerance pixels on some side */
static bool sticks_out(const SDL_Rect *a, const SDL_Rect *b, int tolerance)
{
	return a->x < b->x - tolerance || a->y < b->y - tolerance || a->x + a->w > b->x + b->w + tolerance ||
	       a->y + a->h > b->y + b->h + tolerance;
}

int ui_text_draw_report(struct ui_text *t, const char *utf8, int px, const SDL_Rect *box, SDL_Color color,
			unsigned flags, int max_lines, struct ui_text_report *rep)
{
	struct layout *l = NULL;
	int rc = get_layout(t, utf8 ? utf8 : "", px, box->w, max_lines, flags, &l);
	if (rc < 0)
		return rc;
	int ascent, line_h;
	line_metrics(t, px, &ascent, &line_h);
	int y = box->y;
	if (flags & UI_TEXT_MIDDLE)
		y += (box->h - (int)l->n_lines * line_h) / 2;
	SDL_Rect clip = rep ? render_clip(t->renderer) : (SDL_Rect){ 0, 0, 0, 0 };
	SDL_Rect ink = { 0, 0, 0, 0 };
	int ext_x0 = 0, ext_x1 = 0;
	bool cut = false, overflow = false;
	for (size_t i = 0; i < l->n_lines; i++, y += line_h) {
		const struct lline *ln = &l->lines[i];
		int x = box->x;
		bool at_end = (flags & UI_TEXT_END) ? !(flags & UI_TEXT_RTL) : !!(flags & UI_TEXT_RTL);
		if (flags & UI_TEXT_CENTER)
			x += (box->w - ln->width) / 2;
		else if (at_end)
			x += box->w - ln->width;
		if (i == 0 || x < ext_x0)
			ext_x0 = x;
		if (i == 0 || x + ln->width > ext_x1)
			ext_x1 = x + ln->width;
		for (size_t k = ln->first; k < ln->first + ln->count; k++) {
			const struct lglyph *g = &l->glyphs[k];
			const struct glyph_slot *s = glyph_get(t, g->sf, g->gid);
			if (!s || s->page < 0)
				continue;
			SDL_Texture *tex = t->pages[s->page];
			if (s->color)
				SDL_SetTextureColorMod(tex, 0xff, 0xff, 0xff);
			else
				SDL_SetTextureColorMod(tex, color.r, color.g, color.b);
			SDL_SetTextureAlphaMod(tex, color.a);
			SDL_Rect src = { s->x, s->y, s->w, s->h };
			SDL_Rect dst = { x + (g->x26 + 32) / 64 + s->left,
					 y + ascent - s->top - (g->y26 + 32) / 64, s->w, s->h };
			SDL_RenderCopy(t->renderer, tex, &src, &dst);
			if (!rep)
				continue;
			if (ink.w == 0)
				ink = dst;
			else
				SDL_UnionRect(&ink, &dst, &ink);
			cut = cut || sticks_out(&dst, &clip, 1);
			overflow = overflow || (box->w > 0 && box->h > 0 && sticks_out(&dst, box, 1));
		}
	}
	if (rep) {
		int top = box->y + ((flags & UI_TEXT_MIDDLE) ? (box->h - (int)l->n_lines * line_h) / 2 : 0);
		*rep = (struct ui_text_report){ .extent = { ext_x0, top, ext_x1 - ext_x0,
							    (int)l->n_lines * line_h },
						.ink = ink,
						.lines = (int)l->n_lines,
						.missing_glyphs = (int)l->missing,
						.ellipsized = l->ellipsized,
						.dropped = l->dropped,
						.overflow = overflow,
						.cut = cut,
						.rtl = l->rtl,
						.arabic = l->arabic };
	}
	return 0;
}

int ui_text_draw(struct ui_text *t, const char *utf8, int px, const SDL_Rect *box, SDL_Color color,
		 unsigned flags, int max_lines)
{
	return ui_text_draw_report(t, utf8, px, box, color, flags, max_lines, NULL);
}

int ui_text_shape_line(struct ui_text *t, const char *utf8, int px, unsigned flags, struct ui_text_glyph *out,
		       size_t cap, size_t *n, int *width)
{
	*n = 0;
	*width = 0;
	uint32_t *text = malloc(UI_TEXT_MAX_CHARS * sizeof(*text));
	uint32_t *offs = malloc(UI_TEXT_MAX_CHARS * sizeof(*offs));
	struct glyph_vec g = { 0 };
	int rc = (!text || !offs) ? -ENOMEM : 0;
	if (rc == 0) {
		size_t len = utf8_decode(utf8, text, offs, UI_TEXT_MAX_CHARS);
		FriBidiParType base = (flags & UI_TEXT_RTL) ? FRIBIDI_PAR_WRTL : FRIBIDI_PAR_WLTR;
		int32_t w26 = 0;
		rc = shape_line(t, text, len, px, &base, &g, NULL, &w26);
		*width = (w26 + 63) / 64;
		for (size_t i = 0; rc == 0 && i < g.n && i < cap; i++)
			out[i] = (struct ui_text_glyph){ .cluster =
							     g.v[i].cluster < len ? offs[g.v[i].cluster] : 0,
							 .glyph = g.v[i].gid,
							 .font = t->sized[g.v[i].sf].file,
							 .x = (g.v[i].x26 + 32) / 64 };
		*n = g.n;
	}
	free(g.v);
	free(text);
	free(offs);
	return rc;
}

uint32_t ui_text_nominal_glyph(struct ui_text *t, int font, uint32_t codepoint, int px)
{
	if (font < 0 || (size_t)font >= t->n_files)
		return 0;
	int sf = sized_font(t, font, px);
	hb_codepoint_t g = 0;
	if (sf < 0 || !hb_font_get_nominal_glyph(t->sized[sf].hb, codepoint, &g))
		return 0;
	return g;
}

const char *ui_text_face_file(const struct ui_text *t, int font)
{
	return font >= 0 && (size_t)font < t->n_files ? t->files[font].path : NULL;
}

void ui_text_stats(const struct ui_text *t, struct ui_text_stats *s)
{
	*s = (struct ui_text_stats){ .glyphs = t->n_glyphs,
				     .atlas_pages = t->n_pages,
				     .atlas_bytes = t->n_pages * (size_t)ATLAS_SIZE * ATLAS_SIZE * 4,
				     .layouts = t->n_layouts,
				     .layout_bytes = t->layout_bytes,
				     .faces = t->n_sized,
				     .chain = t->n_files,
				     .atlas_resets = t->resets };
}
