/* SPDX-License-Identifier: MIT */
/* The guide's queries: now/next for a list of streams (the channel list and the banner), the
 * programmes of the visible window (the guide grid), one programme's details (the info panel) and
 * full-text search. A stream reaches its guide channel through epg_map (id first, then display name)
 * at query time; every query is an index seek on (channel, start). Shifts (global + channel) are
 * applied here, so times in results are what the viewer should see. */
#include "epg_internal.h"

#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_COLUMNS "p.id, p.start, p.stop, p.title, p.lang, p.category, p.alt_langs, p.alt_titles"

static const char resolve_sql[] =
    "WITH m AS (SELECT key, name_norm FROM epg_map WHERE stream_id = ?1), "
    "c AS (SELECT c.id, c.key, 0 AS pri FROM epg_channel c, m WHERE m.key <> '' AND c.key = m.key "
    "UNION ALL SELECT c.id, c.key, 1 FROM epg_channel c, m WHERE m.name_norm <> '' AND c.name_norm = "
    "m.name_norm) "
    "SELECT id, coalesce((SELECT seconds FROM epg_shift WHERE key = ''), 0) + "
    "coalesce((SELECT seconds FROM epg_shift s WHERE s.key = c.key), 0) FROM c ORDER BY pri LIMIT 1";

/* Times as they can appear in a programme id (see epg_prog_id). */
static int64_t clamp_time(int64_t t)
{
	return t < 0 ? 0 : t >= EPG_START_MAX ? EPG_START_MAX - 1 : t;
}

/* The n-th field (0-based) of a \x1e-separated list, copied into out. */
static bool field_at(const char *list, size_t n, char *out, size_t cap)
{
	const char *p = list;
	for (size_t i = 0; p && i < n; i++) {
		p = strchr(p, '\x1e');
		if (p)
			p++;
	}
	if (!p)
		return false;
	const char *e = strchr(p, '\x1e');
	size_t len = e ? (size_t)(e - p) : strlen(p);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/* Position of lang in the alt_langs list, or -1. */
static long alt_index(const char *alt_langs, const char *lang)
{
	if (!alt_langs || !lang || !lang[0])
		return -1;
	char one[16];
	for (size_t i = 0; field_at(alt_langs, i, one, sizeof(one)); i++)
		if (epg_lang_match(one, lang))
			return (long)i;
	return -1;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", v ? (const char *)v : "");
}

/* Reads SLOT_COLUMNS starting at col 0; returns the alt index used for lang (-1: primary). */
static long fill_slot(sqlite3_stmt *st, const char *lang, int shift, struct epg_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	s->start = sqlite3_column_int64(st, 1) + shift;
	s->stop = sqlite3_column_int64(st, 2) + shift;
	copy_col(st, 3, s->title, sizeof(s->title));
	copy_col(st, 4, s->lang, sizeof(s->lang));
	copy_col(st, 5, s->category, sizeof(s->category));
	char *comma = strstr(s->category, ", ");
	if (comma)
		*comma = '\0';
	const char *alt_langs = (const char *)sqlite3_column_text(st, 6);
	long i = -1;
	if (lang && lang[0] && !epg_lang_match(s->lang, lang) && (i = alt_index(alt_langs, lang)) >= 0) {
		const char *titles = (const char *)sqlite3_column_text(st, 7);
		if (titles && field_at(titles, (size_t)i, s->title, sizeof(s->title)))
			field_at(alt_langs, (size_t)i, s->lang, sizeof(s->lang));
	}
	return i;
}

/* The guide channel of a stream and the shift to apply; -ENOENT when the stream has none. */
static int resolve(sqlite3_stmt *st, int stream_id, int64_t *channel, int *shift)
{
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, stream_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*channel = sqlite3_column_int64(st, 0);
		*shift = sqlite3_column_int(st, 1);
		return 0;
	}
	return rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
}

static int prepare_all(sqlite3 *db, const char *const *sql, sqlite3_stmt **st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL);
		if (rc != SQLITE_OK) {
			plat_log_warn("epg", "query: %s", sqlite3_errmsg(db));
			return store_errno(rc);
		}
	}
	return 0;
}

static void finalize_all(sqlite3_stmt **st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sqlite3_finalize(st[i]);
}

