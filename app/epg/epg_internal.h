/* SPDX-License-Identifier: MIT */
/* Internals of app/epg shared between its files (never included from outside the folder): civil-date
 * helpers, the streaming XMLTV reader (gzip + expat, bounded buffers) and its records, key
 * normalisation, and the schema/staging helpers. */
#ifndef EPG_INTERNAL_H
#define EPG_INTERNAL_H

#include "epg.h"
#include "plat_log.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t epg_days_from_civil(int64_t y, unsigned m, unsigned d);
void epg_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Trimmed, ASCII-lowercased copy of s (len bytes, or up to NUL when len is (size_t)-1) into out.
 * Returns the length; "" when nothing is left. */
size_t epg_key_normalize(const char *s, size_t len, char *out, size_t cap);

/* Primary language subtags equal, ASCII case-insensitive ("ar" matches "ar-SA"). */
bool epg_lang_match(const char *a, const char *b);

/* Cuts a trailing incomplete UTF-8 sequence off buf (length *len). */
void epg_utf8_trim(char *buf, size_t *len);

/* ---------------------------------------------------------------------------------------------- */
/* The streaming reader. Records point into the reader's own buffers: valid during the callback. */

#define EPG_LANGS_MAX 4

struct epg_xml_text {
	const char *lang; /* "" when absent */
	const char *text;
};

struct epg_xml_channel {
	const char *id;
	const char *name; /* first display-name, "" when none */
	const char *icon;
};

struct epg_xml_programme {
	const char *channel;
	int64_t start, stop;
	bool has_stop;
	bool bad_time; /* start missing or unparsable, or stop unparsable */
	size_t n_title, n_sub, n_desc;
	struct epg_xml_text title[EPG_LANGS_MAX], sub[EPG_LANGS_MAX], desc[EPG_LANGS_MAX];
	const char *categories; /* ", "-joined */
	const char *episode;    /* "S2 E5", the on-screen form, or "" */
	const char *icon;
	const char *rating;
};

struct epg_xml_sink {
	void *user;
	/* Return < 0 to stop the reader with that error. */
	int (*channel)(void *user, const struct epg_xml_channel *c);
	int (*programme)(void *user, const struct epg_xml_programme *p);
};

struct epg_xmltv;

/* zone is borrowed (times without an offset); sink is copied. Caller owns *out: epg_xmltv_free(). */
int epg_xmltv_create(const struct epg_zone *zone, const struct epg_xml_sink *sink, struct epg_xmltv **out);
/* Feeds bytes as they arrive (gzip or plain, decided by the first two bytes). Returns 0 or an error;
 * after an error every later call returns the same error. */
int epg_xmltv_feed(struct epg_xmltv *x, const void *data, size_t len);
/* End of input: a truncated gzip stream or unfinished XML is an error. */
int epg_xmltv_finish(struct epg_xmltv *x);
void epg_xmltv_free(struct epg_xmltv **x);
/* Details of the last error ("line 3: not well-formed"), "" when none. */
const char *epg_xmltv_error_detail(const struct epg_xmltv *x);
bool epg_xmltv_is_gzip(const struct epg_xmltv *x);
uint64_t epg_xmltv_bytes_xml(const struct epg_xmltv *x);
/* U+FFFD written in place of ill-formed UTF-8 or characters XML forbids (NUL...) so far. */
uint64_t epg_xmltv_repaired(const struct epg_xmltv *x);
/* Caps the XML (after inflating) at max_bytes: past it the reader stops with EPG_E_LARGE. 0 = none. */
void epg_xmltv_set_max_xml(struct epg_xmltv *x, uint64_t max_bytes);

/* ---------------------------------------------------------------------------------------------- */
/* Schema helpers (epg_schema.c). */

/* A programme's rowid is its identity: channel row id in the high bits, start (UNIX seconds, > 0)
 * in the low 40. The table is then one b-tree ordered by (channel, start): a duplicate is a rowid
 * conflict, and every guide query is a rowid range, with no secondary index to maintain. */
#define EPG_ID_SHIFT 40
#define EPG_START_MAX ((int64_t)1 << EPG_ID_SHIFT)

static inline int64_t epg_prog_id(int64_t channel, int64_t start)
{
	return (channel << EPG_ID_SHIFT) | start;
}

/* Runs one SQL statement with an int64 and optional text binding (?1, ?2) and no result rows. */
int epg_sql_run(sqlite3 *db, const char *sql);
int epg_meta_get_int(sqlite3 *db, const char *key, int64_t *out);
int epg_meta_get_text(sqlite3 *db, const char *key, char *out, size_t cap);
int epg_meta_set_int(sqlite3 *db, const char *key, int64_t value);
int epg_meta_set_text(sqlite3 *db, const char *key, const char *value);

/* The staging database: a file of its own, "<main file>-epg-stage" (a private temporary one when the
 * main database has no file), attached to the import's connection as schema "epg_stage". Writing
 * it takes only its own lock: readers and writers of the main database never wait for an import
 * in progress, only for the swap. path (cap bytes) gets the file name. Not inside a transaction. */
int epg_stage_attach(sqlite3 *db, char *path, size_t cap);
/* Detaches it; remove also deletes the file (nothing in it is worth resuming). */
void epg_stage_detach(sqlite3 *db, const char *path, bool remove);
/* The resume bookkeeping of the staging database (its table stage_meta). */
int epg_stage_meta_get_int(sqlite3 *db, const char *key, int64_t *out);
int epg_stage_meta_get_text(sqlite3 *db, const char *key, char *out, size_t cap);
int epg_stage_meta_set_int(sqlite3 *db, const char *key, int64_t value);
int epg_stage_meta_set_text(sqlite3 *db, const char *key, const char *value);
/* (Re)creates the empty staging tables epg_stage.epg_channel_new / epg_programme_new. */
int epg_staging_create(sqlite3 *db);
/* Builds the search index of the staged programmes inside the staging database (no main lock). */
int epg_staging_index(sqlite3 *db);
/* Puts the staged guide in force in one transaction on the main database: short-EPG channels
 * carried over, the rows and the index pages copied in. */
int epg_staging_swap(sqlite3 *db, int64_t now);

/* Both shift settings for a guide channel row (global + that channel's). */
int epg_shift_total(sqlite3 *db, int64_t channel_id, int *seconds);

/* Finds or creates the guide channel row for key (normalised), as a short-EPG channel. */
int epg_channel_ensure(sqlite3 *db, const char *key, const char *name, int64_t *id);

#endif
