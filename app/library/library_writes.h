/* SPDX-License-Identifier: MIT */
/* The viewer's writes to the library's tables (favourites, history, resume points, watched marks, the
 * parental PIN and the locked categories) as
 * statements for the store writer (store_writer.h): the library owns the tables, so their SQL lives
 * here, while the UI thread's controller (ctl_viewer) queues them and never waits on SQLite.
 *
 * Each function fills *out with one statement whose parameters point into params (caller storage of
 * LIBRARY_STMT_MAX_PARAMS entries) and into id: both must stay valid until the statement is queued
 * (store_writer_exec* copies them). Pure functions: no database, any thread. Return 0 or -EINVAL (an
 * unknown kind, an empty or over-long id, a negative position). */
#ifndef LIBRARY_WRITES_H
#define LIBRARY_WRITES_H

#include "library.h"
#include "store_writer.h"

#include <stdbool.h>
#include <stdint.h>

enum { LIBRARY_STMT_MAX_PARAMS = 5, LIBRARY_ID_MAX = 64 /* ids are shorter than this */ };

/* Adds (on) or removes a favourite; now is the unix time it was added (the favourites' order). */
int library_stmt_favourite(enum library_kind kind, const char *id, bool on, int64_t now,
			   struct store_stmt *out, struct store_param params[LIBRARY_STMT_MAX_PARAMS]);

/* Records that the item was watched at unix time when (the latest time wins). */
int library_stmt_history(enum library_kind kind, const char *id, int64_t when, struct store_stmt *out,
			 struct store_param params[LIBRARY_STMT_MAX_PARAMS]);

/* True when a resume point at position_ms of duration_ms means "finished" (0, or within the last 5%):
 * library_stmt_resume() then clears the point, and a controller's copy should forget it too. */
bool library_resume_finished(int64_t position_ms, int64_t duration_ms);

/* Stores where playback stopped (now: unix time of the update), or clears the point when finished. */
int library_stmt_resume(enum library_kind kind, const char *id, int64_t position_ms, int64_t duration_ms,
			int64_t now, struct store_stmt *out,
			struct store_param params[LIBRARY_STMT_MAX_PARAMS]);

/* Marks the item watched to the end: its resume point is cleared (continue watching drops it). */
int library_stmt_watched(enum library_kind kind, const char *id, struct store_stmt *out,
			 struct store_param params[LIBRARY_STMT_MAX_PARAMS]);

/* Stores new_pin (4 to 16 characters) with a fresh salt: the salted, iterated hash is computed here
 * (slow on purpose: about as long as one library_pin_check) into stored, caller storage of
 * LIBRARY_PIN_STORED_MAX bytes that the statement binds, so it stays valid until queued. The caller
 * may keep stored as the PIN in force (library_pin_verify). No old-PIN check: the caller's business.
 * -EINVAL (length), -EIO (no randomness). */
int library_stmt_pin_set(const char *new_pin, char stored[LIBRARY_PIN_STORED_MAX], struct store_stmt *out,
			 struct store_param params[LIBRARY_STMT_MAX_PARAMS]);

/* The viewer's choice for a category (kept across syncs): locked or not, whatever its name says. No
 * PIN check: the caller's business. -EINVAL for a kind without categories or a negative id. */
int library_stmt_category_locked(enum library_kind kind, int64_t category, bool locked,
				 struct store_stmt *out, struct store_param params[LIBRARY_STMT_MAX_PARAMS]);

#endif
