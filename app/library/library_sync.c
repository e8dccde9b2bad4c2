/* SPDX-License-Identifier: MIT */
/* Catalogue sync in three steps, so no write lock is ever held while bytes arrive and no answer
 * replaces a list before it was checked: each list (its categories and its items, or a whole
 * playlist) is downloaded and decoded into an in-memory stage (library_stage.c, capped in bytes and
 * items) with no transaction open; the stage is checked against the plausibility rule (library.h,
 * check_stage below) and the list stored now; only then is it written in ONE short transaction
 * (BEGIN IMMEDIATE ... COMMIT) that replaces the list's categories, items, memberships and search
 * rows together. A list that cannot be trusted (cancelled, cut short, refused, over a cap, not
 * believable, the disk full) is never written: the previous catalogue stays as it was and the
 * report says why in one sentence. A viewer's write on another connection waits at most for the
 * short write, never for a slow panel. The FTS index is external-content: cleared with
 * 'delete-all' and filled row by row in the same transaction; every text bound to a statement
 * lives until that statement has stepped (SQLITE_STATIC). */
#include "library_internal.h"

#include "plat_cancel.h"
#include "plat_http.h"
#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#define MOD "library"

/* ---------------------------------------------------------------------------------------------- */
/* Download: the panel's records into the stage */

static int stage_category(void *ud, const struct xt_category *c)
{
	return library_stage_category(ud, c->id, c->name, c->parent_id);
}

/* The fields every kind shares; the kind's own come after. An id <= 0 is no id (a panel's
 * placeholder row): the entry is counted as rejected and 1 returned, nothing staged. */
static int stage_head(struct library_stage *st, int64_t id, const char *name, const char *image,
		      int64_t category, struct library_stage_item **out)
{
	*out = NULL;
	if (id <= 0) {
		st->rejected++;
		return 1;
	}
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
	if (rc != 0)
		return rc < 0 ? rc : 0;
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
	if (rc != 0)
		return rc < 0 ? rc : 0;
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
	if (rc != 0)
		return rc < 0 ? rc : 0;
	it->rating = v->rating;
	it->year = v->year;
	it->added = v->last_modified;
	rc = library_stage_str(st, v->genre, &it->genre);
	if (rc == 0)
		rc = library_stage_str(st, v->plot, &it->plot);
	return rc;
}

/* What the panel's two answers for a list were: the entries seen and where a download stopped. */
struct download {
	struct xt_list_stats cats, items;
	bool items_step;        /* the failure, if any, was the item list's (else the categories') */
	char error_before[320]; /* the client's last error before the download */
};

