/* SPDX-License-Identifier: MIT */
/* Search: names are folded (library_text_fold) before they go into the FTS5 index and so are the
 * viewer's words, so "الاخبار" finds "الأخبار" and "محمد" finds "مُحَمَّد"; FTS5's unicode61 tokenizer
 * with remove_diacritics 2 then takes care of Latin accents ("tele" finds "Télé"). */
#include "library_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* decodes one UTF-8 sequence; returns its length (1 for a stray byte, copied as it is) */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0) {
		*cp = 0xfffd;
		return 1;
	}
	uint32_t v = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return len;
}

static bool is_arabic_mark(uint32_t cp)
{
	return (cp >= 0x064b && cp <= 0x065f) || cp == 0x0670 || cp == 0x0640 ||
	       (cp >= 0x06d6 && cp <= 0x06ed);
}

static uint32_t arabic_letter(uint32_t cp)
{
	switch (cp) {
	case 0x0622: /* alef with madda */
	case 0x0623: /* alef with hamza above */
	case 0x0625: /* alef with hamza below */
	case 0x0671: /* alef wasla */
		return 0x0627;
	case 0x0649: /* alef maksura */
		return 0x064a;
	case 0x0629: /* teh marbuta */
		return 0x0647;
	default:
		return cp;
	}
}

static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int library_text_fold(const char *in, char *out, size_t cap)
{
	if (cap == 0)
		return -ENOSPC;
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	while (*p) {
		uint32_t cp;
		size_t len = utf8_next(p, &cp);
		char enc[4];
		size_t el;
		if (cp == 0xfffd && len == 1) {
			enc[0] = (char)*p; /* not UTF-8: keep the byte, the tokenizer copes */
			el = 1;
		} else if (is_arabic_mark(cp)) {
			p += len;
			continue;
		} else {
			cp = arabic_letter(cp);
			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
			el = utf8_put(cp, enc);
		}
		if (n + el + 1 > cap) {
			out[n] = '\0';
			return -ENOSPC;
		}
		memcpy(out + n, enc, el);
		n += el;
		p += len;
	}
	out[n] = '\0';
	return (int)n;
}

/* the viewer's words -> an FTS5 query: every word as a quoted prefix ("wor"*), all required */
static int fts_query(const char *query, char *out, size_t cap)
{
	char folded[512];
	if (library_text_fold(query, folded, sizeof(folded)) < 0)
		return -ENOSPC;
	size_t n = 0;
	int words = 0;
	const char *p = folded;
	while (*p) {
		/* ASCII spaces and punctuation separate words; other bytes belong to them */
		while (*p && (unsigned char)*p < 0x80 &&
		       !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
			p++;
		if (!*p)
			break;
		if (n + 2 >= cap)
			return -ENOSPC;
		if (words++)
			out[n++] = ' ';
		out[n++] = '"';
		while (*p && !((unsigned char)*p < 0x80 &&
			       !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))) {
			if (n + 4 >= cap)
				return -ENOSPC;
			out[n++] = *p++;
		}
		out[n++] = '"';
		out[n++] = '*';
	}
	out[n] = '\0';
	return words;
}

int library_search(struct library *l, const char *query, unsigned kinds, bool include_locked, size_t limit,
		   library_item_cb cb, void *ud)
{
	char match[1200];
	int words = fts_query(query ? query : "", match, sizeof(match));
	if (words <= 0)
		return words;
	if (limit == 0)
		limit = 50;
	size_t delivered = 0;
	for (int k = LIBRARY_LIVE; k <= LIBRARY_SERIES && delivered < limit; k++) {
		if (!(kinds & LIBRARY_KIND_BIT(k)))
			continue;
		const struct library_table *t = library_table_of((enum library_kind)k);
		char locked[512], sql[2048];
		library_locked_expr((enum library_kind)k, locked, sizeof(locked));
		snprintf(sql, sizeof(sql),
			 "SELECT * FROM (SELECT %s, %s AS locked FROM %s f JOIN %s x ON x.id = f.rowid"
			 " WHERE %s MATCH ?1 ORDER BY f.rank, x.position) %s LIMIT ?2",
			 t->cols, locked, t->fts, t->table, t->fts, include_locked ? "" : "WHERE locked = 0");
		sqlite3_stmt *st;
		int rc = library_prepare(l, sql, &st);
		if (rc < 0)
			return rc;
		sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(limit - delivered));
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct library_item it;
			library_read_item(st, (enum library_kind)k, &it);
			delivered++;
			int c = cb ? cb(ud, &it) : 0;
			if (c < 0) {
				sqlite3_finalize(st);
				return c;
			}
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_errno(rc);
	}
	return (int)delivered;
}
