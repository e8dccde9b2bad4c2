/* SPDX-License-Identifier: MIT */
/* Catalogue sync: each list streams from the panel straight into prepared INSERTs inside one
 * transaction (BEGIN IMMEDIATE ... COMMIT), so memory stays flat whatever the list size and an
 * interrupted sync rolls back to the previous catalogue. The FTS index is external-content: cleared
 * with 'delete-all' and filled row by row in the same transaction. */
#include "library_internal.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MOD "library"

struct sync_ctx {
	struct library *l;
	enum library_kind kind;
	sqlite3_stmt *item, *fts, *member;
	int64_t position;
	int err;
};

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_reset(struct sync_ctx *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		plat_log_error(MOD, "sync insert failed: %s", sqlite3_errmsg(s->l->db));
		return store_errno(rc);
	}
	return 0;
}

/* after the item insert: a new row gets its FTS entry, a duplicate only more memberships */
static int index_item(struct sync_ctx *s, int64_t id, const char *sname, bool inserted, int64_t category,
		      const int64_t *more, size_t more_count)
{
	int rc = 0;
	if (inserted && sname) {
		sqlite3_bind_int64(s->fts, 1, id);
		sqlite3_bind_text(s->fts, 2, sname, -1, SQLITE_STATIC);
		rc = step_reset(s, s->fts);
	}
	for (size_t i = 0; rc == 0 && i <= more_count; i++) {
		int64_t cat = i == 0 ? category : more[i - 1];
		if (cat <= 0 || (i > 0 && cat == category))
			continue;
		sqlite3_bind_int(s->member, 1, s->kind);
		sqlite3_bind_int64(s->member, 2, cat);
		sqlite3_bind_int64(s->member, 3, id);
		sqlite3_bind_int64(s->member, 4, s->position);
		rc = step_reset(s, s->member);
	}
	return rc;
}

static int insert_done(struct sync_ctx *s, int64_t id, const char *name, int64_t category,
		       const int64_t *more, size_t more_count)
{
	int rc = step_reset(s, s->item);
	if (rc < 0)
		return rc;
	bool inserted = sqlite3_changes(s->l->db) > 0;
	char sname[1024];
	bool have = name && library_text_fold(name, sname, sizeof(sname)) >= 0;
	rc = index_item(s, id, have ? sname : NULL, inserted, category, more, more_count);
	s->position++;
	return rc;
}

/* Columns 1-5 of every item row: id, panel position, name, its folded search form, image. */
static void bind_head(struct sync_ctx *s, int64_t id, const char *name, const char *image)
{
	sqlite3_stmt *st = s->item;
	char folded[1024];
	bool have = name && library_text_fold(name, folded, sizeof(folded)) >= 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, s->position);
	bind_text_or_null(st, 3, name);
	bind_text_or_null(st, 4, have ? folded : NULL);
	bind_text_or_null(st, 5, image);
}

static int on_live(void *ud, const struct xt_live *v)
{
	struct sync_ctx *s = ud;
	sqlite3_stmt *st = s->item;
	bind_head(s, v->stream_id, v->name, v->icon);
	bind_text_or_null(st, 6, v->epg_channel_id);
	sqlite3_bind_int64(st, 7, v->category_id);
	sqlite3_bind_int(st, 8, v->tv_archive);
	sqlite3_bind_int(st, 9, v->tv_archive_days);
	sqlite3_bind_int64(st, 10, v->added);
	bind_text_or_null(st, 11, v->stream_type);
	return insert_done(s, v->stream_id, v->name, v->category_id, v->category_ids, v->category_id_count);
}

static int on_vod(void *ud, const struct xt_vod *v)
{
	struct sync_ctx *s = ud;
	sqlite3_stmt *st = s->item;
	bind_head(s, v->stream_id, v->name, v->icon);
	sqlite3_bind_int64(st, 6, v->category_id);
	sqlite3_bind_double(st, 7, v->rating);
	sqlite3_bind_int(st, 8, v->year);
	sqlite3_bind_int64(st, 9, v->added);
	bind_text_or_null(st, 10, v->container_extension);
	bind_text_or_null(st, 11, v->genre);
	bind_text_or_null(st, 12, v->plot);
	return insert_done(s, v->stream_id, v->name, v->category_id, v->category_ids, v->category_id_count);
}

