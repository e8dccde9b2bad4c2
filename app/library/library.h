/* SPDX-License-Identifier: MIT */
/* The catalogue cache: categories, channels, movies and series synced from the panel into SQLite
 * (tables owned by "library" in the store), so the UI reads whatever is cached at once and a sync
 * runs in the background. Each list is downloaded and decoded in memory first (capped), then
 * replaced in ONE short transaction: no write lock is held while bytes arrive, so a viewer's write on
 * another connection never waits for a slow panel, and a sync killed or cancelled half-way (kill -9,
 * power cut, a fired token) leaves the previous catalogue as it was. Favourites, history and resume points are
 * keyed by (kind, id) and never touched by a sync, so they survive re-syncs. Search is FTS5 over
 * names folded for diacritics (Latin accents, Arabic harakat, alef forms). Parental lock: categories
 * with adult-looking names are locked by default; the viewer's choices and a PIN (salted, iterated
 * SHA-256) are kept. An M3U/M3U8 playlist can stand in for the panel as the source of channels.
 *
 * Threads: a struct library uses one store connection and belongs to the thread that owns it; run
 * a sync on a worker with its own store_open() of the same file. Errors are negative errno values.
 * Strings in structs handed to callbacks are borrowed for the duration of the callback. */
#ifndef LIBRARY_H
#define LIBRARY_H

#include "store.h"
#include "xtream.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum library_kind { LIBRARY_LIVE = 0, LIBRARY_VOD = 1, LIBRARY_SERIES = 2, LIBRARY_EPISODE = 3 };

#define LIBRARY_KIND_BIT(k) (1u << (k))
#define LIBRARY_ALL_LISTS \
	(LIBRARY_KIND_BIT(LIBRARY_LIVE) | LIBRARY_KIND_BIT(LIBRARY_VOD) | LIBRARY_KIND_BIT(LIBRARY_SERIES))

struct library;
struct plat_cancel;

/* Migrates the library's tables in s (borrowed: must outlive the library). *out owned by the
 * caller: library_close(). Returns 0 or a store error. */
int library_open(struct store *s, struct library **out);
void library_close(struct library **l);

/* What a sync did with one list. */
enum library_list_outcome {
	LIBRARY_LIST_UNTOUCHED = 0, /* not asked for */
	LIBRARY_LIST_REPLACED,      /* the new list is in, categories and items together */
	LIBRARY_LIST_KEPT,          /* the previous list stays as it was; reason says why */
};

/* A complete answer that is not believable (library_sync_ex's plausibility rule): mostly
 * unreadable, no readable item without a well-formed empty answer, or far smaller than the last
 * good sync. */
#define LIBRARY_EREFUSED (-ERANGE)

struct library_list_report {
	enum library_list_outcome outcome;
	int err; /* 0, or why this list was kept as it was (LIBRARY_EREFUSED, -ENOSPC, a transfer error) */
	/* when kept: one English sentence for the viewer or the CLI, e.g. "only 3 of 320 channels could
	 * be read" or "the disk is full: 0 bytes free in /var/lib/qanat"; "" when replaced */
	char reason[256];
	size_t categories, items;                   /* stored after the sync (the previous ones when kept) */
	size_t skipped;                             /* entries of the answer that were not a usable item */
	size_t previous_categories, previous_items; /* stored before the sync */
	uint64_t bytes;
	double seconds;
	double write_seconds; /* the one transaction that replaced the list (0 when not written) */
};

struct library_sync_report {
	struct library_list_report lists[3]; /* by enum library_kind (live, vod, series) */
	double seconds;
};

/* Options of library_sync_ex() and library_import_m3u_ex(); a zeroed struct (or NULL) is the
 * behaviour of library_sync() and library_import_m3u(). */
struct library_sync_opts {
	/* Fired from any thread: the download in progress stops at once, the call returns -ECANCELED
	 * and the list being fetched is not written (lists written before stay). Borrowed; NULL: none.
	 * It is set on the client (xt_client_set_cancel) for the call and the previous one put back. */
	struct plat_cancel *cancel;
	size_t max_list_bytes; /* memory for one downloaded list before it is written; 0: 64 MiB */
	size_t max_list_items; /* items of one list; 0: 500000. Over either cap: -EFBIG, not written */
	/* Take a list even when it is below 10% of the last good one (the plausibility rule's shrink
	 * check): the viewer or the operator said the line-up really shrank. */
	bool accept_smaller;
};

