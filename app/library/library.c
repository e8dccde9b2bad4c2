/* SPDX-License-Identifier: MIT */
/* The library's schema and its read side: categories, items, favourites, history, resume points. */
#include "library_internal.h"

#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MOD "library"

/* Schema versions of the owner "library" (store_migrate). Append steps; never edit a shipped one. */
static const char *const migrations[] = {
	"CREATE TABLE lib_category(kind INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT,"
	" parent_id INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL, adult INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(kind, id));"
	"CREATE TABLE lib_live(id INTEGER PRIMARY KEY, position INTEGER NOT NULL, name TEXT, sname TEXT,"
	" icon TEXT, epg_channel_id TEXT, category_id INTEGER, archive INTEGER NOT NULL DEFAULT 0,"
	" archive_days INTEGER NOT NULL DEFAULT 0, added INTEGER, stream_type TEXT, url TEXT, catchup TEXT,"
	" catchup_source TEXT, tvg_shift REAL);"
	"CREATE TABLE lib_vod(id INTEGER PRIMARY KEY, position INTEGER NOT NULL, name TEXT, sname TEXT,"
	" icon TEXT, category_id INTEGER, rating REAL, year INTEGER, added INTEGER, ext TEXT, genre TEXT,"
	" plot TEXT);"
	"CREATE TABLE lib_series(id INTEGER PRIMARY KEY, position INTEGER NOT NULL, name TEXT, sname TEXT,"
	" cover TEXT, category_id INTEGER, rating REAL, year INTEGER, last_modified INTEGER, genre TEXT,"
	" plot TEXT);"
	"CREATE TABLE lib_member(kind INTEGER NOT NULL, category_id INTEGER NOT NULL, item_id INTEGER NOT "
	"NULL,"
	" position INTEGER NOT NULL, PRIMARY KEY(kind, category_id, item_id)) WITHOUT ROWID;"
	"CREATE INDEX lib_member_item ON lib_member(kind, item_id);"
	"CREATE INDEX lib_member_order ON lib_member(kind, category_id, position);"
	"CREATE INDEX lib_live_order ON lib_live(position);"
	"CREATE INDEX lib_vod_order ON lib_vod(position);"
	"CREATE INDEX lib_series_order ON lib_series(position);"
	"CREATE VIRTUAL TABLE lib_fts_live USING fts5(sname, content='lib_live', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE VIRTUAL TABLE lib_fts_vod USING fts5(sname, content='lib_vod', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE VIRTUAL TABLE lib_fts_series USING fts5(sname, content='lib_series', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE lib_favourite(kind INTEGER NOT NULL, item TEXT NOT NULL, added_at INTEGER NOT NULL,"
	" PRIMARY KEY(kind, item));"
	"CREATE TABLE lib_history(kind INTEGER NOT NULL, item TEXT NOT NULL, watched_at INTEGER NOT NULL,"
	" PRIMARY KEY(kind, item));"
	"CREATE TABLE lib_resume(kind INTEGER NOT NULL, item TEXT NOT NULL, position_ms INTEGER NOT NULL,"
	" duration_ms INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(kind, item));"
	"CREATE TABLE lib_lock(kind INTEGER NOT NULL, category_id INTEGER NOT NULL, locked INTEGER NOT NULL,"
	" PRIMARY KEY(kind, category_id));"
	"CREATE TABLE lib_setting(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE lib_sync(kind INTEGER PRIMARY KEY, synced_at INTEGER NOT NULL, items INTEGER NOT NULL,"
	" source TEXT);",
};

static const struct library_table tables[] = {
	[LIBRARY_LIVE] = { "lib_live", "lib_fts_live",
			   "x.id, x.name, x.icon, x.category_id, x.added, 0.0, 0, x.epg_channel_id, "
			   "x.archive,"
			   " x.archive_days, NULL, x.url" },
	[LIBRARY_VOD] = { "lib_vod", "lib_fts_vod",
			  "x.id, x.name, x.icon, x.category_id, x.added, x.rating, x.year, NULL, 0, 0, "
			  "x.ext, NULL" },
	[LIBRARY_SERIES] = { "lib_series", "lib_fts_series",
			     "x.id, x.name, x.cover, x.category_id, x.last_modified, x.rating, x.year, NULL, "
			     "0, 0,"
			     " NULL, NULL" },
};