static int on_series(void *ud, const struct xt_series *v)
{
	struct sync_ctx *s = ud;
	sqlite3_stmt *st = s->item;
	bind_head(s, v->series_id, v->name, v->cover);
	sqlite3_bind_int64(st, 6, v->category_id);
	sqlite3_bind_double(st, 7, v->rating);
	sqlite3_bind_int(st, 8, v->year);
	sqlite3_bind_int64(st, 9, v->last_modified);
	bind_text_or_null(st, 10, v->genre);
	bind_text_or_null(st, 11, v->plot);
	return insert_done(s, v->series_id, v->name, v->category_id, NULL, 0);
}

static int on_category(void *ud, const struct xt_category *c)
{
	struct sync_ctx *s = ud;
	sqlite3_stmt *st = s->item;
	sqlite3_bind_int(st, 1, s->kind);
	sqlite3_bind_int64(st, 2, c->id);
	bind_text_or_null(st, 3, c->name);
	sqlite3_bind_int64(st, 4, c->parent_id);
	sqlite3_bind_int64(st, 5, s->position++);
	sqlite3_bind_int(st, 6, library_name_is_adult(c->name));
	return step_reset(s, st);
}

static const char *const item_sql[] = {
	[LIBRARY_LIVE] = "INSERT INTO lib_live(id, position, name, sname, icon, epg_channel_id, category_id,"
			 " archive, archive_days, added, stream_type) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
			 " ON CONFLICT(id) DO NOTHING",
	[LIBRARY_VOD] =
	    "INSERT INTO lib_vod(id, position, name, sname, icon, category_id, rating, year, added,"
	    " ext, genre, plot) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
	[LIBRARY_SERIES] =
	    "INSERT INTO lib_series(id, position, name, sname, cover, category_id, rating, year,"
	    " last_modified, genre, plot) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
	    " ON CONFLICT(id) DO NOTHING",
};

static void finalize_all(struct sync_ctx *s)
{
	sqlite3_finalize(s->item);
	sqlite3_finalize(s->fts);
	sqlite3_finalize(s->member);
	s->item = s->fts = s->member = NULL;
}

static int begin(struct library *l)
{
	return store_exec(l->store, "BEGIN IMMEDIATE");
}

static int end(struct library *l, int rc)
{
	if (rc >= 0) {
		int c = store_exec(l->store, "COMMIT");
		if (c == 0)
			return rc;
		rc = c;
	}
	store_exec(l->store, "ROLLBACK");
	return rc;
}

static int sync_categories(struct library *l, struct xt_client *c, enum library_kind kind,
			   struct library_list_report *r)
{
	struct sync_ctx s = { .l = l, .kind = kind };
	int rc = begin(l);
	if (rc < 0)
		return rc;
	char sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM lib_category WHERE kind = %d", (int)kind);
	rc = store_exec(l->store, sql);
	if (rc == 0)
		rc = library_prepare(l,
				     "INSERT INTO lib_category(kind, id, name, parent_id, position, adult)"
				     " VALUES(?,?,?,?,?,?) ON CONFLICT(kind, id) DO NOTHING",
				     &s.item);
	if (rc == 0)
		rc = xt_client_categories(c, (enum xt_kind)kind, on_category, &s, NULL);
	finalize_all(&s);
	rc = end(l, rc);
	if (rc >= 0)
		r->categories = (size_t)rc;
	return rc;
}

/* Opens the transaction that replaces a kind's items and prepares the inserts. */
static int sync_begin_items(struct library *l, enum library_kind kind, struct sync_ctx *s)
{
	const struct library_table *t = library_table_of(kind);
	memset(s, 0, sizeof(*s));
	s->l = l;
	s->kind = kind;
	int rc = begin(l);
	if (rc < 0)
		return rc;
	char sql[256];
	snprintf(
	    sql, sizeof(sql),
	    "DELETE FROM %s; DELETE FROM lib_member WHERE kind = %d; INSERT INTO %s(%s) VALUES('delete-all')",
	    t->table, (int)kind, t->fts, t->fts);
	rc = store_exec(l->store, sql);
	if (rc == 0)
		rc = library_prepare(l, item_sql[kind], &s->item);
	snprintf(sql, sizeof(sql), "INSERT INTO %s(rowid, sname) VALUES(?, ?)", t->fts);
	if (rc == 0)
		rc = library_prepare(l, sql, &s->fts);
	if (rc == 0)
		rc = library_prepare(
		    l,
		    "INSERT INTO lib_member(kind, category_id, item_id, position) VALUES(?,?,?,?)"
		    " ON CONFLICT DO NOTHING",
		    &s->member);
	if (rc < 0) {
		finalize_all(s);
		store_exec(l->store, "ROLLBACK");
	}
	return rc;
}

