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
#include <hb-ft.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>

enum {
	MAX_SIZED = 48,       /* font instances (file x pixel size) */
	ATLAS_SIZE = 1024,    /* atlas page side */
	ATLAS_PAGES = 4,      /* 16 MiB of RGBA at most */
	GLYPH_SLOTS = 8192,   /* open-addressing table, reset at 3/4 */
	LAYOUT_BUCKETS = 512, /* layout cache hash buckets */
	LAYOUT_CAP = 384,     /* cached layouts */
	MAX_LINES = 64,       /* per layout */
	ELLIPSIS = 0x2026,
};

struct sized_font {
	int file; /* 0 latin, 1 arabic */
	int px;
	FT_Face face;
	hb_font_t *hb;
};

struct glyph_slot {
	uint64_t key; /* (sized index + 1) << 32 | glyph id; 0 = empty */
	int16_t page, left, top;
	uint16_t x, y, w, h;
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
	size_t bytes;
};

struct glyph_vec {
	struct lglyph *v;
	size_t n, cap;
};

struct ui_text {
	SDL_Renderer *renderer; /* borrowed */
	FT_Library ft;
	char path[2][512];
	struct sized_font sized[MAX_SIZED];
	size_t n_sized;
	FT_Face probe[2]; /* unsized faces for coverage checks */

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

/* ---- fonts ---- */

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
		int best = 0, dist = 1 << 30;
		for (size_t i = 0; i < t->n_sized; i++)
			if (t->sized[i].file == file && abs(t->sized[i].px - px) < dist) {
				dist = abs(t->sized[i].px - px);
				best = (int)i;
			}
		return best;
	}
	struct sized_font *s = &t->sized[t->n_sized];
	if (FT_New_Face(t->ft, t->path[file], 0, &s->face))
		return -ENOENT;
	FT_Set_Pixel_Sizes(s->face, 0, (FT_UInt)px);
	s->hb = hb_ft_font_create_referenced(s->face);
	s->file = file;
	s->px = px;
	return (int)t->n_sized++;
}

static bool is_arabic(uint32_t c)
{
	return (c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0x08a0 && c <= 0x08ff) ||
	       (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff);
}

static bool is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xa0 || c == '\n';
}

/* Which font draws code point c: Arabic script and anything the Latin font lacks go to the Arabic
 * font (the fallback); spaces follow the previous character so runs are not split needlessly. */
static int font_for(struct ui_text *t, uint32_t c, int prev)
{
	if (is_arabic(c))
		return 1;
	if (is_space(c) && prev >= 0)
		return prev;
	if (FT_Get_Char_Index(t->probe[0], c) == 0 && FT_Get_Char_Index(t->probe[1], c) != 0)
		return 1;
	return 0;
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
	int sf[2] = { sized_font(t, 0, px), sized_font(t, 1, px) };
	if (sf[0] < 0 || sf[1] < 0)
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
		int f = font_for(t, text[i], prev_font);
		prev_font = f;
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

static int rasterise(struct ui_text *t, int sf, uint32_t gid, struct glyph_slot *s)
{
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
	int page, x, y;
	int rc = atlas_place(t, (int)bm->width, (int)bm->rows, &page, &x, &y);
	if (rc < 0)
		return rc;
	/* Upload with a transparent 1-pixel border so filtering never picks up a neighbour. */
	int bw = (int)bm->width + 2, bh = (int)bm->rows + 2;
	uint32_t *px = calloc((size_t)bw * bh, sizeof(*px));
	if (!px)
		return -ENOMEM;
	for (unsigned r = 0; r < bm->rows; r++)
		for (unsigned c = 0; c < bm->width; c++)
			px[(r + 1) * (unsigned)bw + c + 1] =
			    ((uint32_t)bm->buffer[r * (unsigned)abs(bm->pitch) + c] << 24) | 0xffffffu;
	SDL_Rect dst = { x - 1, y - 1, bw, bh };
	SDL_UpdateTexture(t->pages[page], &dst, px, bw * 4);
	free(px);
	s->page = (int16_t)page;
	s->x = (uint16_t)x;
	s->y = (uint16_t)y;
	return 0;
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
	snprintf(t->path[0], sizeof(t->path[0]), "%s", font_latin);
	snprintf(t->path[1], sizeof(t->path[1]), "%s", font_arabic);
	int rc = FT_Init_FreeType(&t->ft) ? -ENOMEM : 0;
	for (int i = 0; i < 2 && rc == 0; i++)
		if (FT_New_Face(t->ft, t->path[i], 0, &t->probe[i]))
			rc = -ENOENT;
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
	for (int i = 0; i < 2; i++)
		if (t->probe[i])
			FT_Done_Face(t->probe[i]);
	if (t->ft)
		FT_Done_FreeType(t->ft);
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
	return 0;
}

int ui_text_draw(struct ui_text *t, const char *utf8, int px, const SDL_Rect *box, SDL_Color color,
		 unsigned flags, int max_lines)
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
	for (size_t i = 0; i < l->n_lines; i++, y += line_h) {
		const struct lline *ln = &l->lines[i];
		int x = box->x;
		bool at_end = (flags & UI_TEXT_END) ? !(flags & UI_TEXT_RTL) : !!(flags & UI_TEXT_RTL);
		if (flags & UI_TEXT_CENTER)
			x += (box->w - ln->width) / 2;
		else if (at_end)
			x += box->w - ln->width;
		for (size_t k = ln->first; k < ln->first + ln->count; k++) {
			const struct lglyph *g = &l->glyphs[k];
			const struct glyph_slot *s = glyph_get(t, g->sf, g->gid);
			if (!s || s->page < 0)
				continue;
			SDL_Texture *tex = t->pages[s->page];
			SDL_SetTextureColorMod(tex, color.r, color.g, color.b);
			SDL_SetTextureAlphaMod(tex, color.a);
			SDL_Rect src = { s->x, s->y, s->w, s->h };
			SDL_Rect dst = { x + (g->x26 + 32) / 64 + s->left,
					 y + ascent - s->top - (g->y26 + 32) / 64, s->w, s->h };
			SDL_RenderCopy(t->renderer, tex, &src, &dst);
		}
	}
	return 0;
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
	int sf = sized_font(t, font ? 1 : 0, px);
	hb_codepoint_t g = 0;
	if (sf < 0 || !hb_font_get_nominal_glyph(t->sized[sf].hb, codepoint, &g))
		return 0;
	return g;
}

void ui_text_stats(const struct ui_text *t, struct ui_text_stats *s)
{
	*s = (struct ui_text_stats){ .glyphs = t->n_glyphs,
				     .atlas_pages = t->n_pages,
				     .atlas_bytes = t->n_pages * (size_t)ATLAS_SIZE * ATLAS_SIZE * 4,
				     .layouts = t->n_layouts,
				     .layout_bytes = t->layout_bytes,
				     .faces = t->n_sized,
				     .atlas_resets = t->resets };
}
