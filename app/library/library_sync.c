/* SPDX-License-Identifier: MIT */
/* Catalogue sync in two phases, so no write lock is ever held while bytes arrive: each list (its
 * categories and its items, or a whole playlist) is downloaded and decoded into an in-memory stage
 * (library_stage.c, capped in bytes and items) with no transaction open, then written in ONE short
 * transaction (BEGIN IMMEDIATE ... COMMIT) that replaces the list's categories, items, memberships
 * and search rows. A list that cannot be trusted (cancelled, cut short, refused, over a cap) is never
 * written: the previous catalogue stays as it was, and a viewer's write on another connection waits
 * at most for the short write, never for a slow panel. The FTS index is external-content: cleared
 * with 'delete-all' and filled row by row in the same transaction. */
#include "library_internal.h"

#include "plat_cancel.h"
#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MOD "library"

/* ---------------------------------------------------------------------------------------------- */
/* Download: the panel's records into the stage */

static int stage_category(void *ud, const struct xt_category *c)
{
	return library_stage_category(ud, c->id, c->name, c->parent_id);
}

/* the fields every kind shares; the kind's own come after */
static int stage_head(struct library_stage *st, int64_t id, const char *name, const char *image,
		      int64_t category, struct library_stage_item **out)
{
	int rc = library_stage_item(st, out);
	struct library_stage_item *it = *out;
	if (rc < 0)
		return rc;
	it->id = id;
	it->category_id = category;
	rc = library_stage_str(st, name, &it->name);
	if (rc == 0)
		rc = library_stage_str(st, image, &it->image);
	return rc;
}

static int stage_live(void *ud, const struct xt_live *v)
{
	struct library_stage *st = ud;
	struct library_stage_item *it;
	int rc = stage_head(st, v->stream_id, v->name, v->icon, v->category_id, &it);
	if (rc < 0)
		return rc;
	it->archive = v->tv_archive;
	it->archive_days = v->tv_archive_days;
	it->added = v->added;
	rc = library_stage_str(st, v->epg_channel_id, &it->epg_channel_id);
	if (rc == 0)
		rc = library_stage_str(st, v->stream_type, &it->stream_type);
	if (rc == 0)
		rc = library_stage_more(st, it, v->category_ids, v->category_id_count);
	return rc;
}

static int stage_vod(void *ud, const struct xt_vod *v)
{
	struct library_stage *st = ud;
	struct library_stage_item *it;
	int rc = stage_head(st, v->stream_id, v->name, v->icon, v->category_id, &it);
	if (rc < 0)
		return rc;
	it->rating = v->rating;
	it->year = v->year;
	it->added = v->added;
	rc = library_stage_str(st, v->container_extension, &it->ext);
	if (rc == 0)
		rc = library_stage_str(st, v->genre, &it->genre);
	if (rc == 0)
		rc = library_stage_str(st, v->plot, &it->plot);
	if (rc == 0)
		rc = library_stage_more(st, it, v->category_ids, v->category_id_count);
	return rc;
}

static int stage_series(void *ud, const struct xt_series *v)
{
	struct library_stage *st = ud;
	struct library_stage_item *it;
	int rc = stage_head(st, v->series_id, v->name, v->cover, v->category_id, &it);
	if (rc < 0)
		return rc;
	it->rating = v->rating;
	it->year = v->year;
	it->added = v->last_modified;
	rc = library_stage_str(st, v->genre, &it->genre);
	if (rc == 0)
		rc = library_stage_str(st, v->plot, &it->plot);
	return rc;
}