const struct library_table *library_table_of(enum library_kind kind)
{
	return (unsigned)kind <= LIBRARY_SERIES ? &tables[kind] : NULL;
}

const char *library_locked_expr(enum library_kind kind, char *buf, size_t cap)
{
	snprintf(
	    buf, cap,
	    "EXISTS(SELECT 1 FROM lib_member m2 JOIN lib_category c2 ON c2.kind = m2.kind AND"
	    " c2.id = m2.category_id LEFT JOIN lib_lock o2 ON o2.kind = c2.kind AND o2.category_id = c2.id"
	    " WHERE m2.kind = %d AND m2.item_id = x.id AND COALESCE(o2.locked, c2.adult) = 1)",
	    (int)kind);
	return buf;
}

void library_read_item(sqlite3_stmt *st, enum library_kind kind, struct library_item *it)
{
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->id = sqlite3_column_int64(st, 0);
	it->name = (const char *)sqlite3_column_text(st, 1);
	it->icon = (const char *)sqlite3_column_text(st, 2);
	it->category_id = sqlite3_column_int64(st, 3);
	it->added = sqlite3_column_int64(st, 4);
	it->rating = sqlite3_column_double(st, 5);
	it->year = sqlite3_column_int(st, 6);
	it->epg_channel_id = (const char *)sqlite3_column_text(st, 7);
	it->archive = sqlite3_column_int(st, 8) != 0;
	it->archive_days = sqlite3_column_int(st, 9);
	it->extension = (const char *)sqlite3_column_text(st, 10);
	it->url = (const char *)sqlite3_column_text(st, 11);
	it->locked = sqlite3_column_int(st, 12) != 0;
}

int library_prepare(struct library *l, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(l->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		plat_log_error(MOD, "prepare failed: %s", sqlite3_errmsg(l->db));
		*st = NULL;
		return store_errno(rc);
	}
	return 0;
}

uint64_t library_fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

int library_open(struct store *s, struct library **out)
{
	*out = NULL;
	int rc = store_migrate(s, "library", migrations, (int)(sizeof(migrations) / sizeof(migrations[0])));
	if (rc < 0)
		return rc;
	struct library *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->store = s;
	l->db = store_db(s);
	*out = l;
	return 0;
}

void library_close(struct library **lp)
{
	if (!lp || !*lp)
		return;
	free(*lp);
	*lp = NULL;
}

/* steps a prepared query to the end, one callback per row; returns rows delivered or an error */
static int each_row(struct library *l, sqlite3_stmt *st, int (*row)(void *ud, sqlite3_stmt *st), void *ud)
{
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int cb = row(ud, st);
		if (cb < 0) {
			sqlite3_finalize(st);
			return cb;
		}
		n++;
	}
	int err = rc == SQLITE_DONE ? 0 : store_errno(rc);
	if (err < 0)
		plat_log_error(MOD, "query failed: %s", sqlite3_errmsg(l->db));
	sqlite3_finalize(st);
	return err < 0 ? err : n;
}

struct item_rows {
	enum library_kind kind;
	library_item_cb cb;
	void *ud;
};

static int item_row(void *ud, sqlite3_stmt *st)
{
	struct item_rows *r = ud;
	struct library_item it;
	library_read_item(st, r->kind, &it);
	return r->cb ? r->cb(r->ud, &it) : 0;
}

struct category_rows {
	library_category_cb cb;
	void *ud;
};

static int category_row(void *ud, sqlite3_stmt *st)
{
	struct category_rows *r = ud;
	struct library_category c = {
		.id = sqlite3_column_int64(st, 0),
		.name = (const char *)sqlite3_column_text(st, 1),
		.parent_id = sqlite3_column_int64(st, 2),
		.locked = sqlite3_column_int(st, 3) != 0,
		.items = (size_t)sqlite3_column_int64(st, 4),
	};
	return r->cb ? r->cb(r->ud, &c) : 0;
}

