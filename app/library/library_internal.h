/* SPDX-License-Identifier: MIT */
/* Shared between the files of app/library only: the handle, the per-kind table names and small
 * SQLite helpers. */
#ifndef LIBRARY_INTERNAL_H
#define LIBRARY_INTERNAL_H

#include "library.h"

#include <sqlite3.h>

struct library {
	struct store *store; /* borrowed */
	sqlite3 *db;         /* borrowed from store */
};

struct library_table {
	const char *table; /* lib_live, lib_vod, lib_series */
	const char *fts;   /* its external-content FTS5 index */
	const char *cols;  /* the item columns, in the order read by library_read_item() */
};

/* NULL for LIBRARY_EPISODE and out-of-range kinds */
const struct library_table *library_table_of(enum library_kind kind);

/* SQL expression, true when item alias x of kind k sits in a locked category (writes into buf) */
const char *library_locked_expr(enum library_kind kind, char *buf, size_t cap);

/* Reads the columns of library_table.cols (then the locked flag) from st starting at column 0. */
void library_read_item(sqlite3_stmt *st, enum library_kind kind, struct library_item *it);

/* prepare with the error converted and logged */
int library_prepare(struct library *l, const char *sql, sqlite3_stmt **st);

/* 64-bit FNV-1a, for ids of M3U entries and groups */
uint64_t library_fnv1a(const char *s);

/* A new random salt and the iterated hash of pin as the stored "salt:hash" into out (cap at least
 * LIBRARY_PIN_STORED_MAX). 0, -EINVAL (pin not 4-16 characters) or -EIO (no randomness). */
int library_pin_encode(const char *pin, char *out, size_t cap);

/* ---------------------------------------------------------------------------------------------- */
/* A list staged in memory (library_stage.c): a sync downloads and decodes a whole list into one of
 * these before it takes the write lock, then writes it in one short transaction. Strings are copies
 * in the stage's own arena (NULL stays NULL). Memory is capped: every byte of arena and of the arrays
 * counts against max_bytes, and items against max_items. */

struct library_stage_category {
	int64_t id, parent_id;
	const char *name;
};

struct library_stage_item {
	int64_t id, category_id, added; /* added: last_modified for series */
	double rating, tvg_shift;
	const char *name, *image; /* icon or cover */
	const char *epg_channel_id, *stream_type, *ext, *genre, *plot;
	const char *url, *catchup, *catchup_source; /* M3U */
	int year, archive_days;
	bool archive;
	uint32_t more_at, more_count; /* further categories: more[more_at .. more_at + more_count) */
};

struct library_stage_chunk;

struct library_stage {
	enum library_kind kind;
	bool m3u; /* rows from a playlist: url/catchup columns instead of the Xtream ones */
	struct library_stage_category *cats;
	size_t ncats, cats_cap;
	struct library_stage_item *items;
	size_t nitems, items_cap;
	int64_t *more;
	size_t nmore, more_cap;
	struct library_stage_chunk *chunks; /* the string arena, newest first */
	size_t bytes, max_bytes, max_items;
	size_t rejected; /* entries the stage refused (an id <= 0), counted with the panel's skipped */
	int err;         /* -EFBIG once a cap was hit, -ENOMEM: every later call returns it */
};

#define LIBRARY_STAGE_MAX_BYTES ((size_t)64 << 20)
#define LIBRARY_STAGE_MAX_ITEMS ((size_t)500000)

/* An empty stage; max_bytes / max_items 0 take the defaults above. Free with library_stage_free(). */
void library_stage_init(struct library_stage *s, enum library_kind kind, size_t max_bytes, size_t max_items);
void library_stage_free(struct library_stage *s);

/* Copies s into the arena (*out NULL for NULL). Returns 0, -EFBIG over the cap, -ENOMEM. */
int library_stage_str(struct library_stage *st, const char *s, const char **out);

/* Appends a category (name copied). Same returns. */
int library_stage_category(struct library_stage *st, int64_t id, const char *name, int64_t parent_id);

/* Appends a zeroed item and points *out at it (valid until the next append). Same returns, and
 * -EFBIG past max_items. */
int library_stage_item(struct library_stage *st, struct library_stage_item **out);

/* Records the further categories ids[0..n) of the item just appended. Same returns. */
int library_stage_more(struct library_stage *st, struct library_stage_item *it, const int64_t *ids, size_t n);

#endif
