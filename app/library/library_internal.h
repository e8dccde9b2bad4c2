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

/* SHA-256 of data */
void library_sha256(const void *data, size_t len, unsigned char out[32]);

#endif