static int record_sync(struct library *l, enum library_kind kind, size_t items, const char *source)
{
	sqlite3_stmt *st;
	int rc = library_prepare(l,
				 "INSERT INTO lib_sync(kind, synced_at, items, source) VALUES(?,?,?,?)"
				 " ON CONFLICT(kind) DO UPDATE SET synced_at = excluded.synced_at,"
				 " items = excluded.items, source = excluded.source",
				 &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)items);
	sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
	rc = store_errno(sqlite3_step(st));
	sqlite3_finalize(st);
	return rc;
}

static int sync_items(struct library *l, struct xt_client *c, enum library_kind kind,
		      struct library_list_report *r)
{
	struct sync_ctx s;
	int rc = sync_begin_items(l, kind, &s);
	if (rc < 0)
		return rc;
	struct xt_list_stats st = { 0 };
	if (kind == LIBRARY_LIVE)
		rc = xt_client_live_streams(c, -1, on_live, &s, &st);
	else if (kind == LIBRARY_VOD)
		rc = xt_client_vod_streams(c, -1, on_vod, &s, &st);
	else
		rc = xt_client_series(c, -1, on_series, &s, &st);
	finalize_all(&s);
	size_t count = 0;
	if (rc >= 0) {
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", library_table_of(kind)->table);
		sqlite3_stmt *q;
		if (library_prepare(l, sql, &q) == 0) {
			if (sqlite3_step(q) == SQLITE_ROW)
				count = (size_t)sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
		}
		rc = record_sync(l, kind, count, "xtream");
	}
	rc = end(l, rc);
	r->items = count;
	r->skipped = st.skipped;
	r->bytes = st.bytes;
	return rc;
}

/* errors that will fail every other list too */
static bool is_global(int err)
{
	return err == -ECANCELED || err == -EACCES || err == -EKEYREJECTED || err == -ECONNREFUSED ||
	       err == -EHOSTUNREACH;
}

int library_sync(struct library *l, struct xt_client *c, unsigned kinds, struct library_sync_report *r)
{
	struct library_sync_report local;
	if (!r)
		r = &local;
	memset(r, 0, sizeof(*r));
	uint64_t t0 = plat_clock_mono_us();
	int first = 0;
	for (int k = LIBRARY_LIVE; k <= LIBRARY_SERIES; k++) {
		if (!(kinds & LIBRARY_KIND_BIT(k)))
			continue;
		struct library_list_report *lr = &r->lists[k];
		uint64_t t1 = plat_clock_mono_us();
		int rc = sync_categories(l, c, (enum library_kind)k, lr);
		if (rc >= 0)
			rc = sync_items(l, c, (enum library_kind)k, lr);
		lr->err = rc < 0 ? rc : 0;
		lr->seconds = (double)(plat_clock_mono_us() - t1) / 1e6;
		if (rc < 0) {
			plat_log_warn(MOD, "sync of list %d kept the previous catalogue: %s", k,
				      xt_client_last_error(c));
			if (first == 0)
				first = rc;
			if (is_global(rc))
				break;
		}
	}
	r->seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return first;
}

/* ---------------------------------------------------------------------------------------------- */
/* M3U import: the same transaction shape, rows from the playlist parser */

struct m3u_import {
	struct sync_ctx s;
	sqlite3_stmt *category;
	int64_t category_position;
	size_t skipped;
	int err;
};

/* the panel's stream id when the URL ends in one (/live/u/p/123.ts, /u/p/123), else a hash */
static int64_t m3u_id(const char *url)
{
	const char *slash = strrchr(url, '/');
	const char *p = slash ? slash + 1 : url;
	int64_t n = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 15) {
		n = n * 10 + (*p++ - '0');
		digits++;
	}
	if (digits > 0 && (*p == '\0' || *p == '.' || *p == '?'))
		return n;
	return (int64_t)(library_fnv1a(url) & ((1ull << 52) - 1)) | (1ll << 52);
}

