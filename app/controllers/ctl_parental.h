/* SPDX-License-Identifier: MIT */
/* The parental lock, in ONE place: which categories are locked, whether the viewer typed the PIN in
 * this session, and the single question every path asks before it plays or shows an item (the
 * channel list, a number, CH+/CH-, search, the guide, favourites, continue watching, catch-up, home
 * rows, the movie and series browser). The PIN itself is hashed and checked by the library (salted,
 * iterated hash); this controller keeps the stored hash in memory once it knows one, and queues the
 * viewer's changes (a new PIN, a category locked or unlocked) on the store writer, so they count at
 * once, never wait on SQLite and are not lost to a sync holding the database.
 *
 * Threads: UI thread only. */
#ifndef CTL_PARENTAL_H
#define CTL_PARENTAL_H

#include "library.h"
#include "store_writer.h"

#include <stdbool.h>
#include <stdint.h>

struct ctl_parental;

/* lib (the UI thread's read connection) is borrowed. enabled: operator.json's features.parental_lock
 * (false: nothing is ever locked). On success *out is owned by the caller. */
int ctl_parental_create(struct library *lib, bool enabled, struct ctl_parental **out);
void ctl_parental_free(struct ctl_parental **p);

/* True once the right PIN was typed in this session (until ctl_parental_lock or the app closes);
 * always true when the lock is switched off (nothing is hidden then). */
bool ctl_parental_unlocked(const struct ctl_parental *p);
/* True when a PIN exists (else locked items cannot be opened until one is set in Settings); true at
 * once after ctl_parental_pin_change, before the writer committed it. */
bool ctl_parental_pin_set(struct ctl_parental *p);
/* Whether pin is the PIN in force (the one just changed to, even before it is committed): 0, -EACCES
 * (wrong) or -ENOENT (none set). Does not unlock. */
int ctl_parental_pin_check(struct ctl_parental *p, const char *pin);
/* 0 (unlocked for the session), -EACCES (wrong PIN) or -ENOENT (no PIN set). */
int ctl_parental_unlock(struct ctl_parental *p, const char *pin);
/* Sets a new PIN (4 to 16 characters); when one is set, old_pin must be it. The new hash is in force
 * at once and queued on w (borrowed; the UI thread's store writer) under one key, so a second change
 * replaces a first still queued. Returns 0, -EACCES (old_pin wrong), -EINVAL (length), -EIO, or the
 * writer's refusal (store_writer_exec_many), in which case the PIN in force does not change. The
 * lock's session state (unlocked or not) is kept. */
int ctl_parental_pin_change(struct ctl_parental *p, struct store_writer *w, const char *old_pin,
			    const char *new_pin);
/* The viewer's choice for a category (LIBRARY_LIVE, LIBRARY_VOD or LIBRARY_SERIES): locking needs the
 * PIN when one is set, unlocking always needs it (-ENOENT with none set, -EACCES when wrong). Queued
 * on w. A lock is in force at once (ctl_parental_category_hidden, and ctl_parental_check of the items
 * whose category it is); an unlock counts once the writer committed it (milliseconds), since only
 * the library knows whether an item also sits in another locked category: the lock errs on the side
 * of hiding. Returns
 * 0, those errors, -EINVAL, -ENOMEM or the writer's refusal (then nothing changes). */
int ctl_parental_category_set_locked(struct ctl_parental *p, struct store_writer *w, enum library_kind kind,
				     int64_t category, bool locked, const char *pin);
/* Locks again at once (the viewer's "lock again"; a restart does the same). */
void ctl_parental_lock(struct ctl_parental *p);

/* The one check: 0 when the item may be played or shown now, -EACCES when it is in a locked
 * category and the session is not unlocked (ask for the PIN, then ctl_parental_unlock and retry).
 * Unknown items are allowed (nothing to protect). kind: LIBRARY_LIVE, LIBRARY_VOD, LIBRARY_SERIES;
 * an episode is checked through its series. */
int ctl_parental_check(struct ctl_parental *p, enum library_kind kind, int64_t id);
/* Whether a category is hidden now (locked and not unlocked). */
bool ctl_parental_category_hidden(struct ctl_parental *p, enum library_kind kind, int64_t category);

/* Called after a catalogue sync or a change of locked categories. The lock keeps no copy of the
 * library's choices (every check reads them) beyond those made through this controller in this
 * session, which stay in force whatever the reload (they are queued, maybe not yet committed). */
void ctl_parental_reload(struct ctl_parental *p);
/* A number that changes whenever what the lock hides may have changed (unlock, lock, reload): a
 * screen that filtered its rows keeps the value it filtered with and filters again when it moved. */
unsigned ctl_parental_generation(const struct ctl_parental *p);

#endif