/* Downloads the categories and then the items of a kind into st. No transaction is open. */
static int download_list(struct xt_client *c, struct library_stage *st, struct library_list_report *r)
{
	enum library_kind kind = st->kind;
	int rc = xt_client_categories(c, (enum xt_kind)kind, stage_category, st, NULL);
	if (rc < 0)
		return rc;
	struct xt_list_stats stats = { 0 };
	if (kind == LIBRARY_LIVE)
		rc = xt_client_live_streams(c, -1, stage_live, st, &stats);
	else if (kind == LIBRARY_VOD)
		rc = xt_client_vod_streams(c, -1, stage_vod, st, &stats);
	else
		rc = xt_client_series(c, -1, stage_series, st, &stats);
	r->skipped = stats.skipped;
	r->bytes = stats.bytes;
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Write: one transaction per list */

struct writer {
	struct library *l;
	const struct library_stage *st;
	sqlite3_stmt *item, *fts, *member, *category;
	int64_t position;
};

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_reset(struct writer *w, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		plat_log_error(MOD, "sync insert failed: %s", sqlite3_errmsg(w->l->db));
		return store_errno(rc);
	}
	return 0;
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

static const char m3u_item_sql[] =
    "INSERT INTO lib_live(id, position, name, sname, icon, epg_channel_id, category_id,"
    " archive, archive_days, url, catchup, catchup_source, tvg_shift)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING";

/* Columns 6 and on of an item row, by kind (1-5: id, position, name, sname, image). */
static void bind_kind(sqlite3_stmt *s, const struct library_stage *st, const struct library_stage_item *it)
{
	if (st->m3u) {
		bind_text_or_null(s, 6, it->epg_channel_id);
		sqlite3_bind_int64(s, 7, it->category_id);
		sqlite3_bind_int(s, 8, it->archive);
		sqlite3_bind_int(s, 9, it->archive_days);
		bind_text_or_null(s, 10, it->url);
		bind_text_or_null(s, 11, it->catchup);
		bind_text_or_null(s, 12, it->catchup_source);
		sqlite3_bind_double(s, 13, it->tvg_shift);
	} else if (st->kind == LIBRARY_LIVE) {
		bind_text_or_null(s, 6, it->epg_channel_id);
		sqlite3_bind_int64(s, 7, it->category_id);
		sqlite3_bind_int(s, 8, it->archive);
		sqlite3_bind_int(s, 9, it->archive_days);
		sqlite3_bind_int64(s, 10, it->added);
		bind_text_or_null(s, 11, it->stream_type);
	} else {
		bool vod = st->kind == LIBRARY_VOD;
		sqlite3_bind_int64(s, 6, it->category_id);
		sqlite3_bind_double(s, 7, it->rating);
		sqlite3_bind_int(s, 8, it->year);
		sqlite3_bind_int64(s, 9, it->added);
		if (vod)
			bind_text_or_null(s, 10, it->ext);
		bind_text_or_null(s, vod ? 11 : 10, it->genre);
		bind_text_or_null(s, vod ? 12 : 11, it->plot);
	}
}

/* A new row gets its FTS entry; a duplicate id (XUI lists a stream once per category) only more
 * memberships. */
static int index_item(struct writer *w, const struct library_stage_item *it, const char *sname, bool inserted)
{
	int rc = 0;
	if (inserted && sname) {
		sqlite3_bind_int64(w->fts, 1, it->id);
		sqlite3_bind_text(w->fts, 2, sname, -1, SQLITE_STATIC);
		rc = step_reset(w, w->fts);
	}
	for (uint32_t i = 0; rc == 0 && i <= it->more_count; i++) {
		int64_t cat = i == 0 ? it->category_id : w->st->more[it->more_at + i - 1];
		if (cat <= 0 || (i > 0 && cat == it->category_id))
			continue;
		sqlite3_bind_int(w->member, 1, w->st->kind);
		sqlite3_bind_int64(w->member, 2, cat);
		sqlite3_bind_int64(w->member, 3, it->id);
		sqlite3_bind_int64(w->member, 4, w->position);
		rc = step_reset(w, w->member);
	}
	return rc;
}

static int write_item(struct writer *w, const struct library_stage_item *it)
{
	sqlite3_stmt *s = w->item;
	char folded[1024];
	bool have = it->name && library_text_fold(it->name, folded, sizeof(folded)) >= 0;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_int64(s, 2, w->position);
	bind_text_or_null(s, 3, it->name);
	bind_text_or_null(s, 4, have ? folded : NULL);
	bind_text_or_null(s, 5, it->image);
	bind_kind(s, w->st, it);
	int rc = step_reset(w, s);
	if (rc == 0)
		rc = index_item(w, it, have ? folded : NULL, sqlite3_changes(w->l->db) > 0);
	w->position++;
	return rc;
}

static int write_categories(struct writer *w)
{
	const struct library_stage *st = w->st;
	char sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM lib_category WHERE kind = %d", (int)st->kind);
	int rc = store_exec(w->l->store, sql);
	if (rc == 0)
		rc = library_prepare(w->l,
				     "INSERT INTO lib_category(kind, id, name, parent_id, position, adult)"
				     " VALUES(?,?,?,?,?,?) ON CONFLICT(kind, id) DO NOTHING",
				     &w->category);
	for (size_t i = 0; rc == 0 && i < st->ncats; i++) {
		const struct library_stage_category *c = &st->cats[i];
		sqlite3_stmt *s = w->category;
		sqlite3_bind_int(s, 1, st->kind);
		sqlite3_bind_int64(s, 2, c->id);
		bind_text_or_null(s, 3, c->name);
		sqlite3_bind_int64(s, 4, c->parent_id);
		sqlite3_bind_int64(s, 5, (int64_t)i);
		sqlite3_bind_int(s, 6, library_name_is_adult(c->name));
		rc = step_reset(w, s);
	}
	return rc;
}

static int write_items(struct writer *w)
{
	const struct library_stage *st = w->st;
	const struct library_table *t = library_table_of(st->kind);
	char sql[256];
	snprintf(
	    sql, sizeof(sql),
	    "DELETE FROM %s; DELETE FROM lib_member WHERE kind = %d; INSERT INTO %s(%s) VALUES('delete-all')",
	    t->table, (int)st->kind, t->fts, t->fts);
	int rc = store_exec(w->l->store, sql);
	if (rc == 0)
		rc = library_prepare(w->l, st->m3u ? m3u_item_sql : item_sql[st->kind], &w->item);
	snprintf(sql, sizeof(sql), "INSERT INTO %s(rowid, sname) VALUES(?, ?)", t->fts);
	if (rc == 0)
		rc = library_prepare(w->l, sql, &w->fts);
	if (rc == 0)
		rc = library_prepare(
		    w->l,
		    "INSERT INTO lib_member(kind, category_id, item_id, position) VALUES(?,?,?,?)"
		    " ON CONFLICT DO NOTHING",
		    &w->member);
	for (size_t i = 0; rc == 0 && i < st->nitems; i++)
		rc = write_item(w, &st->items[i]);
	return rc;
}

static int count_rows(struct library *l, const char *sql, size_t *out)
{
	sqlite3_stmt *q;
	int rc = library_prepare(l, sql, &q);
	if (rc < 0)
		return rc;
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return step == SQLITE_ROW ? 0 : store_errno(step);
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

/* The counts of what is now stored, read inside the transaction. */
static int count_list(struct library *l, enum library_kind kind, struct library_list_report *r)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", library_table_of(kind)->table);
	int rc = count_rows(l, sql, &r->items);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM lib_category WHERE kind = %d", (int)kind);
	if (rc == 0)
		rc = count_rows(l, sql, &r->categories);
	return rc;
}

/* Replaces the list of st's kind (categories, items, memberships, search rows, the sync record) with
 * st in one transaction; fills the counts and write_seconds of r. */
static int write_stage(struct library *l, const struct library_stage *st, const char *source,
		       struct library_list_report *r)
{
	uint64_t t0 = plat_clock_mono_us();
	int rc = store_exec(l->store, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	struct writer w = { .l = l, .st = st };
	rc = write_categories(&w);
	if (rc == 0)
		rc = write_items(&w);
	sqlite3_finalize(w.item);
	sqlite3_finalize(w.fts);
	sqlite3_finalize(w.member);
	sqlite3_finalize(w.category);
	struct library_list_report counts = { 0 };
	if (rc == 0)
		rc = count_list(l, st->kind, &counts);
	if (rc == 0)
		rc = record_sync(l, st->kind, counts.items, source);
	if (rc == 0)
		rc = store_exec(l->store, "COMMIT");
	if (rc < 0) {
		store_exec(l->store, "ROLLBACK");
	} else {
		r->items = counts.items;
		r->categories = counts.categories;
	}
	r->write_seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* The sync */

/* errors that will fail every other list too */
static bool is_global(int err)
{
	return err == -ECANCELED || err == -EACCES || err == -EKEYREJECTED || err == -ECONNREFUSED ||
	       err == -EHOSTUNREACH;
}

static void log_kept(enum library_kind k, const struct library_stage *st, struct xt_client *c, int err)
{
	if (st->err == -EFBIG)
		plat_log_warn(MOD, "list %d is over %zu items or %zu bytes: kept the previous catalogue", k,
			      st->max_items, st->max_bytes);
	else if (c && err != -ECANCELED)
		plat_log_warn(MOD, "sync of list %d kept the previous catalogue: %s", k,
			      xt_client_last_error(c));
	else
		plat_log_warn(MOD, "%s of list %d kept the previous catalogue: %s", c ? "sync" : "playlist",
			      k, xt_strerror(err));
}

static int sync_one(struct library *l, struct xt_client *c, enum library_kind k,
		    const struct library_sync_opts *o, struct library_list_report *lr)
{
	struct library_stage st;
	library_stage_init(&st, k, o->max_list_bytes, o->max_list_items);
	int rc = download_list(c, &st, lr);
	if (rc < 0 && st.err)
		rc = st.err; /* a cap, not the panel */
	if (rc == 0 && plat_cancel_fired(o->cancel))
		rc = -ECANCELED; /* fired after the last byte: still not written */
	if (rc == 0)
		rc = write_stage(l, &st, "xtream", lr);
	if (rc < 0)
		log_kept(k, &st, c, rc);
	library_stage_free(&st);
	return rc;
}

int library_sync_ex(struct library *l, struct xt_client *c, unsigned kinds, const struct library_sync_opts *o,
		    struct library_sync_report *r)
{
	struct library_sync_opts none = { 0 };
	struct library_sync_report local;
	if (!o)
		o = &none;
	if (!r)
		r = &local;
	memset(r, 0, sizeof(*r));
	uint64_t t0 = plat_clock_mono_us();
	struct plat_cancel *previous = o->cancel ? xt_client_set_cancel(c, o->cancel) : NULL;
	int first = 0;
	for (int k = LIBRARY_LIVE; k <= LIBRARY_SERIES; k++) {
		if (!(kinds & LIBRARY_KIND_BIT(k)))
			continue;
		struct library_list_report *lr = &r->lists[k];
		uint64_t t1 = plat_clock_mono_us();
		int rc =
		    plat_cancel_fired(o->cancel) ? -ECANCELED : sync_one(l, c, (enum library_kind)k, o, lr);
		lr->err = rc < 0 ? rc : 0;
		lr->seconds = (double)(plat_clock_mono_us() - t1) / 1e6;
		if (rc < 0 && first == 0)
			first = rc;
		if (rc < 0 && is_global(rc))
			break;
	}
	if (o->cancel)
		xt_client_set_cancel(c, previous);
	r->seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return first;
}

int library_sync(struct library *l, struct xt_client *c, unsigned kinds, struct library_sync_report *r)
{
	return library_sync_ex(l, c, kinds, NULL, r);
}

/* ---------------------------------------------------------------------------------------------- */
/* M3U import: the playlist parsed into a stage, then the same one-transaction write */

struct m3u_import {
	struct library_stage st;
	int64_t last_group; /* the category staged last, so consecutive entries stage it once */
	size_t skipped;
	struct plat_cancel *cancel;
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

static int m3u_group(struct m3u_import *m, const char *group, int64_t *cat)
{
	*cat = 0;
	if (!group || !group[0])
		return 0;
	*cat = (int64_t)(library_fnv1a(group) & 0x7fffffff);
	if (*cat == 0)
		*cat = 1;
	if (*cat == m->last_group)
		return 0;
	m->last_group = *cat;
	return library_stage_category(&m->st, *cat, group, 0); /* repeats fold at the insert */
}

static int m3u_entry(void *ud, const struct library_m3u_entry *e)
{
	struct m3u_import *m = ud;
	struct library_stage *st = &m->st;
	if (!e->url || !e->url[0]) {
		m->skipped++;
		return 0;
	}
	int64_t cat;
	int rc = m3u_group(m, e->group, &cat);
	struct library_stage_item *it;
	if (rc == 0)
		rc = stage_head(st, m3u_id(e->url), e->name ? e->name : e->tvg_name,
				e->tvg_logo && e->tvg_logo[0] ? e->tvg_logo : NULL, cat, &it);
	if (rc < 0)
		return rc;
	it->archive = e->catchup_days > 0;
	it->archive_days = e->catchup_days;
	it->tvg_shift = e->tvg_shift;
	rc = library_stage_str(st, e->tvg_id && e->tvg_id[0] ? e->tvg_id : NULL, &it->epg_channel_id);
	if (rc == 0)
		rc = library_stage_str(st, e->url, &it->url);
	if (rc == 0)
		rc = library_stage_str(st, e->catchup, &it->catchup);
	if (rc == 0)
		rc = library_stage_str(st, e->catchup_source, &it->catchup_source);
	return rc;
}

static int m3u_sink(void *ud, const char *data, size_t len)
{
	return library_m3u_feed(ud, data, len);
}

static int m3u_read(const char *path_or_url, struct library_m3u *parser, struct plat_cancel *cancel)
{
	if (strncmp(path_or_url, "http://", 7) == 0 || strncmp(path_or_url, "https://", 8) == 0) {
		char err[256];
		int rc = xt_fetch_url_ex(path_or_url, m3u_sink, parser, cancel, err, sizeof(err));
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
		rc = plat_cancel_fired(cancel) ? -ECANCELED : library_m3u_feed(parser, buf, n);
	if (rc == 0 && ferror(fp))
		rc = -EIO;
	fclose(fp);
	return rc;
}

int library_import_m3u_ex(struct library *l, const char *path_or_url, const struct library_sync_opts *o,
			  struct library_sync_report *r)
{
	struct library_sync_opts none = { 0 };
	struct library_sync_report local;
	if (!o)
		o = &none;
	if (!r)
		r = &local;
	memset(r, 0, sizeof(*r));
	uint64_t t0 = plat_clock_mono_us();
	struct m3u_import m = { .cancel = o->cancel };
	library_stage_init(&m.st, LIBRARY_LIVE, o->max_list_bytes, o->max_list_items);
	m.st.m3u = true;
	struct library_m3u *parser = NULL;
	int rc = library_m3u_create(m3u_entry, &m, &parser);
	if (rc == 0)
		rc = m3u_read(path_or_url, parser, o->cancel);
	if (rc == 0)
		rc = library_m3u_finish(parser);
	library_m3u_destroy(&parser);
	if (rc < 0 && m.st.err)
		rc = m.st.err;
	if (rc >= 0 && plat_cancel_fired(o->cancel))
		rc = -ECANCELED;
	struct library_list_report *lr = &r->lists[LIBRARY_LIVE];
	if (rc >= 0)
		rc = write_stage(l, &m.st, "m3u", lr);
	if (rc < 0)
		log_kept(LIBRARY_LIVE, &m.st, NULL, rc);
	library_stage_free(&m.st);
	lr->err = rc < 0 ? rc : 0;
	lr->skipped = m.skipped;
	r->seconds = lr->seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return rc < 0 ? rc : 0;
}

int library_import_m3u(struct library *l, const char *path_or_url, struct library_sync_report *r)
{
	return library_import_m3u_ex(l, path_or_url, NULL, r);
}