static int m3u_entry(void *ud, const struct library_m3u_entry *e)
{
	struct m3u_import *m = ud;
	struct sync_ctx *s = &m->s;
	const char *name = e->name ? e->name : e->tvg_name;
	if (!e->url || !e->url[0]) {
		m->skipped++;
		return 0;
	}
	int64_t cat = 0;
	if (e->group && e->group[0]) {
		cat = (int64_t)(library_fnv1a(e->group) & 0x7fffffff);
		if (cat == 0)
			cat = 1;
		sqlite3_bind_int(m->category, 1, LIBRARY_LIVE);
		sqlite3_bind_int64(m->category, 2, cat);
		sqlite3_bind_text(m->category, 3, e->group, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m->category, 4, m->category_position++);
		sqlite3_bind_int(m->category, 5, library_name_is_adult(e->group));
		int rc = step_reset(s, m->category);
		if (rc < 0)
			return rc;
	}
	int64_t id = m3u_id(e->url);
	char sname[1024];
	bool have = name && library_text_fold(name, sname, sizeof(sname)) >= 0;
	sqlite3_stmt *st = s->item;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, s->position);
	bind_text_or_null(st, 3, name);
	bind_text_or_null(st, 4, have ? sname : NULL);
	bind_text_or_null(st, 5, e->tvg_logo && e->tvg_logo[0] ? e->tvg_logo : NULL);
	bind_text_or_null(st, 6, e->tvg_id && e->tvg_id[0] ? e->tvg_id : NULL);
	sqlite3_bind_int64(st, 7, cat);
	sqlite3_bind_int(st, 8, e->catchup_days > 0);
	sqlite3_bind_int(st, 9, e->catchup_days);
	sqlite3_bind_text(st, 10, e->url, -1, SQLITE_STATIC);
	bind_text_or_null(st, 11, e->catchup);
	bind_text_or_null(st, 12, e->catchup_source);
	sqlite3_bind_double(st, 13, e->tvg_shift);
	return insert_done(s, id, name, cat, NULL, 0);
}

struct m3u_feed {
	struct library_m3u *parser;
};

static int m3u_sink(void *ud, const char *data, size_t len)
{
	struct m3u_feed *f = ud;
	return library_m3u_feed(f->parser, data, len);
}

static int m3u_read(const char *path_or_url, struct library_m3u *parser)
{
	if (strncmp(path_or_url, "http://", 7) == 0 || strncmp(path_or_url, "https://", 8) == 0) {
		struct m3u_feed f = { parser };
		char err[256];
		int rc = xt_fetch_url(path_or_url, m3u_sink, &f, err, sizeof(err));
		if (rc < 0)
			plat_log_warn(MOD, "playlist: %s", err);
		return rc < 0 ? rc : 0;
	}
	FILE *fp = fopen(path_or_url, "rb");
	if (!fp)
		return -errno;
	char buf[65536];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		rc = library_m3u_feed(parser, buf, n);
	if (rc == 0 && ferror(fp))
		rc = -EIO;
	fclose(fp);
	return rc;
}

int library_import_m3u(struct library *l, const char *path_or_url, struct library_sync_report *r)
{
	struct library_sync_report local;
	if (!r)
		r = &local;
	memset(r, 0, sizeof(*r));
	uint64_t t0 = plat_clock_mono_us();
	struct m3u_import m = { 0 };
	int rc = sync_begin_items(l, LIBRARY_LIVE, &m.s);
	if (rc < 0)
		return rc;
	sqlite3_finalize(m.s.item);
	m.s.item = NULL;
	rc = library_prepare(
	    l,
	    "INSERT INTO lib_live(id, position, name, sname, icon, epg_channel_id, category_id,"
	    " archive, archive_days, url, catchup, catchup_source, tvg_shift)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
	    &m.s.item);
	if (rc == 0)
		rc = store_exec(l->store, "DELETE FROM lib_category WHERE kind = 0");
	if (rc == 0)
		rc = library_prepare(l,
				     "INSERT INTO lib_category(kind, id, name, parent_id, position, adult)"
				     " VALUES(?,?,?,0,?,?) ON CONFLICT(kind, id) DO NOTHING",
				     &m.category);
	struct library_m3u *parser = NULL;
	if (rc == 0)
		rc = library_m3u_create(m3u_entry, &m, &parser);
	if (rc == 0)
		rc = m3u_read(path_or_url, parser);
	if (rc == 0)
		rc = library_m3u_finish(parser);
	library_m3u_destroy(&parser);
	sqlite3_finalize(m.category);
	finalize_all(&m.s);
	size_t count = 0, cats = 0;
	if (rc >= 0) {
		library_count(l, LIBRARY_LIVE, -1, &count);
		sqlite3_stmt *q;
		if (library_prepare(l, "SELECT COUNT(*) FROM lib_category WHERE kind = 0", &q) == 0) {
			if (sqlite3_step(q) == SQLITE_ROW)
				cats = (size_t)sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
		}
		rc = record_sync(l, LIBRARY_LIVE, count, "m3u");
	}
	rc = end(l, rc);
	struct library_list_report *lr = &r->lists[LIBRARY_LIVE];
	lr->err = rc < 0 ? rc : 0;
	lr->items = count;
	lr->categories = cats;
	lr->skipped = m.skipped;
	r->seconds = lr->seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return rc < 0 ? rc : 0;
}