/* Syncs the lists in kinds (LIBRARY_KIND_BIT mask): for each, the categories and the streams are
 * downloaded into memory with no transaction open, checked, then written together in one short
 * transaction, duplicates merged (an item keeps its first position and collects every category it
 * is listed in). A list replaces the stored one only when it passes the plausibility rule:
 *  1. both answers arrived whole and are JSON lists (any transfer, HTTP or JSON error: kept);
 *  2. at most half of the entries of each were rejected (not an object, no usable id);
 *  3. it has readable items, or the panel answered a well-formed empty list ([]): entries that all
 *     fail never empty a list, and neither does an answer that is not a list;
 *  4. when at least 20 are stored, the new list has at least 10% of them (distinct ids; categories
 *     the same), unless o->accept_smaller;
 *  5. at most half of the items that name a category name one the new category list has.
 * A list that fails is not written at all: it keeps its previous categories and items, and its
 * report says why (outcome KEPT, err, reason). Stops at -ECANCELED and other errors every list
 * would meet (the lists not tried are KEPT too); otherwise tries every list. Returns 0 when every
 * list asked for was replaced, else the first error. */
int library_sync_ex(struct library *l, struct xt_client *c, unsigned kinds, const struct library_sync_opts *o,
		    struct library_sync_report *r);
/* library_sync_ex() with no options. */
int library_sync(struct library *l, struct xt_client *c, unsigned kinds, struct library_sync_report *r);

struct library_category {
	int64_t id;
	const char *name;
	int64_t parent_id;
	bool locked;
	size_t items;
};

struct library_item {
	enum library_kind kind;
	int64_t id;
	const char *name;
	const char *icon;
	int64_t category_id;
	int64_t added;
	double rating;
	int year;
	const char *epg_channel_id; /* live */
	bool archive;               /* live: catch-up available */
	int archive_days;
	const char *extension; /* vod: container extension */
	const char *url;       /* live from an M3U source: the stream URL (else NULL) */
	bool locked;           /* in a locked category */
};

typedef int (*library_category_cb)(void *ud, const struct library_category *c);
typedef int (*library_item_cb)(void *ud, const struct library_item *it);

/* Categories of a kind in panel order. Returns the number delivered. */
int library_categories(struct library *l, enum library_kind kind, library_category_cb cb, void *ud);

/* Items of a kind (category < 0: all) in panel order, a window [offset, offset+limit) of them
 * (limit 0: all). Returns the number delivered. */
int library_items(struct library *l, enum library_kind kind, int64_t category, size_t offset, size_t limit,
		  library_item_cb cb, void *ud);

/* Number of items of a kind (category < 0: all). */
int library_count(struct library *l, enum library_kind kind, int64_t category, size_t *out);

/* One item by id: 0 and the callback, or -ENOENT. */
int library_item(struct library *l, enum library_kind kind, int64_t id, library_item_cb cb, void *ud);

/* Full-text search of names, prefix match on every word, diacritic-insensitive (also Arabic), best
 * matches first. kinds: LIBRARY_KIND_BIT mask. Items in locked categories only with include_locked.
 * Returns the number delivered (at most limit; 0 means 50). */
int library_search(struct library *l, const char *query, unsigned kinds, bool include_locked, size_t limit,
		   library_item_cb cb, void *ud);

/* The folded form used by the search (lower-case ASCII, Arabic harakat and tatweel removed, alef
 * forms unified); Latin accents are left to FTS5's remove_diacritics. Returns the length or -ENOSPC. */
int library_text_fold(const char *in, char *out, size_t cap);

/* Favourites, history and resume points, by (kind, id) where id is the panel's id as text (episode
 * ids are strings on panels). */
int library_favourite_set(struct library *l, enum library_kind kind, const char *id, bool on);
/* 1 when a favourite, 0 when not, or a negative error */
int library_favourite_is(struct library *l, enum library_kind kind, const char *id);
/* Favourites of a kind still in the catalogue, most recent first. */
int library_favourites(struct library *l, enum library_kind kind, library_item_cb cb, void *ud);

int library_history_add(struct library *l, enum library_kind kind, const char *id, int64_t when);
/* History ids of a kind, most recent first, each passed to cb with the time it was watched. */
int library_history(struct library *l, enum library_kind kind, size_t limit,
		    int (*cb)(void *ud, const char *id, int64_t when), void *ud);