int library_categories(struct library *l, enum library_kind kind, library_category_cb cb, void *ud)
{
	if (!library_table_of(kind))
		return -EINVAL;
	sqlite3_stmt *st;
	int rc = library_prepare(
	    l,
	    "SELECT c.id, c.name, c.parent_id, COALESCE(o.locked, c.adult),"
	    " (SELECT COUNT(*) FROM lib_member m WHERE m.kind = c.kind AND m.category_id = c.id)"
	    " FROM lib_category c LEFT JOIN lib_lock o ON o.kind = c.kind AND o.category_id = c.id"
	    " WHERE c.kind = ? ORDER BY c.position",
	    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	struct category_rows r = { cb, ud };
	return each_row(l, st, category_row, &r);
}

int library_items(struct library *l, enum library_kind kind, int64_t category, size_t offset, size_t limit,
		  library_item_cb cb, void *ud)
{
	const struct library_table *t = library_table_of(kind);
	if (!t)
		return -EINVAL;
	char locked[512], sql[1536];
	library_locked_expr(kind, locked, sizeof(locked));
	if (category >= 0)
		snprintf(sql, sizeof(sql),
			 "SELECT %s, %s FROM lib_member m JOIN %s x ON x.id = m.item_id"
			 " WHERE m.kind = %d AND m.category_id = ?1 ORDER BY m.position LIMIT ?2 OFFSET ?3",
			 t->cols, locked, t->table, (int)kind);
	else
		snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s x ORDER BY x.position LIMIT ?2 OFFSET ?3",
			 t->cols, locked, t->table);
	sqlite3_stmt *st;
	int rc = library_prepare(l, sql, &st);
	if (rc < 0)
		return rc;
	if (category >= 0)
		sqlite3_bind_int64(st, 1, category);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
	struct item_rows r = { kind, cb, ud };
	return each_row(l, st, item_row, &r);
}