/* Downloads the categories and then the items of a kind into st. No transaction is open. */
static int download_list(struct xt_client *c, struct library_stage *st, struct download *d)
{
	enum library_kind kind = st->kind;
	int rc = xt_client_categories(c, (enum xt_kind)kind, stage_category, st, &d->cats);
	if (rc < 0)
		return rc;
	d->items_step = true;
	if (kind == LIBRARY_LIVE)
		rc = xt_client_live_streams(c, -1, stage_live, st, &d->items);
	else if (kind == LIBRARY_VOD)
		rc = xt_client_vod_streams(c, -1, stage_vod, st, &d->items);
	else
		rc = xt_client_series(c, -1, stage_series, st, &d->items);
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
		return store_result(w->l->store, rc);
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

/* A new row gets its FTS entry, a row without a name too (a NULL one): the external-content index
 * must hold exactly the table's rows, or FTS5's integrity-check (which counts them) fails. A
 * duplicate id (XUI lists a stream once per category) only adds memberships. sname is bound
 * SQLITE_STATIC: it is the caller's buffer, alive until this returns, after the step. */
static int index_item(struct writer *w, const struct library_stage_item *it, const char *sname, bool inserted)
{
	int rc = 0;
	if (inserted) {
		sqlite3_bind_int64(w->fts, 1, it->id);
		bind_text_or_null(w->fts, 2, sname);
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
	rc = store_result(l->store, sqlite3_step(st));
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

static void write_sentence(struct library *l, int err, char *out, size_t cap);

/* Replaces the list of st's kind (categories, items, memberships, search rows, the sync record) with
 * st in one transaction; fills the counts and write_seconds of r, or r->reason when it fails. */
static int write_stage(struct library *l, const struct library_stage *st, const char *source,
		       struct library_list_report *r)
{
	uint64_t t0 = plat_clock_mono_us();
	int rc = store_exec(l->store, "BEGIN IMMEDIATE");
	if (rc < 0) {
		write_sentence(l, rc, r->reason, sizeof(r->reason));
		return rc;
	}
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
		write_sentence(l, rc, r->reason,
			       sizeof(r->reason)); /* before ROLLBACK replaces the message */
		store_exec(l->store, "ROLLBACK");
	} else {
		r->items = counts.items;
		r->categories = counts.categories;
	}
	r->write_seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* The check: is the staged list believable? */

/* The plausibility rule of library.h, its figures and why:
 * - more than half of the entries rejected: a panel whose answer is mostly unreadable (wrong types,
 *   no ids, bad UTF-8 that jansson refuses) is broken, not reorganised; a few bad rows (stream 15's
 *   null name, a test row) are normal and only those rows are dropped;
 * - below 10% of what is stored, once at least 20 are stored: a real line-up change (a package
 *   dropped) removes a share of the list, not 90% of it, while a panel that lost its database or
 *   answers a reseller's placeholder list does exactly that; tiny lists are too noisy to judge. Zero
 *   is taken only from a well-formed empty answer ("[]": the panel says the list is empty), never
 *   from entries that all failed;
 * - more than half of the items that name a category naming none the category list has: the two
 *   answers disagree (categories "[]" next to a full list), and the viewer would see only "All".
 * accept_smaller lifts the second check only: the others describe a broken answer, not a choice. */
enum { PLAUSIBLE_MIN_STORED = 20, PLAUSIBLE_MIN_PERCENT = 10 };

struct kind_words {
	const char *one, *many; /* "channel", "channels" */
};

static const struct kind_words words[] = {
	[LIBRARY_LIVE] = { "channel", "channels" },
	[LIBRARY_VOD] = { "movie", "movies" },
	[LIBRARY_SERIES] = { "series", "series" },
};

/* n with thousands separators ("1,000") into buf */
static const char *grouped(uint64_t n, char *buf, size_t cap)
{
	char raw[32];
	int len = snprintf(raw, sizeof(raw), "%llu", (unsigned long long)n);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < cap; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
	return buf;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct item ids of the stage (XUI lists a stream once per category: those are one item). */
static int count_distinct(const struct library_stage *st, size_t *out)
{
	*out = 0;
	if (st->nitems == 0)
		return 0;
	int64_t *ids = malloc(st->nitems * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < st->nitems; i++)
		ids[i] = st->items[i].id;
	qsort(ids, st->nitems, sizeof(*ids), cmp_id);
	size_t n = 1;
	for (size_t i = 1; i < st->nitems; i++)
		n += ids[i] != ids[i - 1];
	free(ids);
	*out = n;
	return 0;
}

/* Items that name a category (> 0), and how many of those name none of the staged categories. */
static int count_orphans(const struct library_stage *st, size_t *named, size_t *orphans)
{
	*named = *orphans = 0;
	int64_t *cats = st->ncats ? malloc(st->ncats * sizeof(*cats)) : NULL;
	if (st->ncats && !cats)
		return -ENOMEM;
	for (size_t i = 0; i < st->ncats; i++)
		cats[i] = st->cats[i].id;
	if (cats)
		qsort(cats, st->ncats, sizeof(*cats), cmp_id);
	for (size_t i = 0; i < st->nitems; i++) {
		const struct library_stage_item *it = &st->items[i];
		bool names = false, found = false;
		for (uint32_t k = 0; k <= it->more_count && !found; k++) {
			int64_t cat = k == 0 ? it->category_id : st->more[it->more_at + k - 1];
			if (cat <= 0)
				continue;
			names = true;
			found = cats && bsearch(&cat, cats, st->ncats, sizeof(*cats), cmp_id);
		}
		*named += names;
		*orphans += names && !found;
	}
	free(cats);
	return 0;
}

/* The stored list before the sync. */
static int count_stored(struct library *l, enum library_kind kind, size_t *items, size_t *cats)
{
	struct library_list_report now = { 0 };
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", library_table_of(kind)->table);
	int rc = count_rows(l, sql, &now.items);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM lib_category WHERE kind = %d", (int)kind);
	if (rc == 0)
		rc = count_rows(l, sql, &now.categories);
	*items = now.items;
	*cats = now.categories;
	return rc;
}

/* Rule 2 for one answer: read usable entries of total. */
static bool mostly_rejected(size_t read, size_t rejected)
{
	return rejected > 0 && rejected > read;
}

/* Checks st (read from answers with `skipped` unusable entries for the items and cat_skipped for
 * the categories) against r's previous counts. Returns 0, or LIBRARY_EREFUSED with r->reason
 * written, or -ENOMEM. */
static int check_stage(const struct library_stage *st, size_t skipped, size_t cat_skipped,
		       bool accept_smaller, struct library_list_report *r)
{
	const struct kind_words *w = &words[st->kind];
	char a[32], b[32];
	size_t rejected = skipped + st->rejected;
	if (mostly_rejected(st->nitems, rejected)) {
		if (st->nitems == 0 && rejected == 1)
			snprintf(r->reason, sizeof(r->reason),
				 "no %s could be read from the one entry of the panel's %s list", w->one,
				 w->one);
		else if (st->nitems == 0)
			snprintf(r->reason, sizeof(r->reason),
				 "no %s could be read from the %s entries of the panel's %s list", w->one,
				 grouped(rejected, a, sizeof(a)), w->one);
		else
			snprintf(r->reason, sizeof(r->reason), "only %s of %s %s could be read",
				 grouped(st->nitems, a, sizeof(a)),
				 grouped(st->nitems + rejected, b, sizeof(b)), w->many);
		return LIBRARY_EREFUSED;
	}
	if (mostly_rejected(st->ncats, cat_skipped)) {
		if (st->ncats == 0)
			snprintf(r->reason, sizeof(r->reason),
				 "no %s category could be read from the %s of the panel's category list",
				 w->one, cat_skipped == 1 ? "one entry" : "entries");
		else
			snprintf(r->reason, sizeof(r->reason), "only %s of %s %s categories could be read",
				 grouped(st->ncats, a, sizeof(a)),
				 grouped(st->ncats + cat_skipped, b, sizeof(b)), w->one);
		return LIBRARY_EREFUSED;
	}
	size_t distinct;
	int rc = count_distinct(st, &distinct);
	if (rc < 0)
		return rc;
	bool empty = st->nitems == 0; /* a well-formed empty answer: rule 2 let no rejected entry by */
	if (!empty && !accept_smaller && r->previous_items >= PLAUSIBLE_MIN_STORED &&
	    distinct * 100 < r->previous_items * PLAUSIBLE_MIN_PERCENT) {
		snprintf(r->reason, sizeof(r->reason),
			 "the panel listed only %s %s where the last good sync had %s",
			 grouped(distinct, a, sizeof(a)), distinct == 1 ? w->one : w->many,
			 grouped(r->previous_items, b, sizeof(b)));
		return LIBRARY_EREFUSED;
	}
	if (st->ncats > 0 && !accept_smaller && r->previous_categories >= PLAUSIBLE_MIN_STORED &&
	    st->ncats * 100 < r->previous_categories * PLAUSIBLE_MIN_PERCENT) {
		snprintf(r->reason, sizeof(r->reason),
			 "the panel listed only %s %s categories where the last good sync had %s",
			 grouped(st->ncats, a, sizeof(a)), w->one,
			 grouped(r->previous_categories, b, sizeof(b)));
		return LIBRARY_EREFUSED;
	}
	size_t named, orphans;
	rc = count_orphans(st, &named, &orphans);
	if (rc < 0)
		return rc;
	if (orphans > 0 && orphans * 2 > named) {
		if (st->ncats == 0)
			snprintf(r->reason, sizeof(r->reason),
				 "the panel listed no %s categories while %s %s name one", w->one,
				 grouped(orphans, a, sizeof(a)), w->many);
		else
			snprintf(r->reason, sizeof(r->reason),
				 "%s of %s %s are in categories the panel's category list does not have",
				 grouped(orphans, a, sizeof(a)), grouped(named, b, sizeof(b)), w->many);
		return LIBRARY_EREFUSED;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* The sentences */

/* "the disk is full: 0 bytes free in /var/lib/qanat" for the database's folder */
static void disk_full_sentence(struct library *l, char *out, size_t cap)
{
	const char *file = sqlite3_db_filename(l->db, "main");
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", file && file[0] ? file : ".");
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	struct statvfs vfs;
	char n[32];
	if (statvfs(dir, &vfs) == 0)
		snprintf(out, cap, "the disk is full: %s bytes free in %s",
			 grouped((uint64_t)vfs.f_bavail * vfs.f_frsize, n, sizeof(n)), dir);
	else
		snprintf(out, cap, "the disk is full in %s", dir);
}

/* Why the written list did not commit. */
static void write_sentence(struct library *l, int err, char *out, size_t cap)
{
	if (err == -ENOSPC)
		disk_full_sentence(l, out, cap);
	else if (err == -EBUSY)
		snprintf(out, cap, "the database stayed locked by another program");
	else if (err == -EACCES)
		snprintf(out, cap, "the database cannot be written (read-only or no permission)");
	else
		snprintf(out, cap, "the database could not be written: %s", sqlite3_errmsg(l->db));
}

/* Why a download stopped. The client's last error is its detail only when this download wrote it
 * (it differs from d->error_before): an older one would tell another failure's story. */
static void download_sentence(enum library_kind k, bool items_step, const struct library_stage *st,
			      const struct download *d, struct xt_client *c, int err, char *out, size_t cap)
{
	char what[48], n[32];
	snprintf(what, sizeof(what), items_step ? "the %s list" : "the %s categories", words[k].one);
	const struct xt_list_stats *stats = items_step ? &d->items : &d->cats;
	const char *detail = c ? xt_client_last_error(c) : "";
	if (!detail || strcmp(detail, d->error_before) == 0)
		detail = "";
	if (err == -ECANCELED)
		snprintf(out, cap, "the sync was cancelled before %s had arrived", what);
	else if (err == -EFBIG && st->err == -EFBIG)
		snprintf(out, cap, "%s is larger than this box keeps (%zu items or %zu MiB)", what,
			 st->max_items, st->max_bytes >> 20);
	else if (err == -EPROTO && stats->bytes > 0)
		snprintf(out, cap, "%s was cut off or broken after %s bytes", what,
			 grouped(stats->bytes, n, sizeof(n)));
	else if (err == -ENODATA)
		snprintf(out, cap, "the panel sent an empty answer instead of %s", what);
	else if (err == -ENOMSG && detail[0]) /* the client passes xt_jscan_refusal() on */
		snprintf(out, cap, "the panel answered an error instead of %s: %s", what, detail);
	else if (err == -ENOMSG)
		snprintf(out, cap, "the panel answered an error instead of %s", what);
	else if (err == -EBADMSG && stats->bytes > 0 && detail[0])
		snprintf(out, cap, "the panel did not answer %s with a list: %s", what, detail);
	else if (err == -ENOMEM)
		snprintf(out, cap, "this box ran out of memory while reading %s", what);
	else if (detail[0])
		snprintf(out, cap, "%s could not be downloaded: %s", what, detail);
	else
		snprintf(out, cap, "%s could not be downloaded: %s", what, xt_strerror(err));
}

/* ---------------------------------------------------------------------------------------------- */
/* The sync */

/* errors that will fail every other list too: cancelled, refused, unreachable, an untrusted or
 * failed secure connection, the disk full */
static bool is_global(int err)
{
	return err == -ECANCELED || err == -EACCES || err == -EKEYREJECTED || err == -ECONNREFUSED ||
	       err == -EHOSTUNREACH || err == XT_EUNTRUSTED || err == XT_ETLS || err == -ENOSPC ||
	       err == PLAT_HTTP_EREDIRECTS || err == PLAT_HTTP_EREDIRECT_REFUSED;
}

static void report_kept(struct library_list_report *r, enum library_kind k, int err)
{
	r->outcome = LIBRARY_LIST_KEPT;
	r->err = err;
	r->items = r->previous_items;
	r->categories = r->previous_categories;
	plat_log_warn(MOD, "the %s list kept the previous catalogue: %s", words[k].one, r->reason);
}

/* Checks and writes a downloaded stage; rc is the download's result. */
static int settle(struct library *l, struct library_stage *st, int rc, size_t skipped, size_t cat_skipped,
		  const struct library_sync_opts *o, const char *source, struct library_list_report *r)
{
	if (rc == 0 && plat_cancel_fired(o->cancel)) {
		rc = -ECANCELED; /* fired after the last byte: still not written */
		snprintf(r->reason, sizeof(r->reason), "the sync was cancelled before the %s list was stored",
			 words[st->kind].one);
	}
	if (rc == 0) {
		uint64_t t0 = plat_clock_mono_us();
		rc = check_stage(st, skipped, cat_skipped, o->accept_smaller, r);
		plat_log_debug(MOD, "the %s list (%zu items) checked in %.1f ms", words[st->kind].one,
			       st->nitems, (double)(plat_clock_mono_us() - t0) / 1e3);
		if (rc == -ENOMEM)
			snprintf(r->reason, sizeof(r->reason),
				 "this box ran out of memory while checking the %s list",
				 words[st->kind].one);
	}
	if (rc == 0)
		rc = write_stage(l, st, source, r);
	if (rc < 0)
		report_kept(r, st->kind, rc);
	else
		r->outcome = LIBRARY_LIST_REPLACED;
	return rc;
}

static int sync_one(struct library *l, struct xt_client *c, enum library_kind k,
		    const struct library_sync_opts *o, struct library_list_report *lr)
{
	struct library_stage st;
	library_stage_init(&st, k, o->max_list_bytes, o->max_list_items);
	struct download d = { 0 };
	snprintf(d.error_before, sizeof(d.error_before), "%s", xt_client_last_error(c));
	int rc = download_list(c, &st, &d);
	if (rc < 0 && st.err)
		rc = st.err; /* a cap, not the panel */
	lr->skipped = d.items.skipped + st.rejected;
	lr->bytes = d.cats.bytes + d.items.bytes;
	if (rc < 0)
		download_sentence(k, d.items_step, &st, &d, c, rc, lr->reason, sizeof(lr->reason));
	rc = settle(l, &st, rc, d.items.skipped, d.cats.skipped, o, "xtream", lr);
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
	int first = 0, first_kind = LIBRARY_LIVE;
	for (int k = LIBRARY_LIVE; k <= LIBRARY_SERIES; k++) {
		if (!(kinds & LIBRARY_KIND_BIT(k)))
			continue;
		struct library_list_report *lr = &r->lists[k];
		uint64_t t1 = plat_clock_mono_us();
		int rc = count_stored(l, (enum library_kind)k, &lr->previous_items, &lr->previous_categories);
		if (rc < 0) {
			write_sentence(l, rc, lr->reason, sizeof(lr->reason));
			report_kept(lr, (enum library_kind)k, rc);
		} else if (first < 0 && is_global(first)) {
			char why[sizeof(lr->reason)];
			memcpy(why, r->lists[first_kind].reason, sizeof(why));
			snprintf(lr->reason, sizeof(lr->reason), "not tried after the %s list failed: %.180s",
				 words[first_kind].one, why);
			report_kept(lr, (enum library_kind)k, first);
			rc = first;
		} else if (plat_cancel_fired(o->cancel)) {
			snprintf(lr->reason, sizeof(lr->reason), "the sync was cancelled before the %s list",
				 words[k].one);
			report_kept(lr, (enum library_kind)k, -ECANCELED);
			rc = -ECANCELED;
		} else {
			rc = sync_one(l, c, (enum library_kind)k, o, lr);
		}
		lr->seconds = (double)(plat_clock_mono_us() - t1) / 1e6;
		if (rc < 0 && first == 0) {
			first = rc;
			first_kind = k;
		}
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

/* Reads the playlist into parser; a download's one-line reason goes into why (no credentials). */
static int m3u_read(const char *path_or_url, struct library_m3u *parser, struct plat_cancel *cancel,
		    char *why, size_t cap)
{
	if (strncmp(path_or_url, "http://", 7) == 0 || strncmp(path_or_url, "https://", 8) == 0) {
		int rc = xt_fetch_url_ex(path_or_url, m3u_sink, parser, cancel, why, cap);
		if (rc < 0)
			plat_log_warn(MOD, "playlist: %s", why);
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

/* Why a playlist was not read. */
static void m3u_sentence(const char *path_or_url, const struct library_stage *st, int err, const char *why,
			 char *out, size_t cap)
{
	bool remote = strncmp(path_or_url, "http://", 7) == 0 || strncmp(path_or_url, "https://", 8) == 0;
	if (err == -EBADMSG)
		snprintf(out, cap, "the playlist is not an M3U playlist");
	else if (err == -ECANCELED)
		snprintf(out, cap, "the import was cancelled before the playlist had arrived");
	else if (err == -EFBIG && st->err == -EFBIG)
		snprintf(out, cap, "the playlist is larger than this box keeps (%zu items or %zu MiB)",
			 st->max_items, st->max_bytes >> 20);
	else if (remote)
		snprintf(out, cap, "the playlist could not be downloaded: %s",
			 why[0] ? why : xt_strerror(err));
	else
		snprintf(out, cap, "the playlist file could not be read: %s", strerror(-err));
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
	char why[200] = "";
	library_stage_init(&m.st, LIBRARY_LIVE, o->max_list_bytes, o->max_list_items);
	m.st.m3u = true;
	struct library_m3u *parser = NULL;
	int rc = library_m3u_create(m3u_entry, &m, &parser);
	if (rc == 0)
		rc = m3u_read(path_or_url, parser, o->cancel, why, sizeof(why));
	if (rc == 0)
		rc = library_m3u_finish(parser);
	library_m3u_destroy(&parser);
	if (rc < 0 && m.st.err)
		rc = m.st.err;
	struct library_list_report *lr = &r->lists[LIBRARY_LIVE];
	lr->skipped = m.skipped;
	int counted = count_stored(l, LIBRARY_LIVE, &lr->previous_items, &lr->previous_categories);
	if (counted < 0 && rc >= 0) {
		rc = counted;
		write_sentence(l, rc, lr->reason, sizeof(lr->reason));
	} else if (rc < 0) {
		m3u_sentence(path_or_url, &m.st, rc, why, lr->reason, sizeof(lr->reason));
	}
	rc = settle(l, &m.st, rc < 0 ? rc : 0, m.skipped, 0, o, "m3u", lr);
	library_stage_free(&m.st);
	r->seconds = lr->seconds = (double)(plat_clock_mono_us() - t0) / 1e6;
	return rc < 0 ? rc : 0;
}

int library_import_m3u(struct library *l, const char *path_or_url, struct library_sync_report *r)
{
	return library_import_m3u_ex(l, path_or_url, NULL, r);
}