int epg_now_next(struct store *s, const int *ids, size_t n, int64_t now, const char *lang,
		 struct epg_now_next *out)
{
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	static const char *const sql[] = {
		resolve_sql,
		"SELECT " SLOT_COLUMNS " FROM epg_programme p WHERE p.id >= ?1 AND p.id <= ?1 + ?2 AND "
		"p.stop > ?2 ORDER BY p.id DESC LIMIT 1",
		"SELECT " SLOT_COLUMNS " FROM epg_programme p WHERE p.id > ?1 + ?2 AND p.id < ?1 + ?3 "
		"ORDER BY p.id LIMIT 1",
	};
	sqlite3_stmt *st[3] = { NULL };
	rc = prepare_all(store_db(s), sql, st, 3);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct epg_now_next *o = &out[i];
		memset(o, 0, sizeof(*o));
		int64_t channel = 0;
		int shift = 0;
		int r = resolve(st[0], ids[i], &channel, &shift);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			rc = r;
			break;
		}
		int64_t t = clamp_time(now - shift), after = t;
		sqlite3_reset(st[1]);
		sqlite3_bind_int64(st[1], 1, epg_prog_id(channel, 0));
		sqlite3_bind_int64(st[1], 2, t);
		if (sqlite3_step(st[1]) == SQLITE_ROW) {
			fill_slot(st[1], lang, shift, &o->now);
			o->now.stream_id = ids[i];
			o->has_now = true;
			after = o->now.start - shift;
		}
		sqlite3_reset(st[2]);
		sqlite3_bind_int64(st[2], 1, epg_prog_id(channel, 0));
		sqlite3_bind_int64(st[2], 2, after);
		sqlite3_bind_int64(st[2], 3, EPG_START_MAX);
		if (sqlite3_step(st[2]) == SQLITE_ROW) {
			fill_slot(st[2], lang, shift, &o->next);
			o->next.stream_id = ids[i];
			o->has_next = true;
			if (o->has_now && o->now.stop > o->next.start)
				o->now.stop = o->next.start; /* overlapping feed: the next one wins */
		}
	}
	finalize_all(st, 3);
	return rc;
}

int epg_guide_window(struct store *s, const int *ids, size_t n, int64_t t0, int64_t t1, const char *lang,
		     struct epg_slot *out, size_t cap, size_t *count)
{
	*count = 0;
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	static const char *const sql[] = {
		resolve_sql,
		/* from the last programme starting at or before t0 (one seek), up to t1 */
		"SELECT " SLOT_COLUMNS " FROM epg_programme p WHERE p.id < ?1 + ?3 AND p.id >= coalesce("
		"(SELECT id FROM epg_programme WHERE id >= ?1 AND id <= ?1 + ?2 ORDER BY id DESC LIMIT 1), "
		"?1 + ?2) AND p.stop > ?2 ORDER BY p.id",
	};
	sqlite3_stmt *st[2] = { NULL };
	rc = prepare_all(store_db(s), sql, st, 2);
	size_t used = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t channel = 0;
		int shift = 0;
		int r = resolve(st[0], ids[i], &channel, &shift);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			rc = r;
			break;
		}
		sqlite3_reset(st[1]);
		sqlite3_bind_int64(st[1], 1, epg_prog_id(channel, 0));
		sqlite3_bind_int64(st[1], 2, clamp_time(t0 - shift));
		sqlite3_bind_int64(st[1], 3, clamp_time(t1 - shift));
		size_t first = used;
		while ((r = sqlite3_step(st[1])) == SQLITE_ROW) {
			if (used == cap) {
				rc = -ENOSPC;
				break;
			}
			fill_slot(st[1], lang, shift, &out[used]);
			out[used].stream_id = ids[i];
			if (used > first && out[used - 1].stop > out[used].start)
				out[used - 1].stop = out[used].start;
			used++;
		}
		if (rc == 0 && r != SQLITE_DONE)
			rc = store_errno(r);
	}
	finalize_all(st, 2);
	*count = used;
	return rc;
}