int library_item(struct library *l, enum library_kind kind, int64_t id, library_item_cb cb, void *ud)
{
	const struct library_table *t = library_table_of(kind);
	if (!t)
		return -EINVAL;
	char locked[512], sql[1024];
	library_locked_expr(kind, locked, sizeof(locked));
	snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s x WHERE x.id = ?", t->cols, locked, t->table);
	sqlite3_stmt *st;
	int rc = library_prepare(l, sql, &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	struct item_rows r = { kind, cb, ud };
	rc = each_row(l, st, item_row, &r);
	return rc == 0 ? -ENOENT : rc < 0 ? rc : 0;
}

int library_count(struct library *l, enum library_kind kind, int64_t category, size_t *out)
{
	const struct library_table *t = library_table_of(kind);
	if (!t)
		return -EINVAL;
	char sql[256];
	if (category >= 0)
		snprintf(sql, sizeof(sql),
			 "SELECT COUNT(*) FROM lib_member WHERE kind = %d AND category_id = ?", (int)kind);
	else
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", t->table);
	sqlite3_stmt *st;
	int rc = library_prepare(l, sql, &st);
	if (rc < 0)
		return rc;
	if (category >= 0)
		sqlite3_bind_int64(st, 1, category);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_errno(rc);
}

/* ---------------------------------------------------------------------------------------------- */
/* favourites, history, resume */

/* binds (kind, id, a, b) to ?1..?4; a statement using fewer parameters ignores the rest */
static int exec_bound(struct library *l, const char *sql, int kind, const char *id, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	int rc = library_prepare(l, sql, &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a);
	sqlite3_bind_int64(st, 4, b);
	rc = store_errno(sqlite3_step(st));
	sqlite3_finalize(st);
	return rc;
}

static bool id_ok(enum library_kind kind, const char *id)
{
	return (unsigned)kind <= LIBRARY_EPISODE && id && id[0] && strlen(id) < 64;
}

int library_favourite_set(struct library *l, enum library_kind kind, const char *id, bool on)
{
	if (!id_ok(kind, id))
		return -EINVAL;
	if (on)
		return exec_bound(l,
				  "INSERT INTO lib_favourite(kind, item, added_at) VALUES(?1, ?2, ?3)"
				  " ON CONFLICT(kind, item) DO NOTHING",
				  kind, id, (int64_t)time(NULL), 0);
	return exec_bound(l, "DELETE FROM lib_favourite WHERE kind = ?1 AND item = ?2", kind, id, 0, 0);
}

int library_favourite_is(struct library *l, enum library_kind kind, const char *id)
{
	if (!id_ok(kind, id))
		return -EINVAL;
	sqlite3_stmt *st;
	int rc = library_prepare(l, "SELECT 1 FROM lib_favourite WHERE kind = ? AND item = ?", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_errno(rc);
}

int library_favourites(struct library *l, enum library_kind kind, library_item_cb cb, void *ud)
{
	const struct library_table *t = library_table_of(kind);
	if (!t)
		return -EINVAL;
	char locked[512], sql[1536];
	library_locked_expr(kind, locked, sizeof(locked));
	snprintf(sql, sizeof(sql),
		 "SELECT %s, %s FROM lib_favourite f JOIN %s x ON x.id = CAST(f.item AS INTEGER)"
		 " WHERE f.kind = %d ORDER BY f.added_at DESC, f.rowid DESC",
		 t->cols, locked, t->table, (int)kind);
	sqlite3_stmt *st;
	int rc = library_prepare(l, sql, &st);
	if (rc < 0)
		return rc;
	struct item_rows r = { kind, cb, ud };
	return each_row(l, st, item_row, &r);
}

int library_history_add(struct library *l, enum library_kind kind, const char *id, int64_t when)
{
	if (!id_ok(kind, id))
		return -EINVAL;
	return exec_bound(l,
			  "INSERT INTO lib_history(kind, item, watched_at) VALUES(?1, ?2, ?3)"
			  " ON CONFLICT(kind, item) DO UPDATE SET watched_at = excluded.watched_at",
			  kind, id, when, 0);
}

struct history_rows {
	int (*cb)(void *ud, const char *id, int64_t when);
	void *ud;
};

static int history_row(void *ud, sqlite3_stmt *st)
{
	struct history_rows *r = ud;
	return r->cb ? r->cb(r->ud, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1))
		     : 0;
}

int library_history(struct library *l, enum library_kind kind, size_t limit,
		    int (*cb)(void *ud, const char *id, int64_t when), void *ud)
{
	sqlite3_stmt *st;
	int rc =
	    library_prepare(l,
			    "SELECT item, watched_at FROM lib_history WHERE kind = ? ORDER BY watched_at DESC"
			    " LIMIT ?",
			    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	struct history_rows r = { cb, ud };
	return each_row(l, st, history_row, &r);
}

int library_resume_set(struct library *l, enum library_kind kind, const char *id, int64_t position_ms,
		       int64_t duration_ms)
{
	if (!id_ok(kind, id) || position_ms < 0 || duration_ms < 0)
		return -EINVAL;
	bool finished =
	    position_ms == 0 || (duration_ms > 0 && position_ms >= duration_ms - duration_ms / 20);
	if (finished)
		return exec_bound(l, "DELETE FROM lib_resume WHERE kind = ?1 AND item = ?2", kind, id, 0, 0);
	sqlite3_stmt *st;
	int rc = library_prepare(l,
				 "INSERT INTO lib_resume(kind, item, position_ms, duration_ms, updated_at)"
				 " VALUES(?, ?, ?, ?, ?) ON CONFLICT(kind, item) DO UPDATE SET"
				 " position_ms = excluded.position_ms, duration_ms = excluded.duration_ms,"
				 " updated_at = excluded.updated_at",
				 &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, position_ms);
	sqlite3_bind_int64(st, 4, duration_ms);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
	rc = store_errno(sqlite3_step(st));
	sqlite3_finalize(st);
	return rc;
}

int library_resume_get(struct library *l, enum library_kind kind, const char *id, int64_t *position_ms,
		       int64_t *duration_ms)
{
	if (!id_ok(kind, id))
		return -EINVAL;
	sqlite3_stmt *st;
	int rc = library_prepare(
	    l, "SELECT position_ms, duration_ms FROM lib_resume WHERE kind = ? AND item = ?", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*position_ms = sqlite3_column_int64(st, 0);
		*duration_ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
}
