/* SPDX-License-Identifier: MIT */
/* Text stack check: shaping must join Arabic letters (contextual forms differ from the isolated ones)
 * and bidi ordering must put the Arabic run right to left. */
#include "ui_selftest.h"

#include "qanat_config.h"

#include <errno.h>
#include <fribidi.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>
#include <stdio.h>
#include <string.h>

/* "قناة" (Qanat) in UTF-8: four letters that join into one word. */
static const char arabic[] = "\xd9\x82\xd9\x86\xd8\xa7\xd8\xa9";

static int shape_arabic(FT_Face face, char *detail, size_t cap)
{
	hb_font_t *font = hb_ft_font_create_referenced(face);
	hb_buffer_t *buf = hb_buffer_create();
	hb_buffer_add_utf8(buf, arabic, -1, 0, -1);
	hb_buffer_guess_segment_properties(buf);
	hb_shape(font, buf, NULL, 0);
	unsigned n = 0;
	hb_glyph_info_t *glyphs = hb_buffer_get_glyph_infos(buf, &n);
	/* Joined forms: the glyph of each letter in context differs from the isolated glyph. */
	unsigned contextual = 0;
	for (unsigned i = 0; i < n; i++) {
		hb_codepoint_t isolated = 0;
		hb_font_get_nominal_glyph(font, 0x0642 /* qaf */, &isolated);
		if (glyphs[i].cluster == 0 && glyphs[i].codepoint != isolated)
			contextual++;
	}
	int dir_rtl = hb_buffer_get_direction(buf) == HB_DIRECTION_RTL;
	snprintf(detail, cap, "%u glyphs, %s, initial qaf %s", n, dir_rtl ? "rtl" : "ltr",
		 contextual ? "joined" : "NOT joined");
	hb_buffer_destroy(buf);
	hb_font_destroy(font);
	return (n == 4 && dir_rtl && contextual) ? 0 : -EINVAL;
}

static int order_bidi(char *detail, size_t cap)
{
	FriBidiChar text[16];
	static const FriBidiChar logical[] = { 'T', 'V', ' ', 0x642, 0x646, 0x627, 0x629, ' ', '2', '4' };
	FriBidiStrIndex len = (FriBidiStrIndex)(sizeof(logical) / sizeof(logical[0]));
	memcpy(text, logical, sizeof(logical));
	FriBidiParType base = FRIBIDI_PAR_LTR;
	FriBidiChar visual[16];
	FriBidiStrIndex v_to_l[16];
	fribidi_log2vis(text, len, &base, visual, NULL, v_to_l, NULL);
	/* Visual order "TV 24 ةانق": the digits after Arabic join its right-to-left run (rule W2) but
	 * keep their own left-to-right order, and the four Arabic letters are reversed. */
	int ok = v_to_l[0] == 0 && v_to_l[3] == 8 && v_to_l[4] == 9 && v_to_l[6] == 6 && v_to_l[9] == 3;
	snprintf(detail, cap, "mixed line ordered %s", ok ? "correctly" : "WRONGLY");
	return ok ? 0 : -EINVAL;
}

void ui_selftest(struct plat_report *r)
{
	char version[64];
	FT_Library ft = NULL;
	FT_Face face = NULL;
	int rc = FT_Init_FreeType(&ft) ? -EIO : 0;
	if (rc == 0) {
		FT_Int maj, min, pat;
		FT_Library_Version(ft, &maj, &min, &pat);
		snprintf(version, sizeof(version), "freetype %d.%d.%d, harfbuzz %s", maj, min, pat,
			 hb_version_string());
		rc = FT_New_Face(ft, QANAT_FONT_ARABIC, 0, &face) ? -ENOENT : 0;
	} else {
		snprintf(version, sizeof(version), "freetype ?, harfbuzz %s", hb_version_string());
	}
	char detail[128] = "cannot load " QANAT_FONT_ARABIC;
	if (rc == 0) {
		FT_Set_Pixel_Sizes(face, 0, 32);
		rc = shape_arabic(face, detail, sizeof(detail));
	}
	plat_report_add(r, "text-shaping", version, rc, "%s", detail);
	if (face)
		FT_Done_Face(face);
	if (ft)
		FT_Done_FreeType(ft);

	rc = order_bidi(detail, sizeof(detail));
	plat_report_add(r, "bidi", "fribidi " FRIBIDI_VERSION, rc, "%s", detail);
}