int epg_programme_details(struct store *s, int64_t id, const char *lang, struct epg_details *out)
{
	memset(out, 0, sizeof(*out));
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	rc = store_errno(sqlite3_prepare_v2(
	    db,
	    "SELECT " SLOT_COLUMNS ", c.key, c.name, p.subtitle, p.descr, p.episode, p.icon, p.rating, "
	    "p.category, p.alt_subs, p.alt_descs, p.channel FROM epg_programme p "
	    "JOIN epg_channel c ON c.id = p.channel WHERE p.id = ?1",
	    -1, &st, NULL));
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		int shift = 0;
		rc = epg_shift_total(db, sqlite3_column_int64(st, 18), &shift);
		long alt = fill_slot(st, lang, shift, &out->slot);
		copy_col(st, 8, out->channel_key, sizeof(out->channel_key));
		copy_col(st, 9, out->channel_name, sizeof(out->channel_name));
		copy_col(st, 10, out->subtitle, sizeof(out->subtitle));
		copy_col(st, 11, out->desc, sizeof(out->desc));
		copy_col(st, 12, out->episode, sizeof(out->episode));
		copy_col(st, 13, out->icon, sizeof(out->icon));
		copy_col(st, 14, out->rating, sizeof(out->rating));
		copy_col(st, 15, out->categories, sizeof(out->categories));
		if (alt >= 0) {
			char tmp[EPG_TEXT_MAX];
			const char *subs = (const char *)sqlite3_column_text(st, 16);
			const char *descs = (const char *)sqlite3_column_text(st, 17);
			if (subs && field_at(subs, (size_t)alt, tmp, sizeof(tmp)) && tmp[0])
				snprintf(out->subtitle, sizeof(out->subtitle), "%s", tmp);
			if (descs && field_at(descs, (size_t)alt, tmp, sizeof(tmp)) && tmp[0])
				snprintf(out->desc, sizeof(out->desc), "%s", tmp);
		}
	} else {
		rc = r == SQLITE_DONE ? -ENOENT : store_errno(r);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Characters of a search word: ASCII letters and digits, and every non-ASCII byte (letters of other
 * scripts; their punctuation is rare in titles). The index keeps no positions (detail=none), so each
 * word must be a single token: punctuation splits words as the tokenizer does. */
static bool word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The viewer's words as an FTS5 query: each word quoted (no operator can slip in), all required,
 * the last one a prefix. Returns false when there is no word. */
static bool fts_query(const char *text, char *out, size_t cap)
{
	size_t len = 0;
	bool any = false;
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		while (*p && !word_char(*p))
			p++;
		if (!*p || len + 8 >= cap)
			break;
		if (any)
			out[len++] = ' ';
		out[len++] = '"';
		while (*p && word_char(*p) && len + 4 < cap)
			out[len++] = (char)*p++;
		out[len++] = '"';
		any = true;
	}
	if (any)
		out[len++] = '*';
	out[len] = '\0';
	return any;
}

int epg_search(struct store *s, const char *query, int64_t since, const char *lang, struct epg_slot *out,
	       size_t cap, size_t *count)
{
	*count = 0;
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	char q[512];
	if (!query || !fts_query(query, q, sizeof(q)) || cap == 0)
		return 0;
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	rc = store_errno(sqlite3_prepare_v2(
	    db,
	    "SELECT " SLOT_COLUMNS
	    ", coalesce((SELECT m.stream_id FROM epg_map m WHERE m.key = c.key LIMIT 1), "
	    "(SELECT m.stream_id FROM epg_map m WHERE m.name_norm <> '' AND m.name_norm = c.name_norm LIMIT "
	    "1), "
	    "0), "
	    "coalesce((SELECT seconds FROM epg_shift WHERE key = ''), 0) + "
	    "coalesce((SELECT seconds FROM epg_shift sh WHERE sh.key = c.key), 0) "
	    "FROM epg_fts f JOIN epg_programme p ON p.id = f.rowid JOIN epg_channel c ON c.id = p.channel "
	    "WHERE epg_fts MATCH ?1 AND p.stop > ?2 ORDER BY p.start LIMIT ?3",
	    -1, &st, NULL));
	if (rc < 0) {
		plat_log_warn("epg", "search: %s", sqlite3_errmsg(db));
		return rc;
	}
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since - 86400); /* shifts are at most a day: re-checked below */
	sqlite3_bind_int64(st, 3, (sqlite3_int64)cap * 2);
	int r = SQLITE_DONE;
	size_t used = 0;
	while (used < cap && (r = sqlite3_step(st)) == SQLITE_ROW) {
		int shift = sqlite3_column_int(st, 9);
		fill_slot(st, lang, shift, &out[used]);
		out[used].stream_id = sqlite3_column_int(st, 8);
		if (out[used].stop > since)
			used++;
	}
	if (used < cap && r != SQLITE_DONE)
		rc = store_errno(r);
	sqlite3_finalize(st);
	*count = used;
	return rc;
}