/* Stores where playback stopped; a position within the last 5% (or 0) clears the point. */
int library_resume_set(struct library *l, enum library_kind kind, const char *id, int64_t position_ms,
		       int64_t duration_ms);
/* 0 and the position, or -ENOENT */
int library_resume_get(struct library *l, enum library_kind kind, const char *id, int64_t *position_ms,
		       int64_t *duration_ms);

/* Parental lock. True when a name looks adult (xxx, adult, porn, 18+, للكبار...). */
bool library_name_is_adult(const char *name);
enum {
	LIBRARY_PIN_MIN = 4,
	LIBRARY_PIN_MAX = 16,
	LIBRARY_PIN_STORED_MAX = 128 /* "pbkdf2-sha256:N:salt:hash" as stored, with its NUL */
};
/* Sets the PIN (4-16 characters). When one is set, old_pin must match (-EACCES). Writes on l's own
 * connection: for tests and the qanat sub-commands; the app queues library_stmt_pin_set() instead. */
int library_pin_set(struct library *l, const char *old_pin, const char *new_pin);
/* 0 when pin is right, -EACCES when wrong, -ENOENT when no PIN is set. A right PIN stored in an older
 * format (library_pin_outdated) is stored again in the current one on l's connection. */
int library_pin_check(struct library *l, const char *pin);
/* The stored PIN (PBKDF2-HMAC-SHA256 with its salt and iterations; at most LIBRARY_PIN_STORED_MAX
 * bytes with the NUL) into out: 0, or -ENOENT when none is set. A controller keeps it and checks
 * with library_pin_verify(). */
int library_pin_stored(struct library *l, char *out, size_t cap);
/* 0 when pin matches stored (as library_pin_stored() or library_stmt_pin_set() gave it), else
 * -EACCES (a malformed stored value included). Pure: no database, any thread. */
int library_pin_verify(const char *stored, const char *pin);
/* True when stored is a valid value in an older format (the first "salt:hash" one, or fewer PBKDF2
 * iterations than now): after library_pin_verify() accepted a PIN against it, store that PIN again
 * (library_pin_set / library_stmt_pin_set) so the upgrade happens at the viewer's next right entry.
 * Pure: no database, any thread. */
bool library_pin_outdated(const char *stored);
/* 1 when the category is locked, 0 when not, or a negative error. */
int library_category_locked(struct library *l, enum library_kind kind, int64_t id);
/* Locks or unlocks a category; needs the PIN when one is set (-EACCES), and unlocking always needs a
 * PIN to have been set first (-ENOENT otherwise). The choice survives re-syncs. */
int library_category_set_locked(struct library *l, enum library_kind kind, int64_t id, bool locked,
				const char *pin);

/* An M3U/M3U8 playlist (#EXTM3U, m3u_plus attributes) as the source of channels. */
struct library_m3u_entry {
	const char *name; /* after the comma of #EXTINF, else tvg-name */
	const char *url;
	const char *tvg_id, *tvg_name, *tvg_logo, *group;
	const char *catchup, *catchup_source; /* catchup="xc|default|append|shift|flussonic", NULL */
	int catchup_days;                     /* catchup-days, else timeshift (days), else 0 */
	double tvg_shift;                     /* hours */
	double duration;                      /* from #EXTINF:-1 */
};
typedef int (*library_m3u_cb)(void *ud, const struct library_m3u_entry *e);

struct library_m3u;
/* An incremental parser: feed the playlist in chunks (lines up to 16 KiB; longer ones are skipped),
 * one callback per entry. *out owned by the caller: library_m3u_destroy(). */
int library_m3u_create(library_m3u_cb cb, void *ud, struct library_m3u **out);
/* Returns 0 or a callback's negative value. */
int library_m3u_feed(struct library_m3u *p, const char *data, size_t len);
/* Returns the number of entries, or -EBADMSG when the data was not a playlist (no #EXTM3U/#EXTINF). */
int library_m3u_finish(struct library_m3u *p);
void library_m3u_destroy(struct library_m3u **p);

/* Replaces the live catalogue with a playlist read from a local file or an http(s) URL: parsed into
 * memory first, then written in one short transaction (group-title becomes the category). The
 * report's live entry is filled. Options as for library_sync_ex() (o may be NULL). */
int library_import_m3u_ex(struct library *l, const char *path_or_url, const struct library_sync_opts *o,
			  struct library_sync_report *r);
int library_import_m3u(struct library *l, const char *path_or_url, struct library_sync_report *r);

#endif
